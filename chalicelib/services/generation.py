"""Generating pending records (F3, 生成待发证记录): who of an exam plan may be issued a certificate and why
not, the name lists as xlsx, and the records themselves (existing ones left exactly as they are)."""
from dataclasses import dataclass

from .. import ports
from ..domain import idcard
from ..domain import masterdata as md
from ..domain.access import Principal, Role, requires
from ..domain.errors import InvalidInput, NotFound
from ..domain.workflow import Status
from . import audit, xlsx

SITE_DISABLED = "考核站点已停用"


@dataclass
class Candidates:
    issuable: list[dict]        # records to create
    not_issuable: list[dict]    # {candidate, result, reasons}


def _generation_scope(principal: Principal, body: dict) -> tuple[dict, dict, dict, list[str], str | None]:
    cert = ports.master.get("certificates", id=body["certificate_id"])
    if not cert or cert["org_id"] != principal.org_id:
        raise NotFound("考试证书不存在", code="certificate_not_found")
    plan = ports.master.get("plans", id=body["plan_id"])
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
    org = ports.master.get("orgs", id=principal.org_id)
    return cert, plan, org, levels, college


def _candidates(principal: Principal, body: dict) -> Candidates:
    cert, plan, org, levels, college = _generation_scope(principal, body)
    results = [r for r in ports.master.results_of_plan(plan["id"], levels[0] if len(levels) == 1 else None)
               if (not college or r["site_id"] == college) and (not levels or r["level"] in levels)]
    people = {c["candidate_no"]: c for c in ports.master.get_many(
        "candidates", [{"candidate_no": n} for n in {r["candidate_no"] for r in results}])}
    sites = {c["id"]: c for c in ports.master.get_many("colleges", [{"id": i} for i in plan["site_ids"]])}
    colleges = {c["id"]: c for c in ports.master.get_many(
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
            "id": ports.records.record_id(person["candidate_no"], plan["id"], cert["id"], res["level"]),
            "status": Status.TEO_PENDING.value, "version": 1,
            "candidate_no": person["candidate_no"], "candidate_name": person["name"],
            "id_number": idcard.normalize(person["id_number"]), "student_type": person["student_type"],
            "college_id": person["college_id"], "college_name": colleges.get(person["college_id"], {}).get("name", ""),
            "site_id": res["site_id"], "site_name": sites.get(res["site_id"], {}).get("name", ""),
            "plan_id": plan["id"], "plan_name": plan["name"], "exam_year": int(plan["exam_year"]),
            "certificate_id": cert["id"], "certificate_name": cert["name"], "level": res["level"],
            "teo_id": cert["org_id"], "teo_name": org["name"] if org else "", "score": res.get("score"),
            "created_at": ports.clock.now_iso(), "created_by": principal.username, "signed": False,
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
    existing = {r["id"] for r in ports.records.get_many(r["id"] for r in found.issuable)}
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
        colleges = {c["id"]: c["name"] for c in ports.master.list_all("colleges")}
        cert = ports.master.get("certificates", id=body["certificate_id"])
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
    created, existing = ports.records.create(found.issuable, audit.event(principal, "generate"))
    split = _not_issuable_split(found)
    return {"created": len(created), "existing": len(existing), **split, "created_ids": created,
            "summary": f"已生成{len(created)}条待发证记录" + (f"，{len(existing)}人已有发证记录" if existing else "")
                       + _apart(split)}
