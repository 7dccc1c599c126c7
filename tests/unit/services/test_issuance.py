"""Issue (发放) and re-issue (重新发放) on the demo world: what moves, what is queued for the stamping worker
and how (messages, chunks and their outbox), what is refused up front, and what is re-sent."""
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib import ports
from chalicelib.domain.errors import Conflict, Forbidden
from chalicelib.domain.filters import RecordFilter
from chalicelib.services import certificate_making, certificates, issuance, records

from ._signoff_helpers import (
    COLLEGE,
    COLLEGE2,
    COLLEGE2_SIGNER,
    COLLEGE_SIGNER,
    TEO,
    TEO2,
    TEO_SIGNER,
    ids,
    refused,
    sign,
    statuses,
)

UNKNOWN = "0" * 24
ROOT = Path(__file__).resolve().parents[3]
PER_MESSAGE = ports.JOBS_PER_MESSAGE        # the stamping queue's jobs per message (16)


@pytest.fixture
def queue(world):
    """The stamping queue, emptied of the demo's own jobs."""
    world.fakes.queue.sent.clear()
    return world.fakes.queue


def _versions(record_ids: list[str]) -> dict[str, int]:
    return {r["id"]: int(r["version"]) for r in ports.records.get_many(record_ids)}


def _jobs(sent: list[dict]) -> list[dict]:
    assert {m["kind"] for m in sent} <= {"stamp"}
    return [j for m in sent for j in m["jobs"]]


def _everything_signed_off() -> list[str]:
    """中物联物流's records all signed by both sides: 0907测试勿动 at 北京交通大学 and 科目成绩0908 at 北方工业大学
    join the four ready already (32 READY)."""
    sign(TEO, TEO_SIGNER, filter_={})
    sign(COLLEGE, COLLEGE_SIGNER, filter_={"plan_id": "p0907"})
    sign(COLLEGE2, COLLEGE2_SIGNER, filter_={"plan_id": "p0908"})
    return ids(TEO, "READY")


def _unsent() -> list[dict]:
    return [j for _, jobs in ports.outbox.before("9999") for j in jobs]


def _issued_one(world) -> str:
    """A record the worker stamped: the demo's one-job message, stamped."""
    (message,) = [m for m in world.fakes.queue.sent if len(m["jobs"]) == 1]
    certificate_making.stamp(message["jobs"], 1)
    return message["jobs"][0]["id"]


# ---- issue -----------------------------------------------------------------------------------------------


def test_issuing_moves_ready_records_to_generating_and_queues_a_job_per_record_at_its_next_version(world, queue):
    ready = ids(TEO, "READY")
    before, counts = _versions(ready), records.counts(TEO, RecordFilter())
    out = issuance.issue(TEO, ready, None, "paper")
    assert (sorted(out["applied"]), out["skipped"], out["method"]) == (sorted(ready), [], "paper")
    assert statuses(ready) == dict.fromkeys(ready, "GENERATING")
    assert {r["method"] for r in ports.records.get_many(ready)} == {"paper"}
    assert sorted(_jobs(queue.sent), key=lambda j: j["id"]) == [
        {"id": rid, "version": before[rid] + 1} for rid in sorted(ready)]
    # A message's jobs are of one tab bucket first: the site's records together.
    sites = [ports.records.get(j["id"])["site_id"] for j in _jobs(queue.sent)]
    assert sites == sorted(sites)
    after = records.counts(TEO, RecordFilter())
    assert (after["READY"], after["GENERATING"]) == (0, counts["GENERATING"] + len(ready))
    last = ports.records.events(ready[0])[-1]
    assert (last["action"], last["actor"], last["to_status"]) == ("issue", "teo", "GENERATING")
    assert _unsent() == []                               # on the queue: nothing left in the outbox


def test_jobs_go_sixteen_to_a_message(world, queue):
    ready = _everything_signed_off()
    assert len(ready) == 32
    issuance.issue(TEO, ready, None, "electronic")
    assert [len(m["jobs"]) for m in queue.sent] == [PER_MESSAGE, PER_MESSAGE]
    assert sorted(j["id"] for j in _jobs(queue.sent)) == sorted(ready)


def test_the_outbox_is_cleared_as_chunks_go_out_so_a_crash_re_sends_little(world, queue, monkeypatch):
    ready = _everything_signed_off()
    monkeypatch.setattr(issuance, "CHUNK_RECORDS", 1)         # a chunk per record: 32 chunks
    cleared = []
    real_clear = world.fakes.outbox.clear
    monkeypatch.setattr(world.fakes.outbox, "clear", lambda keys: cleared.append(len(keys)) or real_clear(keys))
    issuance.issue(TEO, ready, None, "electronic")
    assert cleared == [ports.outbox.CLEAR_BATCH, len(ready) - ports.outbox.CLEAR_BATCH]
    assert _unsent() == [] and len(_jobs(queue.sent)) == len(ready)


