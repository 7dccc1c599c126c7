"""Use cases of the issuance records: generate pending records (F3), list the tabs with counts, view one
record with its audit trail, delete an unsigned one."""
import heapq
from dataclasses import dataclass, replace
from itertools import islice
from operator import itemgetter

from ..domain import idcard
from ..domain import masterdata as md
from ..domain.access import Principal, Role, requires
from ..domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from ..domain.filters import ALL, RecordFilter, parse_filter
from ..domain.workflow import LABELS, Status, is_revoked, row_actions, side_of
from ..store import masterdata as master
from ..store import records as store
from . import accounts, xlsx

# ---- scope -------------------------------------------------------------------------------------------

def scope_of(principal: Principal) -> tuple[str, str]:
    """(``teo`` or ``site``, the org id): whose records the caller sees."""
    side = side_of(principal.role)
    if side is None:
        raise Forbidden("当前账号的角色无权查看发证记录", code="role_forbidden")
    return side, principal.org_id


def in_scope(principal: Principal, rec: dict) -> bool:
    side, org = scope_of(principal)
    return rec["teo_id" if side == "teo" else "site_id"] == org


def load(principal: Principal, rec_id: str) -> dict:
    rec = store.get(rec_id)
    if not rec or not in_scope(principal, rec):
        raise NotFound("发证记录不存在", code="record_not_found")
    return rec


# ---- generate (F3) -----------------------------------------------------------------------------------

SITE_DISABLED = "考核站点已停用"


@dataclass
class Candidates:
    issuable: list[dict]        # records to create
    not_issuable: list[dict]    # {candidate, result, reasons}


def _generation_scope(principal: Principal, body: dict) -> tuple[dict, dict, dict, list[str], str | None]:
    cert = master.get("certificates", id=body["certificate_id"])
    if not cert or cert["org_id"] != principal.org_id:
        raise NotFound("考试证书不存在", code="certificate_not_found")
    plan = master.get("plans", id=body["plan_id"])
    if not plan or plan["certificate_id"] != cert["id"]:
        raise NotFound("考试计划不存在或不属于该证书", code="plan_not_found")
    if int(plan["exam_year"]) != int(body["exam_year"]):
        raise InvalidInput(f"考试计划“{plan['name']}”不属于{body['exam_year']}年度", code="plan_year_mismatch")
    levels = body.get("levels") or ([body["level"]] if body.get("level") else [])    # none: every level
    for level in levels:
        if level not in plan["levels"]:
            raise InvalidInput(f"考试计划“{plan['name']}”没有{level}", code="plan_level_mismatch")
    college = body.get("college_id") or None
    if college and college not in plan["site_ids"]:
        raise InvalidInput("该试点院校不是此考试计划的考核站点", code="plan_site_mismatch")
    org = master.get("orgs", id=principal.org_id)
    return cert, plan, org, levels, college


def _candidates(principal: Principal, body: dict) -> Candidates:
    cert, plan, org, levels, college = _generation_scope(principal, body)
    results = [r for r in master.results_of_plan(plan["id"], levels[0] if len(levels) == 1 else None)
               if (not college or r["site_id"] == college) and (not levels or r["level"] in levels)]
    people = {c["candidate_no"]: c for c in master.get_many(
        "candidates", [{"candidate_no": n} for n in {r["candidate_no"] for r in results}])}
    sites = {c["id"]: c for c in master.get_many("colleges", [{"id": i} for i in plan["site_ids"]])}
    colleges = {c["id"]: c for c in master.get_many(
        "colleges", [{"id": i} for i in {p["college_id"] for p in people.values()}])}
    issuable, not_issuable = [], []
    for res in sorted(results, key=lambda r: (r["level"], r["candidate_no"])):
        person = people.get(res["candidate_no"])
        reasons = []
        if not res["passed"]:
            reasons.append("考试未通过")
        if sites.get(res["site_id"], {}).get("status") == "disabled":
            reasons.append(SITE_DISABLED)
        if person is None:
            reasons.append("考生信息不存在")
        else:
            reasons += md.personal_info_problems(person, cert.get("requires_photo", False))
        if reasons:
            not_issuable.append({"candidate": person or {"candidate_no": res["candidate_no"]},
                                 "result": res, "reasons": reasons})
            continue
        issuable.append({
            "id": store.record_id(person["candidate_no"], plan["id"], cert["id"], res["level"]),
            "status": Status.TEO_PENDING.value, "version": 1,
            "candidate_no": person["candidate_no"], "candidate_name": person["name"],
            "id_number": idcard.normalize(person["id_number"]), "student_type": person["student_type"],
            "college_id": person["college_id"], "college_name": colleges.get(person["college_id"], {}).get("name", ""),
            "site_id": res["site_id"], "site_name": sites.get(res["site_id"], {}).get("name", ""),
            "plan_id": plan["id"], "plan_name": plan["name"], "exam_year": int(plan["exam_year"]),
            "certificate_id": cert["id"], "certificate_name": cert["name"], "level": res["level"],
            "teo_id": cert["org_id"], "teo_name": org["name"] if org else "", "score": res.get("score"),
            "created_at": store.now_iso(), "created_by": principal.username, "signed": False,
        })
    return Candidates(issuable, not_issuable)


