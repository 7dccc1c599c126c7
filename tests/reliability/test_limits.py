"""Every input is bounded, and the bounds are the ones the README's limits table states."""
import os
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from chalicelib import config, files
from chalicelib.api.endpoint import MAX_JSON_BYTES

from ..integration.conftest import assert_error
from .world import targets  # noqa: F401 - a fixture

MB = 1024 * 1024
BODY_LIMITS = [  # (who, method, path, limit in bytes)
    (None, "POST", "/auth/login", MAX_JSON_BYTES),
    ("teo", "PUT", "/orgs/zwl/stamp", 2 * MB),
    ("admin", "POST", "/admin/import/results", 8 * MB),
    (None, "POST", "/verify/pdf", 6 * MB),
]


@pytest.mark.parametrize("who,method,path,limit", BODY_LIMITS)
def test_request_bodies_are_bounded(api, who, method, path, limit):
    r = api.call(method, path, as_=who, data=b" " * (limit + 1), headers={"Content-Type": "application/json"})
    assert_error(r, 413, "body_too_large")


def test_pages_and_batches_are_bounded(api):
    assert_error(api.get("/records?page_size=1000", as_="teo"), 400)
    assert_error(api.get("/records?page=100001", as_="teo"), 400)
    assert api.get("/records?page_size=100", as_="teo").status_code == 200
    too_many = [f"{i:024x}" for i in range(3001)]
    for path, body in (("/signing-sessions", {"action": "sign"}), ("/records/issue", {"method": "paper"}),
                       ("/records/reissue", {}), ("/downloads", {})):
        err = assert_error(api.post(path, as_="teo", json={**body, "record_ids": too_many}), 400)
        assert "3000" in err["message"]


def test_verification_attempts_are_bounded(api, monkeypatch):
    monkeypatch.setenv("SKILLCERT_VERIFY_LIMIT", "5")     # per client address and minute (default 30)
    answers = [api.get("/verify?cert_no=SC202600000000017&id_no=x").status_code for _ in range(12)]
    assert 429 in answers and answers.count(429) >= 12 - 2 * 5    # at most two windows' worth got through
    assert_error(api.get("/verify?cert_no=SC202600000000017&id_no=x"), 429, "too_many_requests")


def test_download_links_expire_in_minutes_and_name_one_object(api, targets):  # noqa: F811
    r = api.get(f"/records/{targets['record_id']}/certificate", as_="student")
    assert r.status_code == 200 and r.json()["expires_in"] == files.LINK_SECONDS <= 600
    url = urlsplit(r.json()["url"])
    query = parse_qs(url.query)
    assert int(query["X-Amz-Expires"][0]) == files.LINK_SECONDS
    bucket, key = unquote(url.path).lstrip("/").split("/", 1)
    assert bucket == config.bucket_name()
    assert key.startswith(f"certificates/{targets['record_id']}/") and key.endswith(".pdf")
    assert "*" not in key and ".." not in key and query["X-Amz-SignedHeaders"] == ["host"]
    assert os.path.basename(key) == key.rsplit("/", 1)[1]
