"""Use cases for master data (F10): scoped lists for the filters, profiles and their export, and the
admin's imports."""
from .. import lazy, ports
from ..domain import idcard, uploads
from ..domain import masterdata as md
from ..domain.access import COLLEGE_ROLES, TEO_ROLES, Principal, Role, requires
from ..domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from . import accounts, photos, xlsx

sheets = lazy.module("chalicelib.sheets")     # openpyxl: reading an import file loads it

MAX_IMPORT_BYTES = 5 * 1024 * 1024
IMPORT_MODES = ("all_or_nothing", "valid_rows")


# ---- what each caller may see ------------------------------------------------------------------------

def _plans_at_site(college_id: str) -> list[dict]:
    return [p for p in ports.master.list_all("plans") if college_id in p["site_ids"]]


def visible_certificates(principal: Principal) -> list[dict]:
    if principal.is_admin:
        return ports.master.list_all("certificates")
    if principal.role in TEO_ROLES:
        return ports.master.certificates_of_org(principal.org_id)
    if principal.role in COLLEGE_ROLES:
        ids = {p["certificate_id"] for p in _plans_at_site(principal.org_id)}
        return [c for c in ports.master.get_many("certificates", [{"id": i} for i in ids])]
    raise Forbidden("当前账号的角色无权查看证书目录", code="role_forbidden")


def visible_plans(principal: Principal, exam_year: int | None = None,
                  certificate_id: str | None = None) -> list[dict]:
    if principal.is_admin:
        plans = ports.master.list_all("plans")
    elif principal.role in TEO_ROLES:
        plans = [p for c in ports.master.certificates_of_org(principal.org_id)
                 for p in ports.master.plans_of_certificate(c["id"])]
    elif principal.role in COLLEGE_ROLES:
        plans = _plans_at_site(principal.org_id)
    else:
        raise Forbidden("当前账号的角色无权查看考试计划", code="role_forbidden")
    return sorted((p for p in plans
                   if (exam_year is None or int(p["exam_year"]) == exam_year)
                   and (certificate_id is None or p["certificate_id"] == certificate_id)),
                  key=lambda p: (-int(p["exam_year"]), p["id"]))


def visible_orgs(principal: Principal) -> list[dict]:
    if principal.is_admin:
        return ports.master.list_all("orgs")
    if principal.role in TEO_ROLES:
        return [o for o in [ports.master.get("orgs", id=principal.org_id)] if o]
    if principal.role in COLLEGE_ROLES:
        ids = {c["org_id"] for c in visible_certificates(principal)}
        return ports.master.get_many("orgs", [{"id": i} for i in ids])
    raise Forbidden("当前账号的角色无权查看机构", code="role_forbidden")


def visible_colleges(principal: Principal) -> list[dict]:
    if principal.is_admin:
        return ports.master.list_all("colleges")
    if principal.role in COLLEGE_ROLES:
        return [c for c in [ports.master.get("colleges", id=principal.org_id)] if c]
    if principal.role in TEO_ROLES:
        ids = {s for p in visible_plans(principal) for s in p["site_ids"]}
        return ports.master.get_many("colleges", [{"id": i} for i in ids])
    raise Forbidden("当前账号的角色无权查看院校", code="role_forbidden")


def _sorted(rows: list[dict], key: str = "id") -> list[dict]:
    return sorted(rows, key=lambda r: r[key])


_VISIBLE = {"orgs": visible_orgs, "colleges": visible_colleges, "certificates": visible_certificates}


def list_kind(principal: Principal, kind: str, **filters) -> list[dict]:
    if kind == "plans":
        return visible_plans(principal, **filters)
    rows = _sorted(_VISIBLE[kind](principal))
    return [_listed(principal, kind, r) for r in rows] if kind in _PROFILE_KIND else rows


# What another party's screens need of an organisation: who it is and whom to call.
_DIRECTORY = ("id", "name", "contact_name", "contact_phone", "contact_email")


def _listed(principal: Principal, kind: str, row: dict) -> dict:
    """The admin and the organisation's own staff see all of it, with image links; a college looking at
    the TEOs it works with (or a TEO at its sites) sees the directory only: never the stamp and seal
    images, their links, the seal's serial or who agreed to the stamp."""
    if principal.is_admin or (principal.role in _PROFILE_KIND[kind] and row["id"] == principal.org_id):
        return with_links(row)
    return {key: row.get(key) for key in _DIRECTORY}