def _not_issuable_split(found: Candidates) -> dict:
    """The not-issuable counted apart, each once: failed the exam (未通过考核), else examined at a disabled
    site (考核站点已停用), else passed with incomplete information."""
    failed = sum(1 for n in found.not_issuable if not n["result"]["passed"])
    disabled = sum(1 for n in found.not_issuable if n["result"]["passed"] and SITE_DISABLED in n["reasons"])
    return {"not_issuable": len(found.not_issuable), "failed": failed, "site_disabled": disabled,
            "incomplete": len(found.not_issuable) - failed - disabled}


def _apart(split: dict) -> str:
    parts = (("incomplete", "人信息不完善"), ("failed", "人未通过考核"), ("site_disabled", "人考核站点已停用"))
    return "".join(f"，{split[key]}{words}" for key, words in parts if split[key])


@requires(Role.TEO)
def preview(principal: Principal, body: dict) -> dict:
    found = _candidates(principal, body)
    existing = {r["id"] for r in store.get_many(r["id"] for r in found.issuable)}
    total = len(found.issuable) + len(found.not_issuable)
    split = _not_issuable_split(found)
    return {"total": total, "issuable": len(found.issuable), **split, "existing": len(existing),
            "summary": f"共{total}人，可发证{len(found.issuable)}人{_apart(split)}"}


_LIST_COLUMNS = [
    ("考生编号", lambda r: r["candidate_no"]),
    ("考生姓名", lambda r: r["candidate_name"]),
    ("身份证号", lambda r: r["id_number"]),
    ("学生类型", lambda r: r["student_type"]),
    ("所属院校", lambda r: r["college_name"]),
    ("证书名称", lambda r: r["certificate_name"]),
    ("证书等级", lambda r: r["level"]),
    ("考证结果", lambda r: "已通过"),
]


@requires(Role.TEO)
def lists(principal: Principal, body: dict, kind: str) -> dict:
    """The issuable (可发证名单) or not-issuable (不可发证名单, with the reason) list as an xlsx link."""
    found = _candidates(principal, body)
    if kind == "issuable":
        columns, rows, name = _LIST_COLUMNS, found.issuable, "可发证名单.xlsx"
    else:
        colleges = {c["id"]: c["name"] for c in master.list_all("colleges")}
        cert = master.get("certificates", id=body["certificate_id"])
        columns = [
            ("考生编号", lambda n: n["candidate"].get("candidate_no")),
            ("考生姓名", lambda n: n["candidate"].get("name", "")),
            ("身份证号", lambda n: n["candidate"].get("id_number", "")),
            ("学生类型", lambda n: n["candidate"].get("student_type", "")),
            ("所属院校", lambda n: colleges.get(n["candidate"].get("college_id"), "")),
            ("证书名称", lambda n: cert["name"]),
            ("证书等级", lambda n: n["result"]["level"]),
            ("考证结果", lambda n: md.PASSED if n["result"]["passed"] else md.FAILED),
            ("不可发证原因", lambda n: "；".join(n["reasons"])),
        ]
        rows, name = found.not_issuable, "不可发证名单.xlsx"
    return xlsx.publish(xlsx.temporary_key("lists/", principal.org_id, name), name, columns, rows)


@requires(Role.TEO)
def generate(principal: Principal, body: dict) -> dict:
    """Create TEO_PENDING records for the issuable candidates; existing records are left exactly as they are."""
    found = _candidates(principal, body)
    created, existing = store.create(found.issuable, event(principal, "generate"))
    split = _not_issuable_split(found)
    return {"created": len(created), "existing": len(existing), **split, "created_ids": created,
            "summary": f"已生成{len(created)}条待发证记录" + (f"，{len(existing)}人已有发证记录" if existing else "")
                       + _apart(split)}


@requires(Role.TEO)
def delete(principal: Principal, rec_id: str) -> dict:
    rec = load(principal, rec_id)
    if rec["status"] != Status.TEO_PENDING.value or rec.get("signed"):
        raise Conflict(f"当前状态为「{LABELS[Status(rec['status'])]}」，已开始签发的记录不能删除",
                       code="not_deletable", details={"status": rec["status"]})
    if not store.delete(rec, event(principal, "delete")):
        raise Conflict("记录已被他人处理，请刷新后重试", code="record_changed")
    return {"deleted": rec_id}


