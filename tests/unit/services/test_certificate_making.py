"""The stamping worker's use case (certificate_making) on the demo's queued jobs: each job renders one
certificate, seals the electronic ones over their sign-offs, stores the PDF and issues the record, in one
transaction per message; what a person must fix ends STAMP_FAILED with the reason; what another delivery
may cure is retried, and on the last delivery ends STAMP_FAILED too; repeated and stale jobs change
nothing; no PDF is left behind for a record it did not issue."""
import hashlib
import io
import json

import pytest
from pypdf import PdfReader

from chalicelib import pades_check, ports
from chalicelib.domain import certno
from chalicelib.services import certificate_making, photos
from chalicelib.services.certificate_making import RetryLater
from chalicelib.store.masterdata import KINDS
from chalicelib.store.models import CertNumber
from devstack import demo

from ._certificate_helpers import issued_fixture, jobs_of, new_worker_fixture  # noqa: F401  (fixtures)

pytestmark = pytest.mark.usefixtures("new_worker")


def pdf_keys(fakes, rec_id: str) -> list[str]:
    return sorted(k for k in fakes.files.objects if k.startswith(f"certificates/{rec_id}/"))


def last_event(rec_id: str) -> dict:
    return ports.records.events(rec_id)[-1]


def failed_with(rec_id: str) -> str:
    """The reason a record ended STAMP_FAILED with, checked against its audit event."""
    rec = ports.records.get(rec_id)
    assert rec["status"] == "STAMP_FAILED", rec["status"]
    event = last_event(rec_id)
    assert (event["action"], event["from_status"], event["to_status"]) == ("stamp_fail", "GENERATING",
                                                                          "STAMP_FAILED")
    assert event["reason"] == rec["reason"] and event["actor"] == "system"
    return rec["reason"]


def signoff_json(pdf: bytes) -> dict:
    """The sign-off evidence embedded in a sealed certificate, read with pypdf (not the code that wrote it)."""
    names = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
    spec = names[names.index("signoff.json") + 1].get_object()
    return json.loads(spec["/EF"]["/F"].get_object().get_data())


# ---- issuing ---------------------------------------------------------------------------------------------

def test_each_job_issues_its_record_and_electronic_certificates_are_sealed_over_their_signoffs(world, monkeypatch):
    fakes = world.fakes
    (electronic,), (paper,) = jobs_of(fakes, "electronic", 1), jobs_of(fakes, "paper", 1)
    allocations = []
    real_allocate = fakes.sequences.allocate
    monkeypatch.setattr(fakes.sequences, "allocate",
                        lambda seq, n: allocations.append((seq, n)) or real_allocate(seq, n))
    certificate_making.stamp([electronic], 1)
    certificate_making.stamp([paper], 1)          # a second message

    sealed, printed = ports.records.get(electronic["id"]), ports.records.get(paper["id"])
    for rec in (sealed, printed):
        assert rec["status"] == "ISSUED" and rec["pdf_version"] == 1 and not rec.get("reason")
        assert certno.is_valid(rec["cert_no"]) and len(rec["verification_code"]) == 10
        pdf, content_type, metadata = fakes.files.objects[rec["pdf_key"]]
        assert pdf_keys(fakes, rec["id"]) == [rec["pdf_key"]] and content_type == "application/pdf"
        assert hashlib.sha256(pdf).hexdigest() == rec["pdf_sha256"] == metadata["sha256"]
        assert metadata["cert-no"] == rec["cert_no"]
        event = last_event(rec["id"])
        assert (event["action"], event["from_status"], event["to_status"], event["actor"]) == \
            ("stamped", "GENERATING", "ISSUED", "system")
        assert ports.issued.by_cert_no(rec["cert_no"])["id"] == rec["id"]
        assert ports.issued.by_pdf_hash(rec["pdf_sha256"]) == (rec, 1)
        assert [(v["version"], v["key"]) for v in ports.issued.versions(rec["id"])] == [(1, rec["pdf_key"])]
    assert sealed["cert_no"] != printed["cert_no"] and sealed["status_index"] != printed["status_index"]
    assert sealed["credential_salt"] and printed["credential_salt"]
    # Numbers and credential bits come a block at a time: two messages, one allocation of each.
    assert sorted(allocations) == sorted([(f"CERTNO#{sealed['cert_no'][2:6]}", 100),
                                          (ports.status_lists.SEQUENCE, 100)])

    pdf = fakes.files.read(sealed["pdf_key"])
    seal = pades_check.inspect(pdf, ports.keys.ca_pem())
    assert seal["signed"] and seal["intact"] and seal["trusted"] and seal["covers_whole_file"]
    org = ports.master.get("orgs", id=demo.TEO)
    assert seal["signer"] == "中物联物流" and seal["serial"] == org["seal_serial"] == fakes.pdf_seal.sealed[0]
    evidence = signoff_json(pdf)
    assert (evidence["certificate_number"], evidence["certificate_version"], evidence["record_id"]) == \
        (sealed["cert_no"], 1, sealed["id"])
    assert [(p["party"], p["organisation"], p["signer"]) for p in evidence["signoffs"]] == [
        ("teo", "中物联物流", "中物联物流 发证机构负责人"), ("site", "北方工业大学", "北方工业大学 考核站点负责人")]

    unsealed = fakes.files.read(printed["pdf_key"])
    assert not pades_check.inspect(unsealed, ports.keys.ca_pem())["signed"] and b"signoff.json" not in unsealed
    assert fakes.pdf_seal.sealed == [org["seal_serial"]]          # paper ones are not sealed

    # Delivered again, after it was done: nothing changes, nothing more is stored.
    files_before, events_before = dict(fakes.files.objects), ports.records.events(sealed["id"])
    certificate_making.stamp([electronic, paper], 2)
    assert ports.records.get(sealed["id"]) == sealed and ports.records.get(printed["id"]) == printed
    assert fakes.files.objects == files_before and ports.records.events(sealed["id"]) == events_before


