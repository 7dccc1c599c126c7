"""The SQS workers' entry: each message is one job, by kind — ``stamp`` (certificates, on the stamping
queue) or ``zip`` (a batch download, on the downloads queue). Partial batch failures go back to SQS for
another delivery."""
import json

from aws_lambda_powertools import Logger

from .. import lazy
from . import downloads, stamping

log = Logger(service="skillcert")
batch = lazy.module("aws_lambda_powertools.utilities.batch")     # the workers' only: not at the API's cold start


def handle(event: dict, context) -> dict:
    """The Lambda handler's body: ``{"batchItemFailures": [...]}`` for the messages to deliver again."""
    return batch.process_partial_response(event=event, record_handler=_job, context=context,
                                          processor=batch.BatchProcessor(event_type=batch.EventType.SQS))


def handle_dead_letters(event: dict, context) -> dict:
    return batch.process_partial_response(event=event, record_handler=_dead_letter, context=context,
                                          processor=batch.BatchProcessor(event_type=batch.EventType.SQS))


def _job(record) -> None:
    body = json.loads(record.body)
    attempt = int(record.attributes.approximate_receive_count or 1)
    if body.get("kind") == "stamp":
        stamping.stamp(body["jobs"], attempt)
    elif body.get("kind") == "zip":
        downloads.build(body["job"])
    else:
        log.warning("unknown job kind; dropped", extra={"kind": body.get("kind")})


def _dead_letter(record) -> None:
    body = json.loads(record.body)
    if body.get("kind") == "stamp":
        stamping.give_up(body["jobs"])
    elif body.get("kind") == "zip":
        downloads.give_up(body["job"])