def test_jobs_the_queue_refused_stay_in_the_outbox_until_resent(world, queue, monkeypatch):
    ready = _everything_signed_off()
    monkeypatch.setattr(issuance, "CHUNK_RECORDS", PER_MESSAGE)    # two chunks, one message each
    queue.refuse = {0}                                             # the first chunk's message is refused
    out = issuance.issue(TEO, ready, None, "electronic")
    assert sorted(out["applied"]) == sorted(ready)                  # moved all the same: GENERATING
    on_queue, stranded = _jobs(queue.sent), _unsent()
    assert len(on_queue) == len(stranded) == PER_MESSAGE
    assert sorted(j["id"] for j in on_queue + stranded) == sorted(ready)
    queue.sent.clear()
    world.fakes.clock.advance(3 * 60)                              # past the 2 minutes a sending request has
    assert issuance.resend_unsent() == PER_MESSAGE
    assert _jobs(queue.sent) == stranded and _unsent() == []
    assert issuance.resend_unsent() == 0


def test_with_the_queue_down_every_job_waits_in_the_outbox(world, queue):
    ready = ids(TEO, "READY")
    queue.down = True
    issuance.issue(TEO, ready, None, "electronic")
    assert queue.sent == [] and sorted(j["id"] for j in _unsent()) == sorted(ready)
    world.fakes.clock.advance(3 * 60)
    assert issuance.resend_unsent() == 0 and len(_unsent()) == len(ready)     # still down: kept
    queue.down = False
    assert issuance.resend_unsent() == len(ready)
    assert sorted(j["id"] for j in _jobs(queue.sent)) == sorted(ready) and _unsent() == []


def test_a_chunk_stranded_moments_ago_is_left_to_the_request_still_sending_it(world, queue):
    queue.down = True
    issuance.issue(TEO, ids(TEO, "READY"), None, "electronic")
    queue.down = False
    world.fakes.clock.advance(issuance.UNSENT_AFTER.total_seconds() - 1)
    assert issuance.resend_unsent() == 0


def test_only_ready_records_in_scope_are_issued_and_the_others_are_reported(world, queue):
    ready = ids(TEO, "READY")[0]
    pending = ids(TEO, "TEO_PENDING")[0]
    theirs = ids(TEO2, "READY")[0]
    out = issuance.issue(TEO, [ready, UNKNOWN, pending, theirs], None, "electronic")
    assert out["applied"] == [ready]
    assert out["skipped"] == [{"id": UNKNOWN, "reason": "发证记录不存在"},
                              {"id": pending, "reason": "当前状态为「培训评价组织待签发」，不能发放"},
                              {"id": theirs, "reason": "发证记录不存在"}]
    with refused(Conflict, "nothing_to_do"):
        issuance.issue(TEO, [ready], None, "electronic")            # 证书生成中 now


def test_issuing_a_filter_issues_what_is_ready_under_it(world, queue):
    bjtu, ncut = ids(TEO, "READY", college_id="bjtu"), ids(TEO, "READY", college_id="ncut")
    out = issuance.issue(TEO, None, {"college_id": "bjtu"}, "electronic")
    assert sorted(out["applied"]) == sorted(bjtu) and sorted(j["id"] for j in _jobs(queue.sent)) == sorted(bjtu)
    assert statuses(ncut) == dict.fromkeys(ncut, "READY")


@pytest.mark.parametrize("who", [COLLEGE, TEO_SIGNER])
def test_only_the_teos_staff_issue(world, who):
    for use_case in (lambda: issuance.issue(who, ids(TEO, "READY"), None, "paper"),
                     lambda: issuance.check(who, ids(TEO, "READY"), None, "paper"),
                     lambda: issuance.reissue(who, ids(TEO, "READY"), None)):
        with refused(Forbidden, "role_forbidden"):
            use_case()


def test_records_the_table_was_too_busy_to_take_are_reported_and_not_queued(world, queue):
    ready = ids(TEO, "READY")
    world.fakes.records.busy.add(ready[0])
    out = issuance.issue(TEO, ready, None, "electronic")
    assert out["applied"] == [] and queue.sent == [] and _unsent() == []
    assert sorted(out["skipped"], key=lambda s: s["id"]) == [
        {"id": rid, "reason": "系统繁忙，未能处理，请稍后重试"} for rid in sorted(ready)]
    assert statuses(ready) == dict.fromkeys(ready, "READY")


# ---- prerequisites ---------------------------------------------------------------------------------------

NO_SEAL = "培训评价组织“中物联物流”尚未取得电子公章，请先申请电子公章"
REVOKED_SEAL = "培训评价组织“中物联物流”的电子公章已被吊销，请重新申请电子公章"
NO_NCUT_STAMP = "考核站点“北方工业大学”尚未上传考核站点负责人电子签章"
NO_TEO_STAMP = "培训评价组织“中物联物流”尚未上传发证机构负责人电子签章"


