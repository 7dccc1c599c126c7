"""Master data on the demo world: what each role and tenant sees, profiles and their edits, colleges
enabled and disabled, the admin's single-row upsert and xlsx imports, templates, exports and candidates."""
import pytest

from chalicelib import ports
from chalicelib.domain.access import Principal, Role
from chalicelib.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, TooLarge
from chalicelib.services import masterdata

from ._masterdata_helpers import (
    ADMIN,
    COLLEGE,
    COLLEGE2,
    COLLEGE2_SIGNER,
    STUDENT,
    TEO,
    TEO2,
    TEO_SIGNER,
    WIPE,
    b64,
    linked_key,
    linked_rows,
    new_candidate,
    xlsx,
)

ORG_TITLES = ["机构代码", "机构名称", "联系人姓名", "联系人手机号", "联系人邮箱"]
CAND_TITLES = ["考生编号", "考生姓名", "身份证号", "学生类型", "所属院校代码"]
RESULT_TITLES = ["考生编号", "考试计划代码", "证书等级", "考核站点代码", "考核状态", "成绩"]
PRIVATE = {"seal_key", "seal_url", "seal_serial", "seal_status", "seal_application", "stamp_key", "stamp_url",
           "stamp_agreed_by", "stamp_agreed_at"}
GOOD_ID = "11010519491231002X"


def ids(rows: list[dict]) -> list[str]:
    return [r["id"] for r in rows]


# ---- what each caller sees ------------------------------------------------------------------------------

@pytest.mark.parametrize("principal, kind, expected", [
    (ADMIN, "orgs", ["zkxp", "zwl"]),
    (TEO, "orgs", ["zwl"]),
    (TEO2, "orgs", ["zkxp"]),
    (COLLEGE2, "orgs", ["zkxp", "zwl"]),
    (WIPE, "orgs", ["zwl"]),
    (ADMIN, "colleges", ["bjtu", "ncut", "wipe"]),
    (TEO_SIGNER, "colleges", ["bjtu", "ncut", "wipe"]),
    (TEO2, "colleges", ["bjtu", "ncut"]),
    (COLLEGE2_SIGNER, "colleges", ["ncut"]),
    (ADMIN, "certificates", ["jkgl", "webqd", "xxhyy"]),
    (TEO, "certificates", ["jkgl", "xxhyy"]),
    (TEO2, "certificates", ["webqd"]),
    (COLLEGE2, "certificates", ["jkgl", "webqd", "xxhyy"]),
    (WIPE, "certificates", ["xxhyy"]),
    (ADMIN, "plans", ["pweb22", "p0907", "p0908", "p2109", "psl"]),      # newest year first, then by id
    (TEO, "plans", ["p0907", "p0908", "p2109", "psl"]),
    (TEO2, "plans", ["pweb22"]),
    (COLLEGE2, "plans", ["pweb22", "p0908", "p2109"]),
])
def test_each_role_lists_what_its_tenant_works_with(world, principal, kind, expected):
    assert ids(masterdata.list_kind(principal, kind)) == expected


@pytest.mark.parametrize("principal, filters, expected", [
    (TEO, {"exam_year": 2021, "certificate_id": "jkgl"}, ["p0908"]),
    (TEO2, {"certificate_id": "jkgl"}, []),
    (ADMIN, {"exam_year": 2022}, ["pweb22"]),
    (COLLEGE, {"certificate_id": "xxhyy"}, ["p0907", "p2109"]),
])
def test_plans_filter_by_year_and_certificate(world, principal, filters, expected):
    assert ids(masterdata.list_kind(principal, "plans", **filters)) == expected


@pytest.mark.parametrize("kind", ["orgs", "colleges", "certificates", "plans"])
def test_a_candidate_sees_no_master_data(world, kind):
    with pytest.raises(Forbidden) as exc:
        masterdata.list_kind(STUDENT, kind)
    assert exc.value.code == "role_forbidden"


