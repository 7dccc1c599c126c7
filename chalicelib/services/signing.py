"""Online sign-off (F4): staff open a signing session over records; the responsible person scans its QR
code, draws a signature and confirms or refuses; then every record moves, or is reported skipped with why.

Session actions and the signer's decision:
  sign   + confirm → signed (TEO: → 考核站点待签发; site: → 证书待发放)      session ``completed``
  sign   + refuse  → rejected with the signer's reason                       session ``refused``
  reject + confirm → rejected with the reason                                session ``completed``
  reject + refuse  → nothing changes (the signer declines to reject)         session ``refused``
"""
import hashlib
import io
import uuid

from .. import config, lazy, ports
from ..domain import signature, uploads
from ..domain.access import Principal, Role, requires
from ..domain.errors import Conflict, InvalidInput, NotFound, TooLarge
from ..domain.workflow import SIGN_ACTIONS, Action, Status, authorize, check_reason, next_status, side_of, sources
from . import accounts, audit, batches

qrcode = lazy.module("qrcode")
qrcode_svg = lazy.module("qrcode.image.svg")
Image = lazy.module("PIL.Image")
SESSION_SECONDS = 600
MAX_RECORDS = 3000        # a session, its record states and its outcome must fit one 400 KB item
MAX_SIGNATURE_BYTES = 512 * 1024
_SIGNER = {"teo": Role.TEO_SIGNER, "site": Role.COLLEGE_SIGNER}


def digest(records_shown: list[dict]) -> str:
    """SHA-256 over the exact record states signed: one ``id:version:incarnation`` line per record."""
    lines = sorted(f"{r['id']}:{ports.records.mark(r)}" for r in records_shown)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def qr_svg(url: str) -> str:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2,
                       image_factory=qrcode_svg.SvgPathImage, mask_pattern=0)
    qr.add_data(url)
    return qr.make_image().to_string(encoding="unicode")


_REFUSED = (Status.TEO_REJECTED.value, Status.SITE_REJECTED.value)


@requires(Role.TEO, Role.COLLEGE)        # staff open sessions; the responsible person signs
def open_session(principal: Principal, action: str, record_ids: list[str] | None, filter_: dict | None,
                 reason: str | None = None) -> dict:
    side = side_of(principal.role)
    if action == "reject":          # the reason the signer's phone shows, and the records keep
        reason = check_reason(reason)
    movable = [s.value for s in sources(SIGN_ACTIONS[(side, action)])]
    chosen, skipped = batches.select(principal, record_ids, filter_, movable, _verb(action), MAX_RECORDS)
    ids = [r["id"] for r in chosen]
    now = ports.clock.now()
    # 重新签发 (manual 3.2): the TEO re-signing records it refused can only confirm them. (A site may refuse
    # its refused records again, with a new reason.)
    resign = action == "sign" and all(r["status"] == Status.TEO_REJECTED.value for r in chosen)
    # Signing refused records again, on either side: the signer's page says 重新签发.
    again = action == "sign" and all(r["status"] in _REFUSED for r in chosen)
    session = {
        "id": uuid.uuid4().hex, "side": side, "org_id": principal.org_id, "action": action, "resign": resign,
        "again": again,
        "record_ids": ids, "record_marks": [ports.records.mark(r) for r in chosen], "digest": digest(chosen),
        "reason": reason, "status": "open",
        "created_by": principal.username, "created_at": ports.clock.now_iso(),
        "expires_at": int(now + SESSION_SECONDS),
        "preview_names": [r.get("candidate_name") or r["candidate_no"] for r in chosen[:5]],
    }
    ports.sessions.put(session)
    url = f"{config.public_base_url()}/sign/{session['id']}"
    return {"id": session["id"], "status": "open", "action": action, "sign_url": url, "qr_svg": qr_svg(url),
            "expires_at": session["expires_at"], "count": len(ids), "digest": session["digest"],
            "skipped": skipped}


def _verb(action: str) -> str:
    return "签发" if action == "sign" else "拒绝签发"


# Another org's session looks missing, as everywhere; the words also point the signer who scanned a code
# with the wrong account at the fix.
_NOT_YOURS = "签发会话不存在，或不属于当前账号：请使用本机构负责人账号登录后重新扫码"


def _load(principal: Principal, session_id: str) -> dict:
    session = ports.sessions.get(session_id)
    side = side_of(principal.role)
    if not session or side != session["side"] or principal.org_id != session["org_id"]:
        raise NotFound(_NOT_YOURS, code="session_not_found")
    return session


def view(principal: Principal, session_id: str) -> dict:
    return _view(_load(principal, session_id))


def session_records(principal: Principal, session_id: str, page: int, page_size: int) -> dict:
    """Every record the signature covers, a page at a time (the signer's page lists them all)."""
    ids = _load(principal, session_id)["record_ids"]
    chunk = ids[(page - 1) * page_size:page * page_size]
    found = {r["id"]: r for r in ports.records.get_many(chunk)}
    items = [{"id": i, "candidate_no": found[i]["candidate_no"], "candidate_name": found[i]["candidate_name"],
              "certificate_name": found[i]["certificate_name"], "level": found[i]["level"],
              "plan_name": found[i]["plan_name"]} for i in chunk if i in found]
    return {"items": items, "total": len(ids), "page": page, "page_size": page_size}


