"""Login, tokens and the authorizer, over HTTP against the local stack."""
import time

import jwt

from chalicelib import auth
from chalicelib.domain.access import Principal, Role

from .conftest import assert_error


def test_login_returns_a_token_and_the_user(api):
    r = api.post("/auth/login", json={"username": "teo", "password": "demo1234"})
    assert r.status_code == 200
    body = r.json()
    assert body["user"] == {"username": "teo", "role": "teo", "org_id": "zwl", "candidate_no": None,
                            "display_name": "中物联物流 业务员", "org_name": "中物联物流"}
    me = api.get("/me", token="Bearer " + body["token"])
    assert me.status_code == 200 and me.json()["username"] == "teo"


def test_wrong_password_and_unknown_user_look_the_same(api):
    for username, password in (("teo", "wrong-password"), ("nobody", "demo1234")):
        err = assert_error(api.post("/auth/login", json={"username": username, "password": password}),
                           401, "bad_credentials")
        assert err["message"] == "用户名或密码错误"


def test_protected_route_needs_a_valid_token(api):
    assert_error(api.get("/orgs"), 401, "unauthenticated")
    assert_error(api.get("/orgs", token="Bearer not-a-token"), 401, "unauthenticated")
    expired, _ = auth.issue_token(Principal("admin", Role.ADMIN), now=time.time() - 2 * 86400)
    assert_error(api.get("/orgs", token="Bearer " + expired), 401, "unauthenticated")
    # A token whose role was edited: the signature no longer matches.
    good = api.token("teo")
    claims = jwt.decode(good, options={"verify_signature": False})
    forged = jwt.encode({**claims, "role": "admin"}, "some-other-secret-" + "y" * 40, algorithm="HS256")
    assert_error(api.get("/orgs", token="Bearer " + forged), 401, "unauthenticated")
    assert api.get("/orgs", token="Bearer " + good).status_code == 200


def test_role_checks_happen_on_the_server(api):
    assert_error(api.post("/admin/users", as_="teo", json={"username": "x1", "password": "password1",
                                                            "role": "admin"}), 403, "role_forbidden")
    assert_error(api.get("/orgs", as_="student"), 403, "role_forbidden")


def test_admin_creates_an_account_that_can_log_in(api):
    r = api.post("/admin/users", as_="admin", json={"username": "zwl-clerk", "password": "s3cret-pass",
                                                     "role": "teo", "org_id": "zwl"})
    assert r.status_code == 201, r.text
    assert api.token("zwl-clerk", "s3cret-pass")
    assert_error(api.post("/admin/users", as_="admin", json={"username": "zwl-clerk", "password": "s3cret-pass",
                                                              "role": "teo", "org_id": "zwl"}), 409, "user_exists")
    # One responsible person per organisation.
    assert_error(api.post("/admin/users", as_="admin", json={"username": "zwl-boss2", "password": "s3cret-pass",
                                                              "role": "teo_signer", "org_id": "zwl"}),
                 409, "signer_exists")


def test_a_deactivated_account_loses_its_token_at_once(api):
    from chalicelib.store import masterdata
    r = api.post("/admin/users", as_="admin", json={"username": "leaver", "password": "s3cret-pass",
                                                     "role": "college", "org_id": "ncut"})
    assert r.status_code == 201
    token = "Bearer " + api.token("leaver", "s3cret-pass")
    assert api.get("/me", token=token).status_code == 200
    masterdata.put("users", {**masterdata.get("users", username="leaver"), "active": False})
    assert_error(api.get("/me", token=token), 401, "unauthenticated")
    assert_error(api.post("/auth/login", json={"username": "leaver", "password": "s3cret-pass"}), 401)


def test_candidate_accounts_need_a_real_candidate_number(api):
    for number in ("123", None):
        body = {"username": "cand-x", "password": "password1", "role": "candidate"}
        if number:
            body["candidate_no"] = number
        err = assert_error(api.post("/admin/users", as_="admin", json=body), 400)
        assert "26位" in err["message"]
