"""The time, for the ``clock`` port: UTC ISO 8601 with microseconds, the form every stored time takes."""
import time
from datetime import datetime, timezone


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def now() -> float:
    """Seconds since the epoch."""
    return time.time()


def now_utc() -> datetime:
    return datetime.now(timezone.utc)
