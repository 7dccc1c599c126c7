"""Getting certificates out (certificates): the download link, the holder's own certificates, public
verification by number + ID number, by the QR code's link (naming the PDF version), by uploading the PDF
(genuine, superseded, revoked, altered, revoked_seal, unknown), the throttle every public lookup counts
against, and revocation."""
import base64

import pytest

from chalicelib import pades_check, ports
from chalicelib.domain import certno
from chalicelib.domain.access import Principal, Role
from chalicelib.domain.errors import Busy, Conflict, Forbidden, InvalidInput, NotFound, TooLarge, TooManyRequests
from chalicelib.services import certificates, issuance
from devstack import demo
from tests import fakes as fake_ports
from tests.documents import blank_pdf

from ._certificate_helpers import (  # noqa: F401  (fixtures)
    COLLEGE2,
    TEO,
    TEO2,
    holder,
    issued_fixture,
    new_worker_fixture,
)

CLIENT = "203.0.113.7"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def refused(error: type, code: str, call, *args):
    with pytest.raises(error) as caught:
        call(*args)
    assert caught.value.code == code
    return caught.value


# ---- the file and the holder's own certificates ----------------------------------------------------------

def test_staff_and_the_holder_get_a_link_to_the_current_file_named_after_the_certificate(issued):
    rec = issued.record(issued.mine)
    name = f"{rec['cert_no']}-{rec['candidate_name']}.pdf"
    for who in (TEO, COLLEGE2, holder(issued.fakes)):
        link = certificates.download(who, rec["id"])
        assert link == {"url": ports.files.link(rec["pdf_key"], filename=name),
                        "sha256": rec["pdf_sha256"], "version": 1, "cert_no": rec["cert_no"], "method": "electronic",
                        "revoked": False, "revoked_reason": None, "expires_in": ports.files.LINK_SECONDS}
    rare = issued.record(issued.paper)           # 林𠇔: a character beyond the BMP stays in the name
    assert certificates.download(TEO, rare["id"])["url"].endswith(
        "filename=" + ports.files.link("x", filename=f"{rare['cert_no']}-林𠇔.pdf").split("filename=")[1])


@pytest.mark.parametrize("who, which, code", [
    pytest.param("holder", "paper", "record_not_found", id="the holder asks for someone else's"),
    pytest.param("holder", "none", "record_not_found", id="the holder asks for no record"),
    pytest.param(TEO2, "mine", "record_not_found", id="another TEO"),
    pytest.param(TEO, "waiting", "certificate_not_ready", id="still being made"),
])
def test_a_file_is_given_only_to_whom_it_belongs_and_once_it_is_made(issued, who, which, code):
    principal = holder(issued.fakes) if who == "holder" else who
    rec_id = getattr(issued, which) if which != "none" else "f" * 24
    refused(NotFound, code, certificates.download, principal, rec_id)


def test_a_revoked_certificate_is_refused_to_its_holder_and_given_to_staff_saying_so(issued):
    certificates.revoke(TEO, issued.mine, "证书信息有误")
    error = refused(Conflict, "certificate_revoked", certificates.download, holder(issued.fakes), issued.mine)
    assert "已撤销" in error.message and "证书信息有误" in error.message
    assert error.details == {"revoked_reason": "证书信息有误"}
    link = certificates.download(TEO, issued.mine)
    assert link["revoked"] is True and link["revoked_reason"] == "证书信息有误"


def test_the_holder_sees_their_issued_certificates_with_the_code_their_qr_code_carries(issued):
    me = holder(issued.fakes)
    rec = issued.record(issued.mine)
    (mine,) = certificates.mine(me)
    assert mine["record_id"] == rec["id"] and mine["verification_code"] == rec["verification_code"]
    assert mine == {**certificates.public_facts(rec), "record_id": rec["id"],
                    "verification_code": rec["verification_code"]}
    assert mine["status"] == "valid" and mine["name"] == rec["candidate_name"][0] + "*"
    issuance.reissue(TEO, [rec["id"]], None)             # back to pending issuance: not theirs to show now
    assert certificates.mine(me) == []
    refused(Forbidden, "role_forbidden", certificates.mine, TEO)


@pytest.mark.parametrize("name, masked", [("李磊", "李*"), ("王", "王*"), ("欧阳娜娜", "欧***"), ("", "")])
def test_public_answers_mask_the_holders_name(name, masked):
    assert certificates.mask_name(name) == masked


# ---- verification by number and ID number, by QR code -------------------------------------------------------

