"""DynamoDB transactions that say which items' conditions failed.

pynamodb sends a transaction's items in the order condition checks, deletes, puts, updates; the
cancellation reasons come back in that order, so each item carries its owner (the id of the record it
belongs to, or None for an item the whole chunk shares) and a failed condition is reported by owner.
A ``TransactionConflict`` (another transaction on the same item at the same time) or
throttling is retried by ``settle`` (tenacity: jittered exponential backoff, then busy).
"""
import functools
from dataclasses import dataclass, field
from typing import Any, Callable

from pynamodb.connection import Connection
from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from .. import config, lazy
from ..domain.errors import Busy

tenacity = lazy.module("tenacity")     # loaded by the first batch write, not at cold start

MAX_ITEMS = 100
RETRIES = 6
_RETRYABLE = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}
# The whole request refused for throughput: botocore has retried it with backoff already.
_THROTTLED = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}


@functools.lru_cache(maxsize=1)
def connection() -> Connection:
    return Connection(region=config.region())


@dataclass
class Outcome:
    ok: bool
    failed: set = field(default_factory=set)   # owners whose item's condition failed
    retry: bool = False                        # a concurrent transaction or throttling: try again


class Tx:
    def __init__(self) -> None:
        self._deletes: list[tuple[Any, tuple]] = []
        self._puts: list[tuple[Any, tuple]] = []
        self._updates: list[tuple[Any, tuple]] = []

    def __len__(self) -> int:
        return len(self._deletes) + len(self._puts) + len(self._updates)

    def put(self, owner, model, condition=None) -> None:
        self._puts.append((owner, (model, condition)))

    def update(self, owner, model, actions, condition=None) -> None:
        self._updates.append((owner, (model, actions, condition)))

    def delete(self, owner, model, condition=None) -> None:
        self._deletes.append((owner, (model, condition)))

    def commit(self) -> Outcome:
        if not len(self):
            return Outcome(ok=True)
        assert len(self) <= MAX_ITEMS, "a DynamoDB transaction holds at most 100 items"
        try:
            with TransactWrite(connection=connection()) as tx:
                for _, (model, condition) in self._deletes:
                    tx.delete(model, condition=condition, add_version_condition=False)
                for _, (model, condition) in self._puts:
                    tx.save(model, condition=condition)
                for _, (model, actions, condition) in self._updates:
                    tx.update(model, actions=actions, condition=condition, add_version_condition=False)
        except TransactWriteError as exc:
            if exc.cause_response_code in _THROTTLED:
                raise Busy("系统繁忙，请稍后重试", code="busy") from exc    # reported as busy, not a 500
            reasons = exc.cancellation_reasons or []
            if not reasons:
                raise
            owners = [o for o, _ in self._deletes + self._puts + self._updates]
            failed = {o for o, r in zip(owners, reasons, strict=True)
                      if r is not None and r.code == "ConditionalCheckFailed"}
            retry = any(r is not None and r.code in _RETRYABLE for r in reasons)
            if (not failed and not retry) or None in failed:
                raise
            return Outcome(ok=False, failed=failed, retry=retry)
        return Outcome(ok=True)


class _Contended(Exception):
    """A commit refused only for a concurrent transaction or throttling: worth another attempt."""


def settle(pending: list, owner_of, build) -> tuple[list, list]:
    """Commit ``build(pending)`` until it goes through. Items whose condition failed are dropped from the
    next attempt at once and returned second; conflicts and throttling are retried with jittered backoff
    (up to ``RETRIES`` times, then ``Busy``)."""
    failed: list = []

    def attempt() -> None:
        nonlocal pending
        while pending:
            outcome = build(pending).commit()
            if outcome.ok:
                return
            if not outcome.failed:
                raise _Contended()
            failed.extend(p for p in pending if owner_of(p) in outcome.failed)
            pending = [p for p in pending if owner_of(p) not in outcome.failed]

    try:
        tenacity.Retrying(retry=tenacity.retry_if_exception_type(_Contended),
                          stop=tenacity.stop_after_attempt(RETRIES + 1),
                          wait=tenacity.wait_random_exponential(multiplier=0.1, max=1.0),
                          reraise=True)(attempt)
    except _Contended:
        raise Busy("系统繁忙，请稍后重试", code="busy") from None
    return pending, failed


def conditional(write: Callable[[], object]) -> bool:
    """Run one conditional write; False when its condition failed, so callers need no exception plumbing."""
    try:
        write()
    except (PutError, UpdateError, DeleteError) as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        if exc.cause_response_code in _THROTTLED:          # outlasted botocore's retries: busy, not a 500
            raise Busy("系统繁忙，请稍后重试", code="busy") from exc
        raise
    return True
