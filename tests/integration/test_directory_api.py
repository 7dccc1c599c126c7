"""Each role gets of another party's organisation only what its screens need (issue 14, item 12)."""

PRIVATE = {"seal_key", "seal_url", "seal_serial", "seal_status", "seal_application", "stamp_key", "stamp_url",
           "stamp_agreed_by", "stamp_agreed_at"}


def items(api, path: str, as_: str) -> dict:
    r = api.get(path, as_=as_)
    assert r.status_code == 200, r.text
    return {row["id"]: row for row in r.json()["items"]}


def test_college_staff_see_no_seal_or_stamp_of_a_teo(api):
    own = items(api, "/orgs", "teo")["zwl"]                        # zwl's own staff: the seal and stamp are there
    assert own["seal_serial"] and own["seal_url"] and own["stamp_url"]
    for who in ("college", "college_signer", "college2"):
        zwl = items(api, "/orgs", who)["zwl"]
        assert zwl["name"] and zwl["contact_phone"]                  # who it is and whom to call
        assert PRIVATE & set(zwl) == set(), who
    assert PRIVATE & set(items(api, "/colleges", "teo")["bjtu"]) == set()
    assert items(api, "/colleges", "college")["bjtu"].get("stamp_url")   # its own stamp, to check it
    assert items(api, "/orgs", "admin")["zwl"]["seal_serial"] == own["seal_serial"]
