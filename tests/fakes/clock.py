"""A settable clock (the ``clock`` port): it starts at a fixed instant and moves only when a test says so,
so times written and compared by the code under test are reproducible."""
from datetime import datetime, timezone

START = datetime(2026, 6, 1, 8, 0, tzinfo=timezone.utc).timestamp()


class FakeClock:
    def __init__(self, start: float = START) -> None:
        self.at = start

    def now(self) -> float:
        return self.at

    def now_utc(self) -> datetime:
        return datetime.fromtimestamp(self.at, timezone.utc)

    def now_iso(self) -> str:
        return self.now_utc().isoformat(timespec="microseconds")

    def advance(self, seconds: float) -> None:
        self.at += seconds

    def set(self, when: float | str) -> None:
        """Go to an epoch time or an ISO 8601 instant."""
        self.at = datetime.fromisoformat(when).timestamp() if isinstance(when, str) else float(when)
