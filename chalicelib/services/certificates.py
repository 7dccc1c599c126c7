"""Getting certificates out: the download link (F7), the candidate's own certificates, and public
verification (F9) by number + ID number or by the QR code's link."""
import datetime as dt
import hashlib
import hmac
import re

from .. import config, pades_check, ports
from ..domain import certno, idcard, uploads
from ..domain.access import Principal, Role, requires
from ..domain.errors import Busy, Conflict, InvalidInput, NotFound, TooManyRequests
from ..domain.workflow import Action, Status, check_allowed, check_reason, is_revoked, roles_for
from . import audit, evidence, scope

_NOT_FOUND = "未查询到证书：请核对证书编号和身份证号"
_NOT_FOUND_BY_CODE = "未查询到证书：二维码中的证书编号或校验码有误，请输入证书编号和身份证号查验"


_VERSION = re.compile(r"^[0-9]{1,6}$")      # ASCII digits only: str.isdigit() also takes "²"
_UNSAFE_IN_NAMES = re.compile(r"[^0-9A-Za-z\u3400-\u9fff\U00020000-\U0002a6df]")   # keep letters and CJK


def record_for(principal: Principal, rec_id: str) -> dict:
    if principal.role is Role.CANDIDATE:
        rec = ports.records.get(rec_id)
        if not rec or rec["candidate_no"] != principal.candidate_no:
            raise NotFound("证书不存在", code="record_not_found")
        return rec
    return scope.load(principal, rec_id)


def download(principal: Principal, rec_id: str) -> dict:
    rec = record_for(principal, rec_id)
    if rec["status"] != Status.ISSUED.value or not rec.get("pdf_key"):
        raise NotFound("该记录还没有可下载的证书", code="certificate_not_ready")
    if rec.get("revoked") and principal.role is Role.CANDIDATE:
        raise Conflict(f"该证书已撤销，不能下载（撤销原因：{rec.get('revoked_reason') or '未说明'}）",
                       code="certificate_revoked", details={"revoked_reason": rec.get("revoked_reason")})
    name = f"{rec['cert_no']}-{_UNSAFE_IN_NAMES.sub('', rec['candidate_name'])}.pdf"
    return {"url": ports.files.link(rec["pdf_key"], filename=name), "sha256": rec["pdf_sha256"],
            "version": int(rec["pdf_version"]), "cert_no": rec["cert_no"], "method": rec.get("method"),
            "revoked": bool(rec.get("revoked")), "revoked_reason": rec.get("revoked_reason"),
            "expires_in": ports.files.LINK_SECONDS}


@requires(Role.CANDIDATE)
def mine(principal: Principal) -> list[dict]:
    """学生个人空间: the candidate's issued certificates, each with the code its QR code carries (printed on
    the holder's own PDF anyway), so 查验 opens the public page as a scan would."""
    issued = [r for r in ports.records.by_candidate(principal.candidate_no)
              if r.get("cert_no") and r["status"] == Status.ISSUED.value]
    return [{**public_facts(r), "record_id": r["id"], "verification_code": r.get("verification_code")}
            for r in issued]


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


_STATUS_LABELS = {"valid": "有效", "superseded": "证书正在重新发放，原证书已作废", "revoked": "已撤销"}


def public_facts(rec: dict) -> dict:
    status = "revoked" if is_revoked(rec) else "valid" if rec["status"] == Status.ISSUED.value else "superseded"
    return {"cert_no": rec["cert_no"], "name": mask_name(rec["candidate_name"]),
            "certificate_name": rec["certificate_name"], "level": rec["level"], "issuing_org": rec["teo_name"],
            "assessment_site": rec["site_name"], "award_date": rec["award_date"], "issued_at": rec.get("issued_at"),
            "method": rec.get("method"), "status": status, "status_label": _STATUS_LABELS[status],
            "revoked_reason": rec.get("revoked_reason"), "revoked_at": rec.get("revoked_at"),
            "version": int(rec.get("pdf_version") or 0), "sha256": rec.get("pdf_sha256"),
            "signoffs": evidence.public(evidence.signoffs(rec))}


def verification(rec: dict, version: int | None = None) -> dict:
    """The answer every verification channel gives about a certificate: its public facts and, when the
    caller holds a particular file (the QR code of a version, an upload), what that file is now."""
    facts = public_facts(rec)
    if version is not None:
        facts["file"] = _file(rec, version)
    return facts


def _file(rec: dict, version: int) -> dict:
    """``current``: the file the certificate stands on today; otherwise ``superseded_at`` says when a later
    version replaced it (None while a re-issue is still being made) and ``current_version`` which."""
    latest = int(rec.get("pdf_version") or 0)
    current = version == latest and rec["status"] == Status.ISSUED.value
    replaced_at = None
    if version < latest:
        replaced_at = next((v["created_at"] for v in ports.issued.versions(rec["id"])
                            if int(v["version"]) == version + 1), None)
    return {"version": version, "current": current, "superseded_at": replaced_at,
            "current_version": latest if rec["status"] == Status.ISSUED.value else None}


def count_attempt(client: str) -> None:
    if not ports.throttle.allow(f"verify#{client}", config.verify_limit(), 60):
        raise TooManyRequests("查询过于频繁，请一分钟后再试", code="too_many_requests")


def _lookup(cert_no: str) -> dict | None:
    number = certno.normalize(cert_no)
    if not certno.is_valid(number):
        raise InvalidInput("证书编号有误：请核对后重新输入（末位为校验位）", code="invalid_cert_no")
    return ports.issued.by_cert_no(number)     # reads the number's item, then its record (or a dummy: see there)


