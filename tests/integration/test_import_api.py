"""Master-data import from real xlsx files: every bad row reported; all-or-nothing unless asked otherwise."""
import base64
import io
import zipfile

import requests
from openpyxl import load_workbook

from .conftest import assert_error, xlsx

ORG_TITLES = ["机构代码", "机构名称", "联系人姓名", "联系人手机号", "联系人邮箱"]
CAND_TITLES = ["考生编号", "考生姓名", "身份证号", "学生类型", "所属院校代码"]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def org_ids(api):
    return {o["id"] for o in api.get("/orgs", as_="admin").json()["items"]}


def test_good_file_imports_every_row(api):
    data = xlsx(ORG_TITLES, [["imp-a", "导入机构甲", "甲", "13800000001", "a@x.cn"],
                             ["imp-b", "导入机构乙", None, None, None]])
    r = api.post("/admin/import/orgs", as_="admin", json={"file_base64": b64(data)})
    assert r.status_code == 200, r.text
    assert r.json() == {"imported": 2, "errors": [], "warnings": [], "total": 2}
    assert {"imp-a", "imp-b"} <= org_ids(api)


def test_file_with_errors_imports_nothing_and_names_each_row(api):
    data = xlsx(ORG_TITLES, [["imp-c", "好的一行", None, None, None],
                             ["imp-d", None, None, "12345", None],
                             ["imp-c", "重复", None, None, None],
                             ["坏 代码", "x", None, None, "not-an-email"]])
    r = api.post("/admin/import/orgs", as_="admin", json={"file_base64": b64(data)})
    assert r.status_code == 200
    body = r.json()
    assert body["imported"] == 0
    assert [e["row"] for e in body["errors"]] == [3, 4, 5]
    assert "机构名称不能为空" in body["errors"][0]["message"] and "手机号" in body["errors"][0]["message"]
    assert "与第2行重复" in body["errors"][1]["message"]
    assert "机构代码" in body["errors"][2]["message"] and "邮箱" in body["errors"][2]["message"]
    assert "imp-c" not in org_ids(api)
    # The same file, asking for the valid rows only.
    r = api.post("/admin/import/orgs", as_="admin", json={"file_base64": b64(data), "mode": "valid_rows"})
    assert r.json()["imported"] == 1 and len(r.json()["errors"]) == 3
    assert "imp-c" in org_ids(api)


def test_a_misnamed_required_column_refuses_the_file_naming_it(api):
    titles = [("所属院校" if t == "所属院校代码" else t) for t in CAND_TITLES]
    data = xlsx(titles, [["11010820211630978822099001", "列名错", None, "院校考生", "bjtu"]])
    err = assert_error(api.post("/admin/import/candidates", as_="admin", json={"file_base64": b64(data)}),
                       400, "missing_columns")
    assert err["message"] == "缺少必填列：所属院校代码；无法识别的列：所属院校"


def test_candidate_id_numbers_and_references_are_checked(api):
    good_id = "11010519491231002X"
    data = xlsx(CAND_TITLES, [
        ["1" * 26, "测试甲", good_id, "社会考生", "bjtu"],
        ["2" * 26, "测试乙", "110105194912310021", "社会考生", "bjtu"],   # wrong check digit
        ["3" * 26, "测试丙", good_id, "院校考生", "no-such-college"],
        ["4" * 25, "测试丁", good_id, "社会考生", "bjtu"],
        ["5" * 26, "", "", "社会考生", "bjtu"],                               # incomplete: accepted, warned
    ])
    body = api.post("/admin/import/candidates", as_="admin", json={"file_base64": b64(data)}).json()
    assert body["imported"] == 0
    messages = {e["row"]: e["message"] for e in body["errors"]}
    assert set(messages) == {3, 4, 5}
    assert "校验位错误" in messages[3]
    assert "所属院校代码“no-such-college”不存在" in messages[4]
    assert "26位" in messages[5]
    assert [w["row"] for w in body["warnings"]] == [6]


def test_results_must_reference_existing_plans_sites_and_candidates(api):
    titles = ["考生编号", "考试计划代码", "证书等级", "考核站点代码", "考核状态", "成绩"]
    cand = api.get("/colleges/bjtu/candidates", as_="admin").json()["items"][0]["candidate_no"]
    data = xlsx(titles, [[cand, "p0907", "初级", "bjtu", "已通过", 90],
                         [cand, "p0907", "中级", "ncut", "已通过", 90],
                         ["9" * 26, "p0907", "中级", "bjtu", "未通过", 10],
                         [cand, "nope", "初级", "bjtu", "已通过", None]])
    body = api.post("/admin/import/results", as_="admin", json={"file_base64": b64(data)}).json()
    messages = {e["row"]: e["message"] for e in body["errors"]}
    assert body["imported"] == 0 and set(messages) == {3, 4, 5}
    assert "不是该考试计划的考核站点" in messages[3]
    assert "不存在" in messages[4] and "不存在" in messages[5]