@pytest.mark.parametrize("job", [
    pytest.param(lambda j: {**j, "version": j["version"] - 1}, id="stale version"),
    pytest.param(lambda j: {**j, "version": j["version"] + 1}, id="later version"),
    pytest.param(lambda j: {**j, "id": "f" * 24}, id="no such record"),
])
def test_a_job_for_a_record_no_longer_generating_at_its_version_is_skipped(world, job):
    (queued,) = jobs_of(world.fakes, "paper", 1)
    before = ports.records.get(queued["id"])
    certificate_making.stamp([job(queued)], 1)
    assert ports.records.get(queued["id"]) == before
    assert not any(k.startswith("certificates/") for k in world.fakes.files.objects)


def test_paper_certificates_need_no_e_seal_and_their_print_preview_is_drawn_over_the_stock(world):
    ports.master.set_fields("orgs", {"id": demo.TEO}, seal_status="revoked")
    (job,) = jobs_of(world.fakes, "paper", 1)
    certificate_making.stamp([job], 1)
    rec = ports.records.get(job["id"])
    assert rec["status"] == "ISSUED" and world.fakes.pdf_seal.sealed == []
    preview = certificate_making.print_preview(rec)
    assert preview.startswith(b"%PDF") and preview != world.fakes.files.read(rec["pdf_key"])


def test_a_certificate_issued_again_keeps_its_number_code_date_and_credential_bit(issued):
    rec = issued.record(issued.reissued)
    versions = ports.issued.versions(rec["id"])
    assert rec["status"] == "ISSUED" and rec["pdf_version"] == 2
    assert [(v["version"], bool(v.get("superseded"))) for v in versions] == [(1, True), (2, False)]
    assert versions[1]["key"] == rec["pdf_key"] != versions[0]["key"]
    first = signoff_json(issued.v1_pdf)
    assert first["certificate_number"] == rec["cert_no"] and first["certificate_version"] == 1
    assert signoff_json(issued.pdf(rec["id"]))["certificate_version"] == 2
    assert ports.issued.by_cert_no(rec["cert_no"])["id"] == rec["id"]
    credential = ports.tokens.check(issued.v1_credential)["claims"]["credentialStatus"]
    assert int(credential["statusListIndex"]) == rec["status_index"]      # given at the first issue, kept


def test_the_award_date_is_the_day_in_beijing_when_the_certificate_was_stamped(world):
    world.fakes.clock.set("2026-06-01T17:30:00+00:00")            # 01:30 on 2 June in Beijing
    (job,) = jobs_of(world.fakes, "paper", 1)
    certificate_making.stamp([job], 1)
    rec = ports.records.get(job["id"])
    assert rec["award_date"] == "2026-06-02" and rec["cert_no"].startswith("SC2026")


# ---- what a person must fix ------------------------------------------------------------------------------

def _org(**fields):
    return lambda fakes: ports.master.set_fields("orgs", {"id": demo.TEO}, **fields)


def _college_gone(fakes):
    fakes.table.delete(*KINDS["colleges"].primary({"id": demo.NCUT}))


def _seal_image_gone(fakes):
    fakes.files.objects.pop(ports.master.get("orgs", id=demo.TEO)["seal_key"])


def _site_stamp_corrupt(fakes):
    key = ports.master.get("colleges", id=demo.NCUT)["stamp_key"]
    fakes.files.objects[key] = (b"\x89PNG but not really", "image/png", {})


def _photo_required_and_missing(fakes):
    ports.master.set_fields("certificates", {"id": "xxhyy"}, requires_photo=True)
    for job in jobs_of(fakes, "electronic", 1):
        fakes.files.objects.pop(photos.key(ports.records.get(job["id"])["candidate_no"]))


