"""The verifiable-credential twin of a certificate (credentials): issued as vc+jwt by the TEO's e-seal
key under the platform CA, to staff, the holder and the QR code's link; verified as genuine, superseded,
revoked, altered or unknown; its revocation bit in a status list the platform CA signs."""
import base64
import gzip
import hashlib
import json

import pytest

from chalicelib import ports
from chalicelib.domain.encoding import b64url
from chalicelib.domain.errors import Conflict, InvalidInput, NotFound, TooManyRequests
from chalicelib.services import certificates, credentials, issuance
from chalicelib.store.models import Record
from devstack import demo
from tests import fakes as fake_ports

from ._certificate_helpers import (  # noqa: F401  (fixtures)
    COLLEGE2,
    TEO,
    TEO2,
    holder,
    issued_fixture,
    new_worker_fixture,
)

CLIENT = "203.0.113.9"


def parts(token: str) -> tuple[dict, dict]:
    head, body, _ = token.split(".")
    return tuple(json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4))) for p in (head, body))


def refused(error: type, code: str, call, *args):
    with pytest.raises(error) as caught:
        call(*args)
    assert caught.value.code == code
    return caught.value


def bit(index: int) -> bool:
    """The revocation bit as anyone reads it: from the signed status list credential."""
    list_id, position = ports.status_lists.locate(index)
    token = credentials.status_list(list_id)
    checked = ports.tokens.check(token)
    assert checked["chained"] and checked["valid"]
    encoded = checked["claims"]["credentialSubject"]["encodedList"]
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    return bool(bits[position // 8] & (0x80 >> (position % 8)))


# ---- issuing ------------------------------------------------------------------------------------------------

def test_a_credential_names_the_certificate_and_its_holder_without_the_id_number(issued):
    rec = issued.record(issued.mine)
    out = credentials.for_record(TEO, rec["id"])
    assert (out["media_type"], out["version"], out["filename"]) == ("application/vc+jwt", 1, f"{rec['cert_no']}-v1.jwt")
    token = out["credential"]
    checked = ports.tokens.check(token)
    assert checked["chained"] and checked["valid"]
    header, vc = parts(token)
    assert header["typ"] == "vc+jwt" and len(header["x5c"]) == 2        # the TEO's certificate, the CA
    assert format(checked["signer"].serial_number, "x") == ports.master.get("orgs", id=demo.TEO)["seal_serial"]
    assert vc["id"] == credentials.credential_id(rec["cert_no"], 1) == f"urn:skillcert:credential:{rec['cert_no']}:v1"
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"] and vc["@context"] == credentials.CONTEXTS
    assert vc["issuer"]["name"] == "中物联物流" and vc["validFrom"] == f"{rec['award_date']}T00:00:00+08:00"
    assert vc["certificateNumber"] == rec["cert_no"]
    achievement = vc["credentialSubject"]["achievement"]
    assert (achievement["name"], achievement["level"]) == (rec["certificate_name"], rec["level"])
    hashed, name = vc["credentialSubject"]["identifier"]
    assert hashed["salt"] == rec["credential_salt"]
    salted = (rec["id_number"] + hashed["salt"]).encode()
    assert hashed["identityHash"] == "sha256$" + hashlib.sha256(salted).hexdigest()
    assert name["identityHash"] == rec["candidate_name"] and rec["id_number"] not in token
    assert [e["name"] for e in vc["evidence"]] == ["培训评价组织负责人在线签发确认", "考核站点负责人在线签发确认"]
    status = vc["credentialStatus"]
    list_id, _ = ports.status_lists.locate(rec["status_index"])
    assert (status["statusListIndex"], status["statusPurpose"]) == (str(rec["status_index"]), "revocation")
    assert status["statusListCredential"].endswith(f"/api/status/{list_id}")


def test_staff_of_both_sides_the_holder_and_the_qr_codes_link_get_the_same_credential(issued):
    rec = issued.record(issued.mine)
    ids = {parts(credentials.for_record(who, rec["id"])["credential"])[1]["id"]
           for who in (TEO, COLLEGE2, holder(issued.fakes))}
    ids.add(parts(credentials.for_code(rec["cert_no"], rec["verification_code"], CLIENT)["credential"])[1]["id"])
    assert ids == {credentials.credential_id(rec["cert_no"], 1)}


@pytest.mark.parametrize("who, which, code", [
    pytest.param(TEO2, "mine", "record_not_found", id="another TEO"),
    pytest.param("holder", "paper", "record_not_found", id="someone else's certificate"),
    pytest.param(TEO, "waiting", "certificate_not_ready", id="not issued yet"),
])
def test_a_credential_is_given_only_to_whom_it_belongs_once_the_certificate_is_issued(issued, who, which, code):
    principal = holder(issued.fakes) if who == "holder" else who
    refused(NotFound, code, credentials.for_record, principal, getattr(issued, which))


def test_the_qr_codes_link_with_a_wrong_code_gets_no_credential(issued):
    rec = issued.record(issued.mine)
    refused(NotFound, "certificate_not_found", credentials.for_code, rec["cert_no"], "WRONGCODE1", CLIENT)


def test_a_reissued_certificate_has_no_credential_until_its_new_file_is_made(issued):
    issuance.reissue(TEO, [issued.mine], None)
    refused(NotFound, "certificate_not_ready", credentials.for_record, TEO, issued.mine)


@pytest.mark.parametrize("seal", [{"seal_status": "revoked"}, {"seal_serial": None}])
def test_no_credential_is_signed_while_the_teo_has_no_active_seal(issued, seal):
    ports.master.set_fields("orgs", {"id": demo.TEO}, **seal)
    refused(Conflict, "no_active_seal", credentials.for_record, TEO, issued.mine)


def test_a_certificate_issued_before_credentials_existed_gets_its_bit_when_first_asked(issued):
    rec = issued.record(issued.paper)
    issued.fakes.table.update(Record, f"REC#{rec['id']}", "REC", set={"status_index": None, "credential_salt": None})
    taken = {issued.record(i)["status_index"] for i in (issued.mine, issued.reissued)}
    status = parts(credentials.for_record(TEO, rec["id"])["credential"])[1]["credentialStatus"]
    index = int(status["statusListIndex"])
    assert index not in taken and issued.record(rec["id"])["status_index"] == index


# ---- verifying ------------------------------------------------------------------------------------------------

def test_the_current_credential_verifies_genuine_with_the_certificates_public_facts(issued):
    rec = issued.record(issued.mine)
    out = credentials.verify(credentials.for_record(TEO, rec["id"])["credential"], CLIENT)
    assert (out["result"], out["result_label"], out["reason"]) == (
        "genuine", "真实有效：与平台现行证书一致的可验证凭证", "签名有效，凭证与平台现行证书一致")
    assert out["signature"] == {"valid": True, "trusted": True, "signer": "中物联物流"}
    assert out["credential"] == {"id": credentials.credential_id(rec["cert_no"], 1),
                                 "name": f"{rec['certificate_name']}（{rec['level']}）",
                                 "valid_from": f"{rec['award_date']}T00:00:00+08:00", "issuer": "中物联物流"}
    assert out["certificate"] == certificates.public_facts(rec)


def test_revoking_sets_the_credentials_bit_at_once_and_it_verifies_revoked_with_the_reason(issued):
    rec = issued.record(issued.mine)
    token = credentials.for_record(TEO, rec["id"])["credential"]
    assert not bit(rec["status_index"])
    certificates.revoke(TEO, rec["id"], "证书信息有误")
    assert bit(rec["status_index"]) and not bit(issued.record(issued.paper)["status_index"])
    out = credentials.verify(token, CLIENT)
    assert (out["result"], out["reason"]) == ("revoked", "证书信息有误")
    assert out["certificate"]["status"] == "revoked"


def test_a_credential_of_a_replaced_file_is_superseded(issued):
    out = credentials.verify(issued.v1_credential, CLIENT)
    assert (out["result"], out["reason"]) == ("superseded", "证书已重新发放，该凭证对应的是旧版本")
    current = credentials.for_record(TEO, issued.reissued)
    assert current["version"] == 2 and credentials.verify(current["credential"], CLIENT)["result"] == "genuine"
    issuance.reissue(TEO, [issued.reissued], None)         # being issued again: no credential is current
    assert credentials.verify(current["credential"], CLIENT)["result"] == "superseded"


def _forged(token: str) -> str:
    head, body, signature = token.split(".")
    claims = parts(token)[1]
    claims["credentialSubject"]["identifier"][1]["identityHash"] = "张三"
    return f"{head}.{b64url(json.dumps(claims).encode())}.{signature}"


def test_a_credential_changed_after_signing_is_altered(issued):
    out = credentials.verify(_forged(credentials.for_record(TEO, issued.mine)["credential"]), CLIENT)
    assert (out["result"], out["reason"], out["certificate"]) == ("altered", "凭证内容在签名之后被改动", None)
    assert out["signature"]["trusted"] and not out["signature"]["valid"]


def _signed_elsewhere(claims: dict) -> str:
    other = fake_ports.make()             # another platform, with its own CA
    seal = other.keys.issue_seal("other", "别处机构")
    key_id, pem = other.keys.seal_signer(seal["serial"])
    return other.tokens.sign(claims, key_id, [pem, other.keys.ca_pem()])


def _signed_by_teo2(claims: dict) -> str:
    seal = ports.keys.issue_seal(demo.TEO2, "中科信培教育科技")     # a seal of ours, of another TEO
    key_id, pem = ports.keys.seal_signer(seal["serial"])
    return ports.tokens.sign(claims, key_id, [pem, ports.keys.ca_pem()])


def _signed_for_no_certificate(claims: dict) -> str:
    key_id, pem = ports.keys.seal_signer(ports.master.get("orgs", id=demo.TEO)["seal_serial"])
    return ports.tokens.sign({**claims, "id": "urn:skillcert:credential:SC20990000000001X:v1"}, key_id,
                             [pem, ports.keys.ca_pem()])


@pytest.mark.parametrize("sign, reason", [
    pytest.param(_signed_elsewhere, "签名证书不是本平台签发的", id="signed under another CA"),
    pytest.param(_signed_by_teo2, "平台没有与该凭证对应的证书", id="signed by another TEO's seal"),
    pytest.param(_signed_for_no_certificate, "平台没有与该凭证对应的证书", id="naming no certificate"),
])
def test_a_credential_that_is_not_this_platforms_for_that_certificate_is_unknown(issued, sign, reason):
    claims = parts(credentials.for_record(TEO, issued.mine)["credential"])[1]
    out = credentials.verify(sign(claims), CLIENT)
    assert (out["result"], out["result_label"], out["reason"]) == (
        "unknown", "未找到对应证书：该凭证不是本平台签发的", reason)
    assert out["certificate"] is None


@pytest.mark.parametrize("token", ["not.a.credential", "", "x" * 10, "a.b.c.d"])
def test_what_is_no_credential_at_all_is_refused(issued, token):
    refused(InvalidInput, "not_a_credential", credentials.verify, token, CLIENT)


def test_credential_checks_count_against_the_clients_verification_budget(issued, monkeypatch):
    monkeypatch.setenv("SKILLCERT_VERIFY_LIMIT", "1")
    rec = issued.record(issued.mine)
    certificates.verify_by_id(rec["cert_no"], rec["id_number"], CLIENT)
    refused(TooManyRequests, "too_many_requests", credentials.verify, issued.v1_credential, CLIENT)
    refused(TooManyRequests, "too_many_requests", credentials.for_code, rec["cert_no"],
            rec["verification_code"], CLIENT)


# ---- the status lists -------------------------------------------------------------------------------------------

def test_the_status_list_is_signed_by_the_platform_ca_and_again_only_after_a_revocation(issued):
    rec = issued.record(issued.mine)
    list_id, _ = ports.status_lists.locate(rec["status_index"])
    first = credentials.status_list(list_id)
    header, claims = parts(first)
    assert len(header["x5c"]) == 1 and claims["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert claims["issuer"]["name"] == ports.keys.CA_NAME
    assert claims["credentialSubject"]["statusPurpose"] == "revocation"
    assert credentials.status_list(list_id) == first                   # nothing changed: kept as signed
    certificates.revoke(TEO, rec["id"], "证书信息有误")
    again = credentials.status_list(list_id)
    assert again != first and bit(rec["status_index"])


@pytest.mark.parametrize("list_id", ["0", "01", "x", "", "1234567", "1/../2", "999"])
def test_a_status_list_that_is_not_there_is_not_found(issued, list_id):
    refused(NotFound, "status_list_not_found", credentials.status_list, list_id)


def test_the_status_list_is_signed_again_once_a_day(issued):
    list_id, _ = ports.status_lists.locate(issued.record(issued.mine)["status_index"])
    first = credentials.status_list(list_id)
    issued.fakes.clock.advance(25 * 3600)
    renewed = credentials.status_list(list_id)
    assert renewed != first
    assert parts(renewed)[1]["validFrom"].startswith(issued.fakes.clock.now_iso()[:10])