def test_another_partys_organisation_shows_its_directory_entry_only(world):
    own = {r["id"]: r for r in masterdata.list_kind(TEO, "orgs")}["zwl"]
    assert own["seal_serial"] and own["seal_url"].startswith("memory://seals/")
    assert linked_key(own["stamp_url"]) == own["stamp_key"]
    for who in (COLLEGE, COLLEGE2_SIGNER):
        zwl = {r["id"]: r for r in masterdata.list_kind(who, "orgs")}["zwl"]
        assert zwl == {"id": "zwl", "name": "中物联物流", "contact_name": "张明", "contact_phone": "13260262431",
                       "contact_email": "contact@zwl.example.cn"}
    assert not PRIVATE & set({r["id"]: r for r in masterdata.list_kind(TEO, "colleges")}["bjtu"])
    assert masterdata.list_kind(COLLEGE, "colleges")[0]["stamp_url"]          # its own stamp, to check it
    admin_view = {r["id"]: r for r in masterdata.list_kind(ADMIN, "orgs")}["zwl"]
    assert admin_view["seal_serial"] == own["seal_serial"] and "stamp_url" in admin_view


# ---- exports and templates ------------------------------------------------------------------------------

def test_a_teo_exports_its_own_organisation_with_what_is_on_file(world):
    answer = masterdata.export_profiles(TEO, "orgs")
    assert (answer["count"], answer["filename"]) == (1, "培训评价组织信息.xlsx")
    assert answer["url"].endswith("filename=" + "%E5%9F%B9%E8%AE%AD%E8%AF%84%E4%BB%B7%E7%BB%84%E7%BB%87"
                                  "%E4%BF%A1%E6%81%AF.xlsx")
    assert linked_key(answer["url"]).startswith("exports/zwl/")
    assert linked_rows(world.fakes, answer["url"]) == [
        tuple(ORG_TITLES) + ("电子签章", "电子公章"),
        ("zwl", "中物联物流", "张明", "13260262431", "contact@zwl.example.cn", "已上传", "已生效")]


def test_the_admins_export_says_what_is_missing(world):
    orgs = linked_rows(world.fakes, masterdata.export_profiles(ADMIN, "orgs")["url"])
    assert [(r[0], r[5], r[6]) for r in orgs[1:]] == [("zkxp", "已上传", "未申请"), ("zwl", "已上传", "已生效")]
    answer = masterdata.export_profiles(ADMIN, "colleges")
    assert linked_key(answer["url"]).startswith("exports/admin/")
    colleges = linked_rows(world.fakes, answer["url"])
    assert colleges[0][-1] == "电子签章" and len(colleges[0]) == 6           # colleges have no e-seal column
    assert [(r[0], r[5]) for r in colleges[1:]] == [("bjtu", "已上传"), ("ncut", "已上传"), ("wipe", "未上传")]


def test_an_exported_file_imports_back_unchanged_even_where_a_formula_was_neutralised(world):
    masterdata.update_profile(ADMIN, "colleges", "wipe", {"contact_name": "=王五"})
    before = masterdata.list_kind(ADMIN, "colleges")
    exported = linked_rows(world.fakes, masterdata.export_profiles(ADMIN, "colleges")["url"])
    assert exported[3][2] == "'=王五"                                           # text, not a formula
    report = masterdata.import_file("colleges", b64(xlsx(list(exported[0]), [list(r) for r in exported[1:]])))
    assert report == {"imported": 3, "errors": [], "warnings": [], "total": 3}
    assert masterdata.list_kind(ADMIN, "colleges") == before


def test_a_candidate_cannot_export(world):
    with pytest.raises(Forbidden):
        masterdata.export_profiles(STUDENT, "colleges")


def test_the_template_is_an_empty_import_file(world):
    answer = masterdata.template_file("candidates")
    assert answer["filename"] == "考生导入模板.xlsx"
    assert linked_key(answer["url"]) == "templates/candidates.xlsx"
    assert linked_rows(world.fakes, answer["url"]) == [tuple(CAND_TITLES)]


@pytest.mark.parametrize("use", [masterdata.template_file, masterdata.kind_fields,
                                 lambda kind: masterdata.upsert(kind, {}),
                                 lambda kind: masterdata.import_file(kind, "AAAA")])
def test_an_unknown_kind_is_not_found(fakes, use):
    with pytest.raises(NotFound) as exc:
        use("widgets")
    assert exc.value.code == "unknown_kind"


# ---- profiles ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("principal, kind, org_id", [
    (TEO, "orgs", "zwl"), (TEO_SIGNER, "orgs", "zwl"), (COLLEGE, "colleges", "bjtu"), (ADMIN, "colleges", "wipe")])
