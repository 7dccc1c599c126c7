"""The ``throttle`` port's fake: fixed windows counted in the shared table, as chalicelib/store/throttle.py
counts them (its window arithmetic is used as it is). ``now=None`` reads the fake clock, not the real time."""
from chalicelib.store import throttle as adapter
from chalicelib.store.models import Throttle

from .clock import FakeClock
from .table import Table


class FakeThrottle:
    def __init__(self, table: Table, clock: FakeClock) -> None:
        self.table = table
        self.clock = clock

    def _item(self, key: str, window_seconds: int, now: float | None) -> tuple[Throttle, int]:
        return adapter._item(key, window_seconds, self.clock.now() if now is None else now)

    def allow(self, key: str, limit: int, window_seconds: int, now: float | None = None) -> bool:
        if limit <= 0:
            return False
        item, window = self._item(key, window_seconds, now)
        with self.table.lock:
            stored = self.table.get(item.pk, item.sk, model=Throttle)
            if stored is not None and stored.hits is not None and stored.hits >= limit:
                return False
            self.table.update(Throttle, item.pk, item.sk, set={"expires": (window + 2) * window_seconds},
                              add={"hits": 1})
        return True

    def release(self, key: str, window_seconds: int, now: float | None = None) -> None:
        item, _ = self._item(key, window_seconds, now)
        with self.table.lock:
            stored = self.table.get(item.pk, item.sk, model=Throttle)
            if stored is not None and (stored.hits or 0) > 0:
                self.table.update(Throttle, item.pk, item.sk, add={"hits": -1})

    def retry_after(self, window_seconds: int, now: float | None = None) -> int:
        return adapter.retry_after(window_seconds, self.clock.now() if now is None else now)
