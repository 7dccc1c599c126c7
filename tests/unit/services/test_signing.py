"""Signing sessions (扫码签发) on the demo world: staff open a session over records, the responsible person
confirms or refuses it once with a drawn signature, and each record moves only if it is still what the
session showed."""
import base64
import hashlib
import io

import pytest
from PIL import Image

from chalicelib import config, ports
from chalicelib.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, TooLarge
from chalicelib.domain.filters import RecordFilter
from chalicelib.services import generation, records, signing
from devstack import demo

from ._signoff_helpers import (
    ADMIN,
    COLLEGE,
    COLLEGE2_SIGNER,
    COLLEGE_SIGNER,
    IP,
    TEO,
    TEO2,
    TEO2_SIGNER,
    TEO_SIGNER,
    ids,
    refused,
    sign,
    statuses,
)

UNKNOWN = "0" * 24
DRAWN = base64.b64decode(demo.signature_b64())
# (staff, signer, the tab they sign, the status a confirmation moves it to)
SIDES = {
    "teo": (TEO, TEO_SIGNER, dict(status="TEO_PENDING", plan_id="p0908"), "SITE_PENDING", "TEO_REJECTED"),
    "site": (COLLEGE, COLLEGE_SIGNER, dict(status="SITE_PENDING", plan_id="p0907"), "READY", "SITE_REJECTED"),
}
SIGNER_NAMES = {"teo_signer": "中物联物流 发证机构负责人", "college_signer": "北京交通大学 考核站点负责人"}


def _png(img: Image.Image) -> str:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


# ---- opening and viewing ---------------------------------------------------------------------------------


def test_a_session_holds_the_movable_records_asked_for_and_says_why_the_others_are_left_out(world):
    pending = ids(TEO, "TEO_PENDING", plan_id="p0908")[:3]
    site_pending = ids(TEO, "SITE_PENDING")[0]
    opened = signing.open_session(TEO, "sign", [*pending, UNKNOWN, site_pending], None)
    assert (opened["status"], opened["action"], opened["count"]) == ("open", "sign", 3)
    assert opened["skipped"] == [{"id": UNKNOWN, "reason": "发证记录不存在"},
                                 {"id": site_pending, "reason": "当前状态为「考核站点待签发」，不能签发"}]
    assert opened["sign_url"] == f"{config.public_base_url()}/sign/{opened['id']}"
    assert "<svg" in opened["qr_svg"]
    assert opened["expires_at"] == int(world.fakes.clock.now()) + signing.SESSION_SECONDS
    assert opened["digest"] == signing.digest(ports.records.get_many(pending))
    shown = signing.view(TEO_SIGNER, opened["id"])
    assert (shown["status"], shown["side"], shown["count"], shown["resign"], shown["again"]) == \
        ("open", "teo", 3, False, False)
    assert shown["created_by_name"] == "中物联物流 业务员" and shown["signer"] is None
    assert sorted(shown["preview_names"]) == sorted(ports.records.get(i)["candidate_name"] for i in pending)
    assert statuses(pending) == dict.fromkeys(pending, "TEO_PENDING")      # opening moves nothing


def test_a_session_over_a_filter_takes_what_that_side_can_sign_under_it(world):
    opened = signing.open_session(COLLEGE, "sign", None, {"plan_id": "p2109"})
    # 北京交通大学 refused two of 2021九月中级; its three signed ones are 证书待发放 and not signable again.
    assert opened["count"] == 2 and opened["skipped"] == []
    shown = signing.view(COLLEGE_SIGNER, opened["id"])
    assert shown["again"] and not shown["resign"]          # 重新签发, and the site may still refuse


