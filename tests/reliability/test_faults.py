"""Faults: messages delivered again and again, the worker dying mid-batch, S3 and DynamoDB failing. Every
record ends ISSUED or STAMP_FAILED, nothing is half applied, and a 500 names a request id that is logged.

Issue's SQS messages are held here (not sent) so each test delivers them itself, exactly when and as
often as it means to; the stack's own poller never sees them."""
import json
import logging
import subprocess
import sys
import threading

import pytest

from chalicelib import files, jobqueue
from chalicelib.services import jobs

from ..integration.conftest import assert_error
from ..integration.signoff import fresh_plan, generate, ready, signature_png
from .faults import LogCapture, aws_error, deliver, sqs_event

TRANSACT = "DynamoDB_20120810.TransactWriteItems"


@pytest.fixture
def held(monkeypatch) -> list[dict]:
    messages: list[dict] = []
    monkeypatch.setattr(jobqueue, "send", lambda bodies: messages.extend(bodies) or [])
    return messages


@pytest.fixture
def errors_logged():
    capture = LogCapture()
    logging.getLogger("skillcert").addHandler(capture)
    yield capture
    logging.getLogger("skillcert").removeHandler(capture)


def issue(api, ids) -> dict:
    r = api.post("/records/issue", as_="teo", json={"record_ids": ids, "method": "electronic"})
    assert r.status_code == 202, r.text
    return r.json()


def state(api, rid) -> tuple:
    d = api.get(f"/records/{rid}", as_="teo").json()
    return d["status"], d["certificate"]["pdf_version"], len(d["versions"]), len(d["events"]), d["reason"]


def pdf_objects(rid: str) -> int:
    listed = files._client().list_objects_v2(Bucket=files.config.bucket_name(), Prefix=f"certificates/{rid}/")
    return listed.get("KeyCount", 0)


