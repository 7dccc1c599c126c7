"""E-seal applications (申请电子公章, F1): a TEO applies; the platform (admin) approves — the TEO then has
its seal image and a signing key with a certificate under the platform CA — or rejects with a reason."""
import uuid

from .. import config, lazy, ports
from ..domain import imprint_check, uploads
from ..domain import masterdata as md
from ..domain.access import Principal, Role, requires
from ..domain.errors import Conflict, InvalidInput, NotFound
from . import accounts, imprint_files, masterdata

imprints = lazy.module("chalicelib.render.imprints")


_FIELDS = ("id", "org_id", "org_name", "legal_representative", "contact_name", "contact_phone", "seal_text",
           "status", "submitted_by", "submitted_at", "decided_by", "decided_at", "reason")


def _view(app: dict, names: dict | None = None) -> dict:
    names = names if names is not None else accounts.display_names([app.get("submitted_by"), app.get("decided_by")])
    return {**{k: app.get(k) for k in _FIELDS}, "accepting_authority": config.certification_authority(),
            **{f"{k}_name": names.get(app.get(k), app.get(k)) for k in ("submitted_by", "decided_by")}}


@requires(Role.TEO)
def apply(principal: Principal, org_id: str, body: dict) -> dict:
    org = masterdata.get_profile(principal, "orgs", org_id)
    current = ports.seal_applications.get(org["seal_application"]) if org.get("seal_application") else None
    if current and current["status"] == "submitted":
        raise Conflict("已有一份申请正在受理中，请等待审核结果", code="application_pending")
    body = {k: v.strip() if isinstance(v, str) else v for k, v in body.items()}
    for key, title in (("legal_representative", "法定代表人"), ("contact_name", "联系人")):
        if not body.get(key):
            raise InvalidInput(f"{title}不能为空", code="invalid_input", details={"field": key})
    try:
        phone = md.mobile(body["contact_phone"])
        if not phone:
            raise ValueError("不能为空")
    except ValueError as exc:
        raise InvalidInput(f"联系人手机号：{exc}", code="invalid_input", details={"field": "contact_phone"}) from None
    app = {"id": uuid.uuid4().hex, "org_id": org_id, "org_name": org["name"],
           "legal_representative": body["legal_representative"].strip(), "contact_name": body["contact_name"].strip(),
           "contact_phone": phone, "seal_text": (body.get("seal_text") or org["name"]).strip(),
           "status": "submitted", "submitted_by": principal.username, "submitted_at": ports.clock.now_iso()}
    ports.seal_applications.put(app)
    ports.master.set_fields("orgs", {"id": org_id}, seal_application=app["id"])
    return _view(app)


@requires(Role.TEO, Role.TEO_SIGNER, Role.ADMIN)
def current(principal: Principal, org_id: str) -> dict:
    """The TEO screen's view: its latest application and whether it holds an active e-seal."""
    org = masterdata.get_profile(principal, "orgs", org_id)
    app = ports.seal_applications.get(org["seal_application"]) if org.get("seal_application") else None
    revoked = org.get("seal_status") == "revoked"
    return {"application": _view(app) if app else None, "seal_status": org.get("seal_status") or "none",
            "seal_revoked_reason": org.get("seal_revoked_reason") if revoked else None,
            "seal_revoked_at": org.get("seal_revoked_at") if revoked else None,
            "accepting_authority": config.certification_authority()}


@requires(Role.ADMIN)
def pending(principal: Principal) -> list[dict]:
    apps = ports.seal_applications.newest_first()
    names = accounts.display_names([a.get(k) for a in apps for k in ("submitted_by", "decided_by")])
    return [_view(a, names) for a in apps]


def _seal_image(data_b64: str | None, text: str) -> bytes:
    """The admin's uploaded seal (checked like a stamp: a transparent, roughly square PNG), or a drawn one."""
    if not data_b64:
        return imprints.official_seal(text)
    data = uploads.decode(data_b64, "公章图片", imprint_check.MAX_BYTES * 2)
    imprint_check.check(data, imprint_check.SEAL)
    return data


@requires(Role.ADMIN)
def decide(principal: Principal, app_id: str, decision: str, reason: str | None,
           seal_image_base64: str | None) -> dict:
    app = ports.seal_applications.get(app_id)
    if not app:
        raise NotFound("申请不存在", code="application_not_found")
    if decision == "reject" and not (reason or "").strip():
        raise InvalidInput("请填写驳回理由", code="reason_required")
    image = _seal_image(seal_image_base64, app["seal_text"]) if decision == "approve" else None
    # Claim the application first: of two decisions at once, exactly one goes on to act.
    if not ports.seal_applications.move(app_id, "submitted", "deciding", decided_by=principal.username):
        raise Conflict("该申请已处理", code="application_decided")
    fields = {"decided_by": principal.username, "decided_at": ports.clock.now_iso()}
    try:
        if decision == "reject":
            fields.update(status="rejected", reason=reason.strip())
        else:
            issued = ports.keys.issue_seal(app["org_id"], app["org_name"])
            imprint_files.store_image("orgs", app["org_id"], "seal", image, seal_serial=issued["serial"],
                              seal_status="active")
            fields.update(status="approved")
    except Exception:
        ports.seal_applications.move(app_id, "deciding", "submitted")          # give it back to be decided again
        raise
    ports.seal_applications.move(app_id, "deciding", fields.pop("status"), **fields)
    return _view({**app, **fields, "status": "rejected" if decision == "reject" else "approved"})


@requires(Role.ADMIN)
def revoke_seal(principal: Principal, org_id: str, reason: str) -> dict:
    """The platform withdraws a TEO's e-seal (a lost key, say): its electronic certificates stop being
    stamped, with that reason, until it applies again and is approved."""
    org = ports.master.get("orgs", id=org_id)
    if not org:
        raise NotFound("机构不存在", code="org_not_found")
    if org.get("seal_status") != "active":
        raise Conflict("该机构没有生效中的电子公章", code="no_active_seal")
    if not (reason or "").strip():
        raise InvalidInput("请填写吊销原因", code="reason_required")
    reason = reason.strip()
    at = ports.keys.revoke_seal(org["seal_serial"], reason) if org.get("seal_serial") else ports.clock.now_iso()
    ports.master.set_fields("orgs", {"id": org_id}, seal_status="revoked", seal_revoked_reason=reason,
                            seal_revoked_at=at)
    return {"org_id": org_id, "seal_status": "revoked", "reason": reason, "revoked_at": at}
