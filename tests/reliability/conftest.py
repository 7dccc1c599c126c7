"""The reliability tests share the integration tests' stack. ``SKILLCERT_RELIABILITY_PROFILE=long`` (what
``make reliability`` sets) runs the long profiles; each test adds its figures to one summary."""
import json
import os
from collections import Counter
from pathlib import Path

import pytest

LONG = os.environ.get("SKILLCERT_RELIABILITY_PROFILE", "short") == "long"
FIGURES: Counter = Counter()


def scale(short: int, long: int) -> int:
    """How much of something to do in this profile."""
    return long if LONG else short


@pytest.fixture(scope="session")
def figures() -> Counter:
    return FIGURES


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.write_sep("-", f"reliability figures ({'long' if LONG else 'short'} profile)")
    for name, value in sorted(FIGURES.items()):
        terminalreporter.write_line(f"{name:<32} {value}")
    target = os.environ.get("SKILLCERT_RELIABILITY_SUMMARY")
    if target:
        Path(target).write_text(json.dumps(dict(sorted(FIGURES.items())), indent=2) + "\n")
