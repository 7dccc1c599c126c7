"""Signing sessions (the ``sessions`` port): opened by a signer's request, claimed at most once by the
signature that completes them, then finished with what was applied and skipped (or released to open)."""
import json

from ..clock import now_iso
from .items import HEX_ID, read
from .models import Entity, SigningSession
from .tx import conditional


def put(session: dict) -> None:
    SigningSession(f"SESSION#{session['id']}", "SESSION", **session).save(
        condition=Entity.pk.does_not_exist())


def get(session_id: str) -> dict | None:
    return read(SigningSession, f"SESSION#{session_id}", "SESSION") if HEX_ID.match(session_id or "") else None


def claim(session_id: str, now: float, signer: str, decision: str, client_ip: str) -> bool:
    """Open → completing, only if still open and unexpired: a session completes at most once."""
    item = SigningSession(f"SESSION#{session_id}", "SESSION")
    return conditional(lambda: item.update(
        actions=[SigningSession.status.set("completing"), SigningSession.signer.set(signer),
                 SigningSession.decision.set(decision), SigningSession.signed_at.set(now_iso()),
                 SigningSession.client_ip.set(client_ip)],
        condition=(SigningSession.status == "open") & (SigningSession.expires_at > int(now)),
        add_version_condition=False))


def release(session_id: str) -> None:
    """Completing → open again, when the sign-off could not be recorded."""
    SigningSession(f"SESSION#{session_id}", "SESSION").update(
        actions=[SigningSession.status.set("open"), SigningSession.signer.remove(),
                 SigningSession.decision.remove(), SigningSession.signed_at.remove()],
        condition=SigningSession.status == "completing", add_version_condition=False)


def finish(session_id: str, status: str, applied: list[str], skipped: list[dict],
           signature_key: str, signature_sha256: str) -> None:
    by_reason: dict[str, list[str]] = {}
    for s in skipped:                 # grouped by reason: thousands of skips stay small
        by_reason.setdefault(s["reason"], []).append(s["id"])
    SigningSession(f"SESSION#{session_id}", "SESSION").update(actions=[
        SigningSession.status.set(status), SigningSession.applied.set(applied),
        SigningSession.skipped.set(json.dumps(by_reason, ensure_ascii=False)),
        SigningSession.signature_key.set(signature_key), SigningSession.signature_sha256.set(signature_sha256),
    ], condition=SigningSession.status == "completing", add_version_condition=False)


def skipped(session: dict) -> list[dict]:
    by_reason = json.loads(session["skipped"]) if session.get("skipped") else {}
    return [{"id": rid, "reason": reason} for reason, ids in by_reason.items() for rid in ids]
