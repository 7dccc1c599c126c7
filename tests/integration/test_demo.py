"""The demo data set gives a newcomer a working system: every sign-off tab has rows."""
import io

import requests
from openpyxl import load_workbook
from PIL import Image

from devstack import demo


def test_demo_records_fill_every_sign_off_tab(api, running):
    assert running.demo["candidates"] >= 60 and running.demo["records"] > 50
    counts = api.get("/records?plan_id=p2109", as_="teo").json()["counts"]
    assert counts["READY"] > 0 and counts["SITE_REJECTED"] > 0
    counts = api.get("/records?plan_id=p0907", as_="teo").json()["counts"]
    assert counts["TEO_PENDING"] > 0 and counts["TEO_REJECTED"] > 0 and counts["SITE_PENDING"] > 0
    counts = api.get("/records", as_="teo2").json()["counts"]
    # 中科信培 has no e-seal: its records wait in 证书待发放 (test_eseal_api gives it one and issues them).
    assert counts["READY"] > 0 and counts["STAMP_FAILED"] == 0
    counts = api.get("/records", as_="teo").json()["counts"]
    assert counts["ISSUED"] + counts["GENERATING"] >= 19


def test_demo_names_with_rare_characters_exist(api):
    names = {c["name"] for site in ("bjtu", "ncut")
             for c in api.get(f"/colleges/{site}/candidates", as_="admin").json()["items"]}
    names |= {c["name"] for c in api.get("/colleges/wipe/candidates", as_="admin").json()["items"]}
    assert {"王堃", "李喆", "刘䶮", "林𠇔"} <= names


def test_demo_candidates_with_complete_information_have_photos(api):
    good, invalid = demo.candidates()          # other tests add candidates of their own
    ours = {c["candidate_no"] for c in good + invalid}
    rows = [c for site in ("bjtu", "ncut", "wipe")
            for c in api.get(f"/colleges/{site}/candidates", as_="admin").json()["items"] if c["candidate_no"] in ours]
    complete = [c for c in rows if not c["info_problems"]]
    assert complete and all(c["has_photo"] for c in complete)
    img = Image.open(io.BytesIO(requests.get(complete[0]["photo_url"], timeout=10).content))
    assert (img.format, img.size) == ("JPEG", (390, 520))
    # 健康管理 (p0908) requires a photo: a candidate of it without one is listed with 缺少考生照片.
    r = api.post("/records/generate/lists", as_="teo", json={
        "exam_year": 2021, "plan_id": "p0908", "certificate_id": "jkgl", "kind": "not_issuable"}).json()
    sheet = load_workbook(io.BytesIO(requests.get(r["url"], timeout=10).content)).active
    assert any("缺少考生照片" in (row[8] or "") for row in sheet.iter_rows(min_row=2, values_only=True))
