"""The ``world`` fixture: the demo on fakes, a fresh copy for each test."""
from chalicelib.domain.access import Principal, Role
from chalicelib.domain.filters import RecordFilter
from chalicelib.services import records
from devstack import demo

TEO = Principal("teo", Role.TEO, demo.TEO)


def test_each_test_gets_its_own_copy_of_the_demo(world):
    first = records.counts(TEO, RecordFilter())
    pending = records.matching(TEO, RecordFilter(status="TEO_PENDING"))
    records.delete(TEO, pending[0]["id"])
    assert records.counts(TEO, RecordFilter())["TEO_PENDING"] == first["TEO_PENDING"] - 1
    from tests.fakes.world import demo_world
    other, _ = demo_world()
    assert other.records.get(pending[0]["id"]) is not None       # the original world is untouched


def test_the_queued_stamping_jobs_issue_the_ready_records(world):
    before = records.counts(TEO, RecordFilter())
    assert world.summary["queued_for_stamping"] == before["GENERATING"] > 0
    assert world.stamp_queued() > 0
    after = records.counts(TEO, RecordFilter())
    assert after["GENERATING"] == 0 and after["ISSUED"] == before["ISSUED"] + before["GENERATING"]
    issued = world.fakes.records.get(records.matching(TEO, RecordFilter(status="ISSUED"))[0]["id"])
    assert world.fakes.files.read(issued["pdf_key"]).startswith(b"%PDF")