_SEAL_LABELS = {"active": "已生效", "revoked": "已撤销"}


def export_profiles(principal: Principal, kind: str) -> dict:
    """导出机构信息 / 批量导出院校信息: the orgs or colleges the caller sees, in the import file's columns (an
    admin can edit the file and import it back), plus whether a stamp and a TEO's e-seal are on file."""
    columns = [(f.title, lambda row, key=f.key: row.get(key) or "") for f in md.KINDS[kind]]
    columns.append(("电子签章", lambda row: "已上传" if row.get("stamp_key") else "未上传"))
    if kind == "orgs":
        columns.append(("电子公章", lambda row: _SEAL_LABELS.get(row.get("seal_status"), "未申请")))
    name = "培训评价组织信息.xlsx" if kind == "orgs" else "试点院校信息.xlsx"
    return xlsx.publish(xlsx.temporary_key("exports/", principal.org_id or "admin", name), name, columns,
                        _sorted(_VISIBLE[kind](principal)), name.removesuffix(".xlsx"))


# ---- profiles (contact details) ------------------------------------------------------------------------

_PROFILE_KIND = {"orgs": TEO_ROLES, "colleges": COLLEGE_ROLES}
_LINKS = {"stamp_key": "stamp_url", "seal_key": "seal_url"}


def with_links(row: dict) -> dict:
    """The row with short-lived links to its stamp image (and a TEO's seal image), for the screens to show.
    Added where a profile is answered, not in get_profile, which services also call as a scoped lookup."""
    return {**row, **{url: ports.files.link(row[key]) for key, url in _LINKS.items() if row.get(key)}}


def get_profile(principal: Principal, kind: str, org_id: str) -> dict:
    _check_own(principal, kind, org_id)
    row = ports.master.get(kind, id=org_id)
    if not row:
        raise NotFound("机构不存在", code="org_not_found")
    return row


def update_profile(principal: Principal, kind: str, org_id: str, changes: dict) -> dict:
    """Staff edit their own organisation's contact; only the admin may rename it. All three contacts are required."""
    row = get_profile(principal, kind, org_id)
    if "name" in changes and not principal.is_admin:
        raise Forbidden("机构名称只能由平台管理员修改", code="rename_forbidden")
    candidate = {**row, **changes}
    for key in ("contact_name", "contact_phone", "contact_email"):
        if not str(candidate.get(key) or "").strip():
            title = {f.key: f.title for f in md.KINDS[kind]}[key]
            raise InvalidInput(f"{title}不能为空", code="invalid_input", details={"field": key})
    clean = md.parse_row(kind, candidate)
    ports.master.set_fields(kind, {"id": org_id}, **{k: v for k, v in clean.items() if k != "id"})
    return ports.master.get(kind, id=org_id)


COLLEGE_STATUS = {"enabled": "启用", "disabled": "停用"}


def set_college_status(principal: Principal, college_id: str, status: str) -> dict:
    """试点院校管理's 启用 / 停用 (admin only, audited). A disabled college's candidates are left out when
    records are generated (考核站点已停用); records generated before go on through their sign-off."""
    principal.require(Role.ADMIN)
    row = ports.master.get("colleges", id=college_id)
    if not row:
        raise NotFound("院校不存在", code="org_not_found")
    before = "disabled" if row.get("status") == "disabled" else "enabled"
    event = {"actor": principal.username, "role": principal.role.value, "org_id": None,
             "action": f"college_{'enable' if status == 'enabled' else 'disable'}", "from_status": before,
             "to_status": status, "at": ports.clock.now_iso()}
    if not ports.master.set_college_status(college_id, status == "enabled", event):
        raise Conflict(f"院校“{row['name']}”已是{COLLEGE_STATUS[status]}状态", code="college_status_unchanged",
                       details={"status": before})
    return with_links(ports.master.get("colleges", id=college_id))


def college_status_events(college_id: str) -> list[dict]:
    """Who enabled or disabled the college and when, in order."""
    events = ports.master.college_events(college_id)
    names = accounts.display_names([e["actor"] for e in events])
    return [{**{k: e.get(k) for k in ("at", "actor", "action", "from_status", "to_status")},
             "actor_name": names.get(e["actor"], e["actor"])} for e in events]


def _check_own(principal: Principal, kind: str, org_id: str) -> None:
    if principal.is_admin:
        return
    if principal.role in _PROFILE_KIND[kind] and principal.org_id == org_id:
        return
    # Another tenant's organisation looks exactly like a missing one.
    raise NotFound("机构不存在", code="org_not_found")


