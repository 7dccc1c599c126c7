"""Poison messages: bodies no delivery can ever turn into a job, on the real stamping queue and its
dead-letter queue, drained by the stack's own poller. Each is logged once and dropped; none loops."""
import json
import logging
import time

import boto3

from chalicelib import jobqueue, ports

from ..integration.signoff import fresh_plan, ready, wait_for
from .conftest import scale
from .faults import LogCapture

POISON = [
    "not json", "", "null", "[]", "42", '"stamp"', "{", json.dumps({"kind": "nope"}),
    json.dumps({"kind": "stamp"}), json.dumps({"kind": "stamp", "jobs": "r1"}),
    json.dumps({"kind": "stamp", "jobs": []}), json.dumps({"kind": "stamp", "jobs": [{"id": 1, "version": 1}]}),
    json.dumps({"kind": "stamp", "jobs": [{"id": "r1", "version": "1"}]}),
    json.dumps({"kind": "stamp", "jobs": [{"id": "r1", "version": 1}] * (ports.JOBS_PER_MESSAGE + 1)}),
    json.dumps({"kind": "zip"}), json.dumps({"kind": "zip", "job": {"id": "x"}}), "[" * 5000 + "]" * 5000,
]


def _depth(sqs, url: str) -> int:
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])


def test_a_poison_flood_is_drained_and_real_jobs_still_run(api, figures):
    sqs = boto3.client("sqs")
    urls = [sqs.get_queue_url(QueueName=name)["QueueUrl"]
            for name in (jobqueue.queue_name(), jobqueue.dead_letter_queue_name())]
    rounds = scale(3, 12)
    bodies = [body or " " for body in POISON] * rounds        # SQS refuses an empty body; a blank one it takes
    capture = LogCapture()
    logging.getLogger("skillcert").addHandler(capture)
    try:
        for url in urls:
            for start in range(0, len(bodies), 10):
                sqs.send_message_batch(QueueUrl=url, Entries=[
                    {"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies[start:start + 10])])
        deadline = time.time() + scale(60, 180)
        while any(_depth(sqs, url) for url in urls) and time.time() < deadline:
            time.sleep(0.5)
        left = {url.rsplit("/", 1)[-1]: _depth(sqs, url) for url in urls}
        dropped = [r for r in capture.records if r.getMessage() == "malformed message dropped"]
    finally:
        logging.getLogger("skillcert").removeHandler(capture)
    assert left == {jobqueue.queue_name(): 0, jobqueue.dead_letter_queue_name(): 0}
    assert len(dropped) == 2 * len(bodies)                    # each logged exactly once: never retried
    figures["poison messages drained"] += 2 * len(bodies)

    plan = fresh_plan(api, per_site=1, sites=("bjtu",))      # the worker still does real work after it
    (rid,) = ready(api, plan)
    r = api.post("/records/issue", as_="teo", json={"record_ids": [rid], "method": "electronic"})
    assert r.status_code == 202, r.text
    assert wait_for(api, [rid], {"ISSUED"}) == {rid: "ISSUED"}