def _view(session: dict) -> dict:
    names = accounts.display_names([session["created_by"], session.get("signer")])
    status = session["status"]
    if status == "open" and session["expires_at"] <= ports.clock.now():
        status = "expired"
    return {"id": session["id"], "status": status, "action": session["action"], "side": session["side"],
            "resign": bool(session.get("resign")), "again": bool(session.get("again") or session.get("resign")),
            "org_id": session["org_id"], "count": len(session["record_ids"]), "digest": session["digest"],
            "reason": session.get("reason"), "expires_at": session["expires_at"],
            "preview_names": session.get("preview_names", []), "created_by": session["created_by"],
            "created_by_name": names.get(session["created_by"], session["created_by"]),
            "decision": session.get("decision"), "signer": session.get("signer"),
            "signer_name": names.get(session.get("signer"), session.get("signer")),
            "signed_at": session.get("signed_at"), "applied": session.get("applied") or [],
            "skipped": ports.sessions.skipped(session)}


def _signature(png_base64: str) -> bytes:
    data = uploads.decode(png_base64, "签名图片", MAX_SIGNATURE_BYTES)
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise InvalidInput("签名须为PNG图片", code="invalid_signature")
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > 4_000_000:
                raise TooLarge("签名图片尺寸过大", code="signature_too_large")
            img.verify()
        with Image.open(io.BytesIO(data)) as img:
            drawn = img.convert("RGBA")
    except TooLarge:
        raise
    except Exception:      # Pillow fails on damaged files in many ways
        raise InvalidInput("签名图片已损坏，请重新签字", code="invalid_signature") from None
    signature.check(drawn)
    return data


@requires(Role.TEO_SIGNER, Role.COLLEGE_SIGNER)
def complete(principal: Principal, session_id: str, decision: str, png_base64: str, reason: str | None,
             client_ip: str) -> dict:
    session = _load(principal, session_id)
    if principal.role is not _SIGNER[session["side"]]:
        raise NotFound(_NOT_YOURS, code="session_not_found")
    if session.get("resign") and decision == "refuse":
        raise Conflict("重新签发只能确认签发，不能再次拒绝", code="refuse_not_allowed")
    image = _signature(png_base64)
    action = session["action"]
    rejecting = (action == "sign" and decision == "refuse") or (action == "reject" and decision == "confirm")
    if rejecting:
        # A refusal is the signer's own words; only a staff-prepared rejection may carry the staff's reason.
        reason = check_reason(reason if action == "sign" else (reason or session.get("reason")))
    now = ports.clock.now()
    if not ports.sessions.claim(session_id, now, principal.username, decision, client_ip):
        current = _view(ports.sessions.get(session_id))
        if current["status"] == "expired":
            raise Conflict("签发二维码已过期，请重新发起签发", code="session_expired")
        raise Conflict("该签发会话已完成，不能重复签字", code="session_used")
    signature_sha = hashlib.sha256(image).hexdigest()
    key = f"signatures/{session['org_id']}/{session_id}.png"
    try:
        ports.files.put(key, image, "image/png", metadata={
            "signer": principal.username, "signed-at": ports.clock.now_iso(), "client-ip": client_ip,
            "records-sha256": session["digest"], "decision": decision, "session": session_id})
    except Exception:
        # No evidence, no sign-off: give the session back so the signer can try again.
        ports.sessions.release(session_id)
        raise
    applied: list[str] = []
    skipped: list[dict] = []
    declined = action == "reject" and decision == "refuse"
    if not declined:
        transition = SIGN_ACTIONS[(session["side"], "reject" if rejecting else "sign")]
        applied, skipped = _move(principal, session, transition, reason if rejecting else None, signature_sha)
    final = "refused" if decision == "refuse" else "completed"
    ports.sessions.finish(session_id, final, applied, skipped, key, signature_sha)
    return _view(ports.sessions.get(session_id))


def _move(principal: Principal, session: dict, action: Action, reason: str | None,
          signature_sha: str) -> tuple[list, list]:
    authorize(principal.role, action)
    found = {r["id"]: r for r in ports.records.get_many(session["record_ids"])}
    changes, skipped = [], []
    at = ports.clock.now_iso()
    for rid, shown in zip(session["record_ids"], session["record_marks"], strict=True):
        rec = found.get(rid)
        if rec is None:
            skipped.append({"id": rid, "reason": "发证记录已被删除"})
            continue
        if ports.records.mark(rec) != shown:
            # The signer signs what the session showed; a record changed since then is not signed blindly.
            skipped.append({"id": rid, "reason": "发起签发后该记录已被他人处理，请重新发起"})
            continue
        try:
            target = next_status(rec["status"], action, reason)
        except Conflict as exc:
            skipped.append({"id": rid, "reason": f"{exc.message}（可能已被他人处理）"})
            continue
        fields = {"signed": True, "reason": reason}
        if action in (Action.TEO_SIGN, Action.SITE_SIGN):
            side = session["side"]          # the sign-off that counts, with what it signed (signoff.json)
            fields.update({f"{side}_signed_at": at, f"{side}_signed_by": principal.username,
                           f"{side}_signing_session": session["id"], f"{side}_records_sha256": session["digest"],
                           f"{side}_signature_sha256": signature_sha})
        changes.append(ports.Change(rec, target.value, fields,
                                    audit.event(principal, action, reason=reason, session_id=session["id"], at=at)))
    applied, lost, busy = ports.records.apply(changes)
    return applied, skipped + audit.unapplied(lost, busy, "请重新发起签发")


