"""Shared by the unit tests of generation, records, exports, downloads, printing and seal applications: the
demo's accounts as principals, the demo on fakes with its queued certificates already stamped (stamping
takes most of a second, so it is done once and each test gets its own copy), and reading back the xlsx
files a use case stored."""
from __future__ import annotations

import contextlib
import functools
import io
from typing import Iterator
from urllib.parse import unquote, urlsplit

from openpyxl import load_workbook

from chalicelib import ports, sheets
from chalicelib.services import certificate_making
from tests.fakes import FakeSet
from tests.fakes.world import clone, demo_world

from ._people import ADMIN, COLLEGE, COLLEGE2, STUDENT, TEO, TEO2, TEO_SIGNER  # noqa: F401  (the tests import them from here)


@functools.lru_cache(maxsize=1)
def _stamped() -> FakeSet:
    made, _ = demo_world()
    with ports.installed(made.ports):
        for message in made.queue.sent:
            certificate_making.stamp(message["jobs"], 1)
    made.queue.sent.clear()
    return made


@contextlib.contextmanager
def stamped_world() -> Iterator[FakeSet]:
    """The demo on fakes after the stamping worker ran its queued jobs: 北方工业大学's ready records of
    中物联物流 issued (most electronic, two on paper). A fresh copy, serving every port for the block."""
    made = clone(_stamped())
    with ports.installed(made.ports):
        yield made


def key_of(url: str) -> str:
    """The stored key a fake link points at (``memory://<key>?...``)."""
    parts = urlsplit(url)
    return unquote(parts.netloc + parts.path)


def sheet_rows(fakes: FakeSet, answer: dict) -> list[tuple]:
    """The rows (titles first) of the xlsx a use case stored and linked to in ``answer["url"]``."""
    data, content_type, _ = fakes.files.objects[key_of(answer["url"])]
    assert content_type == sheets.CONTENT_TYPE
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def as_dicts(rows: list[tuple]) -> list[dict]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