def test_staff_and_the_admin_read_a_profile(world, principal, kind, org_id):
    assert masterdata.get_profile(principal, kind, org_id)["id"] == org_id


@pytest.mark.parametrize("principal, kind, org_id", [
    (TEO2, "orgs", "zwl"), (COLLEGE2, "colleges", "bjtu"), (TEO, "colleges", "bjtu"), (COLLEGE, "orgs", "zwl"),
    (ADMIN, "orgs", "no-such-org")])
def test_another_tenants_profile_looks_missing(world, principal, kind, org_id):
    with pytest.raises(NotFound) as exc:
        masterdata.get_profile(principal, kind, org_id)
    assert exc.value.code == "org_not_found"


def test_staff_edit_their_contact_and_keep_the_stamp(world):
    before = ports.master.get("colleges", id="ncut")
    row = masterdata.update_profile(COLLEGE2, "colleges", "ncut", {
        "contact_name": "赵强", "contact_phone": "13700137001", "contact_email": "new@ncut.example.cn",
        "stamp_key": "stamps/colleges/ncut/forged.png"})                  # not a contact: ignored
    assert row == {**before, "contact_phone": "13700137001", "contact_email": "new@ncut.example.cn"}
    assert ports.master.get("colleges", id="ncut") == row


@pytest.mark.parametrize("changes, error, code, says", [
    ({"contact_phone": "010-1234567"}, InvalidInput, "invalid_row", "联系人手机号"),
    ({"contact_email": "nobody"}, InvalidInput, "invalid_row", "联系人邮箱"),
    ({"contact_name": " "}, InvalidInput, "invalid_input", "联系人姓名不能为空"),
    ({"name": "改名"}, Forbidden, "rename_forbidden", "平台管理员"),
])
def test_a_contact_edit_breaking_a_rule_changes_nothing(world, changes, error, code, says):
    before = ports.master.get("colleges", id="ncut")
    with pytest.raises(error) as exc:
        masterdata.update_profile(COLLEGE2, "colleges", "ncut", changes)
    assert exc.value.code == code and says in exc.value.message
    assert ports.master.get("colleges", id="ncut") == before


def test_an_empty_contact_names_its_field(world):
    with pytest.raises(InvalidInput) as exc:
        masterdata.update_profile(TEO, "orgs", "zwl", {"contact_email": ""})
    assert exc.value.details == {"field": "contact_email"}


def test_the_admin_renames_and_another_tenant_cannot_edit(world):
    assert masterdata.update_profile(ADMIN, "orgs", "zkxp", {"name": "中科信培"})["name"] == "中科信培"
    with pytest.raises(NotFound):
        masterdata.update_profile(TEO2, "orgs", "zwl", {"contact_name": "入侵者"})
    assert ports.master.get("orgs", id="zwl")["contact_name"] == "张明"


# ---- colleges enabled and disabled ------------------------------------------------------------------------

def test_the_admin_disables_and_enables_a_college_and_both_are_audited(world):
    world.fakes.clock.set("2026-06-01T08:00:00+00:00")
    row = masterdata.set_college_status(ADMIN, "ncut", "disabled")
    assert row["status"] == "disabled" and row["stamp_url"]
    assert ports.master.get("colleges", id="ncut")["status"] == "disabled"
    with pytest.raises(Conflict) as exc:
        masterdata.set_college_status(ADMIN, "ncut", "disabled")
    assert (exc.value.code, exc.value.details) == ("college_status_unchanged", {"status": "disabled"})
    assert "已是停用状态" in exc.value.message
    world.fakes.clock.advance(60)
    assert masterdata.set_college_status(ADMIN, "ncut", "enabled").get("status") is None
    assert masterdata.college_status_events("ncut") == [
        {"at": "2026-06-01T08:00:00.000000+00:00", "actor": "admin", "actor_name": "平台管理员",
         "action": "college_disable", "from_status": "enabled", "to_status": "disabled"},
        {"at": "2026-06-01T08:01:00.000000+00:00", "actor": "admin", "actor_name": "平台管理员",
         "action": "college_enable", "from_status": "disabled", "to_status": "enabled"}]


