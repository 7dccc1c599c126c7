"""The SQS workers' entry (jobs.handle, jobs.handle_dead_letters) on the demo world: each message is a
stamping or a ZIP job, a message that is not a job is logged once and dropped, a failure another delivery
may cure goes back to SQS, and the last delivery or the dead-letter queue ends what is still waiting."""
import json
import logging

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from chalicelib import ports
from chalicelib.services import downloads, jobs

from ._signoff_helpers import TEO, statuses

PER_MESSAGE = ports.JOBS_PER_MESSAGE
JOB = {"id": "r1", "version": 1}
POISON = [
    "not json", "", " ", "null", "[]", "42", '"stamp"', "{", "[" * 5000 + "]" * 5000,
    {"kind": "nope"}, {"kind": "stamp"}, {"kind": "stamp", "jobs": "r1"}, {"kind": "stamp", "jobs": []},
    {"kind": "stamp", "jobs": ["r1"]}, {"kind": "stamp", "jobs": [{"id": 1, "version": 1}]},
    {"kind": "stamp", "jobs": [{"id": "", "version": 1}]}, {"kind": "stamp", "jobs": [{"id": "r" * 65, "version": 1}]},
    {"kind": "stamp", "jobs": [{"id": "r1", "version": "1"}]},
    {"kind": "stamp", "jobs": [{"id": "r1", "version": True}]},
    {"kind": "stamp", "jobs": [{"id": "r1"}]}, {"kind": "stamp", "jobs": [JOB] * (PER_MESSAGE + 1)},
    {"kind": "zip"}, {"kind": "zip", "job": {"id": "x"}}, {"kind": "zip", "job": ""}, {"job": "x"},
]


def _body(message) -> str:
    return message if isinstance(message, str) else json.dumps(message)


def _event(*messages, receive_count: int = 1) -> dict:
    """An SQS event as Lambda hands it over: message ``m<i>`` carries the i-th body."""
    return {"Records": [{"messageId": f"m{i}", "receiptHandle": f"r{i}", "body": _body(m), "messageAttributes": {},
                         "attributes": {"ApproximateReceiveCount": str(receive_count)}, "eventSource": "aws:sqs",
                         "eventSourceARN": "arn:aws:sqs:cn-north-1:000000000000:jobs"}
                        for i, m in enumerate(messages)]}


def _failed(answer: dict) -> list[str]:
    return [f["itemIdentifier"] for f in answer["batchItemFailures"]]


def _dropped(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage() == "malformed message dropped"]


def _queued(world, size: int) -> dict:
    """One of the demo's stamping messages (16 electronic, 1 electronic, or 2 paper jobs)."""
    return next(m for m in world.fakes.queue.sent if len(m["jobs"]) == size)


# ---- what a message must be ------------------------------------------------------------------------------


@pytest.mark.parametrize("job", [{"kind": "stamp", "jobs": [JOB]}, {"kind": "stamp", "jobs": [JOB] * PER_MESSAGE},
                                 {"kind": "zip", "job": "j" * 64}])
def test_a_job_is_read_as_sent(job):
    assert jobs.parse_job(json.dumps(job)) == job


@pytest.mark.parametrize("body", [_body(p) for p in POISON], ids=range(len(POISON)))
def test_anything_else_is_malformed(body):
    with pytest.raises(jobs.Malformed):
        jobs.parse_job(body)


@pytest.mark.parametrize("handler, queue", [(jobs.handle, "jobs"), (jobs.handle_dead_letters, "dead letters")])
def test_poison_is_logged_once_and_dropped_never_delivered_again(world, caplog, handler, queue):
    real = _queued(world, 1)
    assert _failed(handler(_event(*POISON, real), None)) == []
    dropped = _dropped(caplog)
    assert [r.message_id for r in dropped] == [f"m{i}" for i in range(len(POISON))]
    assert {r.queue for r in dropped} == {queue} and all(len(r.body) <= 200 for r in dropped)
    done = real["jobs"][0]["id"]           # the real job among them was still done
    assert statuses([done]) == {done: "ISSUED" if handler is jobs.handle else "STAMP_FAILED"}


# ---- stamping --------------------------------------------------------------------------------------------


