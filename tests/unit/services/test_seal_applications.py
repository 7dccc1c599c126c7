"""E-seal applications (F1): a TEO applies, the admin approves once (the TEO then holds a seal image and a
key with a certificate under the platform CA) or rejects with a reason; the platform may withdraw a seal.
On the demo, 中科信培 (teo2) has not applied yet and 中物联物流's application was approved."""
import base64

import pytest

from chalicelib import config, ports
from chalicelib.domain.access import Principal, Role
from chalicelib.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.domain.filters import RecordFilter
from chalicelib.render import imprints
from chalicelib.services import issuance, records, seal_applications
from devstack import demo

from ._issued_helpers import ADMIN, COLLEGE, TEO, TEO2

GOOD = {"legal_representative": " 李华 ", "contact_name": "李华", "contact_phone": "13911112222"}
TEO2_SIGNER = Principal("teo2_signer", Role.TEO_SIGNER, demo.TEO2)


def _ready_of_teo2() -> list[str]:
    return [r["id"] for r in records.matching(TEO2, RecordFilter(status="READY"))][:2]


def test_a_teo_applies_and_sees_its_application_pending(world):
    world.fakes.clock.advance(3600)          # the demo's application was made at the clock's start
    answer = seal_applications.apply(TEO2, demo.TEO2, GOOD)
    assert answer["status"] == "submitted" and answer["org_id"] == demo.TEO2
    assert (answer["legal_representative"], answer["contact_phone"]) == ("李华", "13911112222")
    assert answer["seal_text"] == "中科信培教育科技"                           # the org's name unless given
    assert (answer["submitted_by"], answer["submitted_by_name"]) == ("teo2", "中科信培 业务员")
    assert answer["submitted_at"] == ports.clock.now_iso()
    assert answer["accepting_authority"] == config.certification_authority()
    for who in (TEO2, TEO2_SIGNER, ADMIN):
        current = seal_applications.current(who, demo.TEO2)
        assert current["application"] == answer and current["seal_status"] == "none"
        assert current["seal_revoked_reason"] is None
    with pytest.raises(Conflict) as refused:
        seal_applications.apply(TEO2, demo.TEO2, {**GOOD, "seal_text": "另一份"})
    assert refused.value.code == "application_pending"
    listed = seal_applications.pending(ADMIN)
    assert listed[0]["id"] == answer["id"] and listed[0]["submitted_by_name"] == "中科信培 业务员"
    assert {a["org_id"] for a in listed} == {demo.TEO, demo.TEO2}


def test_no_application_yet(world):
    assert seal_applications.current(TEO2, demo.TEO2)["application"] is None
    assert seal_applications.current(TEO, demo.TEO)["seal_status"] == "active"


@pytest.mark.parametrize("body, field, message", [
    ({**GOOD, "legal_representative": "  "}, "legal_representative", "法定代表人不能为空"),
    ({**GOOD, "contact_name": ""}, "contact_name", "联系人不能为空"),
    ({**GOOD, "contact_phone": "12345"}, "contact_phone",
     "联系人手机号：应为11位中国大陆手机号，以1开头，如13800138000"),
    ({**GOOD, "contact_phone": " "}, "contact_phone", "联系人手机号：不能为空"),
])
def test_an_incomplete_application_names_the_field(world, body, field, message):
    with pytest.raises(InvalidInput) as refused:
        seal_applications.apply(TEO2, demo.TEO2, body)
    assert (refused.value.details, refused.value.message) == ({"field": field}, message)
    assert seal_applications.current(TEO2, demo.TEO2)["application"] is None


@pytest.mark.parametrize("who, error", [(TEO, NotFound), (TEO2_SIGNER, Forbidden), (ADMIN, Forbidden),
                                        (COLLEGE, Forbidden)])
def test_only_the_teos_staff_apply_for_its_seal(world, who, error):
    with pytest.raises(error):
        seal_applications.apply(who, demo.TEO2, GOOD)
    assert seal_applications.current(TEO2, demo.TEO2)["application"] is None


