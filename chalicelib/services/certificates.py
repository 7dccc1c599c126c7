"""Getting certificates out: the download link (F7), the candidate's own certificates, and public
verification (F9) by number + ID number or by the QR code's link."""
import hmac

from .. import files
from ..domain import certno, idcard
from ..domain.access import Principal, Role
from ..domain.errors import InvalidInput, NotFound, TooManyRequests
from ..domain.workflow import Status
from ..store import records as store
from ..store import throttle
from . import records

VERIFY_LIMIT = 30            # attempts per client address per minute: enough for people, not for guessing
_NOT_FOUND = "未查询到证书：请核对证书编号和身份证号"


def _record_for(principal: Principal, rec_id: str) -> dict:
    if principal.role is Role.CANDIDATE:
        rec = store.get(rec_id)
        if not rec or rec["candidate_no"] != principal.candidate_no:
            raise NotFound("证书不存在", code="record_not_found")
        return rec
    return records.load(principal, rec_id)


def download(principal: Principal, rec_id: str) -> dict:
    rec = _record_for(principal, rec_id)
    if rec["status"] != Status.ISSUED.value or not rec.get("pdf_key"):
        raise NotFound("该记录还没有可下载的证书", code="certificate_not_ready")
    name = f"{rec['cert_no']}-{rec['candidate_name']}.pdf"
    return {"url": files.link(rec["pdf_key"], filename=name), "sha256": rec["pdf_sha256"],
            "version": int(rec["pdf_version"]), "cert_no": rec["cert_no"], "method": rec.get("method"),
            "expires_in": files.LINK_SECONDS}


def mine(principal: Principal) -> list[dict]:
    """学生个人空间: the candidate's issued certificates."""
    principal.require(Role.CANDIDATE)
    return [public_facts(r) for r in store.by_candidate(principal.candidate_no)
            if r.get("cert_no") and r["status"] == Status.ISSUED.value]


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def public_facts(rec: dict) -> dict:
    status = "valid" if rec["status"] == Status.ISSUED.value else "superseded"
    return {"record_id": rec["id"], "cert_no": rec["cert_no"], "name": mask_name(rec["candidate_name"]),
            "certificate_name": rec["certificate_name"], "level": rec["level"], "issuing_org": rec["teo_name"],
            "assessment_site": rec["site_name"], "award_date": rec["award_date"], "issued_at": rec.get("issued_at"),
            "method": rec.get("method"), "status": status,
            "status_label": {"valid": "有效", "superseded": "证书正在重新发放，原证书已作废"}[status],
            "version": int(rec.get("pdf_version") or 0), "sha256": rec.get("pdf_sha256")}


def _throttle(client: str) -> None:
    if not throttle.allow(f"verify#{client}", VERIFY_LIMIT, 60):
        raise TooManyRequests("查询过于频繁，请一分钟后再试", code="too_many_requests")


def _lookup(cert_no: str) -> dict | None:
    number = certno.normalize(cert_no)
    if not certno.is_valid(number):
        raise InvalidInput("证书编号有误：请核对后重新输入（末位为校验位）", code="invalid_cert_no")
    return store.by_cert_no(number)


def verify_by_id(cert_no: str, id_no: str, client: str) -> dict:
    _throttle(client)
    rec = _lookup(cert_no)
    # One answer for a wrong number and a wrong ID number: the response never tells which half was wrong.
    if not rec or not hmac.compare_digest(idcard.normalize(rec["id_number"]), idcard.normalize(id_no)):
        raise NotFound(_NOT_FOUND, code="certificate_not_found")
    return public_facts(rec)


def verify_by_code(cert_no: str, code: str, client: str) -> dict:
    _throttle(client)
    rec = _lookup(cert_no)
    if not rec or not hmac.compare_digest(rec.get("verification_code") or "", (code or "").strip().upper()):
        raise NotFound(_NOT_FOUND, code="certificate_not_found")
    return public_facts(rec)