def test_not_a_spreadsheet_or_a_bomb_is_refused(api):
    assert_error(api.post("/admin/import/orgs", as_="admin", json={"file_base64": "!!!"}), 400, "invalid_base64")
    assert_error(api.post("/admin/import/orgs", as_="admin", json={"file_base64": b64(b"%PDF-1.4 not xlsx")}),
                 400, "invalid_xlsx")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    assert_error(api.post("/admin/import/orgs", as_="admin", json={"file_base64": b64(bomb.getvalue())}),
                 413, "sheet_too_large")
    assert_error(api.post("/admin/import/widgets", as_="admin", json={"file_base64": "AAAA"}), 404, "unknown_kind")
    missing = xlsx(["名称"], [["x"]])
    err = assert_error(api.post("/admin/import/orgs", as_="admin", json={"file_base64": b64(missing)}), 400)
    assert "机构代码" in err["message"]


def test_only_the_admin_imports(api):
    data = xlsx(ORG_TITLES, [["imp-z", "不应导入", None, None, None]])
    assert_error(api.post("/admin/import/orgs", as_="teo", json={"file_base64": b64(data)}), 403)
    assert "imp-z" not in org_ids(api)


def test_the_template_file_is_an_empty_import_file(api):
    r = api.post("/admin/import/candidates/template-file", as_="admin", json={})
    assert r.status_code == 200 and r.json()["filename"] == "考生导入模板.xlsx"
    rows = list(load_workbook(io.BytesIO(requests.get(r.json()["url"], timeout=10).content)).active.iter_rows(
        values_only=True))
    assert rows == [tuple(CAND_TITLES)]
    assert_error(api.post("/admin/import/nope/template-file", as_="admin", json={}), 404, "unknown_kind")


def test_import_template_lists_the_columns(api):
    cols = api.get("/admin/import/candidates/template", as_="admin").json()["columns"]
    assert [c["title"] for c in cols] == CAND_TITLES


def test_a_damaged_spreadsheet_is_refused_clearly(api):
    good = xlsx(ORG_TITLES, [["dmg-a", "损坏测试", None, None, None]])
    src = zipfile.ZipFile(io.BytesIO(good))
    for damaged_part in ("xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/styles.xml"):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                dst.writestr(info.filename, data[: len(data) // 2] if info.filename == damaged_part else data)
        r = api.post("/admin/import/orgs", as_="admin", json={"file_base64": b64(out.getvalue())})
        assert_error(r, 400, "invalid_xlsx")
    assert "dmg-a" not in org_ids(api)


def test_single_row_upsert_refuses_unknown_fields_and_keeps_what_it_does_not_name(api):
    err = assert_error(api.post("/admin/master/orgs", as_="admin", json={"id": "ups-a", "name": "甲", "colour": 1}),
                       400)
    assert "colour" in err["message"]
    r = api.post("/admin/master/orgs", as_="admin", json={"id": "zwl", "name": "中物联物流",
                                                           "contact_name": "张明", "contact_phone": "13260262431",
                                                           "contact_email": "contact@zwl.example.cn"})
    assert r.status_code == 200
    assert api.get("/records?status=ISSUED", as_="teo").json()["counts"]["ISSUED"] >= 0
    # the org's seal and stamp, which the row does not name, are still there: certificates still stamp
    from chalicelib.store import masterdata
    assert masterdata.get("orgs", id="zwl")["seal_key"]


def test_an_export_imports_back_unchanged_even_where_it_neutralised_a_formula(api):
    """导出机构信息 writes "+张明" as text a spreadsheet will not run; importing that file back must give
    "+张明" again, not "'+张明" (and a value that really starts with an apostrophe keeps it)."""
    contacts = {"rt-a": "+张明", "rt-b": "'李四", "rt-c": "=王五", "rt-d": "赵六"}
    for org_id, contact in contacts.items():
        r = api.post("/admin/master/orgs", as_="admin", json={"id": org_id, "name": f"往返机构{org_id[-1]}",
                                                               "contact_name": contact})
        assert r.status_code == 200, r.text
    exported = requests.get(api.post("/orgs/export", as_="admin", json={}).json()["url"], timeout=10).content
    names = {row[0]: row[2] for row in load_workbook(io.BytesIO(exported)).active.iter_rows(values_only=True)}
    assert names["rt-a"] == "'+张明" and names["rt-c"] == "'=王五"     # still neutralised in the file
    r = api.post("/admin/import/orgs", as_="admin", json={"file_base64": b64(exported)})
    assert r.status_code == 200 and r.json()["errors"] == [], r.text
    orgs = {o["id"]: o for o in api.get("/orgs", as_="admin").json()["items"]}
    assert {org_id: orgs[org_id]["contact_name"] for org_id in contacts} == contacts