@pytest.mark.parametrize("who, error", [(TEO, NotFound), (COLLEGE, Forbidden)])
def test_only_the_teos_people_and_the_admin_see_its_application(world, who, error):
    seal_applications.apply(TEO2, demo.TEO2, GOOD)
    with pytest.raises(error):
        seal_applications.current(who, demo.TEO2)
    with pytest.raises(Forbidden):
        seal_applications.pending(who)


def test_a_rejection_needs_a_reason_and_the_teo_may_apply_again(world):
    app = seal_applications.apply(TEO2, demo.TEO2, GOOD)
    with pytest.raises(InvalidInput) as refused:
        seal_applications.decide(ADMIN, app["id"], "reject", "  ", None)
    assert refused.value.code == "reason_required"
    rejected = seal_applications.decide(ADMIN, app["id"], "reject", " 法定代表人信息有误 ", None)
    assert (rejected["status"], rejected["reason"], rejected["decided_by_name"]) == (
        "rejected", "法定代表人信息有误", "平台管理员")
    assert seal_applications.current(TEO2, demo.TEO2)["application"]["status"] == "rejected"
    assert ports.master.get("orgs", id=demo.TEO2).get("seal_status") is None
    again = seal_applications.apply(TEO2, demo.TEO2, GOOD)
    assert again["id"] != app["id"] and seal_applications.current(TEO2, demo.TEO2)["application"]["id"] == again["id"]


def test_an_approval_gives_the_teo_a_seal_its_certificates_can_be_sealed_with(world):
    ids = _ready_of_teo2()
    assert any("尚未取得电子公章" in m for m in issuance.check(TEO2, ids, None, "electronic")["missing"])
    app = seal_applications.apply(TEO2, demo.TEO2, {**GOOD, "seal_text": "中科信培教育科技有限公司"})
    approved = seal_applications.decide(ADMIN, app["id"], "approve", None, None)
    assert (approved["status"], approved["decided_by"], approved["decided_at"]) == (
        "approved", "admin", ports.clock.now_iso())
    org = ports.master.get("orgs", id=demo.TEO2)
    assert org["seal_status"] == "active" and org["seal_key"].startswith(f"seals/orgs/{demo.TEO2}/")
    assert world.fakes.files.read(org["seal_key"]) == imprints.official_seal("中科信培教育科技有限公司")
    assert world.fakes.keys.seal(org["seal_serial"])["org_id"] == demo.TEO2
    assert issuance.check(TEO2, ids, None, "electronic")["missing"] == []
    assert seal_applications.current(TEO2, demo.TEO2)["seal_status"] == "active"
    for decision, reason in (("approve", None), ("reject", "晚了")):
        with pytest.raises(Conflict) as refused:
            seal_applications.decide(ADMIN, app["id"], decision, reason, None)
        assert refused.value.code == "application_decided"
    assert ports.master.get("orgs", id=demo.TEO2)["seal_serial"] == org["seal_serial"]      # decided once


def test_the_admin_may_upload_the_seal_image(world):
    uploaded = imprints.official_seal("上传的公章")
    app = seal_applications.apply(TEO2, demo.TEO2, GOOD)
    seal_applications.decide(ADMIN, app["id"], "approve", None, base64.b64encode(uploaded).decode())
    assert world.fakes.files.read(ports.master.get("orgs", id=demo.TEO2)["seal_key"]) == uploaded


@pytest.mark.parametrize("image, code", [("not base64!", "invalid_base64"),
                                         (base64.b64encode(b"GIF89a....").decode(), "stamp_not_png")])
def test_a_bad_seal_image_is_refused_and_the_application_stays_to_be_decided(world, image, code):
    app = seal_applications.apply(TEO2, demo.TEO2, GOOD)
    with pytest.raises(InvalidInput) as refused:
        seal_applications.decide(ADMIN, app["id"], "approve", None, image)
    assert refused.value.code == code
    assert ports.seal_applications.get(app["id"])["status"] == "submitted"
    assert seal_applications.decide(ADMIN, app["id"], "approve", None, None)["status"] == "approved"


