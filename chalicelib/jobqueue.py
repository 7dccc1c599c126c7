"""SQS: the stamping queue, and the batch downloads' own queue (so stamping never waits behind ZIPs). Jobs go
out with SendMessageBatch, ten messages per request."""
import functools
import json

import boto3

from . import config


def queue_name() -> str:
    # app.py reads this at import: the deployed function's SQS event source is bound to the name.
    return config.queue_name()


def dead_letter_queue_name() -> str:
    return config.queue_name() + "-dlq"


def downloads_queue_name() -> str:
    return config.downloads_queue_name()


def downloads_dead_letter_queue_name() -> str:
    return config.downloads_queue_name() + "-dlq"


@functools.lru_cache(maxsize=1)
def _client():
    return boto3.client("sqs", region_name=config.region())


@functools.lru_cache(maxsize=4)
def _url(name: str) -> str:
    return _client().get_queue_url(QueueName=name)["QueueUrl"]


def send(bodies: list[dict]) -> list[int]:
    """Send each body as one stamping message; returns the indexes of the bodies SQS did not accept."""
    return _send(queue_name(), bodies)


def send_download(body: dict) -> bool:
    """Queue one ZIP job on the downloads queue; False when SQS did not take it."""
    return not _send(downloads_queue_name(), [body])


def _send(name: str, bodies: list[dict]) -> list[int]:
    failed: list[int] = []
    for start in range(0, len(bodies), 10):
        batch = bodies[start:start + 10]
        entries = [{"Id": str(start + i), "MessageBody": json.dumps(body, ensure_ascii=False)}
                   for i, body in enumerate(batch)]
        try:
            result = _client().send_message_batch(QueueUrl=_url(name), Entries=entries)
        except Exception:
            failed += range(start, start + len(batch))
            continue
        failed += [int(f["Id"]) for f in result.get("Failed", [])]
    return failed
