"""``settle``: failed conditions drop their owners, conflicts and throttling are retried, and it gives up."""
import time

import pytest

from chalicelib.domain.errors import Busy
from chalicelib.store import tx as txmod
from chalicelib.store.tx import Outcome


class FakeTx:
    def __init__(self, outcomes: list[Outcome], seen: list):
        self._outcomes, self._seen = outcomes, seen

    def commit(self) -> Outcome:
        return self._outcomes.pop(0)


def run(outcomes, items):
    seen = []

    def build(pending):
        seen.append(list(pending))
        return FakeTx(outcomes, seen)

    return txmod.settle(items, lambda i: i, build), seen


@pytest.fixture(autouse=True)
def sleeps(monkeypatch) -> list[float]:
    waited: list[float] = []
    monkeypatch.setattr(time, "sleep", waited.append)
    return waited


def test_failed_conditions_are_dropped_and_the_rest_committed():
    (done, failed), seen = run([Outcome(ok=False, failed={"b"}), Outcome(ok=True)], ["a", "b", "c"])
    assert (done, failed) == (["a", "c"], ["b"])
    assert seen == [["a", "b", "c"], ["a", "c"]]


def test_conflicts_are_retried_with_the_same_items():
    (done, failed), seen = run([Outcome(ok=False, retry=True), Outcome(ok=False, retry=True), Outcome(ok=True)],
                               ["a", "b"])
    assert (done, failed) == (["a", "b"], [])
    assert len(seen) == 3


def test_everything_failing_leaves_nothing_done():
    (done, failed), _ = run([Outcome(ok=False, failed={"a", "b"})], ["a", "b"])
    assert (done, failed) == ([], ["a", "b"])


def test_it_gives_up_as_busy_after_backing_off(sleeps):
    with pytest.raises(Busy):
        run([Outcome(ok=False, retry=True)] * (txmod.RETRIES + 1), ["a"])
    assert len(sleeps) == txmod.RETRIES and all(0 <= s <= 1.0 for s in sleeps)