def test_enabling_an_enabled_college_is_a_conflict(world):
    with pytest.raises(Conflict) as exc:
        masterdata.set_college_status(ADMIN, "bjtu", "enabled")
    assert exc.value.details == {"status": "enabled"}
    assert masterdata.college_status_events("bjtu") == []


def test_an_actor_without_an_account_is_named_by_username(world):
    masterdata.set_college_status(Principal("ops-script", Role.ADMIN), "wipe", "disabled")
    (event,) = masterdata.college_status_events("wipe")
    assert (event["actor"], event["actor_name"]) == ("ops-script", "ops-script")


@pytest.mark.parametrize("principal, college_id, error", [
    (COLLEGE2, "ncut", Forbidden), (TEO, "ncut", Forbidden), (ADMIN, "nowhere", NotFound)])
def test_only_the_admin_changes_a_known_colleges_status(world, principal, college_id, error):
    with pytest.raises(error):
        masterdata.set_college_status(principal, college_id, "disabled")
    assert ports.master.get("colleges", id="ncut").get("status") is None


# ---- the admin's single-row upsert ------------------------------------------------------------------------

def test_upsert_updates_the_named_columns_and_keeps_the_seal_and_stamp(world):
    before = ports.master.get("orgs", id="zwl")
    answer = masterdata.upsert("orgs", {"机构代码": "zwl", "机构名称": "中物联物流", "contact_name": "张明明",
                                        "contact_phone": "13260262431", "contact_email": "contact@zwl.example.cn"})
    assert answer == {"id": "zwl", "name": "中物联物流", "contact_name": "张明明", "contact_phone": "13260262431",
                      "contact_email": "contact@zwl.example.cn"}
    assert ports.master.get("orgs", id="zwl") == {**before, "contact_name": "张明明"}


@pytest.mark.parametrize("kind, raw, code, says", [
    ("orgs", {"id": "ups-a", "name": "甲", "colour": 1}, "invalid_input", "colour"),
    ("orgs", {"id": "坏 代码", "name": "甲"}, "invalid_row", "机构代码"),
    ("certificates", {"id": "c1", "name": "证", "org_id": "nobody", "levels": "初级"}, "invalid_row",
     "颁证机构代码“nobody”不存在"),
])
def test_upsert_refuses_a_bad_row_and_writes_nothing(world, kind, raw, code, says):
    before = ports.master.list_all(kind)
    with pytest.raises(InvalidInput) as exc:
        masterdata.upsert(kind, raw)
    assert exc.value.code == code and says in exc.value.message
    assert ports.master.list_all(kind) == before


# ---- xlsx imports -------------------------------------------------------------------------------------------

def test_a_good_file_imports_every_row(world):
    data = xlsx(ORG_TITLES, [["imp-a", "导入机构甲", "甲", "13800000001", "a@x.cn"],
                             ["imp-b", "导入机构乙", None, None, None]])
    assert masterdata.import_file("orgs", b64(data)) == {"imported": 2, "errors": [], "warnings": [], "total": 2}
    assert ports.master.get("orgs", id="imp-a")["contact_phone"] == "13800000001"
    assert ports.master.get("orgs", id="imp-b")["contact_name"] == ""


def test_a_file_with_errors_imports_nothing_unless_asked_for_the_valid_rows(world):
    data = b64(xlsx(ORG_TITLES, [["imp-c", "好的一行", None, None, None],
                                 ["imp-d", None, None, "12345", None],
                                 ["imp-c", "重复", None, None, None],
                                 ["坏 代码", "x", None, None, "not-an-email"]]))
    body = masterdata.import_file("orgs", data)
    assert (body["imported"], body["total"]) == (0, 4)
    assert [e["row"] for e in body["errors"]] == [3, 4, 5]
    assert "机构名称不能为空" in body["errors"][0]["message"] and "手机号" in body["errors"][0]["message"]
    assert body["errors"][1]["message"] == "与第2行重复"
    assert "机构代码" in body["errors"][2]["message"] and "邮箱" in body["errors"][2]["message"]
    assert ports.master.get("orgs", id="imp-c") is None
    body = masterdata.import_file("orgs", data, mode="valid_rows")
    assert (body["imported"], len(body["errors"])) == (1, 3)
    assert ports.master.get("orgs", id="imp-c")["name"] == "好的一行"


