"""Helpers for the sign-off tests: a fresh exam plan per test, so tests never see each other's records."""
import base64
import io
import time
import uuid

from PIL import Image

from .conftest import xlsx

RESULT_TITLES = ["考生编号", "考试计划代码", "证书等级", "考核站点代码", "考核状态", "成绩"]


def signature_png() -> str:
    img = Image.new("RGBA", (240, 90), (0, 0, 0, 0))
    for x in range(20, 220):
        img.putpixel((x, 45 + (x % 20) // 4), (0, 0, 0, 255))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def fresh_plan(api, per_site: int = 5, sites=("bjtu", "ncut"), failed: int = 0, prefer=()) -> dict:
    """A new 2021 中级 plan of 信息化应用 at ``sites``, with ``per_site`` complete candidates of each site
    passing (those named in ``prefer`` first), plus ``failed`` failing ones at the first site.
    Returns {plan_id, body, candidates}."""
    plan_id = "t" + uuid.uuid4().hex[:10]
    r = api.post("/admin/master/plans", as_="admin", json={
        "id": plan_id, "name": f"测试计划{plan_id}", "exam_year": 2021, "certificate_id": "xxhyy",
        "levels": "中级", "site_ids": ",".join(sites)})
    assert r.status_code == 200, r.text
    rows, chosen = [], {}
    for site in sites:
        people = [c for c in api.get(f"/colleges/{site}/candidates", as_="admin").json()["items"]
                  if not c["info_problems"]]
        people.sort(key=lambda c: c["name"] not in prefer)
        chosen[site] = people[:per_site + (failed if site == sites[0] else 0)]
        for i, person in enumerate(chosen[site]):
            passed = not (site == sites[0] and i >= per_site)
            rows.append([person["candidate_no"], plan_id, "中级", site, "已通过" if passed else "未通过", 80])
    r = api.post("/admin/import/results", as_="admin",
                 json={"file_base64": base64.b64encode(xlsx(RESULT_TITLES, rows)).decode()})
    assert r.status_code == 200 and not r.json()["errors"], r.text
    return {"plan_id": plan_id, "candidates": chosen,
            "body": {"exam_year": 2021, "plan_id": plan_id, "certificate_id": "xxhyy"}}


def generate(api, plan: dict) -> list[str]:
    r = api.post("/records/generate", as_="teo", json=plan["body"])
    assert r.status_code == 200, r.text
    return r.json()["created_ids"]


def counts(api, plan: dict, as_: str = "teo") -> dict:
    r = api.get(f"/records?plan_id={plan['plan_id']}", as_=as_)
    assert r.status_code == 200, r.text
    return {k: v for k, v in r.json()["counts"].items() if v}


def statuses(api, ids, as_: str = "teo") -> dict:
    return {i: api.get(f"/records/{i}", as_=as_).json()["status"] for i in ids}


def sign(api, staff: str, signer: str, ids=None, flt=None, action="sign", decision="confirm", reason=None) -> dict:
    body = {"action": action, **({"record_ids": ids} if ids is not None else {"filter": flt}),
            **({"reason": reason} if action == "reject" else {})}
    opened = api.post("/signing-sessions", as_=staff, json=body)
    assert opened.status_code == 201, opened.text
    done = api.post(f"/signing-sessions/{opened.json()['id']}/complete", as_=signer, json={
        "decision": decision, "signature_png_base64": signature_png(), **({"reason": reason} if reason else {})})
    assert done.status_code == 200, done.text
    return done.json()


def ready(api, plan: dict) -> list[str]:
    """Generate the plan's records and have both sides sign them: READY record ids."""
    ids = generate(api, plan)
    sign(api, "teo", "teo_signer", ids=ids)
    staff = {"bjtu": ("college", "college_signer"), "ncut": ("college2", "college2_signer")}
    for site in plan["candidates"]:
        if site in staff:
            sign(api, *staff[site], flt={"plan_id": plan["plan_id"]})
    return ids


def settled(api, as_: str = "teo", timeout: float = 60) -> dict:
    """The caller's tab counts once none of its records is 证书生成中 (the demo queues some at start)."""
    deadline = time.time() + timeout
    while True:
        counts = api.get("/records?page_size=10", as_=as_).json()["counts"]
        if not counts["GENERATING"] or time.time() > deadline:
            return counts
        time.sleep(0.3)


def wait_for(api, ids, wanted: set, timeout: float = 60, as_: str = "teo") -> dict:
    """Poll until every record is in one of ``wanted`` (the worker runs in the background)."""
    deadline = time.time() + timeout
    while True:
        now = statuses(api, ids, as_=as_)
        if set(now.values()) <= wanted or time.time() > deadline:
            return now
        time.sleep(0.3)