def test_the_signer_lists_every_record_of_the_session_a_page_at_a_time(world):
    pending = ids(TEO, "TEO_PENDING", plan_id="p0908")
    opened = signing.open_session(TEO, "sign", pending, None)
    pages = [signing.session_records(TEO_SIGNER, opened["id"], page, 4) for page in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [4, 4, 1] and {p["total"] for p in pages} == {9}
    assert sorted(r["id"] for p in pages for r in p["items"]) == sorted(pending)
    assert {(r["certificate_name"], r["level"], r["plan_name"]) for p in pages for r in p["items"]} == \
        {("健康管理职业技能等级证书", "初级", "科目成绩0908未开始")}
    records.delete(TEO, pending[0])                # gone since: not listed, still counted as signed over
    first = signing.session_records(TEO_SIGNER, opened["id"], 1, 4)
    assert pending[0] not in [r["id"] for r in first["items"]] and first["total"] == 9


@pytest.mark.parametrize("who", [TEO2, TEO2_SIGNER, COLLEGE, COLLEGE_SIGNER, COLLEGE2_SIGNER])
def test_another_organisations_or_the_other_sides_session_looks_missing(world, who):
    opened = signing.open_session(TEO, "sign", ids(TEO, "TEO_PENDING")[:1], None)
    for look in (lambda: signing.view(who, opened["id"]),
                 lambda: signing.session_records(who, opened["id"], 1, 10)):
        with refused(NotFound, "session_not_found"):
            look()
    if who.role.value.endswith("signer"):
        with refused(NotFound, "session_not_found"):
            signing.complete(who, opened["id"], "confirm", demo.signature_b64(), None, IP)
    assert signing.view(TEO, opened["id"])["status"] == "open"


@pytest.mark.parametrize("session_id", [UNKNOWN * 2, "not-an-id", ""])
def test_an_unknown_session_is_not_found(world, session_id):
    with refused(NotFound, "session_not_found"):
        signing.view(TEO_SIGNER, session_id)


@pytest.mark.parametrize("who", [TEO_SIGNER, ADMIN])
def test_only_staff_open_sessions(world, who):
    with refused(Forbidden, "role_forbidden"):
        signing.open_session(who, "sign", ids(TEO, "TEO_PENDING")[:1], None)


def test_only_the_responsible_person_completes_a_session(world):
    opened = signing.open_session(TEO, "sign", ids(TEO, "TEO_PENDING")[:1], None)
    with refused(Forbidden, "role_forbidden"):
        signing.complete(TEO, opened["id"], "confirm", demo.signature_b64(), None, IP)


def test_another_tenants_records_are_nothing_to_sign(world):
    theirs = ids(TEO, "TEO_PENDING")[:2]
    with refused(Conflict, "nothing_to_do") as err:
        signing.open_session(TEO2, "sign", theirs, None)
    assert err.value.details["skipped"] == [{"id": i, "reason": "发证记录不存在"} for i in theirs]


def test_a_reject_session_needs_the_staffs_reason_up_front(world):
    with refused(InvalidInput, "reason_required"):
        signing.open_session(TEO, "reject", ids(TEO, "TEO_PENDING")[:1], None, "  ")
    with refused(InvalidInput, "reason_too_long"):
        signing.open_session(TEO, "reject", ids(TEO, "TEO_PENDING")[:1], None, "长" * 501)


# ---- confirming and refusing ---------------------------------------------------------------------------


@pytest.mark.parametrize("side", SIDES)
def test_confirming_signs_each_record_and_keeps_the_signature_as_evidence(world, side):
    staff, signer, tab, signed, _ = SIDES[side]
    chosen = ids(staff, **tab)[:3]
    before = records.counts(staff, RecordFilter(plan_id=tab["plan_id"]))
    done = sign(staff, signer, chosen)
    assert (done["status"], done["decision"], done["skipped"]) == ("completed", "confirm", [])
    assert sorted(done["applied"]) == sorted(chosen) and done["signer_name"] == SIGNER_NAMES[signer.username]
    assert done["signed_at"] == world.fakes.clock.now_iso()
    assert statuses(chosen) == dict.fromkeys(chosen, signed)
    after = records.counts(staff, RecordFilter(plan_id=tab["plan_id"]))
    assert (after[tab["status"]], after[signed]) == (before[tab["status"]] - 3, before[signed] + 3)
    rec = ports.records.get(chosen[0])
    assert (rec[f"{side}_signed_by"], rec[f"{side}_signing_session"]) == (signer.username, done["id"])
    assert rec[f"{side}_records_sha256"] == done["digest"]
    assert rec[f"{side}_signature_sha256"] == hashlib.sha256(DRAWN).hexdigest()
    assert rec["signed"] and rec.get("reason") is None
    last = ports.records.events(chosen[0])[-1]
    assert (last["action"], last["actor"], last["session_id"], last["to_status"]) == \
        (f"{side}_sign", signer.username, done["id"], signed)
    data, kind, meta = world.fakes.files.objects[f"signatures/{staff.org_id}/{done['id']}.png"]
    assert (data, kind) == (DRAWN, "image/png")
    assert meta == {"signer": signer.username, "signed-at": done["signed_at"], "client-ip": IP,
                    "records-sha256": done["digest"], "decision": "confirm", "session": done["id"]}


@pytest.mark.parametrize("side", SIDES)
def test_refusing_a_sign_session_rejects_the_records_with_the_signers_own_words(world, side):
    staff, signer, tab, _, rejected = SIDES[side]
    chosen = ids(staff, **tab)[:2]
    opened = signing.open_session(staff, "sign", chosen, None)
    with refused(InvalidInput, "reason_required"):
        signing.complete(signer, opened["id"], "refuse", demo.signature_b64(), None, IP)
    assert signing.view(staff, opened["id"])["status"] == "open"        # a mistake does not use it up
    done = signing.complete(signer, opened["id"], "refuse", demo.signature_b64(), " 成绩有误，请核对 ", IP)
    assert (done["status"], done["decision"], sorted(done["applied"])) == ("refused", "refuse", sorted(chosen))
    rec = ports.records.get(chosen[0])
    assert (rec["status"], rec["reason"], rec["signed"]) == (rejected, "成绩有误，请核对", True)
    assert ports.records.events(chosen[0])[-1]["reason"] == "成绩有误，请核对"


@pytest.mark.parametrize("signer_reason, kept", [(None, "仍需核实"), ("照片不符", "照片不符")])
def test_confirming_a_reject_session_rejects_with_the_staffs_or_the_signers_reason(world, signer_reason, kept):
    chosen = ids(COLLEGE, "SITE_PENDING")[:2]
    opened = signing.open_session(COLLEGE, "reject", chosen, None, "仍需核实")
    assert signing.view(COLLEGE_SIGNER, opened["id"])["reason"] == "仍需核实"
    done = signing.complete(COLLEGE_SIGNER, opened["id"], "confirm", demo.signature_b64(), signer_reason, IP)
    assert done["status"] == "completed" and sorted(done["applied"]) == sorted(chosen)
    assert {(r["status"], r["reason"]) for r in ports.records.get_many(chosen)} == {("SITE_REJECTED", kept)}


def test_refusing_a_reject_session_changes_nothing(world):
    chosen = ids(COLLEGE, "SITE_PENDING")[:2]
    trail = {i: ports.records.events(i) for i in chosen}
    done = sign(COLLEGE, COLLEGE_SIGNER, chosen, action="reject", decision="refuse", staff_reason="仍需核实")
    assert (done["status"], done["applied"], done["skipped"]) == ("refused", [], [])
    assert statuses(chosen) == dict.fromkeys(chosen, "SITE_PENDING")
    assert {i: ports.records.events(i) for i in chosen} == trail
    assert f"signatures/bjtu/{done['id']}.png" in world.fakes.files.objects     # the refusal is signed too


def test_the_teo_re_signing_what_it_refused_can_only_confirm(world):
    (rejected,) = ids(TEO, "TEO_REJECTED")
    opened = signing.open_session(TEO, "sign", [rejected], None)
    shown = signing.view(TEO_SIGNER, opened["id"])
    assert shown["resign"] and shown["again"]
    with refused(Conflict, "refuse_not_allowed"):
        signing.complete(TEO_SIGNER, opened["id"], "refuse", demo.signature_b64(), "再拒一次", IP)
    assert signing.view(TEO, opened["id"])["status"] == "open"
    done = signing.complete(TEO_SIGNER, opened["id"], "confirm", demo.signature_b64(), None, IP)
    assert done["applied"] == [rejected] and statuses([rejected]) == {rejected: "SITE_PENDING"}
    assert ports.records.get(rejected).get("reason") is None


def test_a_site_refusing_its_refused_records_again_keeps_the_new_reason(world):
    refused_ids = ids(COLLEGE, "SITE_REJECTED")
    done = sign(COLLEGE, COLLEGE_SIGNER, refused_ids, decision="refuse", reason="仍需核实照片")
    assert sorted(done["applied"]) == sorted(refused_ids)
    assert {(r["status"], r["reason"]) for r in ports.records.get_many(refused_ids)} == \
        {("SITE_REJECTED", "仍需核实照片")}


def test_refusing_a_mixed_session_skips_the_records_refused_already(world):
    (rejected,) = ids(TEO, "TEO_REJECTED")
    pending = ids(TEO, "TEO_PENDING", plan_id="p0907")[0]
    done = sign(TEO, TEO_SIGNER, [pending, rejected], decision="refuse", reason="成绩待复核")
    assert done["applied"] == [pending]
    assert done["skipped"] == [
        {"id": rejected, "reason": "当前状态为「培训评价组织拒绝签发」，不能执行此操作（可能已被他人处理）"}]
    assert statuses([pending, rejected]) == {pending: "TEO_REJECTED", rejected: "TEO_REJECTED"}


# ---- what a signature covers -----------------------------------------------------------------------------


def test_a_record_changed_or_deleted_after_the_session_opened_is_not_signed_blindly(world):
    a, b, c = ids(TEO, "TEO_PENDING", plan_id="p0908")[:3]
    stale = signing.open_session(TEO, "sign", [a, b, c], None)
    records.delete(TEO, a)
    sign(TEO, TEO_SIGNER, [b], decision="refuse", reason="另一会话先拒绝")
    done = signing.complete(TEO_SIGNER, stale["id"], "confirm", demo.signature_b64(), None, IP)
    assert done["applied"] == [c]
    assert sorted(done["skipped"], key=lambda s: s["id"]) == sorted([
        {"id": a, "reason": "发证记录已被删除"},
        {"id": b, "reason": "发起签发后该记录已被他人处理，请重新发起"}], key=lambda s: s["id"])
    assert statuses([b, c]) == {b: "TEO_REJECTED", c: "SITE_PENDING"}


def test_a_session_never_signs_a_record_deleted_and_generated_again(world):
    pending = ids(TEO, "TEO_PENDING", plan_id="p0908")
    stale = signing.open_session(TEO, "sign", pending[:1], None)
    records.delete(TEO, pending[0])
    again = generation.generate(TEO, {"exam_year": 2021, "plan_id": "p0908", "certificate_id": "jkgl"})
    assert again["created_ids"] == pending[:1]           # the same id, at version 1 again
    done = signing.complete(TEO_SIGNER, stale["id"], "confirm", demo.signature_b64(), None, IP)
    assert done["applied"] == [] and [s["id"] for s in done["skipped"]] == pending[:1]
    assert statuses(pending[:1]) == {pending[0]: "TEO_PENDING"}


def test_two_sessions_over_the_same_records_move_each_once(world):
    chosen = ids(TEO, "TEO_PENDING", plan_id="p0907")[:4]
    first, second = (signing.open_session(TEO, "sign", chosen, None) for _ in range(2))
    done = signing.complete(TEO_SIGNER, first["id"], "refuse", demo.signature_b64(), "先到", IP)
    late = signing.complete(TEO_SIGNER, second["id"], "confirm", demo.signature_b64(), None, IP)
    assert sorted(done["applied"]) == sorted(chosen) and late["applied"] == []
    assert sorted(s["id"] for s in late["skipped"]) == sorted(chosen)
    assert all(len(ports.records.events(i)) == 2 for i in chosen)      # generated, then refused once


def test_records_the_table_was_too_busy_to_take_are_reported_to_sign_again(world):
    chosen = ids(TEO, "TEO_PENDING", plan_id="p0908")[:2]
    world.fakes.records.busy.add(chosen[0])
    done = sign(TEO, TEO_SIGNER, chosen)
    assert done["status"] == "completed" and done["applied"] == []
    assert sorted(done["skipped"], key=lambda s: s["id"]) == [
        {"id": i, "reason": "系统繁忙，未能处理，请重新发起签发"} for i in sorted(chosen)]
    assert statuses(chosen) == dict.fromkeys(chosen, "TEO_PENDING")


# ---- once, in time, with a real signature ----------------------------------------------------------------


@pytest.mark.parametrize("wait, outcome", [(signing.SESSION_SECONDS - 1, "completed"),
                                           (signing.SESSION_SECONDS, "expired")])
def test_a_session_is_good_for_ten_minutes(world, wait, outcome):
    chosen = ids(TEO, "TEO_PENDING")[:1]
    opened = signing.open_session(TEO, "sign", chosen, None)
    world.fakes.clock.advance(wait)
    assert signing.view(TEO_SIGNER, opened["id"])["status"] == ("open" if outcome == "completed" else "expired")
    if outcome == "completed":
        assert signing.complete(TEO_SIGNER, opened["id"], "confirm", demo.signature_b64(), None, IP)["applied"]
    else:
        with refused(Conflict, "session_expired"):
            signing.complete(TEO_SIGNER, opened["id"], "confirm", demo.signature_b64(), None, IP)
        assert statuses(chosen) == dict.fromkeys(chosen, "TEO_PENDING")


def test_a_session_completes_once(world):
    opened = signing.open_session(TEO, "sign", ids(TEO, "TEO_PENDING")[:1], None)
    signing.complete(TEO_SIGNER, opened["id"], "confirm", demo.signature_b64(), None, IP)
    world.fakes.clock.advance(signing.SESSION_SECONDS)            # used, whatever the time says
    with refused(Conflict, "session_used"):
        signing.complete(TEO_SIGNER, opened["id"], "refuse", demo.signature_b64(), "改主意", IP)
    assert signing.view(TEO, opened["id"])["status"] == "completed"


def _blank() -> str:
    return _png(Image.new("RGBA", (300, 100), (0, 0, 0, 0)))


def _huge() -> str:
    return _png(Image.new("1", (2001, 2001)))


BAD_SIGNATURES = [
    ("hello", lambda: base64.b64encode(b"hello").decode(), InvalidInput, "invalid_signature"),
    ("not base64", lambda: "签名!", InvalidInput, "invalid_base64"),
    ("damaged PNG", lambda: base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 64).decode(), InvalidInput,
     "invalid_signature"),
    ("blank pad", _blank, InvalidInput, "blank_signature"),
    ("over 4 megapixels", _huge, TooLarge, "signature_too_large"),
    ("over 512 KB", lambda: base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * signing.MAX_SIGNATURE_BYTES).decode(),
     TooLarge, "file_too_large"),
]


