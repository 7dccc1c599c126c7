"""The sign-off evidence behind a certificate (signoff.json, its one printed line, what verification shows):
the sign-off that counted on each side, who signed, in which role, when, and the digests it signed."""
import base64
import hashlib
import json

import pytest

from chalicelib import ports
from chalicelib.services import evidence, signing
from devstack import demo

from ._signoff_helpers import COLLEGE, COLLEGE_SIGNER, TEO, TEO_SIGNER, ids, sign

DRAWN_SHA = hashlib.sha256(base64.b64decode(demo.signature_b64())).hexdigest()
TEO_SIGNER_NAME, SITE_SIGNER_NAME = "中物联物流 发证机构负责人", "北京交通大学 考核站点负责人"


def _ready_at_bjtu() -> dict:
    return ports.records.get(ids(TEO, "READY", college_id="bjtu")[0])


def test_a_ready_record_carries_both_sign_offs_teo_first(world):
    rec = _ready_at_bjtu()
    teo, site = evidence.signoffs(rec)
    assert evidence.signers(rec) == ["teo_signer", "college_signer"]
    assert [(p["party"], p["organisation"], p["role"], p["signer"]) for p in (teo, site)] == [
        ("teo", "中物联物流", "培训评价组织负责人", TEO_SIGNER_NAME),
        ("site", "北京交通大学", "考核站点负责人", SITE_SIGNER_NAME)]
    for party, staff in ((teo, TEO), (site, COLLEGE)):
        session = signing.view(staff, party["session_id"])
        assert session["status"] == "completed" and party["records_sha256"] == session["digest"]
        assert party["signed_at"] == rec[f"{party['party']}_signed_at"] == session["signed_at"]
        assert party["signature_sha256"] == DRAWN_SHA


def test_after_a_refusal_and_a_re_sign_the_re_sign_is_the_one_that_counts(world):
    rid = ids(COLLEGE, "SITE_REJECTED")[0]
    teo_before = evidence.signoffs(ports.records.get(rid))
    world.fakes.clock.advance(3600)
    resigned = sign(COLLEGE, COLLEGE_SIGNER, [rid])
    rec = ports.records.get(rid)
    teo, site = evidence.signoffs(rec)
    assert teo == teo_before[0]
    assert (site["session_id"], site["signed_at"], site["records_sha256"]) == \
        (resigned["id"], world.fakes.clock.now_iso(), resigned["digest"])
    assert "site_reject" in [e["action"] for e in ports.records.events(rid)]      # the trail keeps the refusal


@pytest.mark.parametrize("status, parties", [("TEO_PENDING", []), ("TEO_REJECTED", []),
                                             ("SITE_PENDING", ["teo"])])
def test_a_side_that_has_not_signed_is_left_out(world, status, parties):
    rec = ports.records.get(ids(TEO, status)[0])
    found = evidence.signoffs(rec)
    assert [p["party"] for p in found] == parties
    assert evidence.signers(rec) == (["teo_signer"] if parties else [])
    assert evidence.summary_line(found) == ""          # the printed line needs both


def test_records_signed_before_the_digests_lived_on_them_read_their_sessions(world):
    rec = _ready_at_bjtu()
    older = {k: v for k, v in rec.items() if not k.endswith(("_records_sha256", "_signature_sha256"))}
    assert evidence.signoffs(older) == evidence.signoffs(rec)
    gone = {**older, "site_signing_session": "f" * 32}
    site = evidence.signoffs(gone)[1]
    assert (site["session_id"], site["records_sha256"], site["signature_sha256"]) == ("f" * 32, None, None)


def test_signer_names_read_already_are_used_as_given(world):
    teo, site = evidence.signoffs(_ready_at_bjtu(), names={"teo_signer": "张明"})
    assert (teo["signer"], site["signer"]) == ("张明", "college_signer")     # no name: the username


def test_the_document_holds_the_certificate_and_its_sign_offs(world):
    rec = _ready_at_bjtu()
    parties = evidence.signoffs(rec)
    raw = evidence.document(rec, "SC202600000000017", 2, parties)
    assert "中物联物流".encode() in raw                  # readable, not escaped
    assert json.loads(raw) == {"type": "SkillCertSignoffEvidence", "certificate_number": "SC202600000000017",
                               "certificate_version": 2, "record_id": rec["id"], "signoffs": parties}


def test_the_printed_line_dates_each_sign_off_in_beijing(world):
    rid = ids(TEO, "TEO_PENDING", plan_id="p0907")[0]
    world.fakes.clock.set("2026-11-30T15:59:00+00:00")            # 23:59 in Beijing
    sign(TEO, TEO_SIGNER, [rid])
    world.fakes.clock.advance(120)                                # 00:01 the next day
    sign(COLLEGE, COLLEGE_SIGNER, [rid])
    line = evidence.summary_line(evidence.signoffs(ports.records.get(rid)))
    assert line == (f"本证书经培训评价组织负责人 {TEO_SIGNER_NAME}（2026-11-30）与"
                    f"考核站点负责人 {SITE_SIGNER_NAME}（2026-12-01）在线签发确认")


def test_verification_shows_who_signed_in_which_role_and_when_and_nothing_more(world):
    parties = evidence.signoffs(_ready_at_bjtu())
    shown = evidence.public(parties)
    assert shown == [{k: p[k] for k in ("party", "organisation", "role", "signer", "signed_at")} for p in parties]
    assert not any(k in s for s in shown for k in ("session_id", "records_sha256", "signature_sha256"))
