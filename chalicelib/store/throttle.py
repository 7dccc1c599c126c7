"""A fixed-window rate limit kept in the table, so every Lambda instance shares it."""
import math
import time

from .models import Throttle
from .tx import conditional


def _item(key: str, window_seconds: int, now: float | None) -> tuple[Throttle, int]:
    window = int((time.time() if now is None else now) // window_seconds)
    return Throttle(f"THROTTLE#{key}#{window}", "THROTTLE"), window


def allow(key: str, limit: int, window_seconds: int, now: float | None = None) -> bool:
    """Count one attempt for ``key``; False once ``limit`` attempts were made in the current window."""
    if limit <= 0:
        return False
    item, window = _item(key, window_seconds, now)
    return conditional(lambda: item.update(
        actions=[Throttle.hits.add(1), Throttle.type.set(Throttle),
                 Throttle.expires.set((window + 2) * window_seconds)],
        condition=Throttle.hits.does_not_exist() | (Throttle.hits < limit), add_version_condition=False))


def release(key: str, window_seconds: int, now: float | None = None) -> None:
    """Give back one attempt counted by ``allow`` in the same window (one that turned out not to count)."""
    item, _ = _item(key, window_seconds, now)
    conditional(lambda: item.update(actions=[Throttle.hits.add(-1)], condition=Throttle.hits > 0,
                                    add_version_condition=False))


def retry_after(window_seconds: int, now: float | None = None) -> int:
    """Seconds until the current window ends, when a refused key may try again."""
    now = time.time() if now is None else now
    return max(1, math.ceil((now // window_seconds + 1) * window_seconds - now))