def unapplied(lost: list[str], busy: list[str], busy_hint: str) -> list[dict]:
    """Why records of a batch did not move: someone else moved them first, or the table stayed busy."""
    return ([{"id": rid, "reason": "记录已被他人处理，状态已变化"} for rid in lost]
            + [{"id": rid, "reason": f"系统繁忙，未能处理，{busy_hint}"} for rid in busy])


def event(principal: Principal, action, **extra) -> dict:
    """The audit event of a person's action on records (``action``: an ``Action`` or a plain name)."""
    return {"actor": principal.username, "role": principal.role.value, "org_id": principal.org_id,
            "action": getattr(action, "value", action), "at": store.now_iso(), **extra}


# ---- lists -------------------------------------------------------------------------------------------

def matching(principal: Principal, flt: RecordFilter, statuses: list[str] | None = None) -> list[dict]:
    """Every record in scope that matches the filter (projected fields only, in list order).
    ``statuses`` narrows further (signing sessions and batches use it)."""
    side, org = scope_of(principal)
    wanted = [s.value for s in Status] if flt.status == ALL else [flt.status]
    if statuses is not None:
        wanted = [s for s in wanted if s in statuses]
    if flt.candidate_no:
        found = store.by_candidate(flt.candidate_no)
        rows = [r for r in found if in_scope(principal, r) and r["status"] in wanted and flt.matches(r)]
        return _revoked_or_not(sorted(rows, key=lambda r: (r["created_at"], r["candidate_no"], r["id"])), flt)
    # A name matches by its part (staff type a surname), so it is looked for in the tabs themselves.
    rows = [r for status in wanted for r in store.tab(side, org, status) if flt.matches(r)]
    return _revoked_or_not(sorted(rows, key=lambda r: r["order_key"]), flt)


def _revoked_or_not(rows: list[dict], flt: RecordFilter) -> list[dict]:
    """The revoked filter: only issued records can be revoked, and the tab index does not hold the flag."""
    if flt.revoked is None:
        return rows
    issued = [r for r in rows if r["status"] == Status.ISSUED.value]
    revoked = {r["id"] for r in store.get_many(r["id"] for r in issued) if r.get("revoked")}
    return [r for r in issued if (r["id"] in revoked) == flt.revoked]


def select(principal: Principal, record_ids: list[str] | None, filter_: dict | None, statuses: list[str],
           verb: str, limit: int) -> tuple[list[dict], list[dict]]:
    """The records a batch acts on: the given ids (each checked for scope and status) or everything in
    scope matching the filter, in one of ``statuses``, re-read strongly. Returns (chosen, skipped with why)."""
    skipped: list[dict] = []
    if record_ids is not None:
        found = {r["id"]: r for r in store.get_many(record_ids)}
        chosen = []
        for rid in dict.fromkeys(record_ids):
            rec = found.get(rid)
            if rec is None or not in_scope(principal, rec):
                skipped.append({"id": rid, "reason": "发证记录不存在"})
            elif rec["status"] not in statuses:
                label = LABELS[Status(rec["status"])]
                skipped.append({"id": rid, "reason": f"当前状态为「{label}」，不能{verb}"})
            else:
                chosen.append(rec)
    else:
        listed = matching(principal, parse_filter(filter_), statuses=statuses)
        if len(listed) > limit:
            raise InvalidInput(f"一次最多处理{limit}条记录，请缩小筛选范围", code="too_many_records")
        # The tab index is eventually consistent: re-read each record (strongly) before acting on it.
        fresh = {r["id"]: r for r in store.get_many(r["id"] for r in listed)}
        chosen = [fresh[r["id"]] for r in listed if r["id"] in fresh and fresh[r["id"]]["status"] in statuses]
    if not chosen:
        raise Conflict(f"没有可{verb}的记录", code="nothing_to_do", details={"skipped": skipped})
    if len(chosen) > limit:
        raise InvalidInput(f"一次最多处理{limit}条记录", code="too_many_records")
    return chosen, skipped


def counts(principal: Principal, flt: RecordFilter, found: list[dict] | None = None) -> dict:
    """Each tab's count under the filter: the tab counters, or for a candidate filter a tally of that
    candidate's records (``found``: the filter's records in every status, when the caller has read them)."""
    side, org = scope_of(principal)
    tally = {s.value: 0 for s in Status}
    if flt.finer:
        for r in found if found is not None else matching(principal, replace(flt, status=ALL)):
            tally[r["status"]] += 1
    else:
        for bucket in store.counters(side, org):
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
    tabs = [store.tab_in_order(side, org, status, page_size=count) for status in wanted]
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
    full = {r["id"]: r for r in store.get_many(ids)}
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
    events = sorted(store.events(rec_id), key=lambda e: e["at"])
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
                        for v in store.versions(rec_id)]
    view["events"] = [{**{k: e.get(k) for k in ("at", "actor", "role", "org_id", "action", "from_status",
                                                 "to_status", "reason", "session_id")},
                       "actor_name": names.get(e["actor"], e["actor"])} for e in events]
    return view