@pytest.mark.parametrize("make, kind, code", [b[1:] for b in BAD_SIGNATURES], ids=[b[0] for b in BAD_SIGNATURES])
def test_what_is_not_a_drawn_signature_is_refused_and_the_session_stays_open(world, make, kind, code):
    chosen = ids(TEO, "TEO_PENDING")[:1]
    opened = signing.open_session(TEO, "sign", chosen, None)
    with refused(kind, code):
        signing.complete(TEO_SIGNER, opened["id"], "confirm", make(), None, IP)
    assert signing.view(TEO, opened["id"])["status"] == "open"
    assert statuses(chosen) == dict.fromkeys(chosen, "TEO_PENDING")
    assert f"signatures/zwl/{opened['id']}.png" not in world.fakes.files.objects


def test_no_evidence_no_sign_off_the_session_is_given_back_until_the_signature_is_stored(world):
    chosen = ids(TEO, "TEO_PENDING")[:2]
    opened = signing.open_session(TEO, "sign", chosen, None)
    world.fakes.files.down = True
    with pytest.raises(ConnectionError):
        signing.complete(TEO_SIGNER, opened["id"], "confirm", demo.signature_b64(), None, IP)
    assert signing.view(TEO, opened["id"])["status"] == "open"
    assert statuses(chosen) == dict.fromkeys(chosen, "TEO_PENDING")
    world.fakes.files.down = False
    done = signing.complete(TEO_SIGNER, opened["id"], "confirm", demo.signature_b64(), None, IP)
    assert sorted(done["applied"]) == sorted(chosen)
