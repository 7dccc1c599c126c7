"""The stamping jobs' outbox (the ``outbox`` port). ``records.apply_chunks`` writes a chunk's jobs in the
chunk's own transaction; they are cleared once on the queue, and a sweep re-sends what stayed."""
import json

from .models import Entity, Outbox

CLEAR_BATCH = 25      # one BatchWriteItem


def before(cutoff: str) -> list[tuple[str, list[dict]]]:
    """Outbox items written before ``cutoff`` (ISO time): (key, jobs) of chunks whose jobs never went out."""
    return [(item.sk, json.loads(item.jobs))
            for item in Outbox.query("OUTBOX", Entity.sk < cutoff, consistent_read=True)]


def clear(keys: list[str]) -> None:
    """The chunks' jobs are on SQS: their outbox items go."""
    with Outbox.batch_write() as batch:
        for key in keys:
            batch.delete(Outbox("OUTBOX", key))
