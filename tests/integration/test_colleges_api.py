"""试点院校管理's 启用 / 停用: only the admin, audited; a disabled site's candidates are left out of new
records with the reason, records generated before go on, and enabling it again restores generation."""
import io

import requests
from openpyxl import load_workbook

from .conftest import assert_error
from .signoff import counts, fresh_plan, generate, sign


def set_status(api, college: str, status: str, as_: str = "admin"):
    return api.put(f"/admin/colleges/{college}/status", as_=as_, json={"status": status})


def test_a_disabled_site_is_skipped_by_generation_its_records_go_on_and_enabling_restores_it(api):
    earlier = fresh_plan(api, per_site=1, sites=("ncut",))
    ids = generate(api, earlier)
    plan = fresh_plan(api, per_site=2, sites=("bjtu", "ncut"))
    assert_error(set_status(api, "ncut", "disabled", as_="college2"), 403)
    assert_error(set_status(api, "ncut", "disabled", as_="teo"), 403)
    assert_error(set_status(api, "nowhere", "disabled"), 404)
    assert_error(api.put("/admin/colleges/ncut/status", as_="admin", json={"status": "gone"}), 400)
    try:
        r = set_status(api, "ncut", "disabled")
        assert r.status_code == 200 and r.json()["status"] == "disabled", r.text
        assert_error(set_status(api, "ncut", "disabled"), 409, "college_status_unchanged")
        preview = api.post("/records/generate/preview", as_="teo", json=plan["body"]).json()
        assert (preview["issuable"], preview["site_disabled"]) == (2, 2)
        assert preview["summary"] == "共4人，可发证2人，2人考核站点已停用"
        listed = api.post("/records/generate/lists", as_="teo", json={**plan["body"], "kind": "not_issuable"}).json()
        rows = list(load_workbook(io.BytesIO(requests.get(listed["url"], timeout=10).content)).active.iter_rows(
            values_only=True))[1:]
        assert [row[8] for row in rows] == ["考核站点已停用", "考核站点已停用"]
        # Records generated before it was disabled go on through their sign-off.
        sign(api, "teo", "teo_signer", ids=ids)
        sign(api, "college2", "college2_signer", ids=ids)
        assert counts(api, earlier) == {"READY": 1, "ALL": 1}
    finally:
        assert set_status(api, "ncut", "enabled").status_code == 200
    assert api.post("/records/generate/preview", as_="teo", json=plan["body"]).json()["issuable"] == 4
    events = api.get("/colleges/ncut", as_="admin").json()["status_events"]
    assert [(e["action"], e["to_status"], e["actor"]) for e in events[-2:]] == [
        ("college_disable", "disabled", "admin"), ("college_enable", "enabled", "admin")]
    assert_error(set_status(api, "ncut", "enabled"), 409, "college_status_unchanged")
