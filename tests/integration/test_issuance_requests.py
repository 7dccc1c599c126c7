"""What issuing costs in AWS requests, counted by the embedded AWS as it receives them (issue 15.2:
per 1,000 electronic certificates ≤ 110 DynamoDB writes, ≤ 220 reads, ≤ 110 SQS requests).

Issuing makes one transaction per chunk of 48 records (its jobs go out in one SendMessageBatch); the
worker reads each message's 16 records in one request and their master data in another, and records
the outcome in one transaction; certificate numbers come a block of 100 per write. 16 records are one
chunk and one message, so a batch of 16 costs what each 16 of a batch of 1,000 cost, plus the fixed
requests of the batch (the outbox clean-up, a block of numbers)."""
import json
import math

from chalicelib import jobqueue
from chalicelib.domain.access import Principal, Role
from chalicelib.services import certificate_making, issuance
from devstack import aws
from tests.reliability.faults import deliver, sqs_event

from .signoff import fresh_plan, ready, statuses

READS = {"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"}
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


def test_issuing_16_electronic_certificates_stays_within_the_per_1000_request_budget(api, monkeypatch):
    ids = ready(api, fresh_plan(api, per_site=8, sites=("bjtu", "ncut")))
    assert len(ids) == 16
    messages: list[dict] = []
    sends = []
    monkeypatch.setattr(jobqueue, "send", lambda bodies: sends.append(len(bodies)) or messages.extend(bodies) or [])
    # The stack's scheduled sweeps run in the background and would be counted too: not during this batch.
    monkeypatch.setattr(issuance, "resend_unsent", lambda: None)
    monkeypatch.setattr(certificate_making, "sweep", lambda *a, **k: 0)
    before = aws.AWS_CALLS.copy()
    issuance.issue(Principal("teo", Role.TEO, org_id="zwl"), ids, None, "electronic")
    assert deliver(sqs_event(messages)) == 0
    calls = aws.AWS_CALLS - before
    assert set(statuses(api, ids).values()) == {"ISSUED"}
    reads = sum(n for op, n in calls.items() if op in READS)
    writes = sum(n for op, n in calls.items() if op in WRITES)
    sqs_sends = sum(math.ceil(n / 10) for n in sends)          # SendMessageBatch carries ten messages
    detail = json.dumps(dict(calls))
    # The 1,000-record budget scaled to one chunk and one message (1,000 = 21 chunks, 63 messages):
    # the batch's records (100 a request) and their master data (to refuse up front what cannot be
    # stamped: one read per issue request); the message's two reads
    assert reads <= 1 + 1 + 2, detail
    # the chunk; the outbox clean-up; the message; a block of numbers; a block of status-list bits (each
    # block serves 100 certificates, so per 1,000 the blocks cost 20 writes)
    assert writes <= 1 + 1 + 1 + 1 + 1, detail
    assert len(messages) == 1 and sqs_sends == 1
