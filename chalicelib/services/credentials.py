"""The verifiable-credential twin of every issued certificate: a W3C VC 2.0 / Open Badges 3.0
``OpenBadgeCredential`` secured as VC-JOSE-COSE (compact JWS, ``application/vc+jwt``, ES256) by the
issuing TEO's e-seal key in KMS, ``x5c`` = [the TEO's certificate, the platform CA], so anyone holding
``/api/ca.pem`` can verify it offline. Its ``credentialStatus`` points into a Bitstring Status List the
platform CA signs; each PDF version of a certificate is one credential version, and an older one verifies
as superseded.
"""
import datetime as dt
import gzip
import hashlib
import re

from .. import config, ports
from ..domain.encoding import b64url
from ..domain.errors import Conflict, InvalidInput, NotFound
from ..domain.workflow import Status, is_revoked
from . import certificates, evidence

MEDIA_TYPE = "application/vc+jwt"
CONTEXTS = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
_ID = re.compile(r"^urn:skillcert:credential:([0-9A-Z]{1,40}):v([0-9]{1,6})$")
_RESULTS = {"genuine": "真实有效：与平台现行证书一致的可验证凭证", "superseded": "该凭证对应的是已被替换的旧版本证书",
            "revoked": "证书已撤销", "altered": "凭证已被改动：签名与内容不符",
            "unknown": "未找到对应证书：该凭证不是本平台签发的"}


def _url(path: str) -> str:
    return f"{config.public_base_url()}/api{path}"


def credential_id(cert_no: str, version: int) -> str:
    return f"urn:skillcert:credential:{cert_no}:v{version}"


def _claims(rec: dict) -> dict:
    list_id, _ = ports.status_lists.locate(int(rec["status_index"]))
    salt = rec["credential_salt"]
    name = f"{rec['certificate_name']}（{rec['level']}）"
    parties = evidence.signoffs(rec)
    return {
        "@context": CONTEXTS,
        "id": credential_id(rec["cert_no"], int(rec["pdf_version"])),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": {"id": f"urn:skillcert:org:{rec['teo_id']}", "type": ["Profile"], "name": rec["teo_name"]},
        "validFrom": f"{rec['award_date']}T00:00:00+08:00",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {"type": "IdentityObject", "identityType": "nationalIdentityNumber", "hashed": True, "salt": salt,
                 "identityHash": "sha256$" + hashlib.sha256((rec["id_number"] + salt).encode()).hexdigest()},
                {"type": "IdentityObject", "identityType": "name", "hashed": False,
                 "identityHash": rec["candidate_name"]}],
            "achievement": {
                "id": f"urn:skillcert:achievement:{rec['certificate_id']}:{rec['level']}",
                "type": ["Achievement"], "achievementType": "Certificate", "name": rec["certificate_name"],
                "level": rec["level"],
                "description": f"{rec['certificate_name']}，等级：{rec['level']}（{rec['exam_year']}年考核）",
                "criteria": {"narrative": f"参加{rec['certificate_name']}（{rec['level']}）考核，成绩合格；"
                                          f"经培训评价组织与考核站点两方在线签发确认。"},
            },
            "result": [{"type": ["Result"], "value": "合格"}],
        },
        "evidence": [{"id": f"urn:skillcert:signing-session:{p['session_id']}", "type": ["Evidence"],
                      "name": f"{p['role']}在线签发确认",
                      "narrative": f"{p['organisation']} {p['role']} {p['signer']}于{p['signed_at']}签发确认"}
                     for p in parties],
        "credentialStatus": {
            "id": _url(f"/status/{list_id}#{rec['status_index']}"), "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": str(rec["status_index"]),
            "statusListCredential": _url(f"/status/{list_id}")},
        "certificateNumber": rec["cert_no"],
    }


def _issued(rec: dict) -> dict:
    if rec["status"] != Status.ISSUED.value or not rec.get("cert_no"):
        raise NotFound("该记录还没有已发放的证书", code="certificate_not_ready")
    return rec


def issue(rec: dict) -> dict:
    """The credential of the record's current certificate version, signed now by the TEO's e-seal key."""
    org = ports.master.get("orgs", id=rec["teo_id"]) or {}
    if org.get("seal_status") != "active" or not org.get("seal_serial"):
        raise Conflict("颁证机构的电子公章当前不可用，暂不能生成可验证凭证", code="no_active_seal")
    key_id, cert_pem = ports.keys.seal_signer(org["seal_serial"])
    rec = ports.status_lists.assign(rec)
    token = ports.tokens.sign(_claims(rec), key_id, [cert_pem, ports.keys.ca_pem()])
    return {"credential": token, "media_type": MEDIA_TYPE, "version": int(rec["pdf_version"]),
            "filename": f"{rec['cert_no']}-v{int(rec['pdf_version'])}.jwt"}


