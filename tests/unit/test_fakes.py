"""What the fakes offer tests beyond the ports (tests/fakes): the fixture, the settable clock, reads that
are copies, and the failures a test can provoke. Their likeness to the adapters is
tests/integration/test_port_contracts.py's."""
import base64

import pytest

from chalicelib import ports
from chalicelib.domain.errors import Busy
from chalicelib.ports import Change
from tests.fakes.keys import KeyDisabled

EVENT = {"actor": "t", "role": "teo", "action": "test"}


def _record(fakes, n: int = 0) -> dict:
    rec = {"id": fakes.records.record_id(f"c{n}", "p", "cert", "中级"), "status": "TEO_PENDING",
           "candidate_no": f"c{n}", "site_id": "s", "plan_id": "p", "exam_year": 2026, "certificate_id": "cert",
           "level": "中级", "teo_id": "t", "created_at": fakes.clock.now_iso()}
    fakes.records.create([rec], EVENT)
    return fakes.records.get(rec["id"])


def test_the_fixture_serves_every_port_from_the_fakes(fakes):
    assert all(getattr(ports, name) is fakes[name] is getattr(fakes, name) for name in ports.PORTS)


def test_the_clock_moves_only_when_told(fakes):
    assert fakes.clock.now_iso() == "2026-06-01T08:00:00.000000+00:00"
    fakes.clock.advance(90.5)
    assert (fakes.clock.now(), fakes.clock.now_iso()) == (1780300890.5, "2026-06-01T08:01:30.500000+00:00")
    fakes.clock.set("2027-01-01T00:00:00+00:00")
    assert fakes.clock.now_iso() == "2027-01-01T00:00:00.000000+00:00"
    rec = _record(fakes)
    assert rec["created_at"] == fakes.records.events(rec["id"])[0]["at"] == fakes.clock.now_iso()


def test_reads_are_copies(fakes):
    rec = _record(fakes)
    rec["status"] = "ISSUED"
    fakes.records.get(rec["id"])["candidate_no"] = "changed"
    assert fakes.records.get(rec["id"])["status"] == "TEO_PENDING"
    assert fakes.records.get(rec["id"])["candidate_no"] == "c0"


def test_an_attribute_the_model_lacks_fails_the_whole_transaction_as_in_the_adapter(fakes):
    rec, other = _record(fakes, 0), _record(fakes, 1)
    with pytest.raises(AttributeError):
        fakes.records.apply([Change(rec, "SITE_PENDING", {}, EVENT),
                             Change(other, "SITE_PENDING", {"no_such_field": 1}, EVENT)])
    assert fakes.records.get(rec["id"]) == rec and len(fakes.records.events(rec["id"])) == 1
    with pytest.raises(ValueError):
        fakes.records.create([{**rec, "id": "f" * 24, "no_such_field": 1}], EVENT)


def test_a_busy_table_refuses_whole_chunks(fakes):
    rec, other = _record(fakes, 0), _record(fakes, 1)
    fakes.records.busy.add(rec["id"])
    changes = [Change(r, "SITE_PENDING", {}, EVENT) for r in (rec, other)]
    assert fakes.records.apply(changes) == ([], [], [rec["id"], other["id"]])
    with pytest.raises(Busy):
        fakes.records.delete(rec, EVENT)
    fakes.records.busy.clear()
    assert fakes.records.apply(changes) == ([rec["id"], other["id"]], [], [])


def test_the_queue_keeps_what_it_took(fakes):
    fakes.queue.refuse = {1}
    assert fakes.queue.send([{"jobs": [1]}, {"jobs": [2]}, {"jobs": [3]}]) == [1]
    assert fakes.queue.send([{"jobs": [4]}]) == []
    assert fakes.queue.sent == [{"jobs": [1]}, {"jobs": [3]}, {"jobs": [4]}]
    fakes.queue.down = True
    assert fakes.queue.send([{}]) == [0] and fakes.queue.send_download({"id": "x"}) is False
    assert fakes.queue.downloads == []


def test_files_can_be_unreachable(fakes):
    fakes.files.put("exports/a.xlsx", b"x", "application/octet-stream", metadata={"sha256": "ab"})
    assert fakes.files.objects["exports/a.xlsx"] == (b"x", "application/octet-stream", {"sha256": "ab"})
    assert fakes.files.link("exports/a.xlsx", filename="记录.xlsx") == \
        "memory://exports/a.xlsx?expires=300&filename=%E8%AE%B0%E5%BD%95.xlsx"
    fakes.files.down = True
    assert fakes.files.try_put("exports/b.xlsx", b"y", "x") is False
    assert fakes.files.discard(["exports/a.xlsx"]) is False
    with pytest.raises(ConnectionError):
        fakes.files.read("exports/a.xlsx")


def test_a_revoked_seal_signs_no_more(fakes):
    serial = fakes.keys.issue_seal("org", "机构")["serial"]
    key_id, _ = fakes.keys.seal_signer(serial)
    assert fakes.keys.revoke_seal(serial, "丢失") == fakes.keys.seal(serial)["revoked_at"]
    with pytest.raises(KeyDisabled):
        fakes.tokens.sign({}, key_id, [])


def test_the_demo_signs_off_issues_and_stamps_on_the_fakes(fakes, monkeypatch):
    """The whole demo — imports, accounts, sign-off sessions, an e-seal approved, issuance — then the
    stamping of what it queued, all through the services on the fakes: they carry a real workload."""
    from chalicelib.domain.access import Principal, Role
    from chalicelib.services import certificate_making, certificates, credentials, records
    from devstack import demo

    queued = demo.load()["queued_for_stamping"]
    for message in fakes.queue.sent:
        certificate_making.stamp(message["jobs"], 1)
    teo = Principal("teo", Role.TEO, demo.TEO)
    issued = records.matching(teo, records.RecordFilter(status="ISSUED"))
    assert len(issued) == queued == records.counts(teo, records.RecordFilter())["ISSUED"]
    rec = fakes.records.get(issued[0]["id"])
    checked = certificates.verify_pdf(base64.b64encode(fakes.files.read(rec["pdf_key"])).decode(), "10.0.0.1")
    assert checked["result"] == "genuine" and checked["signature"]["trusted"]
    token = credentials.for_record(teo, rec["id"])["credential"]
    assert credentials.verify(token, "10.0.0.1")["result"] == "genuine"
