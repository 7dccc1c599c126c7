"""The sign-off evidence behind a certificate: for each party (the TEO, the assessment site) the sign-off
that counted — the latest signature of that side in the record's audit trail, so after a reject and a
re-sign it is the re-sign — with who signed, in which role, when, in which signing session, the SHA-256
of the record set that session signed and of the drawn signature (the drawing itself stays private).

Electronic certificates carry it as ``signoff.json`` inside the sealed PDF and print one line summing it
up; every verification channel shows who signed, in which role, and when.
"""
import datetime as dt
import json
from zoneinfo import ZoneInfo

from ..domain.workflow import Action
from ..store import records as store
from . import accounts

FILENAME = "signoff.json"
PARTIES = (("teo", Action.TEO_SIGN.value, "培训评价组织负责人", "teo_name"),
           ("site", Action.SITE_SIGN.value, "考核站点负责人", "site_name"))
_BEIJING = ZoneInfo("Asia/Shanghai")


def signoffs(rec: dict, events: list[dict] | None = None) -> list[dict]:
    """The two sign-offs that counted, TEO first; a side that never signed (records loaded in bulk by
    the benchmark, say) is left out."""
    events = store.events(rec["id"]) if events is None else events
    counted = {}
    for event in events:                       # in order: a later sign-off of the same side replaces
        for side, action, _, _ in PARTIES:
            if event.get("action") == action:
                counted[side] = event
    names = accounts.display_names(e.get("actor") for e in counted.values())
    out = []
    for side, _, role, org_field in PARTIES:
        event = counted.get(side)
        if not event:
            continue
        session = store.get_session(event.get("session_id") or "") or {}
        out.append({"party": side, "organisation": rec.get(org_field) or "", "role": role,
                    "signer": names.get(event["actor"], event["actor"]), "signed_at": event["at"],
                    "session_id": event.get("session_id"), "records_sha256": session.get("digest"),
                    "signature_sha256": session.get("signature_sha256")})
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