@pytest.mark.parametrize("fault, reason", [
    pytest.param(_org(seal_status="revoked"), "培训评价组织“中物联物流”的电子公章已被吊销，请重新申请电子公章",
                 id="seal revoked"),
    pytest.param(_org(seal_status=None, seal_key=None, seal_serial=None),
                 "培训评价组织“中物联物流”尚未取得电子公章，请先申请电子公章", id="no seal"),
    pytest.param(_org(stamp_key=None), "培训评价组织“中物联物流”尚未上传发证机构负责人电子签章", id="no teo stamp"),
    pytest.param(lambda f: ports.master.set_fields("colleges", {"id": demo.NCUT}, stamp_key=None),
                 "考核站点“北方工业大学”尚未上传考核站点负责人电子签章", id="no site stamp"),
    pytest.param(_college_gone, "机构信息不存在", id="college gone"),
    pytest.param(_seal_image_gone, "签章图片文件缺失，请重新上传电子签章", id="seal image file gone"),
    pytest.param(_photo_required_and_missing, "缺少考生照片", id="required photo missing"),
    pytest.param(_site_stamp_corrupt, "证书生成失败：图片无法使用（site_stamp）", id="stamp image unusable"),
    pytest.param(_org(seal_serial="deadbeef"), "电子公章的签名证书不存在，请重新申请电子公章",
                 id="seal certificate unknown to the key service"),
    pytest.param(_org(seal_serial=None), "电子公章的签名证书不存在，请重新申请电子公章", id="no seal certificate"),
])
def test_what_a_person_must_fix_fails_the_record_at_once_with_what_to_do(world, fault, reason):
    (job,) = jobs_of(world.fakes, "electronic", 1)
    fault(world.fakes)
    certificate_making.stamp([job], 1)           # the first delivery: no retry would help
    assert failed_with(job["id"]).startswith(reason)
    assert pdf_keys(world.fakes, job["id"]) == []
    assert job["id"] in [r["id"] for r in ports.records.tab("teo", demo.TEO, "STAMP_FAILED")]


def test_without_a_photo_a_certificate_that_does_not_require_one_prints_an_empty_frame(world):
    (job,) = jobs_of(world.fakes, "paper", 1)
    world.fakes.files.objects.pop(photos.key(ports.records.get(job["id"])["candidate_no"]))
    certificate_making.stamp([job], 1)
    assert ports.records.get(job["id"])["status"] == "ISSUED"


# ---- what another delivery may cure ----------------------------------------------------------------------

def _fails_to_store(fakes, monkeypatch, rec_id: str) -> None:
    """S3 refuses the PDFs of this record (and stores the others)."""
    real_put = fakes.files.put

    def put(key, *args, **kwargs):
        if key.startswith(f"certificates/{rec_id}/"):
            raise ConnectionError("S3 unreachable")
        return real_put(key, *args, **kwargs)
    monkeypatch.setattr(fakes.files, "put", put)


def test_a_failure_mid_message_is_retried_with_nothing_half_done(world, monkeypatch):
    first, second = jobs = jobs_of(world.fakes, "paper", 2)
    _fails_to_store(world.fakes, monkeypatch, second["id"])
    for attempt in (1, 2):
        with pytest.raises(RetryLater):
            certificate_making.stamp(jobs, attempt)
        assert [ports.records.get(j["id"])["status"] for j in jobs] == ["GENERATING"] * 2
        assert pdf_keys(world.fakes, first["id"]) == []          # the first one's PDF was removed


def test_on_the_last_delivery_a_failure_ends_that_record_alone_stamp_failed(world, monkeypatch):
    first, second = jobs = jobs_of(world.fakes, "paper", 2)
    _fails_to_store(world.fakes, monkeypatch, second["id"])
    certificate_making.stamp(jobs, certificate_making.MAX_RECEIVES)
    assert ports.records.get(first["id"])["status"] == "ISSUED"
    assert failed_with(second["id"]) == "多次重试仍失败：S3 unreachable"
    assert pdf_keys(world.fakes, second["id"]) == []


def test_s3_unreachable_fails_the_message_for_another_delivery(world):
    jobs = jobs_of(world.fakes, "electronic", 2)
    world.fakes.files.down = True
    with pytest.raises(RetryLater):
        certificate_making.stamp(jobs, 1)
    assert {ports.records.get(j["id"])["status"] for j in jobs} == {"GENERATING"}


class BusyOnce(set):
    """Record ids the table is too busy to take in the next transaction that holds one of them only."""

    def __and__(self, other):
        hit = set(self) & set(other)
        if hit:
            self.clear()
        return hit