@pytest.mark.parametrize("kind, key, fields, method, missing", [
    ("orgs", "zwl", {"seal_status": None}, "electronic", [NO_SEAL]),
    ("orgs", "zwl", {"seal_status": "revoked"}, "electronic", [REVOKED_SEAL]),
    ("orgs", "zwl", {"seal_status": None}, "paper", []),
    ("colleges", "ncut", {"stamp_key": None}, "electronic", [NO_NCUT_STAMP]),
    ("colleges", "ncut", {"stamp_key": None}, "paper", [NO_NCUT_STAMP]),
    ("orgs", "zwl", {"stamp_key": None, "seal_status": None}, "electronic", [NO_SEAL, NO_TEO_STAMP]),
])
def test_issuing_what_the_worker_could_only_fail_is_refused_up_front_naming_what_is_missing(
        world, queue, kind, key, fields, method, missing):
    ports.master.set_fields(kind, {"id": key}, **fields)
    ready = ids(TEO, "READY")                  # three at 北京交通大学, one at 北方工业大学
    assert issuance.check(TEO, ready, None, method) == {"missing": missing}
    if not missing:
        assert issuance.issue(TEO, ready, None, method)["applied"]
        return
    with refused(Conflict, "issue_prerequisites_missing") as err:
        issuance.issue(TEO, ready, None, method)
    assert err.value.details == {"missing": missing} and err.value.message == "无法发放：" + "；".join(missing)
    assert statuses(ready) == dict.fromkeys(ready, "READY") and queue.sent == [] and _unsent() == []


def test_a_teo_without_its_e_seal_issues_paper_certificates_only(world, queue):
    ready = ids(TEO2, "READY")
    assert issuance.check(TEO2, None, {}, "electronic") == {
        "missing": ["培训评价组织“中科信培教育科技”尚未取得电子公章，请先申请电子公章"]}
    assert issuance.check(TEO2, None, {}, "paper") == {"missing": []}
    assert sorted(issuance.issue(TEO2, ready, None, "paper")["applied"]) == sorted(ready)


def test_master_data_gone_missing_is_named_by_its_id(world):
    """A site no longer in master data is named by its id; a certificate type gone takes the default layout."""
    ready = ports.records.get(ids(TEO, "READY", college_id="bjtu")[0])
    ghost = {**ready, "site_id": "ghost", "certificate_id": "gone"}
    assert issuance.missing([ghost], "paper") == ["考核站点“ghost”尚未上传考核站点负责人电子签章"]


# ---- re-issue --------------------------------------------------------------------------------------------


def test_reissue_sends_an_issued_certificate_back_and_the_next_issue_is_version_two_with_its_number(world):
    rid = _issued_one(world)
    first = ports.records.get(rid)
    queue = world.fakes.queue
    queue.sent.clear()
    out = issuance.reissue(TEO, [rid], None)
    assert out == {"applied": [rid], "skipped": []}
    back = ports.records.get(rid)
    assert (back["status"], back["cert_no"], back["award_date"]) == ("READY", first["cert_no"], first["award_date"])
    assert ports.records.events(rid)[-1]["action"] == "reissue"
    issuance.issue(TEO, [rid], None, "paper")
    certificate_making.stamp(_jobs(queue.sent), 1)
    second = ports.records.get(rid)
    assert (second["status"], second["pdf_version"], second["cert_no"], second["method"]) == \
        ("ISSUED", 2, first["cert_no"], "paper")
    assert [(v["version"], bool(v.get("superseded"))) for v in ports.issued.versions(rid)] == [(1, True), (2, False)]


def test_reissue_takes_a_failed_stamping_back_to_ready(world):
    message = world.fakes.queue.sent[0]
    certificate_making.give_up(message["jobs"])          # the dead-letter queue gave up on them
    failed = [j["id"] for j in message["jobs"]]
    assert set(statuses(failed).values()) == {"STAMP_FAILED"}
    out = issuance.reissue(TEO, None, {"status": "STAMP_FAILED"})
    assert sorted(out["applied"]) == sorted(failed) and out["skipped"] == []
    assert {(r["status"], r.get("reason")) for r in ports.records.get_many(failed)} == {("READY", None)}


def test_a_revoked_certificate_is_never_reissued(world):
    rid = _issued_one(world)
    certificates.revoke(TEO, rid, "证书信息有误")
    out = issuance.reissue(TEO, [rid], None)
    assert out == {"applied": [], "skipped": [{"id": rid, "reason": "证书已撤销，不能重新发放"}]}
    assert ports.records.get(rid)["status"] == "ISSUED"


def test_what_is_neither_issued_nor_failed_is_not_reissued(world):
    ready = ids(TEO, "READY")[0]
    with refused(Conflict, "nothing_to_do") as err:
        issuance.reissue(TEO, [ready], None)
    assert err.value.details["skipped"] == [{"id": ready, "reason": "当前状态为「证书待发放」，不能重新发放"}]


def test_importing_issuance_reaches_no_port():
    probe = "import sys; import chalicelib.services.issuance; print('chalicelib.wiring' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=True, capture_output=True, text=True)
    assert run.stdout.split() == ["False"]
