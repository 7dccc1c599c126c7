"""`make run DATA=<dir>`: records, files, signing keys, queues and logins survive a kill -9 (up to the last
snapshot) and a Ctrl-C (everything), and the demo is not loaded twice."""
import base64
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from devstack import aws, snapshot

from .conftest import Api
from .signoff import settled

ROOT = Path(__file__).resolve().parents[2]
PSL = {"exam_year": 2021, "plan_id": "psl", "certificate_id": "xxhyy"}


def _start(data: Path, port: int, moto_port: int, snapshot_seconds: int) -> tuple[subprocess.Popen, str]:
    # No token secret from outside: the stack's own must come back from DATA.
    env = {k: v for k, v in os.environ.items() if k not in ("SKILLCERT_TOKEN_SECRET", "SKILLCERT_PUBLIC_URL")}
    env["SKILLCERT_SNAPSHOT_SECONDS"] = str(snapshot_seconds)
    # Started as a shell starts a background job (SIGINT ignored, as CI may run it): Ctrl-C must stop it all
    # the same.
    proc = subprocess.Popen([sys.executable, "-m", "devstack", "--port", str(port), "--moto-port", str(moto_port),
                             "--data", str(data)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    printed = []
    for line in proc.stdout:
        printed.append(line)
        if line.startswith("Press Ctrl-C"):
            return proc, "".join(printed)
    raise AssertionError("the stack did not start:\n" + "".join(printed))


def _saved_after(data: Path, moment: float) -> None:
    deadline = time.time() + 120
    while not ((data / snapshot.FILE).is_file() and (data / snapshot.FILE).stat().st_mtime > moment + 0.5):
        assert time.time() < deadline, "no snapshot was written"
        time.sleep(0.5)


def _psl_ids(api: Api) -> set[str]:
    return {r["id"] for r in api.get("/records?plan_id=psl&page_size=100", as_="teo").json()["items"]}


def test_a_restart_with_data_loses_nothing(tmp_path):
    data, port, moto_port = tmp_path / "data", aws.free_port(), aws.free_port()
    api = Api(f"http://127.0.0.1:{port}/api")

    proc, banner = _start(data, port, moto_port, snapshot_seconds=2)
    try:
        assert "Demo data:    {" in banner and str(data) in banner
        settled(api)
        token = api.token("teo")
        issued = api.get("/records?status=ISSUED&page_size=10", as_="teo").json()["items"][0]["id"]
        link = api.get(f"/records/{issued}/certificate", as_="teo").json()
        pdf = requests.get(link["url"], timeout=10).content
        created = set(api.post("/records/generate", as_="teo", json=PSL).json()["created_ids"])
        assert created
        counts = settled(api)
        _saved_after(data, time.time())
    finally:
        proc.kill()                                     # kill -9: no chance to save
        proc.wait(timeout=30)

    proc, banner = _start(data, port, moto_port, snapshot_seconds=3600)   # the same ports, at once
    try:
        assert "Demo data:    already loaded" in banner
        assert api.get("/me", token=f"Bearer {token}").status_code == 200          # the token secret
        assert settled(api) == counts and _psl_ids(api) == created                 # records, not twice
        again = api.get(f"/records/{issued}/certificate", as_="teo").json()
        assert again["sha256"] == link["sha256"] and requests.get(again["url"], timeout=10).content == pdf
        verdict = api.post("/verify/pdf", json={"pdf_base64": base64.b64encode(pdf).decode()}).json()
        assert verdict["result"] == "genuine" and verdict["signature"]["trusted"]  # the keys
        # The queue: an issue made now is stamped by the restored stack.
        assert api.post("/records/issue", as_="teo", json={"filter": {"status": "READY"},
                                                            "method": "electronic"}).status_code == 202
        after_issue = settled(api)
        assert after_issue["ISSUED"] > counts["ISSUED"]
    finally:
        proc.send_signal(signal.SIGINT)                 # Ctrl-C: saves on the way out
        assert proc.wait(timeout=60) == 0

    proc, _ = _start(data, port, moto_port, snapshot_seconds=3600)
    try:
        assert settled(api) == after_issue
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