def for_record(principal, rec_id: str) -> dict:
    return issue(_issued(certificates.record_for(principal, rec_id)))


def for_code(cert_no: str, code: str, client: str) -> dict:
    return issue(_issued(certificates.by_code(cert_no, code, client)))


def verify(token: str, client: str) -> dict:
    """genuine / superseded / revoked / altered / unknown, with the reason, like verification by upload."""
    certificates.count_attempt(client)
    try:
        checked = ports.tokens.check(token)
    except ports.TokenMalformed as exc:
        raise InvalidInput(str(exc), code="not_a_credential") from None
    claims, rec, reason = checked["claims"], None, None
    found = _ID.match(str(claims.get("id", "")))
    if not checked["chained"]:
        result, reason = "unknown", "签名证书不是本平台签发的"
    elif not checked["valid"]:
        result, reason = "altered", "凭证内容在签名之后被改动"
    else:
        rec = ports.issued.by_cert_no(found.group(1)) if found else None
        seal = ports.keys.seal(format(checked["signer"].serial_number, "x")) or {}
        if not rec or seal.get("org_id") != rec["teo_id"]:
            result, reason, rec = "unknown", "平台没有与该凭证对应的证书", None
        elif is_revoked(rec) or _bit_set(rec):
            result, reason = "revoked", rec.get("revoked_reason") or "证书已撤销"
        elif rec["status"] != Status.ISSUED.value or int(found.group(2)) != int(rec["pdf_version"]):
            result, reason = "superseded", "证书已重新发放，该凭证对应的是旧版本"
        else:
            result, reason = "genuine", "签名有效，凭证与平台现行证书一致"
    return {"result": result, "result_label": _RESULTS[result], "reason": reason,
            "signature": {"valid": checked["valid"], "trusted": checked["chained"],
                          "signer": _organisation(checked["signer"])},
            "credential": {"id": claims.get("id"), "name": claims.get("name"), "valid_from": claims.get("validFrom"),
                           "issuer": (claims.get("issuer") or {}).get("name") if isinstance(claims.get("issuer"), dict)
                           else None},
            "certificate": certificates.public_facts(rec) if rec else None}


def _bit_set(rec: dict) -> bool:
    return rec.get("status_index") is not None and ports.status_lists.is_set(int(rec["status_index"]))


def _organisation(cert) -> str | None:
    from cryptography.x509.oid import NameOID
    names = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return names[0].value if names else None


# ---- the status lists ----------------------------------------------------------------------------------

def status_list(list_id: str) -> str:
    """The Bitstring Status List credential (``vc+jwt``), signed by the platform CA; signed again only
    after a revocation, or once a day."""
    if not re.fullmatch(r"[1-9][0-9]{0,5}", list_id or ""):
        raise NotFound("状态列表不存在", code="status_list_not_found")
    found = ports.status_lists.get_list(list_id)
    if found is None:
        raise NotFound("状态列表不存在", code="status_list_not_found")
    now = ports.clock.now_utc().replace(microsecond=0)
    fresh = found["jwt_signed_at"] and dt.datetime.fromisoformat(found["jwt_signed_at"]) > now - dt.timedelta(days=1)
    if found["jwt"] and found["jwt_revision"] == found["revision"] and fresh:
        return found["jwt"]
    bits = bytearray(ports.status_lists.SIZE // 8)
    for bit in found["revoked"]:
        bits[int(bit) // 8] |= 0x80 >> (int(bit) % 8)          # index 0 is the first byte's leftmost bit
    url = _url(f"/status/{list_id}")
    claims = {"@context": CONTEXTS[:1], "id": url, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
              "issuer": {"id": "urn:skillcert:platform", "name": ports.keys.CA_NAME}, "validFrom": now.isoformat(),
              "validUntil": (now + dt.timedelta(days=2)).isoformat(),
              "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
                                    "encodedList": "u" + b64url(gzip.compress(bytes(bits), mtime=0))}}
    token = ports.tokens.sign(claims, ports.keys.ca()["key_id"], [ports.keys.ca_pem()])
    ports.status_lists.keep_signed(list_id, token, found["revision"], now.isoformat())
    return token

