"""The demo data set gives a newcomer a working system: every sign-off tab has rows."""


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
