"""Attacks on accounts (issue 14, items 3 and 6): a login flood is throttled without telling which accounts
exist and without letting one address lock its owner out; a logout, a password change and a
deactivation withdraw every older token on the very next request."""
import time
import uuid

import pytest

from chalicelib.domain.errors import TooManyRequests
from chalicelib.services import accounts

from ..integration.conftest import assert_error

PASSWORD = "Right-pass-2024"


def new_user(api, role="college", org_id="ncut") -> str:
    username = "acct-" + uuid.uuid4().hex[:10]
    r = api.post("/admin/users", as_="admin", json={"username": username, "password": PASSWORD, "role": role,
                                                     "org_id": org_id})
    assert r.status_code == 201, r.text
    return username


def login(api, username, password=PASSWORD):
    return api.post("/auth/login", json={"username": username, "password": password})


def bearer(api, username, password=PASSWORD) -> str:
    r = login(api, username, password)
    assert r.status_code == 200, r.text
    return "Bearer " + r.json()["token"]


def clear_of_window_edge() -> None:
    """The budgets are per 15-minute window: start a flood well inside one."""
    into = time.time() % accounts.LOGIN_WINDOW
    if into > accounts.LOGIN_WINDOW - 60:
        time.sleep(accounts.LOGIN_WINDOW - into + 1)


def test_a_login_flood_is_throttled_and_tells_nothing(api, figures):
    clear_of_window_edge()
    real, ghost = new_user(api), "ghost-" + uuid.uuid4().hex[:10]
    seen = {}
    for username in (real, ghost):
        answers = [login(api, username, f"guess-{i}") for i in range(60)]
        answers.append(login(api, username, PASSWORD))          # the right password, after 60 guesses
        seen[username] = [(r.status_code, r.json()["error"]["code"]) for r in answers]
        limited = [r for r in answers if r.status_code == 429]
        assert all(0 < int(r.headers["Retry-After"]) <= accounts.LOGIN_WINDOW for r in limited)
        assert limited[-1].json()["error"]["message"].startswith("密码错误次数过多")
    assert seen[real] == seen[ghost]                            # an existing account looks like a missing one
    assert seen[real][:accounts.PAIR_LIMIT] == [(401, "bad_credentials")] * accounts.PAIR_LIMIT
    assert set(seen[real][accounts.PAIR_LIMIT:]) == {(429, "too_many_attempts")}   # the right one included
    figures["login guesses before 429"] = accounts.PAIR_LIMIT

    # The flood came from one address: the owner, elsewhere, still logs in.
    assert accounts.login(real, PASSWORD, client="203.0.113.7")["token"]


def test_many_addresses_lock_an_account_only_for_the_window(api):
    clear_of_window_edge()
    username = new_user(api)
    per_address = accounts.ACCOUNT_LIMIT // accounts.PAIR_LIMIT
    for n in range(per_address):
        for _ in range(accounts.PAIR_LIMIT):
            with pytest.raises(Exception) as exc:
                accounts.login(username, "wrong-pass-1", client=f"192.0.2.{n}")
            assert exc.value.code == "bad_credentials"
    with pytest.raises(TooManyRequests) as exc:
        accounts.login(username, PASSWORD, client="192.0.2.200")
    assert 0 < exc.value.retry_after <= accounts.LOGIN_WINDOW


def test_an_address_spraying_many_accounts_is_throttled(api, monkeypatch):
    clear_of_window_edge()
    monkeypatch.setenv("SKILLCERT_LOGIN_ADDRESS_LIMIT", "10")
    for _ in range(10):
        with pytest.raises(Exception) as exc:
            accounts.login(f"spray-{uuid.uuid4().hex[:8]}", "Password-1", client="198.51.100.9")
        assert exc.value.code == "bad_credentials"
    with pytest.raises(TooManyRequests):
        accounts.login(f"spray-{uuid.uuid4().hex[:8]}", "Password-1", client="198.51.100.9")


def test_logout_withdraws_every_token_of_the_account(api, figures):
    username = new_user(api)
    first, second = bearer(api, username), bearer(api, username)
    assert api.get("/me", token=first).status_code == 200
    r = api.post("/auth/logout", token=first, json={})
    assert r.status_code == 200, r.text
    for token in (first, second):
        assert_error(api.get("/me", token=token), 401)
        assert_error(api.post("/auth/logout", token=token, json={}), 401)
        figures["tokens withdrawn"] += 1
    assert api.get("/me", token=bearer(api, username)).status_code == 200     # a new login works


def test_a_password_change_withdraws_older_tokens(api, figures):
    username = new_user(api)
    old = bearer(api, username)
    change = {"old_password": PASSWORD, "new_password": "Fresh-pass-77"}
    assert_error(api.post("/me/password", token=old, json={**change, "old_password": "wrong-pass-1"}),
                 400, "wrong_password")
    for weak, words in (("short1", "不能少于8位"), ("onlyletters", "字母和数字"), (username + "1", "用户名"),
                        (PASSWORD, "不能与原密码相同")):
        error = assert_error(api.post("/me/password", token=old, json={**change, "new_password": weak}),
                             400, "weak_password")
        assert words in error["message"], error
    r = api.post("/me/password", token=old, json=change)
    assert r.status_code == 200, r.text
    fresh = "Bearer " + r.json()["token"]
    assert_error(api.get("/me", token=old), 401)
    figures["tokens withdrawn"] += 1
    assert api.get("/me", token=fresh).status_code == 200
    assert_error(login(api, username), 401, "bad_credentials")
    assert bearer(api, username, "Fresh-pass-77")


def test_the_admin_deactivates_activates_and_resets(api, figures):
    username = new_user(api, role="teo", org_id="zwl")
    token = bearer(api, username)
    path = f"/admin/users/{username}"
    r = api.post(path + "/deactivate", as_="admin", json={})
    assert r.status_code == 200 and r.json()["active"] is False, r.text
    assert_error(api.get("/me", token=token), 401)
    assert_error(login(api, username), 401, "bad_credentials")
    listed = {u["username"]: u for u in api.get("/admin/users", as_="admin").json()["items"]}
    assert listed[username]["active"] is False and listed["teo"]["active"] is True
    assert "password_hash" not in listed[username] and "token_gen" not in listed[username]
    assert api.post(path + "/activate", as_="admin", json={}).json()["active"] is True
    token = bearer(api, username)
    assert_error(api.post(path + "/reset-password", as_="admin", json={"new_password": "abc"}), 400,
                 "weak_password")
    assert api.post(path + "/reset-password", as_="admin", json={"new_password": "Reset-pass-99"}).status_code == 200
    assert_error(api.get("/me", token=token), 401)
    figures["tokens withdrawn"] += 2
    assert bearer(api, username, "Reset-pass-99")
    assert_error(api.post("/admin/users/admin/deactivate", as_="admin", json={}), 409, "own_account")
    assert_error(api.post("/admin/users/nobody-here/deactivate", as_="admin", json={}), 404, "user_not_found")
