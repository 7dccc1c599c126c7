"""The SQS workers' entry: each message is one job, by kind — ``stamp`` (certificates, on the stamping
queue) or ``zip`` (a batch download, on the downloads queue). Partial batch failures go back to SQS for
another delivery; a message that is not a job at all (poison) is logged once and dropped, since no
delivery can ever make it one."""
import json

from .. import lazy, ports
from ..logs import log
from . import certificate_making, downloads


class Malformed(ValueError):
    """The message body is not a job this worker knows."""


batch = lazy.module("aws_lambda_powertools.utilities.batch")     # the workers' only: not at the API's cold start


def handle(event: dict, context) -> dict:
    """The Lambda handler's body: ``{"batchItemFailures": [...]}`` for the messages to deliver again."""
    return batch.process_partial_response(event=event, record_handler=_job, context=context,
                                          processor=batch.BatchProcessor(event_type=batch.EventType.SQS))


def handle_dead_letters(event: dict, context) -> dict:
    return batch.process_partial_response(event=event, record_handler=_dead_letter, context=context,
                                          processor=batch.BatchProcessor(event_type=batch.EventType.SQS))


def parse_job(body: str) -> dict:
    """The job in a message body: ``{"kind": "stamp", "jobs": [{"id", "version"}, ...]}`` or
    ``{"kind": "zip", "job": id}``; anything else raises Malformed."""
    try:
        job = json.loads(body)
    except (TypeError, ValueError, RecursionError):
        raise Malformed("not JSON") from None
    if not isinstance(job, dict):
        raise Malformed("not an object")
    if job.get("kind") == "stamp":
        jobs = job.get("jobs")
        if not (isinstance(jobs, list) and 0 < len(jobs) <= ports.JOBS_PER_MESSAGE and all(
                isinstance(j, dict) and _text(j.get("id")) and isinstance(j.get("version"), int)
                and not isinstance(j.get("version"), bool) for j in jobs)):
            raise Malformed("stamp jobs are not a list of {id, version}")
        return job
    if job.get("kind") == "zip":
        if not _text(job.get("job")):
            raise Malformed("zip job without an id")
        return job
    raise Malformed("unknown kind")


def _text(value) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 64


def _parsed(record, queue: str) -> dict | None:
    try:
        return parse_job(record.body)
    except Malformed as exc:
        # Logged once and dropped: returning deletes the message, so it never loops through the queues.
        log.error("malformed message dropped", extra={"queue": queue, "reason": str(exc),
                                                      "message_id": record.message_id,
                                                      "body": str(record.body)[:200]})
        return None


def _job(record) -> None:
    job = _parsed(record, "jobs")
    if job is None:
        return
    attempt = int(record.attributes.approximate_receive_count or 1)
    if job["kind"] == "stamp":
        certificate_making.stamp(job["jobs"], attempt)
    else:
        downloads.build(job["job"])


def _dead_letter(record) -> None:
    job = _parsed(record, "dead letters")
    if job is None:
        return
    if job["kind"] == "stamp":
        certificate_making.give_up(job["jobs"])
    else:
        downloads.give_up(job["job"])