def test_number_and_id_number_verify_a_certificate_and_say_who_signed_it_off(issued):
    rec = issued.record(issued.mine)
    typed = " " + rec["cert_no"].lower() + " "
    facts = certificates.verify_by_id(typed, rec["id_number"].lower(), CLIENT)
    assert facts == certificates.public_facts(rec) and "file" not in facts
    assert (facts["cert_no"], facts["certificate_name"], facts["level"], facts["issuing_org"],
            facts["assessment_site"], facts["award_date"], facts["method"], facts["version"]) == \
        (rec["cert_no"], rec["certificate_name"], rec["level"], "中物联物流", "北方工业大学", rec["award_date"],
         "electronic", 1)
    assert (facts["status"], facts["status_label"], facts["sha256"]) == ("valid", "有效", rec["pdf_sha256"])
    assert [(s["party"], s["role"], s["signer"]) for s in facts["signoffs"]] == [
        ("teo", "培训评价组织负责人", "中物联物流 发证机构负责人"),
        ("site", "考核站点负责人", "北方工业大学 考核站点负责人")]
    assert rec["id"] not in str(facts) and rec["id_number"] not in str(facts)


@pytest.mark.parametrize("number, id_no, error, code", [
    pytest.param("mine", "wrong", NotFound, "certificate_not_found", id="wrong ID number"),
    pytest.param(certno.make(2099, 1), "mine", NotFound, "certificate_not_found", id="no such certificate"),
    pytest.param("SC2026000000000X", "mine", InvalidInput, "invalid_cert_no", id="a mistyped number"),
    pytest.param("mine", "", NotFound, "certificate_not_found", id="no ID number"),
])
def test_a_wrong_number_or_id_number_finds_nothing_and_says_not_which(issued, number, id_no, error, code):
    rec = issued.record(issued.mine)
    number = rec["cert_no"] if number == "mine" else number
    id_no = rec["id_number"] if id_no == "mine" else "110101199001011234" if id_no == "wrong" else id_no
    refused(error, code, certificates.verify_by_id, number, id_no, CLIENT)


def test_the_qr_code_of_the_current_file_says_it_is_current(issued):
    rec = issued.record(issued.mine)
    facts = certificates.verify_by_code(rec["cert_no"], rec["verification_code"].lower(), CLIENT, "1")
    assert facts["file"] == {"version": 1, "current": True, "superseded_at": None, "current_version": 1}
    legacy = certificates.verify_by_code(rec["cert_no"], rec["verification_code"], CLIENT)   # printed without v
    assert "file" not in legacy and legacy["status"] == "valid"
    refused(NotFound, "certificate_not_found", certificates.verify_by_code, rec["cert_no"], "WRONGCODE0", CLIENT, "1")


@pytest.mark.parametrize("version", ["0", "2", "x", "²", "1" * 40, "-1", ""])
def test_a_qr_code_naming_a_version_that_never_was_is_refused(issued, version):
    rec = issued.record(issued.mine)
    refused(InvalidInput, "invalid_version", certificates.verify_by_code, rec["cert_no"], rec["verification_code"],
            CLIENT, version)


def test_the_qr_code_of_a_replaced_file_says_by_which_version_and_since_when(issued):
    rec = issued.record(issued.reissued)
    replaced_at = next(v["created_at"] for v in ports.issued.versions(rec["id"]) if v["version"] == 2)
    old = certificates.verify_by_code(rec["cert_no"], rec["verification_code"], CLIENT, "1")
    assert old["file"] == {"version": 1, "current": False, "superseded_at": replaced_at, "current_version": 2}
    assert old["status"] == "valid" and old["version"] == 2 and old["sha256"] == rec["pdf_sha256"]
    new = certificates.verify_by_code(rec["cert_no"], rec["verification_code"], CLIENT, "2")
    assert new["file"] == {"version": 2, "current": True, "superseded_at": None, "current_version": 2}
    # Sent back for re-issue: no file is current while the next one is being made.
    issuance.reissue(TEO, [rec["id"]], None)
    pending = certificates.verify_by_code(rec["cert_no"], rec["verification_code"], CLIENT, "2")
    assert (pending["status"], pending["status_label"]) == ("superseded", "证书正在重新发放，原证书已作废")
    assert pending["file"] == {"version": 2, "current": False, "superseded_at": None, "current_version": None}


# ---- the throttle -----------------------------------------------------------------------------------------