def test_an_import_keeps_what_the_file_does_not_name(world):
    before = ports.master.get("orgs", id="zwl")
    data = xlsx(ORG_TITLES, [["zwl", "中物联物流", "张明", "13260262431", "new@zwl.example.cn"]])
    assert masterdata.import_file("orgs", b64(data))["imported"] == 1
    assert ports.master.get("orgs", id="zwl") == {**before, "contact_email": "new@zwl.example.cn"}


def test_an_import_without_an_optional_column_keeps_what_rows_hold_there(world):
    cand = ports.master.candidates_of_college("bjtu")[0]
    data = xlsx(["考生编号", "学生类型", "所属院校代码"], [[cand["candidate_no"], "社会考生", "bjtu"]])
    body = masterdata.import_file("candidates", b64(data))
    assert body["imported"] == 1 and body["warnings"] == []      # the name and ID number it has stay
    assert ports.master.get("candidates", candidate_no=cand["candidate_no"]) == {**cand, "student_type": "社会考生"}


def test_candidates_id_numbers_and_colleges_are_checked_and_incomplete_rows_warned(world):
    data = xlsx(CAND_TITLES, [
        ["1" * 26, "测试甲", GOOD_ID, "社会考生", "bjtu"],
        ["2" * 26, "测试乙", "110105194912310021", "社会考生", "bjtu"],   # wrong check digit
        ["3" * 26, "测试丙", GOOD_ID, "院校考生", "no-such-college"],
        ["4" * 25, "测试丁", GOOD_ID, "社会考生", "bjtu"],
        ["5" * 26, "", "", "社会考生", "bjtu"],                               # incomplete: accepted, warned
    ])
    body = masterdata.import_file("candidates", b64(data))
    messages = {e["row"]: e["message"] for e in body["errors"]}
    assert body["imported"] == 0 and set(messages) == {3, 4, 5}
    assert "校验位错误" in messages[3]
    assert messages[4] == "所属院校代码“no-such-college”不存在"
    assert "26位" in messages[5]
    assert body["warnings"] == [{"row": 6, "message": "个人信息不完善，暂不能发证：考生姓名缺失；身份证号缺失"}]
    body = masterdata.import_file("candidates", b64(data), mode="valid_rows")
    assert body["imported"] == 2 and ports.master.get("candidates", candidate_no="5" * 26)["college_id"] == "bjtu"


def test_plans_must_name_known_certificates_levels_and_sites(world):
    titles = ["考试计划代码", "考试计划名称", "考试年度", "证书代码", "证书等级", "考核站点代码"]
    data = xlsx(titles, [["t-ok", "好计划", 2023, "jkgl", "初级", "bjtu、ncut"],
                         ["t-cert", "无证书", 2023, "nope", "初级", "bjtu"],
                         ["t-level", "无等级", 2023, "jkgl", "初级,高级", "bjtu"],
                         ["t-site", "无站点", 2023, "xxhyy", "中级", "bjtu;mars;venus"]])
    body = masterdata.import_file("plans", b64(data), mode="valid_rows")
    assert body["imported"] == 1 and ports.master.get("plans", id="t-ok")["site_ids"] == ["bjtu", "ncut"]
    assert body["errors"] == [
        {"row": 3, "message": "证书代码“nope”不存在"},
        {"row": 4, "message": "证书“健康管理职业技能等级证书”没有等级：高级"},
        {"row": 5, "message": "考核站点代码不存在：mars、venus"}]


def test_certificates_must_name_a_known_teo(world):
    titles = ["证书代码", "证书名称", "颁证机构代码", "证书等级", "需要照片"]
    data = xlsx(titles, [["t-c1", "新证书", "zkxp", "初级 中级", "是"], ["t-c2", "无机构", "nobody", "初级", "否"]])
    body = masterdata.import_file("certificates", b64(data), mode="valid_rows")
    assert body["errors"] == [{"row": 3, "message": "颁证机构代码“nobody”不存在"}]
    assert ports.master.get("certificates", id="t-c1") == {
        "id": "t-c1", "name": "新证书", "org_id": "zkxp", "levels": ["初级", "中级"], "requires_photo": True,
        "template": "default"}
    assert "t-c1" in ids(masterdata.list_kind(TEO2, "certificates"))


