"""The records list (the tabs with their counts, filtered and paged), one record's view with its audit trail,
and deleting an unsigned one."""
import heapq
from dataclasses import replace
from itertools import islice
from operator import itemgetter

from .. import ports
from ..domain import idcard
from ..domain import masterdata as md
from ..domain.access import Principal, Role, requires
from ..domain.errors import Conflict
from ..domain.filters import ALL, RecordFilter
from ..domain.workflow import LABELS, Status, is_revoked, row_actions
from . import accounts, audit
from .scope import in_scope, load, scope_of


def matching(principal: Principal, flt: RecordFilter, statuses: list[str] | None = None) -> list[dict]:
    """Every record in scope that matches the filter (projected fields only, in list order).
    ``statuses`` narrows further (signing sessions and batches use it)."""
    side, org = scope_of(principal)
    wanted = [s.value for s in Status] if flt.status == ALL else [flt.status]
    if statuses is not None:
        wanted = [s for s in wanted if s in statuses]
    if flt.candidate_no:
        found = ports.records.by_candidate(flt.candidate_no)
        rows = [r for r in found if in_scope(principal, r) and r["status"] in wanted and flt.matches(r)]
        return _revoked_or_not(sorted(rows, key=lambda r: (r["created_at"], r["candidate_no"], r["id"])), flt)
    # A name matches by its part (staff type a surname), so it is looked for in the tabs themselves.
    rows = [r for status in wanted for r in ports.records.tab(side, org, status) if flt.matches(r)]
    return _revoked_or_not(sorted(rows, key=lambda r: r["order_key"]), flt)


def _revoked_or_not(rows: list[dict], flt: RecordFilter) -> list[dict]:
    """The revoked filter: only issued records can be revoked, and the tab index does not hold the flag."""
    if flt.revoked is None:
        return rows
    issued = [r for r in rows if r["status"] == Status.ISSUED.value]
    revoked = {r["id"] for r in ports.records.get_many(r["id"] for r in issued) if r.get("revoked")}
    return [r for r in issued if (r["id"] in revoked) == flt.revoked]


def counts(principal: Principal, flt: RecordFilter, found: list[dict] | None = None) -> dict:
    """Each tab's count under the filter: the tab counters, or for a candidate filter a tally of that
    candidate's records (``found``: the filter's records in every status, when the caller has read them)."""
    side, org = scope_of(principal)
    tally = {s.value: 0 for s in Status}
    if flt.finer:
        for r in found if found is not None else matching(principal, replace(flt, status=ALL)):
            tally[r["status"]] += 1
    else:
        for bucket in ports.records.counters(side, org):
            if flt.matches_bucket(bucket):
                for s in tally:
                    tally[s] += int(bucket.get(s) or 0)
    tally[ALL] = sum(tally.values())
    return tally


def _leading(principal: Principal, flt: RecordFilter, tally: dict, count: int) -> list[dict]:
    """The first ``count`` records ``matching`` would list, for a filter the tab counters answer (not
    ``finer``): each tab holding any (``tally``: the filter's counts) is read lazily in list order and the
    tabs merged, so a page reads about a page of items however many records there are."""
    side, org = scope_of(principal)
    wanted = [s.value for s in Status if flt.status in (ALL, s.value) and tally[s.value]]
    tabs = [ports.records.tab_in_order(side, org, status, page_size=count) for status in wanted]
    return list(islice((r for r in heapq.merge(*tabs, key=itemgetter("order_key")) if flt.matches(r)), count))


def list_records(principal: Principal, flt: RecordFilter, page: int, page_size: int) -> dict:
    start = (page - 1) * page_size
    if flt.finer:
        # One read answers both the rows and the counts, so a record that moves between two reads (the
        # stamping worker finishing) can never be counted in a tab whose list does not show it.
        found = matching(principal, replace(flt, status=ALL))
        rows, tally = [r for r in found if flt.matches(r)], counts(principal, flt, found)
        total = len(rows)
    else:
        tally = counts(principal, flt)
        rows, total = _leading(principal, flt, tally, start + page_size), tally[flt.status]
    ids = [r["id"] for r in rows[start:start + page_size]]
    full = {r["id"]: r for r in ports.records.get_many(ids)}
    items = [row_view(full[i], principal.role) for i in ids if i in full]
    return {"items": items, "total": total, "page": page, "page_size": page_size, "counts": tally}


