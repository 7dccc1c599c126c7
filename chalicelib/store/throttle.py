"""A fixed-window rate limit kept in the table, so every Lambda instance shares it."""
import time

from .models import Throttle
from .tx import conditional


def allow(key: str, limit: int, window_seconds: int, now: float | None = None) -> bool:
    """Count one attempt for ``key``; False once ``limit`` attempts were made in the current window."""
    if limit <= 0:
        return False
    now = time.time() if now is None else now
    window = int(now // window_seconds)
    item = Throttle(f"THROTTLE#{key}#{window}", "THROTTLE")
    return conditional(lambda: item.update(
        actions=[Throttle.hits.add(1), Throttle.type.set(Throttle),
                 Throttle.expires.set((window + 2) * window_seconds)],
        condition=Throttle.hits.does_not_exist() | (Throttle.hits < limit), add_version_condition=False))