def test_every_public_lookup_counts_against_the_clients_budget_for_the_minute(issued, monkeypatch):
    monkeypatch.setenv("SKILLCERT_VERIFY_LIMIT", "3")
    rec = issued.record(issued.mine)
    certificates.verify_by_id(rec["cert_no"], rec["id_number"], CLIENT)
    refused(NotFound, "certificate_not_found", certificates.verify_by_id, rec["cert_no"], "x", CLIENT)
    certificates.by_code(rec["cert_no"], rec["verification_code"], CLIENT)
    for lookup in (lambda: certificates.verify_by_code(rec["cert_no"], rec["verification_code"], CLIENT),
                   lambda: certificates.verify_pdf(b64(issued.pdf(rec["id"])), CLIENT)):
        refused(TooManyRequests, "too_many_requests", lookup)
    assert certificates.verify_by_id(rec["cert_no"], rec["id_number"], "198.51.100.1")["status"] == "valid"
    issued.fakes.clock.advance(60)
    assert certificates.verify_by_id(rec["cert_no"], rec["id_number"], CLIENT)["status"] == "valid"


# ---- verification by upload ---------------------------------------------------------------------------------

def flipped(pdf: bytes) -> bytes:
    """One byte changed inside the signed range."""
    changed = bytearray(pdf)
    changed[len(pdf) // 3] ^= 0x01
    return bytes(changed)


def test_the_current_file_uploaded_is_genuine(issued):
    rec = issued.record(issued.mine)
    out = certificates.verify_pdf(b64(issued.pdf(rec["id"])), CLIENT)
    assert (out["result"], out["result_label"], out["sha256"]) == (
        "genuine", "真实有效：与平台存档的现行证书完全一致", rec["pdf_sha256"])
    signature = out["signature"]
    assert signature["signed"] and signature["intact"] and signature["trusted"] and signature["signer"] == "中物联物流"
    assert out["certificate"] == certificates.verification(rec, 1) and out["certificate"]["file"]["current"]


def test_a_replaced_file_uploaded_is_superseded_and_the_paper_one_genuine_without_a_seal(issued):
    out = certificates.verify_pdf(b64(issued.v1_pdf), CLIENT)
    assert out["result"] == "superseded" and out["result_label"] == "该文件是已被替换的旧版本证书"
    assert out["certificate"]["file"]["current"] is False and out["certificate"]["file"]["current_version"] == 2
    paper = certificates.verify_pdf(b64(issued.pdf(issued.paper)), CLIENT)
    assert paper["result"] == "genuine" and not paper["signature"]["signed"]


def test_a_revoked_certificate_uploaded_says_revoked_with_the_reason(issued):
    certificates.revoke(TEO, issued.mine, "考核舞弊，撤销证书")
    out = certificates.verify_pdf(b64(issued.pdf(issued.mine)), CLIENT)
    assert out["result"] == "revoked" and out["result_label"] == "证书已撤销：考核舞弊，撤销证书"
    assert (out["certificate"]["status"], out["certificate"]["revoked_reason"]) == ("revoked", "考核舞弊，撤销证书")


def test_a_file_changed_after_sealing_is_altered(issued):
    out = certificates.verify_pdf(b64(flipped(issued.pdf(issued.mine))), CLIENT)
    assert out["result"] == "altered" and out["certificate"] is None
    assert out["signature"]["signed"] and not out["signature"]["intact"]
    assert out["result_label"] == "文件已被改动：与平台存档的证书不一致"
    # Sealed whole by the TEO's live seal, yet not a file the platform issued: changed before sealing.
    serial = ports.master.get("orgs", id=demo.TEO)["seal_serial"]
    unissued = certificates.verify_pdf(b64(ports.pdf_seal.sign(blank_pdf(), serial)), CLIENT)
    assert unissued["result"] == "altered" and unissued["signature"]["trusted"] and unissued["signature"]["intact"]


def test_a_file_not_from_this_platform_is_unknown_saying_why(issued):
    unsigned = certificates.verify_pdf(b64(blank_pdf()), CLIENT)
    assert (unsigned["result"], unsigned["result_label"]) == ("unknown", "未找到对应证书：该文件不是本平台签发的证书")
    assert not unsigned["signature"]["signed"] and unsigned["certificate"] is None
    elsewhere = fake_ports.make()                 # another platform, with its own CA and e-seals
    serial = elsewhere.keys.issue_seal("other", "别处机构")["serial"]
    foreign = certificates.verify_pdf(b64(elsewhere.pdf_seal.sign(blank_pdf(), serial)), CLIENT)
    assert foreign["result"] == "unknown" and foreign["result_label"] == pades_check.NOT_OURS
    assert foreign["signature"]["intact"] and not foreign["signature"]["trusted"]


def _seal_revoked_at(when: str, fakes) -> str:
    serial = ports.master.get("orgs", id=demo.TEO)["seal_serial"]
    fakes.clock.set(when)
    ports.keys.revoke_seal(serial, "签名密钥疑似泄露")
    return serial


def test_a_file_sealed_with_a_revoked_seal_after_its_revocation_is_revoked_seal(issued):
    genuine = issued.pdf(issued.mine)
    serial = _seal_revoked_at("2000-01-01T00:00:00+00:00", issued.fakes)    # before any signing time here
    issued.fakes.keys.disabled.clear()            # the key leaked: it still signs outside the key service
    out = certificates.verify_pdf(b64(ports.pdf_seal.sign(blank_pdf(), serial)), CLIENT)
    assert out["result"] == "revoked_seal" and out["signature"]["trusted"] and "吊销" in out["result_label"]
    assert certificates.verify_pdf(b64(genuine), CLIENT)["result"] == "genuine"      # issued before: still is


def test_a_file_never_issued_sealed_before_the_seal_was_revoked_is_altered(issued):
    serial = ports.master.get("orgs", id=demo.TEO)["seal_serial"]
    forged = ports.pdf_seal.sign(blank_pdf(), serial)
    _seal_revoked_at("2100-01-01T00:00:00+00:00", issued.fakes)
    out = certificates.verify_pdf(b64(forged), CLIENT)
    assert out["result"] == "altered" and out["signature"]["trusted"] and out["signature"]["intact"]


@pytest.mark.parametrize("upload, error, code", [
    pytest.param(b64(b"GIF89a not a pdf"), InvalidInput, "not_a_pdf", id="not a PDF"),
    pytest.param("%%% not base64", InvalidInput, "invalid_base64", id="not base64"),
    pytest.param(b64(b"%PDF-" + bytes(certificates.MAX_PDF_BYTES)), TooLarge, "file_too_large", id="too large"),
])
def test_an_upload_that_is_no_pdf_or_too_large_is_refused(issued, upload, error, code):
    refused(error, code, certificates.verify_pdf, upload, CLIENT)


# ---- revocation -------------------------------------------------------------------------------------------

def test_the_teo_revokes_an_issued_certificate_which_stays_issued_and_its_credential_bit_is_set(issued):
    rec = issued.record(issued.mine)
    facts = certificates.revoke(TEO, rec["id"], "  证书信息有误  ")
    after = issued.record(rec["id"])
    assert (facts["status"], facts["status_label"], facts["revoked_reason"]) == ("revoked", "已撤销", "证书信息有误")
    assert facts["revoked_at"] == issued.fakes.clock.now_iso() == after["revoked_at"]
    assert after["status"] == "ISSUED" and after["revoked"] and after["version"] == rec["version"] + 1
    event = ports.records.events(rec["id"])[-1]
    assert (event["action"], event["actor"], event["reason"], event["to_status"]) == (
        "revoke", "teo", "证书信息有误", "ISSUED")
    assert ports.status_lists.is_set(rec["status_index"])
    assert not ports.status_lists.is_set(issued.record(issued.paper)["status_index"])


@pytest.mark.parametrize("who, which, reason, error, code", [
    pytest.param(TEO, "mine", "  ", InvalidInput, "reason_required", id="no reason"),
    pytest.param(TEO2, "mine", "x", NotFound, "record_not_found", id="another TEO"),
    pytest.param(Principal("teo_signer", Role.TEO_SIGNER, demo.TEO), "mine", "x", Forbidden, "role_forbidden",
                 id="the TEO's signer"),
    pytest.param(COLLEGE2, "mine", "x", Forbidden, "role_forbidden", id="the site"),
    pytest.param(TEO, "waiting", "x", Conflict, "not_revocable", id="not issued yet"),
])
def test_only_the_teos_staff_revoke_an_issued_certificate_with_a_reason(issued, who, which, reason, error, code):
    before = issued.record(getattr(issued, which))
    refused(error, code, certificates.revoke, who, before["id"], reason)
    assert issued.record(before["id"]) == before


def test_a_certificate_is_revoked_once(issued):
    certificates.revoke(TEO, issued.mine, "证书信息有误")
    refused(Conflict, "not_revocable", certificates.revoke, TEO, issued.mine, "again")


def test_a_revocation_the_table_is_too_busy_to_take_answers_busy(issued):
    issued.fakes.records.busy = {issued.mine}
    refused(Busy, "busy", certificates.revoke, TEO, issued.mine, "证书信息有误")