def row_view(rec: dict, role: Role | None) -> dict:
    """What a list row shows (the manual's columns), the ID number masked."""
    status = Status(rec["status"])
    return {
        "id": rec["id"], "status": status.value, "status_label": LABELS[status], "version": rec["version"],
        "candidate": {"candidate_no": rec["candidate_no"], "name": rec["candidate_name"],
                      "id_number": idcard.mask(rec["id_number"]), "student_type": rec["student_type"],
                      "college_id": rec["college_id"], "college_name": rec["college_name"]},
        "certificate": {"id": rec["certificate_id"], "name": rec["certificate_name"], "level": rec["level"],
                        "title": f"{rec['certificate_name']}（{rec['level']}）", "teo_id": rec["teo_id"],
                        "teo_name": rec["teo_name"], "issued_at": rec.get("issued_at"),
                        "award_date": rec.get("award_date"), "method": rec.get("method"),
                        "cert_no": rec.get("cert_no")},
        "exam": {"plan_id": rec["plan_id"], "plan_name": rec["plan_name"], "exam_year": int(rec["exam_year"]),
                 "site_id": rec["site_id"], "site_name": rec["site_name"], "result": md.PASSED},
        "reason": rec.get("reason"),
        "revoked": is_revoked(rec), "revoked_reason": rec.get("revoked_reason"),
        "actions": row_actions(role, rec),
    }


def detail(principal: Principal, rec_id: str) -> dict:
    rec = load(principal, rec_id)
    view = row_view(rec, principal.role)
    events = sorted(ports.records.events(rec_id), key=lambda e: e["at"])
    people = [rec.get("created_by"), rec.get("teo_signed_by"), rec.get("site_signed_by"), *(e["actor"] for e in events)]
    names = accounts.display_names(people)
    signoff = {k: rec.get(k) for k in ("teo_signed_at", "teo_signed_by", "site_signed_at", "site_signed_by")}
    view["signoff"] = {**signoff, **{f"{k}_name": names.get(signoff[k], signoff[k])
                                     for k in ("teo_signed_by", "site_signed_by")}}
    view["created_at"], view["created_by"] = rec["created_at"], rec.get("created_by")
    view["created_by_name"] = names.get(rec.get("created_by"), rec.get("created_by"))
    view["certificate"].update({"cert_no": rec.get("cert_no"), "award_date": rec.get("award_date"),
                                "pdf_version": int(rec.get("pdf_version") or 0), "sha256": rec.get("pdf_sha256")})
    view["versions"] = [{k: v.get(k) for k in ("version", "sha256", "method", "created_at", "superseded")}
                        for v in ports.issued.versions(rec_id)]
    view["events"] = [{**{k: e.get(k) for k in ("at", "actor", "role", "org_id", "action", "from_status",
                                                 "to_status", "reason", "session_id")},
                       "actor_name": names.get(e["actor"], e["actor"])} for e in events]
    return view


@requires(Role.TEO)
def delete(principal: Principal, rec_id: str) -> dict:
    rec = load(principal, rec_id)
    if rec["status"] != Status.TEO_PENDING.value or rec.get("signed"):
        raise Conflict(f"当前状态为「{LABELS[Status(rec['status'])]}」，已开始签发的记录不能删除",
                       code="not_deletable", details={"status": rec["status"]})
    if not ports.records.delete(rec, audit.event(principal, "delete")):
        raise Conflict("记录已被他人处理，请刷新后重试", code="record_changed")
    return {"deleted": rec_id}