# ---- admin: upsert one row, or import a spreadsheet ---------------------------------------------------

def kind_fields(kind: str) -> tuple:
    """The fields of a master-data kind; an unknown kind in a path is a 404."""
    if kind not in md.KINDS:
        raise NotFound(f"未知的数据类型：{kind}", code="unknown_kind")
    return md.KINDS[kind]


def upsert(kind: str, raw: dict) -> dict:
    fields = kind_fields(kind)
    known = {f.key for f in fields} | {f.title for f in fields}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise InvalidInput(f"包含不支持的字段：{'、'.join(unknown)}", code="invalid_input")
    report = _validate(kind, [(1, raw)])
    if report["errors"]:
        raise InvalidInput(report["errors"][0]["message"], code="invalid_row")
    (row,) = _merged(kind, report["rows"])
    ports.master.put(kind, row)
    return report["rows"][0]


def import_file(kind: str, file_base64: str, mode: str = "all_or_nothing") -> dict:
    """Import an xlsx of ``kind``. Every bad row is reported as ``{row, message}``; in ``all_or_nothing``
    mode a file with any error imports nothing, in ``valid_rows`` mode the good rows are imported."""
    kind_fields(kind)
    if mode not in IMPORT_MODES:
        raise InvalidInput("mode 应为 all_or_nothing 或 valid_rows", code="invalid_input")
    data = uploads.decode(file_base64, "文件内容", MAX_IMPORT_BYTES)
    rows = sheets.read_rows(data, md.titles(kind), md.required_titles(kind))
    if not rows:
        raise InvalidInput("表格中没有数据行", code="empty_sheet")
    return import_rows(kind, rows, mode)


_KIND_NAMES = {"orgs": "培训评价组织", "colleges": "试点院校", "certificates": "证书", "plans": "考试计划",
               "candidates": "考生", "results": "考试结果"}


def template_file(kind: str) -> dict:
    """下载导入模板: an xlsx whose first row holds the kind's column titles, ready to fill in."""
    kind_fields(kind)
    name = f"{_KIND_NAMES[kind]}导入模板.xlsx"
    columns = [(title, None) for title in md.titles(kind)]      # no rows: no getter is called
    link = xlsx.publish(f"templates/{kind}.xlsx", name, columns, [], _KIND_NAMES[kind])
    return {"url": link["url"], "filename": name}


def import_rows(kind: str, rows: list[tuple[int, dict]], mode: str = "all_or_nothing") -> dict:
    """Validate numbered rows and write them as ``mode`` says (see ``import_file``)."""
    report = _validate(kind, rows)
    carried = {f.key for f in md.KINDS[kind] if any(f.key in raw or f.title in raw for _, raw in rows)}
    merged = _merged(kind, report["rows"], carried) if report["rows"] else []
    imported = 0
    if merged and (mode == "valid_rows" or not report["errors"]):
        imported = ports.master.put_many(kind, merged)
    return {"imported": imported, "errors": report["errors"], "warnings": _incomplete(kind, report["numbers"], merged),
            "total": len(rows)}


def _incomplete(kind: str, numbers: list[int], rows: list[dict]) -> list[dict]:
    """The candidates that cannot be issued a certificate yet, as they stand once imported (a column the
    file left out keeps what the candidate had)."""
    if kind != "candidates":
        return []
    return [{"row": number, "message": "个人信息不完善，暂不能发证：" + "；".join(problems)}
            for number, row in zip(numbers, rows, strict=True)
            if (problems := md.personal_info_problems(row, requires_photo=False))]


def _merged(kind: str, rows: list[dict], carried: set[str] | None = None) -> list[dict]:
    """An import updates the columns it has (``carried``: the fields its rows name; None: all): what else
    an existing row holds (its stamp, its seal, a column the file left out) stays."""
    keys = md.NATURAL_KEYS[kind]
    stored = ports.master.get_many(kind, [{k: r[k] for k in keys} for r in rows])
    existing = {tuple(r[k] for k in keys): r for r in stored}
    merged = []
    for row in rows:
        before = existing.get(tuple(row[k] for k in keys))
        if before is not None and carried is not None:
            row = {k: v for k, v in row.items() if k in carried or k in keys}
        merged.append({**(before or {}), **row})
    return merged


