"""The demo's world on the fakes: ``devstack.demo.load()`` run once through the services on a fresh set of
fakes (imports, accounts, sign-offs, an e-seal approved, issuance queued), then handed to each test as an
independent copy, so a unit test starts from what `make run` shows in about a millisecond, not a second."""
from __future__ import annotations

import copy
import functools
import threading

from chalicelib import ports

from . import FakeSet, make

_LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()))


def clone(fakes: FakeSet) -> FakeSet:
    """A deep copy sharing nothing mutable: locks are made anew, key objects shared (they never change)."""
    memo: dict[int, object] = {}
    for fake in fakes.ports.values():
        for value in vars(fake).values():
            if isinstance(value, _LOCK_TYPES):
                memo[id(value)] = type(value)()
    for value in vars(fakes.table).values():
        if isinstance(value, _LOCK_TYPES):
            memo[id(value)] = type(value)()
    for key in fakes.keys.private.values():
        memo[id(key)] = key
    return copy.deepcopy(fakes, memo)


@functools.lru_cache(maxsize=1)
def _loaded() -> tuple[FakeSet, dict]:
    from devstack import demo
    fakes = make()
    with ports.installed(fakes.ports):
        summary = demo.load()
    fakes.clock.advance(60)      # what a test does comes after the demo, never at the same instant
    return fakes, summary


def demo_world() -> tuple[FakeSet, dict]:
    """A fresh copy of the demo loaded on fakes, and what ``demo.load()`` answered."""
    fakes, summary = _loaded()
    return clone(fakes), dict(summary)
