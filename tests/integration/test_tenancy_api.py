"""Each TEO and college sees and changes only its own objects; another tenant's look missing (404)."""
import base64
import io
from urllib.parse import unquote

import requests
from openpyxl import Workbook, load_workbook

from .conftest import assert_error


def ids(response):
    assert response.status_code == 200, response.text
    return sorted(i["id"] for i in response.json()["items"])


def test_admin_sees_all_master_data(api):
    # Other tests import more rows into the same stack, hence "at least".
    assert {"zkxp", "zwl"} <= set(ids(api.get("/orgs", as_="admin")))
    assert {"bjtu", "ncut", "wipe"} <= set(ids(api.get("/colleges", as_="admin")))
    assert {"jkgl", "webqd", "xxhyy"} <= set(ids(api.get("/certificates", as_="admin")))
    assert {"p0907", "p0908", "p2109", "psl", "pweb22"} <= set(ids(api.get("/plans", as_="admin")))


def test_teo_sees_its_own_certificates_plans_and_their_sites(api):
    assert ids(api.get("/orgs", as_="teo")) == ["zwl"]
    own = api.get("/certificates", as_="teo").json()["items"]      # other tests may add zwl's own types
    assert {"jkgl", "xxhyy"} <= {c["id"] for c in own} and {c["org_id"] for c in own} == {"zwl"}
    assert ids(api.get("/certificates", as_="teo2")) == ["webqd"]
    assert ids(api.get("/plans", as_="teo2")) == ["pweb22"]
    assert ids(api.get("/colleges", as_="teo2")) == ["bjtu", "ncut"]
    assert ids(api.get("/plans?exam_year=2021&certificate_id=jkgl", as_="teo")) == ["p0908"]
    assert ids(api.get("/plans?certificate_id=jkgl", as_="teo2")) == []


def test_college_sees_what_is_assessed_at_its_site(api):
    assert ids(api.get("/colleges", as_="college2")) == ["ncut"]
    demo_plans = [p for p in ids(api.get("/plans", as_="college2")) if not p.startswith("t")]  # t…: tests' own
    assert demo_plans == ["p0908", "p2109", "pweb22"]
    assert ids(api.get("/certificates", as_="college2")) == ["jkgl", "webqd", "xxhyy"]
    assert ids(api.get("/orgs", as_="college2")) == ["zkxp", "zwl"]


def test_another_tenants_objects_are_not_found(api):
    assert api.get("/orgs/zwl", as_="teo").status_code == 200
    assert_error(api.get("/orgs/zwl", as_="teo2"), 404, "org_not_found")
    assert_error(api.put("/orgs/zwl", as_="teo2", json={"contact_name": "入侵者"}), 404)
    assert_error(api.get("/colleges/bjtu", as_="college2"), 404)
    assert_error(api.get("/colleges/bjtu", as_="teo"), 404)
    assert_error(api.get("/colleges/bjtu/candidates", as_="college2"), 404)
    assert_error(api.get("/orgs/no-such-org", as_="admin"), 404)
    # and nothing changed
    assert api.get("/orgs/zwl", as_="admin").json()["contact_name"] == "张明"


def test_staff_edit_their_contact_with_validation(api):
    r = api.put("/colleges/ncut", as_="college2", json={"contact_name": "赵强", "contact_phone": "13700137001",
                                                        "contact_email": "new@ncut.example.cn"})
    assert r.status_code == 200, r.text
    assert api.get("/colleges/ncut", as_="admin").json()["contact_phone"] == "13700137001"
    err = assert_error(api.put("/colleges/ncut", as_="college2", json={"contact_phone": "010-1234567"}), 400)
    assert "手机号" in err["message"]
    err = assert_error(api.put("/colleges/ncut", as_="college2", json={"contact_name": ""}), 400)
    assert "联系人姓名不能为空" in err["message"]
    assert_error(api.put("/colleges/ncut", as_="college2", json={"name": "改名"}), 403, "rename_forbidden")
    assert api.get("/colleges/ncut", as_="admin").json()["name"] == "北方工业大学"


def test_id_numbers_are_masked_except_for_the_admin(api):
    staff = api.get("/colleges/ncut/candidates", as_="college2").json()["items"]
    admin = api.get("/colleges/ncut/candidates", as_="admin").json()["items"]
    assert len(staff) == len(admin) > 20
    by_no = {c["candidate_no"]: c for c in admin}
    for cand in staff:
        full = by_no[cand["candidate_no"]]["id_number"]
        if len(full) == 18:
            assert cand["id_number"] == full[:3] + "*********" + full[-4:]
    assert any(c["info_problems"] for c in staff)   # the demo has incomplete candidates


def exported(api, kind: str, as_: str) -> list[tuple]:
    r = api.post(f"/{kind}/export", as_=as_, json={})
    assert r.status_code == 200, r.text
    link = requests.get(r.json()["url"], timeout=10)
    assert link.ok and r.json()["filename"] in unquote(link.headers["Content-Disposition"])
    return list(load_workbook(io.BytesIO(link.content)).active.iter_rows(values_only=True))


def test_export_lists_what_the_caller_sees_and_imports_back(api):
    teo = exported(api, "orgs", "teo")              # 导出机构信息: its own organisation only
    assert teo[0] == ("机构代码", "机构名称", "联系人姓名", "联系人手机号", "联系人邮箱", "电子签章", "电子公章")
    assert [row[:2] for row in teo[1:]] == [("zwl", "中物联物流")] and teo[1][5:] == ("已上传", "已生效")
    college = exported(api, "colleges", "college")  # 批量导出院校信息
    assert [row[0] for row in college[1:]] == ["bjtu"]
    assert_error(api.post("/colleges/export", as_="student", json={}), 403)
    # The admin's export is an import file: edited or not, it goes back in as it came out.
    everything = exported(api, "colleges", "admin")
    data = io.BytesIO()
    book = Workbook()
    for row in everything:
        book.active.append(row)
    book.save(data)
    back = api.post("/admin/import/colleges", as_="admin",
                    json={"file_base64": base64.b64encode(data.getvalue()).decode()}).json()
    assert back["errors"] == [] and back["imported"] == len(everything) - 1
    assert exported(api, "colleges", "admin") == everything