def _validate(kind: str, numbered: list[tuple[int, dict]]) -> dict:
    """Check each row alone, then against the other rows and the store. Returns good rows and problems."""
    parsed: list[tuple[int, dict]] = []
    errors: list[dict] = []
    seen: dict[tuple, int] = {}
    for number, raw in numbered:
        try:
            row = md.parse_row(kind, raw)
        except InvalidInput as exc:
            errors.append({"row": number, "message": exc.message})
            continue
        key = tuple(row[k] for k in md.NATURAL_KEYS[kind])
        if key in seen:
            errors.append({"row": number, "message": f"与第{seen[key]}行重复"})
            continue
        seen[key] = number
        parsed.append((number, row))
    check = _REFERENCE_CHECKS.get(kind)
    good, numbers = [], []
    problems_of = check([r for _, r in parsed]) if check else (lambda r: [])
    for number, row in parsed:
        problems = problems_of(row)
        if problems:
            errors.append({"row": number, "message": "；".join(problems)})
            continue
        good.append(row)
        numbers.append(number)
    errors.sort(key=lambda e: e["row"])
    return {"rows": good, "numbers": numbers, "errors": errors}


def _ids(kind: str) -> set[str]:
    return {r["id"] for r in ports.master.list_all(kind)}


def _check_certificates(rows: list[dict]):
    orgs = _ids("orgs")
    return lambda r: [] if r["org_id"] in orgs else [f"颁证机构代码“{r['org_id']}”不存在"]


def _check_plans(rows: list[dict]):
    certs = {c["id"]: c for c in ports.master.list_all("certificates")}
    colleges = _ids("colleges")

    def problems(r: dict) -> list[str]:
        out = []
        cert = certs.get(r["certificate_id"])
        if not cert:
            out.append(f"证书代码“{r['certificate_id']}”不存在")
        else:
            extra = [lv for lv in r["levels"] if lv not in cert["levels"]]
            if extra:
                out.append(f"证书“{cert['name']}”没有等级：{'、'.join(extra)}")
        unknown = [s for s in r["site_ids"] if s not in colleges]
        if unknown:
            out.append(f"考核站点代码不存在：{'、'.join(unknown)}")
        return out
    return problems


def _check_candidates(rows: list[dict]):
    colleges = _ids("colleges")
    return lambda r: [] if r["college_id"] in colleges else [f"所属院校代码“{r['college_id']}”不存在"]


def _check_results(rows: list[dict]):
    plans = {p["id"]: p for p in ports.master.list_all("plans")}
    known = {c["candidate_no"] for c in ports.master.get_many(
        "candidates", [{"candidate_no": n} for n in {r["candidate_no"] for r in rows}])}

    def problems(r: dict) -> list[str]:
        out = []
        if r["candidate_no"] not in known:
            out.append(f"考生编号“{r['candidate_no']}”不存在")
        plan = plans.get(r["plan_id"])
        if not plan:
            out.append(f"考试计划代码“{r['plan_id']}”不存在")
        else:
            if r["level"] not in plan["levels"]:
                out.append(f"考试计划不包含等级“{r['level']}”")
            if r["site_id"] not in plan["site_ids"]:
                out.append(f"考核站点“{r['site_id']}”不是该考试计划的考核站点")
        return out
    return problems


_REFERENCE_CHECKS = {"certificates": _check_certificates, "plans": _check_plans,
                     "candidates": _check_candidates, "results": _check_results}


def candidate_view(candidate: dict, full_id: bool = False) -> dict:
    """A candidate as the API shows it: the ID number masked unless the caller needs it in full."""
    out = dict(candidate)
    out["id_number"] = out.get("id_number", "") if full_id else idcard.mask(out.get("id_number"))
    out["info_problems"] = md.personal_info_problems(candidate, requires_photo=False)
    if candidate.get("has_photo"):
        out["photo_url"] = photos.link(candidate["candidate_no"])
    return out


@requires(Role.ADMIN, Role.COLLEGE, Role.COLLEGE_SIGNER)
def list_candidates(principal: Principal, college_id: str) -> list[dict]:
    if not principal.is_admin and not (principal.role in COLLEGE_ROLES and principal.org_id == college_id):
        raise NotFound("院校不存在", code="org_not_found")
    if not ports.master.get("colleges", id=college_id):
        raise NotFound("院校不存在", code="org_not_found")
    # Only the platform admin, who corrects candidates' data, sees ID numbers in full.
    return [candidate_view(c, full_id=principal.is_admin)
            for c in _sorted(ports.master.candidates_of_college(college_id), "candidate_no")]
