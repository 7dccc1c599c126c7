"""The screens show the stamp and seal images: profiles and lists carry short-lived links to them."""
import requests

from chalicelib import files
from chalicelib.store import masterdata


def fetch(url: str) -> bytes:
    r = requests.get(url, timeout=10)
    assert r.status_code == 200, r.text
    return r.content


def test_profile_links_to_its_stamp_and_seal(api):
    r = api.get("/orgs/zwl", as_="teo")
    assert r.status_code == 200, r.text
    org, row = r.json(), masterdata.get("orgs", id="zwl")
    assert "X-Amz-Expires=300" in org["stamp_url"]
    assert fetch(org["stamp_url"]) == files.read(row["stamp_key"])
    assert fetch(org["seal_url"]) == files.read(row["seal_key"])


def test_lists_link_each_stamp_and_only_existing_ones(api):
    items = {c["id"]: c for c in api.get("/colleges", as_="admin").json()["items"]}
    assert fetch(items["bjtu"]["stamp_url"]).startswith(b"\x89PNG")
    assert "stamp_url" not in items["wipe"] and "seal_url" not in items["bjtu"]
    (own,) = api.get("/colleges", as_="college").json()["items"]
    assert own["id"] == "bjtu" and fetch(own["stamp_url"]).startswith(b"\x89PNG")


def test_saving_the_contact_returns_the_links_and_stores_none(api):
    r = api.put("/colleges/bjtu", as_="college", json={"contact_name": "王芳", "contact_phone": "13800138000",
                                                       "contact_email": "cert@bjtu.example.cn"})
    assert r.status_code == 200, r.text
    assert r.json()["stamp_url"]
    assert "stamp_url" not in masterdata.get("colleges", id="bjtu")