def test_each_message_delivered_three_times_makes_one_pdf(api, held, figures):
    ids = ready(api, fresh_plan(api, per_site=2, sites=("ncut",)))
    issue(api, ids)
    assert deliver(sqs_event(held * 3)) == 0      # three in one batch
    for rid in ids:
        assert state(api, rid)[:3] == ("ISSUED", 1, 1)
    # and three more deliveries at the same moment, after it was done
    threads = [threading.Thread(target=jobs.handle, args=(sqs_event(held), None)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for rid in ids:
        status, version, versions, events, _ = state(api, rid)
        assert (status, version, versions) == ("ISSUED", 1, 1) and pdf_objects(rid) == 1
    figures["faults injected"] += 5 * len(held)       # deliveries beyond the first


def test_a_delivery_that_loses_the_race_removes_the_pdf_it_stored(api, held, monkeypatch, figures):
    """Two deliveries of one job at the same moment: both read GENERATING, both store a PDF, one commits.
    Played out in turn: the loser's own PDF must not stay behind in S3."""
    from chalicelib.services import certificate_making
    (rid,) = ready(api, fresh_plan(api, per_site=1, sites=("ncut",)))
    issue(api, [rid])
    jobs_of_message = held[0]["jobs"]
    as_read = certificate_making._pending(jobs_of_message)                # what the slower delivery read
    assert deliver(sqs_event(held)) == 0 and state(api, rid)[:3] == ("ISSUED", 1, 1)
    monkeypatch.setattr(certificate_making, "_pending", lambda jobs: [dict(r) for r in as_read])
    certificate_making.stamp(jobs_of_message, receive_count=1)
    assert state(api, rid)[:3] == ("ISSUED", 1, 1) and pdf_objects(rid) == 1
    figures["faults injected"] += 1


def test_a_worker_dying_mid_batch_leaves_nothing_behind(api, held, monkeypatch, figures):
    ids = ready(api, fresh_plan(api, per_site=3, sites=("ncut",)))
    issue(api, ids)
    real_put, puts = files.put, []

    def put_then_die(key, *args, **kwargs):
        if puts:
            raise RuntimeError("the worker died")      # the second certificate of the batch
        puts.append(key)
        return real_put(key, *args, **kwargs)

    monkeypatch.setattr(files, "put", put_then_die)
    assert deliver(sqs_event(held)) == len(held)       # the message goes back to the queue
    assert {state(api, rid)[:3] for rid in ids} == {("GENERATING", 0, 0)}     # nothing half done
    monkeypatch.setattr(files, "put", real_put)
    assert deliver(sqs_event(held, receive_count=2)) == 0
    assert {state(api, rid)[:3] for rid in ids} == {("ISSUED", 1, 1)}
    figures["faults injected"] += 1


WORKER = """
import json, os, sys
from chalicelib import files
from chalicelib.services import jobs
real = files.put
def put_then_exit(*args, **kwargs):
    real(*args, **kwargs)
    os._exit(137)          # killed after storing the first PDF, before anything is marked
files.put = put_then_exit
jobs.handle(json.load(sys.stdin), None)
"""


def test_a_worker_process_killed_mid_batch_is_redelivered(api, held, figures):
    ids = ready(api, fresh_plan(api, per_site=2, sites=("ncut",)))
    issue(api, ids)
    # The child inherits the stack's AWS endpoint settings from this process's environment.
    died = subprocess.run([sys.executable, "-c", WORKER], input=json.dumps(sqs_event(held)), text=True,
                          timeout=120, capture_output=True)
    assert died.returncode == 137, died.stderr[-2000:]
    assert {state(api, rid)[0] for rid in ids} == {"GENERATING"}
    assert deliver(sqs_event(held, receive_count=2)) == 0
    assert {state(api, rid)[:3] for rid in ids} == {("ISSUED", 1, 1)}
    figures["faults injected"] += 1


def test_s3_failing_is_retried_then_reported_and_never_half_applied(api, held, errors_logged, figures):
    ids = ready(api, fresh_plan(api, per_site=2, sites=("ncut",)))
    issue(api, ids)
    with aws_error("s3:PutObject", "InternalError", times=10_000, status=500) as failed:
        for attempt in (1, 2):
            assert deliver(sqs_event(held, attempt)) == len(held)
            assert {state(api, rid)[:3] for rid in ids} == {("GENERATING", 0, 0)}
        assert deliver(sqs_event(held, 3)) == 0                   # the last delivery gives up cleanly
        after = [state(api, rid) for rid in ids]
        assert {s[:3] for s in after} == {("STAMP_FAILED", 0, 0)} and all("重试" in s[4] for s in after)
        # A signature that cannot be stored: a 500 naming a logged request id, and the session stays open.
        more = generate(api, fresh_plan(api, per_site=1, sites=("bjtu",)))
        opened = api.post("/signing-sessions", as_="teo", json={"action": "sign", "record_ids": more}).json()
        r = api.post(f"/signing-sessions/{opened['id']}/complete", as_="teo_signer",
                     json={"decision": "confirm", "signature_png_base64": signature_png()})
    err = assert_error(r, 500, "internal_error")
    request_id = err["message"].split("请求编号：")[1].rstrip("）")
    assert request_id and request_id in errors_logged.request_ids()
    assert api.get(f"/signing-sessions/{opened['id']}", as_="teo").json()["status"] == "open"
    assert state(api, more[0])[0] == "TEO_PENDING"
    r = api.post(f"/signing-sessions/{opened['id']}/complete", as_="teo_signer",
                 json={"decision": "confirm", "signature_png_base64": signature_png()})
    assert r.status_code == 200 and r.json()["applied"] == more
    figures["faults injected"] += len(failed)


def test_dynamodb_throttling_is_retried_or_answered_busy(api, held, figures):
    ids = ready(api, fresh_plan(api, per_site=2, sites=("ncut",)))
    pending = generate(api, fresh_plan(api, per_site=1, sites=("bjtu",)))
    before = api.get("/records?status=READY", as_="teo").json()["counts"]
    code = "ProvisionedThroughputExceededException"
    with aws_error(TRANSACT, code, times=10_000) as failed:
        r = api.post("/records/issue", as_="teo", json={"record_ids": ids, "method": "paper"})
        gone = api.call("DELETE", f"/records/{pending[0]}", as_="teo")
    # Reported, never a 500: a batch names the records it could not move, a single change answers busy.
    assert r.status_code == 202 and r.json()["applied"] == [], r.text
    assert sorted(s["id"] for s in r.json()["skipped"]) == sorted(ids)
    assert all("系统繁忙" in s["reason"] for s in r.json()["skipped"])
    assert_error(gone, 503, "busy")
    assert state(api, pending[0])[0] == "TEO_PENDING"
    assert api.get("/records?status=READY", as_="teo").json()["counts"] == before and held == []
    assert {state(api, rid)[0] for rid in ids} == {"READY"}
    figures["faults injected"] += len(failed)
    with aws_error(TRANSACT, code, times=2) as failed:     # a short burst: botocore's retries absorb it
        assert sorted(issue(api, ids)["applied"]) == sorted(ids)
    assert len(failed) == 2 and {state(api, rid)[0] for rid in ids} == {"GENERATING"}
    figures["faults injected"] += len(failed)
    # Signing on the phone while the session's own write is throttled: busy, and the code still works.
    opened = api.post("/signing-sessions", as_="teo", json={"action": "sign", "record_ids": pending}).json()
    signed = {"decision": "confirm", "signature_png_base64": signature_png()}
    with aws_error("DynamoDB_20120810.UpdateItem", code, times=10_000) as failed:
        r = api.post(f"/signing-sessions/{opened['id']}/complete", as_="teo_signer", json=signed)
    assert_error(r, 503, "busy")
    assert api.get(f"/signing-sessions/{opened['id']}", as_="teo").json()["status"] == "open"
    r = api.post(f"/signing-sessions/{opened['id']}/complete", as_="teo_signer", json=signed)
    assert r.status_code == 200 and r.json()["applied"] == pending
    figures["faults injected"] += len(failed)


def _record_conditions_fail(body: dict) -> list[dict]:
    return [{"Code": "ConditionalCheckFailed"} if "Update" in item and item["Update"]["Key"]["sk"]["S"] == "REC"
            else {"Code": "None"} for item in body["TransactItems"]]


def test_a_failed_condition_is_reported_per_record_and_changes_nothing(api, held, figures):
    ids = ready(api, fresh_plan(api, per_site=2, sites=("ncut",)))
    before = [state(api, rid) for rid in ids]
    with aws_error(TRANSACT, "TransactionCanceledException", times=1, reasons=_record_conditions_fail) as failed:
        out = issue(api, ids)
    assert out["applied"] == [] and sorted(s["id"] for s in out["skipped"]) == sorted(ids)
    assert all("他人处理" in s["reason"] for s in out["skipped"]) and held == []
    assert [state(api, rid) for rid in ids] == before
    figures["faults injected"] += len(failed)


def test_in_the_workers_one_transaction_a_job_whose_condition_fails_fails_alone(api, held, figures):
    ids = ready(api, fresh_plan(api, per_site=2, sites=("ncut",)))
    issue(api, ids)
    (message,) = held
    first = message["jobs"][0]["id"]

    def first_record_fails(body: dict) -> list[dict]:
        return [{"Code": "ConditionalCheckFailed"} if "Update" in item
                and item["Update"]["Key"]["pk"]["S"] == f"REC#{first}" else {"Code": "None"}
                for item in body["TransactItems"]]

    with aws_error(TRANSACT, "TransactionCanceledException", times=1, reasons=first_record_fails) as failed:
        assert deliver(sqs_event(held)) == 0
    assert len(failed) == 1                     # the message's one transaction, then again without that job
    states = {rid: state(api, rid) for rid in ids}
    assert [s[0] for rid, s in states.items() if rid != first] == ["ISSUED"]
    assert states[first][0] == "STAMP_FAILED" and states[first][2] == 0      # no PDF version of its own
    assert pdf_objects(first) == 0
    figures["faults injected"] += 1



class Killed(BaseException):
    """The API process dying: nothing in the service catches it."""


def test_an_issue_killed_between_a_transaction_and_its_send_strands_one_chunk_which_is_sent_again(
        api, held, monkeypatch, figures):
    import datetime as dt

    from chalicelib.domain.access import Principal, Role
    from chalicelib.services import issuance
    ids = ready(api, fresh_plan(api, per_site=3, sites=("ncut",)))
    monkeypatch.setattr(issuance, "CHUNK_RECORDS", 1)        # three chunks of one record

    def send_then_die(bodies):
        if held:
            raise Killed        # the second chunk is committed (GENERATING), its jobs never leave
        held.extend(bodies)
        return []

    monkeypatch.setattr(jobqueue, "send", send_then_die)
    with pytest.raises(Killed):
        issuance.issue(Principal("teo", Role.TEO, org_id="zwl"), ids, None, "electronic")
    monkeypatch.setattr(jobqueue, "send", lambda bodies: held.extend(bodies) or [])
    first_sent = {j["id"] for m in held for j in m["jobs"]}
    by_status = {}
    for rid in ids:
        by_status.setdefault(state(api, rid)[0], set()).add(rid)
    stranded = by_status["GENERATING"] - first_sent
    assert len(first_sent) == 1 and len(stranded) == 1 and len(by_status["READY"]) == 1   # one chunk, not all
    assert issuance.resend_unsent() == 0                   # too young: its send may still be on its way
    monkeypatch.setattr(issuance, "UNSENT_AFTER", dt.timedelta(0))    # two minutes later, the sweep runs
    # The stranded chunk's jobs go out; so do the sent chunk's again (its outbox item was to be cleared
    # after the request): the worker skips what it has done.
    before = len(held)
    assert issuance.resend_unsent() == 2
    assert {j["id"] for m in held[before:] for j in m["jobs"]} == first_sent | stranded
    assert deliver(sqs_event(held)) == 0
    assert {rid: state(api, rid)[0] for rid in ids} == {
        **{rid: "ISSUED" for rid in first_sent | stranded}, **{rid: "READY" for rid in by_status["READY"]}}
    assert issuance.resend_unsent() == 0                   # sent once: the outbox is empty again
    figures["faults injected"] += 1
