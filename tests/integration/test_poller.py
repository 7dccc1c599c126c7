"""The local SQS poller calls the handler Lambda would call and deletes only the messages that succeeded."""
import os
import sys
import time

import boto3
from chalice import Chalice

from devstack.poller import SqsPoller


def test_partial_batch_failure_keeps_only_the_failed_message(running):
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="poller-test", Attributes={"VisibilityTimeout": "0"})["QueueUrl"]
    app = Chalice(app_name="poller-test")
    seen = []

    @app.on_sqs_message(queue="poller-test", batch_size=10)
    def handle(event):
        failures = []
        for record in event:
            seen.append(record.body)
            if record.body == "bad":
                failures.append({"itemIdentifier": record.to_dict()["messageId"]})
        return {"batchItemFailures": failures}

    for body in ("one", "bad", "two"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    poller = SqsPoller(app, wait_seconds=1)
    source = poller.sources()[0]
    delivered = 0
    while delivered < 3:
        delivered += poller.poll_once(source, url)
    assert sorted(seen) == ["bad", "one", "two"]
    left = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    assert [m["Body"] for m in left] == ["bad"]


def test_a_raising_handler_deletes_nothing(running):
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="poller-test-raise", Attributes={"VisibilityTimeout": "0"})["QueueUrl"]
    app = Chalice(app_name="poller-test-raise")

    @app.on_sqs_message(queue="poller-test-raise", batch_size=10)
    def handle(event):
        raise RuntimeError("boom")

    sqs.send_message(QueueUrl=url, MessageBody="x")
    poller = SqsPoller(app, wait_seconds=1)
    assert poller.poll_once(poller.sources()[0], url) == 1
    left = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", [])
    assert [m["Body"] for m in left] == ["x"]


def test_workers_run_invocations_at_once_in_processes_that_import_the_app_once(running, tmp_path, monkeypatch):
    sqs = boto3.client("sqs")
    name = f"poller-workers-{os.getpid()}"
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "120"})["QueueUrl"]
    monkeypatch.setenv("POLLER_TEST_QUEUE", name)
    monkeypatch.setenv("POLLER_TEST_DIR", str(tmp_path))
    sys.modules.pop("tests.integration.poller_app", None)
    from tests.integration.poller_app import app
    for body in ("a", "b", "c", "d", "e", "f"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    poller = SqsPoller(app, wait_seconds=1, workers=2, import_path="tests.integration.poller_app:app")
    poller.start()
    try:
        deadline = time.time() + 120
        while len(list(tmp_path.iterdir())) < 6 or sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        )["Attributes"] != {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}:
            assert time.time() < deadline, sorted(p.name for p in tmp_path.iterdir())
            time.sleep(0.2)
    finally:
        poller.stop()
    runs = [p.name.split("-") for p in tmp_path.iterdir()]
    assert sorted(body for _, _, body in runs) == ["a", "b", "c", "d", "e", "f"]     # each once, all deleted
    pids = {pid for pid, _, _ in runs}
    assert len(pids) == 2 and str(os.getpid()) not in pids
    assert len({(pid, imported) for pid, imported, _ in runs}) == 2                  # one import per process
