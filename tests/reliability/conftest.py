"""The reliability tests share the integration tests' stack. ``SKILLCERT_RELIABILITY_PROFILE=long`` (what
``make reliability`` sets) runs the long profiles; each test adds its figures to one summary."""
import os
from collections import Counter

import pytest

from ..conftest import FIGURES

LONG = os.environ.get("SKILLCERT_RELIABILITY_PROFILE", "short") == "long"


def scale(short: int, long: int) -> int:
    """How much of something to do in this profile."""
    return long if LONG else short


@pytest.fixture(scope="session")
def figures() -> Counter:
    return FIGURES