def test_stamping_messages_issue_their_records_once_however_often_delivered(world):
    messages = [_queued(world, 1), _queued(world, 2)]
    rids = [j["id"] for m in messages for j in m["jobs"]]
    event = _event(*messages)
    assert _failed(jobs.handle(event, None)) == []
    first = {r["id"]: r for r in ports.records.get_many(rids)}
    assert {r["status"] for r in first.values()} == {"ISSUED"}
    stale = {**messages[0], "jobs": [{**j, "version": j["version"] - 1} for j in messages[0]["jobs"]]}
    assert _failed(jobs.handle(event, None)) == [] and _failed(jobs.handle(_event(stale), None)) == []
    for rid in rids:                       # delivered again, and an older issue's job: nothing more
        now = ports.records.get(rid)
        assert (now["version"], now["cert_no"]) == (first[rid]["version"], first[rid]["cert_no"])
        assert len(ports.issued.versions(rid)) == 1
        assert [e["action"] for e in ports.records.events(rid)].count("stamped") == 1


def test_a_failure_another_delivery_may_cure_sends_only_that_message_back(world):
    stamping, stale = _queued(world, 1), {"kind": "stamp", "jobs": [{"id": "0" * 24, "version": 1}]}
    world.fakes.files.down = True                                 # the seal and stamp images are unreadable
    assert _failed(jobs.handle(_event(stale, stamping), None)) == ["m1"]
    rid = stamping["jobs"][0]["id"]
    assert statuses([rid]) == {rid: "GENERATING"}
    world.fakes.files.down = False                                # the next delivery finds S3 back
    assert _failed(jobs.handle(_event(stamping, receive_count=2), None)) == []
    assert statuses([rid]) == {rid: "ISSUED"}


def test_on_the_last_delivery_a_lasting_failure_ends_stamp_failed_with_why(world):
    stamping = _queued(world, 2)
    world.fakes.files.down = True
    assert _failed(jobs.handle(_event(stamping, receive_count=3), None)) == []
    for rid in (j["id"] for j in stamping["jobs"]):
        rec = ports.records.get(rid)
        assert rec["status"] == "STAMP_FAILED" and rec["reason"].startswith("多次重试仍失败")
        assert ports.records.events(rid)[-1]["actor"] == "system"


def test_when_every_message_of_a_batch_fails_the_whole_batch_goes_back(world):
    world.fakes.files.down = True
    with pytest.raises(BatchProcessingError):
        jobs.handle(_event(_queued(world, 1)), None)


def test_the_dead_letter_queue_ends_what_is_still_generating(world):
    left, done = _queued(world, 2), _queued(world, 1)
    jobs.handle(_event(done), None)
    assert _failed(jobs.handle_dead_letters(_event(left, done), None)) == []
    assert {r["reason"] for r in ports.records.get_many(j["id"] for j in left["jobs"])} == \
        {"多次重试仍未完成盖章，请重新发放"}
    assert statuses([done["jobs"][0]["id"]]) == {done["jobs"][0]["id"]: "ISSUED"}     # done already: kept


def test_a_dead_letter_the_busy_table_could_not_take_comes_back(world):
    left = _queued(world, 2)
    world.fakes.records.busy.add(left["jobs"][0]["id"])
    assert _failed(jobs.handle_dead_letters(_event("poison", left), None)) == ["m1"]
    assert set(statuses([j["id"] for j in left["jobs"]]).values()) == {"GENERATING"}


# ---- batch downloads -------------------------------------------------------------------------------------


def _zip_job(world) -> str:
    jobs.handle(_event(_queued(world, 1)), None)
    issued = _queued(world, 1)["jobs"][0]["id"]
    started = downloads.start(TEO, [issued], None)
    assert world.fakes.queue.downloads == [{"kind": "zip", "job": started["id"]}]
    return started["id"]


def test_a_zip_job_builds_the_download(world):
    job_id = _zip_job(world)
    assert _failed(jobs.handle(_event(*world.fakes.queue.downloads), None)) == []
    shown = downloads.view(TEO, job_id)
    assert (shown["status"], shown["done"], shown["total"]) == ("done", 1, 1)
    assert shown["url"].startswith("memory://")


def test_a_zip_job_in_the_dead_letter_queue_fails_unless_it_was_done(world):
    job_id = _zip_job(world)
    assert _failed(jobs.handle_dead_letters(_event(*world.fakes.queue.downloads), None)) == []
    shown = downloads.view(TEO, job_id)
    assert (shown["status"], shown["error"]) == ("failed", "打包多次失败，请重新发起下载")
