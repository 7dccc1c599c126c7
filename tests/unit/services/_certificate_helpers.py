"""Shared by the certificate tests (making, getting out and verifying, credentials): the demo's queued
stamping jobs by what they are, a world where a few of them are issued already, and each test run as in
a fresh worker process.

Stamping costs tens of milliseconds a certificate, so the issued world is made once per session and
every test gets its own copy of it (as the ``world`` fixture does with the demo). A test module uses the
fixtures by importing them (``issued_fixture``, ``new_worker_fixture``) and asking for them by name."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import pytest

from chalicelib import ports
from chalicelib.domain.access import Principal, Role
from chalicelib.services import certificate_making, credentials, issuance
from tests.fakes import FakeSet
from tests.fakes.world import clone, demo_world

from ._people import COLLEGE2, TEO, TEO2  # noqa: F401  (the tests import them from here)


@pytest.fixture(name="new_worker")
def new_worker_fixture(monkeypatch):
    """The test runs as in a worker process started for it: no block of numbers taken yet, no stamp
    image cached (the images' keys are the same in every copy of the demo)."""
    monkeypatch.setattr(certificate_making, "_BLOCKS", certificate_making._SequenceBlocks())
    certificate_making._image.cache_clear()
    yield
    certificate_making._image.cache_clear()


def queued(fakes: FakeSet) -> list[dict]:
    """The demo's queued stamping jobs ``{id, version}``, with each record as it is now."""
    jobs = [job for message in fakes.queue.sent for job in message["jobs"]]
    found = {r["id"]: r for r in fakes.records.get_many(j["id"] for j in jobs)}
    return [{**job, "record": found[job["id"]]} for job in jobs]


def jobs_of(fakes: FakeSet, method: str, count: int, exclude: tuple[str, ...] = ()) -> list[dict]:
    """``count`` queued jobs of ``method`` (the demo queues 17 electronic and 2 paper ones)."""
    chosen = [{"id": j["id"], "version": j["version"]} for j in queued(fakes)
              if j["record"]["method"] == method and j["id"] not in exclude][:count]
    assert len(chosen) == count
    return chosen


def holder(fakes: FakeSet) -> Principal:
    """The demo's ``student`` account, holder of one of the queued certificates."""
    user = fakes.master.get("users", username="student")
    return Principal("student", Role.CANDIDATE, candidate_no=user["candidate_no"])


@dataclass
class Issued:
    """A copy of the demo in which three queued certificates were stamped: ``mine`` (the student's,
    electronic), ``paper`` (林𠇔's, a name beyond the BMP) and ``reissued`` (electronic, issued again:
    ``v1_pdf`` and ``v1_credential`` are what its holder got the first time); ``waiting`` is still being
    made (GENERATING)."""
    fakes: FakeSet
    mine: str
    paper: str
    reissued: str
    waiting: str
    v1_pdf: bytes
    v1_credential: str

    def record(self, rec_id: str) -> dict:
        return self.fakes.records.get(rec_id)

    def pdf(self, rec_id: str) -> bytes:
        return self.fakes.files.read(self.record(rec_id)["pdf_key"])


@functools.lru_cache(maxsize=1)
def _issued() -> Issued:
    fakes, _ = demo_world()
    with ports.installed(fakes.ports):
        student = holder(fakes).candidate_no
        jobs = queued(fakes)
        mine = next(j for j in jobs if j["record"]["candidate_no"] == student)
        paper = next(j for j in jobs if j["record"]["method"] == "paper" and j["record"]["candidate_name"] == "林𠇔")
        other = next(j for j in jobs if j["record"]["method"] == "electronic" and j is not mine)
        waiting = next(j for j in jobs if j not in (mine, paper, other))
        certificate_making.stamp([{"id": j["id"], "version": j["version"]} for j in (mine, paper, other)], 1)
        first_pdf = fakes.files.read(fakes.records.get(other["id"])["pdf_key"])
        first_credential = credentials.for_record(TEO, other["id"])["credential"]
        assert issuance.reissue(TEO, [other["id"]], None)["applied"] == [other["id"]]
        fakes.queue.sent.clear()
        assert issuance.issue(TEO, [other["id"]], None, "electronic")["applied"] == [other["id"]]
        (message,) = fakes.queue.sent
        certificate_making.stamp(message["jobs"], 1)
        fakes.queue.sent.clear()
    return Issued(fakes, mine["id"], paper["id"], other["id"], waiting["id"], first_pdf, first_credential)


@pytest.fixture(name="issued")
def issued_fixture(new_worker):
    """Each test's own copy of the issued world, serving every port."""
    made = _issued()
    copy = Issued(**{**vars(made), "fakes": clone(made.fakes)})
    with ports.installed(copy.fakes.ports):
        yield copy