def test_results_must_reference_existing_candidates_plans_levels_and_sites(world):
    cand = masterdata.list_candidates(ADMIN, "bjtu")[0]["candidate_no"]
    data = xlsx(RESULT_TITLES, [[cand, "p0907", "初级", "bjtu", "已通过", 90],
                                [cand, "p0907", "中级", "ncut", "已通过", 90],
                                ["9" * 26, "p0907", "中级", "bjtu", "未通过", 10],
                                [cand, "nope", "初级", "bjtu", "已通过", None],
                                [cand, "p0908", "中级", "bjtu", "通过", None]])
    body = masterdata.import_file("results", b64(data))
    assert body["imported"] == 0
    assert body["errors"] == [
        {"row": 3, "message": "考核站点“ncut”不是该考试计划的考核站点"},
        {"row": 4, "message": "考生编号“99999999999999999999999999”不存在"},
        {"row": 5, "message": "考试计划代码“nope”不存在"},
        {"row": 6, "message": "考试计划不包含等级“中级”；考核站点“bjtu”不是该考试计划的考核站点"}]


def test_an_import_that_could_not_be_read_says_why(world):
    titles = [("所属院校" if t == "所属院校代码" else t) for t in CAND_TITLES]
    with pytest.raises(InvalidInput) as exc:
        masterdata.import_file("candidates", b64(xlsx(titles, [["1" * 26, "列名错", None, "院校考生", "bjtu"]])))
    assert exc.value.code == "missing_columns"
    assert exc.value.message == "缺少必填列：所属院校代码；无法识别的列：所属院校"


@pytest.mark.parametrize("file_base64, error, code", [
    ("!!!", InvalidInput, "invalid_base64"),
    (b64(b"%PDF-1.4 not xlsx"), InvalidInput, "invalid_xlsx"),
    (b64(xlsx(ORG_TITLES, [])), InvalidInput, "empty_sheet"),
    (b64(b"\0" * (masterdata.MAX_IMPORT_BYTES + 1)), TooLarge, "file_too_large"),
])
def test_a_file_that_is_no_import_is_refused(fakes, file_base64, error, code):
    with pytest.raises(error) as exc:
        masterdata.import_file("orgs", file_base64)
    assert exc.value.code == code
    assert ports.master.list_all("orgs") == []


def test_an_unknown_mode_is_refused(fakes):
    with pytest.raises(InvalidInput) as exc:
        masterdata.import_file("orgs", b64(xlsx(ORG_TITLES, [["x", "甲", None, None, None]])), mode="some_rows")
    assert "all_or_nothing" in exc.value.message
    assert ports.master.list_all("orgs") == []


# ---- candidates of a college ----------------------------------------------------------------------------

def test_college_staff_see_their_candidates_with_id_numbers_masked(world):
    staff = masterdata.list_candidates(COLLEGE2, "ncut")
    admin = {c["candidate_no"]: c for c in masterdata.list_candidates(ADMIN, "ncut")}
    assert [c["candidate_no"] for c in staff] == sorted(admin) and len(staff) > 20
    for cand in staff:
        full = admin[cand["candidate_no"]]["id_number"]
        assert cand["id_number"] == (full[:3] + "*" * 9 + full[-4:] if full else "")
        assert ("photo_url" in cand) == bool(cand.get("has_photo"))
    assert any(c["info_problems"] for c in staff) and any(not c["info_problems"] for c in staff)


def test_a_candidates_photo_is_linked_and_problems_listed(world):
    cand = new_candidate(1, college="wipe", name="")
    ports.master.set_fields("candidates", {"candidate_no": cand["candidate_no"]}, has_photo=True)
    (row,) = [c for c in masterdata.list_candidates(ADMIN, "wipe") if c["candidate_no"] == cand["candidate_no"]]
    assert row["id_number"] == cand["id_number"] and row["info_problems"] == ["考生姓名缺失"]
    assert linked_key(row["photo_url"]) == f"photos/{cand['candidate_no']}.jpg"


@pytest.mark.parametrize("principal, college_id, error", [
    (COLLEGE2, "bjtu", NotFound), (ADMIN, "nowhere", NotFound), (TEO, "bjtu", Forbidden),
    (STUDENT, "bjtu", Forbidden)])
def test_candidates_of_another_college_look_missing(world, principal, college_id, error):
    with pytest.raises(error):
        masterdata.list_candidates(principal, college_id)