def test_an_approval_that_fails_midway_gives_the_application_back(world):
    app = seal_applications.apply(TEO2, demo.TEO2, GOOD)
    world.fakes.files.down = True
    with pytest.raises(ConnectionError):
        seal_applications.decide(ADMIN, app["id"], "approve", None, None)
    assert ports.seal_applications.get(app["id"])["status"] == "submitted"
    assert ports.master.get("orgs", id=demo.TEO2).get("seal_status") is None
    world.fakes.files.down = False
    assert seal_applications.decide(ADMIN, app["id"], "approve", None, None)["status"] == "approved"


@pytest.mark.parametrize("who, app_id, error, code", [
    (ADMIN, "0" * 32, NotFound, "application_not_found"), (ADMIN, "nope", NotFound, "application_not_found"),
    (TEO2, None, Forbidden, "role_forbidden"),
])
def test_only_the_admin_decides_an_application_that_exists(world, who, app_id, error, code):
    app = seal_applications.apply(TEO2, demo.TEO2, GOOD)
    with pytest.raises(error) as refused:
        seal_applications.decide(who, app_id or app["id"], "approve", None, None)
    assert refused.value.code == code
    assert ports.seal_applications.get(app["id"])["status"] == "submitted"


def test_a_withdrawn_seal_stops_electronic_issuance_with_that_reason(world):
    org = ports.master.get("orgs", id=demo.TEO)
    withdrawn = seal_applications.revoke_seal(ADMIN, demo.TEO, " 密钥遗失 ")
    assert (withdrawn["seal_status"], withdrawn["reason"]) == ("revoked", "密钥遗失")
    assert world.fakes.keys.seal(org["seal_serial"])["revoked_reason"] == "密钥遗失"
    assert world.fakes.keys.seal(org["seal_serial"])["key_id"] in world.fakes.keys.disabled
    current = seal_applications.current(TEO, demo.TEO)
    assert (current["seal_status"], current["seal_revoked_reason"], current["seal_revoked_at"]) == (
        "revoked", "密钥遗失", withdrawn["revoked_at"])
    ready = [r["id"] for r in records.matching(TEO, RecordFilter(status="READY"))]
    assert any("电子公章已被吊销" in m for m in issuance.check(TEO, ready, None, "electronic")["missing"])
    with pytest.raises(Conflict) as refused:
        seal_applications.revoke_seal(ADMIN, demo.TEO, "再吊销一次")
    assert refused.value.code == "no_active_seal"
    # Applying again and being approved gives a new seal.
    app = seal_applications.apply(TEO, demo.TEO, {**GOOD, "legal_representative": "张明"})
    seal_applications.decide(ADMIN, app["id"], "approve", None, None)
    renewed = ports.master.get("orgs", id=demo.TEO)
    assert renewed["seal_status"] == "active" and renewed["seal_serial"] != org["seal_serial"]
    assert issuance.check(TEO, ready, None, "electronic")["missing"] == []


def test_a_seal_without_its_certificate_is_withdrawn_at_the_clocks_time(world):
    ports.master.set_fields("orgs", {"id": demo.TEO}, seal_serial=None)
    assert seal_applications.revoke_seal(ADMIN, demo.TEO, "旧数据")["revoked_at"] == ports.clock.now_iso()


@pytest.mark.parametrize("who, org, reason, error, code", [
    (ADMIN, "nope", "密钥遗失", NotFound, "org_not_found"),
    (ADMIN, demo.TEO2, "密钥遗失", Conflict, "no_active_seal"),
    (ADMIN, demo.TEO, " ", InvalidInput, "reason_required"),
    (TEO, demo.TEO, "密钥遗失", Forbidden, "role_forbidden"),
])
def test_withdrawing_a_seal_is_refused_without_cause(world, who, org, reason, error, code):
    with pytest.raises(error) as refused:
        seal_applications.revoke_seal(who, org, reason)
    assert refused.value.code == code
    assert ports.master.get("orgs", id=demo.TEO)["seal_status"] == "active"