@pytest.mark.parametrize("attempt, busy, cleanup_fails, outcome", [
    pytest.param(1, set, False, "GENERATING", id="busy: delivered again"),
    pytest.param(1, set, True, "GENERATING", id="busy, and the unused PDF cannot be removed"),
    pytest.param(3, set, False, "GENERATING", id="busy throughout the last delivery: to the dead letters"),
    pytest.param(3, BusyOnce, False, "STAMP_FAILED", id="busy for the last delivery's issue only"),
])
def test_a_table_too_busy_to_issue_leaves_no_pdf_and_the_record_never_half_issued(
        world, monkeypatch, attempt, busy, cleanup_fails, outcome):
    (job,) = jobs_of(world.fakes, "paper", 1)
    world.fakes.records.busy = busy({job["id"]})
    if cleanup_fails:
        monkeypatch.setattr(world.fakes.files, "discard", lambda keys: False)
    if outcome == "GENERATING":
        with pytest.raises(RetryLater):
            certificate_making.stamp([job], attempt)
        assert ports.records.get(job["id"])["status"] == "GENERATING"
    else:
        certificate_making.stamp([job], attempt)
        assert failed_with(job["id"]) == "系统繁忙，多次重试仍失败，请重新发放"
    assert len(pdf_keys(world.fakes, job["id"])) == (1 if cleanup_fails else 0)   # removal is best effort


def test_a_delivery_that_loses_the_race_to_another_removes_its_own_pdf(world, monkeypatch):
    """Two deliveries of one job at once: both read GENERATING, both store a PDF, one issues."""
    (job,) = jobs_of(world.fakes, "paper", 1)
    real_put, raced = world.fakes.files.put, []

    def put(key, *args, **kwargs):
        if not raced:
            raced.append(key)
            certificate_making.stamp([job], 1)       # the other delivery, done while this one stores
        return real_put(key, *args, **kwargs)
    monkeypatch.setattr(world.fakes.files, "put", put)
    certificate_making.stamp([job], 1)
    rec = ports.records.get(job["id"])
    assert rec["status"] == "ISSUED" and rec["pdf_version"] == 1
    assert pdf_keys(world.fakes, job["id"]) == [rec["pdf_key"]] and rec["pdf_key"] != raced[0]


def test_a_new_number_taken_meanwhile_fails_the_record_rather_than_leaving_it_generating(world, monkeypatch):
    (job,) = jobs_of(world.fakes, "paper", 1)
    real_put = world.fakes.files.put

    def put(key, data, content_type, metadata=None):
        number = metadata["cert-no"]           # someone else holds this number by the time it commits
        world.fakes.table.save(CertNumber(f"CERTNO#{number}", "CERTNO", cert_no=number, record_id="f" * 24))
        return real_put(key, data, content_type, metadata)
    monkeypatch.setattr(world.fakes.files, "put", put)
    certificate_making.stamp([job], 1)
    assert failed_with(job["id"]) == "证书编号冲突，请重新发放"
    assert pdf_keys(world.fakes, job["id"]) == []


# ---- dead letters and the sweep ----------------------------------------------------------------------------

def test_a_dead_letter_ends_what_is_still_generating_at_its_version(world):
    waiting, stale = jobs_of(world.fakes, "electronic", 2)
    certificate_making.give_up([waiting, {**stale, "version": stale["version"] - 1}])
    assert failed_with(waiting["id"]) == "多次重试仍未完成盖章，请重新发放"
    assert ports.records.get(stale["id"])["status"] == "GENERATING"


def test_a_dead_letter_the_table_is_too_busy_for_comes_back(world):
    (job,) = jobs_of(world.fakes, "electronic", 1)
    world.fakes.records.busy = {job["id"]}
    with pytest.raises(RetryLater):
        certificate_making.give_up([job])
    assert ports.records.get(job["id"])["status"] == "GENERATING"


def _statuses() -> dict[str, str]:
    return {r["id"]: r["status"] for org in (demo.TEO, demo.TEO2) for status in
            ("READY", "GENERATING", "STAMP_FAILED", "ISSUED", "TEO_PENDING")
            for r in ports.records.tab("teo", org, status)}


def test_the_sweep_ends_records_generating_for_too_long(world):
    before = _statuses()
    generating = sorted(i for i, s in before.items() if s == "GENERATING")
    world.fakes.clock.advance(31 * 60)
    assert certificate_making.sweep() == len(generating) == world.summary["queued_for_stamping"]
    assert {failed_with(rec_id) for rec_id in generating} == {"证书生成超时，请重新发放"}
    assert {i: s for i, s in _statuses().items() if i not in generating} == \
        {i: s for i, s in before.items() if i not in generating}


def test_the_sweep_leaves_records_generating_for_less_than_its_limit(world):
    world.fakes.clock.advance(5 * 60)
    assert certificate_making.sweep() == 0
    assert not ports.records.tab("teo", demo.TEO, "STAMP_FAILED")