def _same(stored: str | None, given: str | None) -> bool:
    """Constant-time comparison of any text, however odd (compare_digest refuses non-ASCII str)."""
    return hmac.compare_digest((stored or "").encode(), (given or "").strip().upper()[:64].encode())


def _matching(cert_no: str, secret_of, given: str, not_found: str = _NOT_FOUND) -> dict:
    """The record when number and secret both match; otherwise one 404, whichever half was wrong, after
    the same reads either way, so neither the answer nor its timing tells a number exists."""
    rec = _lookup(cert_no)
    if not _same(secret_of(rec) if rec else _NOBODY, given) or not rec:
        raise NotFound(not_found, code="certificate_not_found")
    return rec


_NOBODY = "-" * 18


def verify_by_id(cert_no: str, id_no: str, client: str) -> dict:
    count_attempt(client)
    return verification(_matching(cert_no, lambda r: idcard.normalize(r["id_number"]), idcard.normalize(id_no)))


def by_code(cert_no: str, code: str, client: str) -> dict:
    """The record the QR code's number and code name (throttled like every public lookup)."""
    count_attempt(client)
    return _matching(cert_no, lambda r: r.get("verification_code"), code, _NOT_FOUND_BY_CODE)


def verify_by_code(cert_no: str, code: str, client: str, version: str | None = None) -> dict:
    """The QR code's link. Since each PDF version's QR code names its version (``v``), the answer says
    whether the file in hand is still the current one; links printed before that have no ``v``."""
    rec = by_code(cert_no, code, client)
    if version is None:
        return verification(rec)
    if not _VERSION.match(version) or not 1 <= int(version) <= int(rec.get("pdf_version") or 0):
        raise InvalidInput("二维码中的文件版本有误，请输入证书编号和身份证号查验", code="invalid_version")
    return verification(rec, int(version))


MAX_PDF_BYTES = 4 * 1024 * 1024     # base64 of 4 MB stays under Lambda's 6 MB request limit
_RESULTS = {"genuine": "真实有效：与平台存档的现行证书完全一致", "superseded": "该文件是已被替换的旧版本证书",
            "revoked": "证书已撤销", "altered": "文件已被改动：与平台存档的证书不一致",
            "revoked_seal": "电子公章已吊销：该文件在公章吊销之后签章，不是有效证书",
            "unknown": "未找到对应证书：该文件不是本平台签发的证书"}


def verify_pdf(pdf_base64: str, client: str) -> dict:
    """Verify by upload: is this file a genuine current certificate, an older version, altered, or unknown;
    and is its signature intact and issued under the platform CA."""
    count_attempt(client)
    pdf = uploads.decode(pdf_base64, "证书文件", MAX_PDF_BYTES)
    if not pdf.startswith(b"%PDF-"):
        raise InvalidInput("请上传PDF格式的证书文件", code="not_a_pdf")
    digest = hashlib.sha256(pdf).hexdigest()
    signature = pades_check.inspect(pdf, ports.keys.ca_pem())
    found = ports.issued.by_pdf_hash(digest)
    facts = None
    if found:
        rec, version = found
        facts = verification(rec, version)
        if is_revoked(rec):
            result = "revoked"
        elif rec["status"] == Status.ISSUED.value and int(rec["pdf_version"]) == version:
            result = "genuine"
        else:
            result = "superseded"
    elif _sealed_after_revocation(signature):
        result = "revoked_seal"
    elif signature["examined"] and signature["signed"] and (signature["trusted"] or not signature["intact"]):
        result = "altered"        # our seal on bytes we never issued: changed after sealing
    else:
        result = "unknown"
    label = signature["reason"] if result == "unknown" and signature["reason"] else _RESULTS[result]
    if result == "revoked" and facts["revoked_reason"]:
        label += "：" + facts["revoked_reason"]
    return {"result": result, "result_label": label, "sha256": digest, "signature": signature,
            "certificate": facts}


def _sealed_after_revocation(signature: dict) -> bool:
    """A file we never issued, sealed by an e-seal key after the platform revoked it (a leaked key, say).
    The signing time is the signer's claim, to the second (a file without one counts as sealed after, and
    one sealed in the second of the revocation too)."""
    if not (signature["signed"] and signature["trusted"] and signature.get("serial")):
        return False
    revoked_at = (ports.keys.seal(signature["serial"]) or {}).get("revoked_at")
    if not revoked_at:
        return False
    signed_at = signature.get("signed_at")
    return not signed_at or (dt.datetime.fromisoformat(signed_at)
                             >= dt.datetime.fromisoformat(revoked_at).replace(microsecond=0))


@requires(*roles_for(Action.REVOKE))
def revoke(principal: Principal, rec_id: str, reason: str) -> dict:
    """Revoke an issued certificate (TEO): it stays issued, and verification shows it revoked, with why."""
    rec = scope.load(principal, rec_id)
    reason = check_reason(reason, "撤销原因")
    check_allowed(Action.REVOKE, rec)
    at = ports.clock.now_iso()
    fields = {"revoked": True, "revoked_reason": reason, "revoked_at": at}
    applied, _, busy = ports.records.apply([ports.Change(rec, rec["status"], fields,
                                                 audit.event(principal, "revoke", reason=reason, at=at))])
    if busy:
        raise Busy("系统繁忙，请稍后重试", code="busy")
    if not applied:
        raise Conflict("记录已被他人处理，请刷新后重试", code="record_changed")
    if rec.get("status_index") is not None:          # its credentials read as revoked from now on
        ports.status_lists.set_bit(int(rec["status_index"]))
    return public_facts(ports.records.get(rec_id))
