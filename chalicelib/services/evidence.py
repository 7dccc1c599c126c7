"""The sign-off evidence behind a certificate: for each party (the TEO, the assessment site) the sign-off
that counted — the record keeps each side's latest signature, so after a reject and a re-sign it is the
re-sign (the audit trail keeps the rest) — with who signed, in which role, when, in which signing
session, the SHA-256 of the record set that session signed and of the drawn signature (the drawing
itself stays private).

Electronic certificates carry it as ``signoff.json`` inside the sealed PDF and print one line summing it
up; every verification channel shows who signed, in which role, and when.
"""
import datetime as dt
import json
from zoneinfo import ZoneInfo

from .. import ports
from . import accounts

FILENAME = "signoff.json"
PARTIES = (("teo", "培训评价组织负责人", "teo_name"), ("site", "考核站点负责人", "site_name"))
_BEIJING = ZoneInfo("Asia/Shanghai")
_COMPLETED: dict[str, dict] = {}        # a completed session never changes: read it once per process


def _session(session_id: str | None) -> dict:
    if session_id in _COMPLETED:
        return _COMPLETED[session_id]
    found = ports.sessions.get(session_id or "") or {}
    facts = {"records_sha256": found.get("digest"), "signature_sha256": found.get("signature_sha256")}
    if found.get("status") == "completed":
        if len(_COMPLETED) >= 4096:
            _COMPLETED.clear()
        _COMPLETED[session_id] = facts
    return facts


def signers(rec: dict) -> list[str]:
    """The usernames of the record's sign-offs that counted."""
    return [rec[f"{side}_signed_by"] for side, _, _ in PARTIES if rec.get(f"{side}_signed_at")
            and rec.get(f"{side}_signed_by")]


def signoffs(rec: dict, names: dict[str, str] | None = None) -> list[dict]:
    """The two sign-offs that counted, TEO first; a side that never signed (records loaded in bulk by
    the benchmark, say) is left out. ``names``: the signers' display names when the caller read them
    already (the worker reads a whole message's at once); otherwise they are read here."""
    signed = [(side, role, org) for side, role, org in PARTIES if rec.get(f"{side}_signed_at")]
    if names is None:
        names = accounts.display_names(signers(rec)) if signed else {}
    out = []
    for side, role, org_field in signed:
        by, session_id = rec.get(f"{side}_signed_by") or "", rec.get(f"{side}_signing_session")
        # Records signed since the digests live on the record need no read; older ones read their session.
        signed_what = ({"records_sha256": rec[f"{side}_records_sha256"],
                        "signature_sha256": rec.get(f"{side}_signature_sha256")}
                       if rec.get(f"{side}_records_sha256") else _session(session_id))
        out.append({"party": side, "organisation": rec.get(org_field) or "", "role": role,
                    "signer": names.get(by, by), "signed_at": rec[f"{side}_signed_at"],
                    "session_id": session_id, **signed_what})
    return out


def document(rec: dict, cert_no: str, version: int, parties: list[dict]) -> bytes:
    """``signoff.json``: what the seal covers about the two sign-offs."""
    return json.dumps({"type": "SkillCertSignoffEvidence", "certificate_number": cert_no,
                       "certificate_version": version, "record_id": rec["id"], "signoffs": parties},
                      ensure_ascii=False, indent=2).encode()


def _day(at: str) -> str:
    return dt.datetime.fromisoformat(at).astimezone(_BEIJING).date().isoformat()


def summary_line(parties: list[dict]) -> str:
    """The page's one line, e.g.
    本证书经培训评价组织负责人 张明（2026-11-30）与考核站点负责人 赵强（2026-11-30）在线签发确认."""
    if len(parties) < 2:
        return ""
    teo, site = parties
    return (f"本证书经{teo['role']} {teo['signer']}（{_day(teo['signed_at'])}）与"
            f"{site['role']} {site['signer']}（{_day(site['signed_at'])}）在线签发确认")


def public(parties: list[dict]) -> list[dict]:
    """What verification shows: who signed, in which role, for which organisation, when."""
    return [{k: p[k] for k in ("party", "organisation", "role", "signer", "signed_at")} for p in parties]
