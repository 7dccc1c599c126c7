"""Every log line says which request or invocation wrote it: the API's request id is the correlation id,
and a worker's lines carry its Lambda context."""
import io
import json
import logging
import re

import pytest
from chalice import Blueprint, Chalice
from chalice.test import Client

from chalicelib import logs
from chalicelib.api import endpoint


@pytest.fixture
def output(monkeypatch) -> io.StringIO:
    """What the logger writes (Powertools' JSON lines), as CloudWatch would receive it."""
    stream = io.StringIO()
    monkeypatch.setattr(logs.log.registered_handler, "stream", stream)
    return stream


def _lines(output: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in output.getvalue().splitlines()]


def _app(monkeypatch) -> Chalice:
    monkeypatch.setattr(endpoint, "ENDPOINTS", [])      # this probe route stays out of the published API
    bp = Blueprint(__name__)

    @endpoint.endpoint(bp, "/probe", summary="probe", tag="probe", public=True)
    def probe():
        logs.log.info("probe started")
        raise RuntimeError("unexpected")

    app = Chalice(app_name="probe")
    app.register_blueprint(bp)

    @app.on_sqs_message(queue="probe-queue")
    @logs.lambda_entry
    def work(event):
        logs.log.info("probe job done")

    return app


def test_the_lines_of_a_request_carry_the_id_its_error_message_names(monkeypatch, output):
    app = _app(monkeypatch)
    with Client(app) as client:
        answers = [client.http.get("/probe") for _ in range(2)]
    assert [a.status_code for a in answers] == [500, 500]
    ids = [re.search(r"请求编号：([^）]+)", json.loads(a.body)["error"]["message"]).group(1) for a in answers]
    assert ids[0] != ids[1]
    lines = [(line["message"], line["correlation_id"]) for line in _lines(output)]
    assert lines == [("probe started", ids[0]), ("unhandled error", ids[0]),
                     ("probe started", ids[1]), ("unhandled error", ids[1])]


def test_a_workers_line_carries_its_invocation(monkeypatch, output):
    app = _app(monkeypatch)
    with Client(app) as client:
        client.lambda_.invoke("work", client.events.generate_sqs_event(["{}"], queue_name="probe-queue"))
    [line] = [line for line in _lines(output) if line["message"] == "probe job done"]
    assert line["function_name"] == "work" and line["function_request_id"]


def test_the_app_keeps_its_info_lines_whatever_stdout_was_when_it_was_imported():
    """Chalice sets its app's logger (ours: "skillcert") to ERROR when the logger's handler writes elsewhere
    than the sys.stdout of the moment — a test runner's capture, say — and every info line was lost."""
    import os
    import subprocess
    import sys
    from pathlib import Path
    # The Logger is built on first use (chalicelib/logs.py): built here, its handler is on the real stdout.
    probe = ("import io, logging, sys; from chalicelib.logs import log; log.info('built'); sys.stdout = io.StringIO(); "
             "import app; sys.stdout = sys.__stdout__; print(logging.getLogger('skillcert').getEffectiveLevel())")
    env = {**os.environ, "SKILLCERT_TOKEN_SECRET": "logs-probe-" + "x" * 40}
    out = subprocess.run([sys.executable, "-c", probe], cwd=Path(__file__).resolve().parents[2], env=env,
                         capture_output=True, text=True, check=True).stdout
    assert int(out.splitlines()[-1]) == logging.INFO
