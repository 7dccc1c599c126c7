"""Accounts on the demo world: log in (throttled; deactivated accounts and wrong passwords look alike),
log out and change a password (both withdraw the account's tokens), the admin's account management,
account creation and the names the screens show."""
import pytest

from chalicelib import auth, ports
from chalicelib.domain.access import Principal, Role
from chalicelib.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyRequests, Unauthenticated
from chalicelib.services import accounts

from ._masterdata_helpers import ADMIN, COLLEGE, TEO, TEO_SIGNER

PASSWORD = "demo1234"


@pytest.fixture
def cheap_hashes(monkeypatch):
    """Accounts made in the test hash with a low scrypt cost (a hash names its own cost, so checking follows
    it), so dozens of attempts take milliseconds; the demo's accounts keep theirs."""
    monkeypatch.setattr(auth, "_N", 2 ** 4)
    monkeypatch.setattr(auth, "_DUMMY_HASH", None)


def stored(username: str) -> dict:
    return ports.master.get("users", username=username)


def refused_login(username: str, password: str, client: str = "10.0.0.1") -> Exception:
    with pytest.raises((Unauthenticated, TooManyRequests)) as exc:
        accounts.login(username, password, client)
    return exc.value


# ---- log in ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("username, user", [
    ("teo", {"role": "teo", "org_id": "zwl", "candidate_no": None, "display_name": "中物联物流 业务员",
             "org_name": "中物联物流"}),
    ("college_signer", {"role": "college_signer", "org_id": "bjtu", "candidate_no": None,
                        "display_name": "北京交通大学 考核站点负责人", "org_name": "北京交通大学"}),
    ("admin", {"role": "admin", "org_id": None, "candidate_no": None, "display_name": "平台管理员",
               "org_name": None}),
])
def test_login_answers_a_token_for_the_account(world, username, user):
    session = accounts.login(username, PASSWORD, "10.0.0.1")
    assert session["user"] == {"username": username, **user}
    principal = auth.verify_token(session["token"])
    assert (principal.username, principal.role.value, principal.org_id) == (username, user["role"], user["org_id"])
    assert accounts.still_valid(principal)


def test_a_candidate_account_is_named_after_its_candidate(world):
    number = stored("student")["candidate_no"]
    me = accounts.me(Principal("student", Role.CANDIDATE, candidate_no=number))
    assert me["candidate_no"] == number
    assert me["org_name"] == ports.master.get("candidates", candidate_no=number)["name"] != ""


@pytest.mark.parametrize("username, password", [("teo", "wrong-password1"), ("nobody", PASSWORD)])
def test_a_wrong_password_and_an_unknown_user_look_the_same(world, username, password):
    err = refused_login(username, password)
    assert (type(err), err.code, err.message) == (Unauthenticated, "bad_credentials", "用户名或密码错误")


def test_a_deactivated_account_cannot_log_in_and_its_tokens_stop_at_once(world):
    principal = auth.verify_token(accounts.login("college", PASSWORD)["token"])
    answer = accounts.set_active(ADMIN, "college", False)
    assert answer["active"] is False and answer["username"] == "college"
    assert not accounts.still_valid(principal)
    assert refused_login("college", PASSWORD).code == "bad_credentials"
    assert accounts.set_active(ADMIN, "college", True)["active"] is True
    assert accounts.login("college", PASSWORD)["user"]["username"] == "college"


def test_wrong_passwords_from_one_address_stop_at_its_limit_a_right_one_is_not_counted(fakes, cheap_hashes):
    accounts.create_user("clerk", "s3cret-pass", "admin")
    for _ in range(accounts.PAIR_LIMIT - 1):
        assert refused_login("clerk", "wrong-pass1").code == "bad_credentials"
    accounts.login("clerk", "s3cret-pass", "10.0.0.1")              # given back: not a guess
    assert refused_login("clerk", "wrong-pass1").code == "bad_credentials"     # the fifth wrong one is checked
    err = refused_login("clerk", "s3cret-pass")                      # then even the right one waits
    assert (type(err), err.code) == (TooManyRequests, "too_many_attempts")
    assert err.retry_after == 900 and err.message == "密码错误次数过多，请15分钟后再试"
    # Another address is not locked out by this one, and the window's end lifts the lock.
    assert accounts.login("clerk", "s3cret-pass", "10.0.0.2")["user"]["username"] == "clerk"
    fakes.clock.advance(accounts.LOGIN_WINDOW)
    assert accounts.login("clerk", "s3cret-pass", "10.0.0.1")["user"]["username"] == "clerk"


def test_the_wait_named_is_what_is_left_of_the_window(fakes, cheap_hashes):
    accounts.create_user("clerk", "s3cret-pass", "admin")
    fakes.clock.advance(100)
    for _ in range(accounts.PAIR_LIMIT):
        assert refused_login("clerk", "wrong-pass1").code == "bad_credentials"
    err = refused_login("clerk", "wrong-pass1")
    assert err.retry_after == 800 and err.message == "密码错误次数过多，请14分钟后再试"


def test_an_account_guessed_at_from_many_addresses_locks_for_everyone(fakes, cheap_hashes):
    accounts.create_user("clerk", "s3cret-pass", "admin")
    addresses = [f"10.0.1.{i}" for i in range(accounts.ACCOUNT_LIMIT // accounts.PAIR_LIMIT)]
    for client in addresses:
        for _ in range(accounts.PAIR_LIMIT):
            assert refused_login("clerk", "wrong-pass1", client).code == "bad_credentials"
    assert refused_login("clerk", "s3cret-pass", "10.0.2.1").code == "too_many_attempts"
    accounts.create_user("other", "s3cret-pass", "admin")            # other accounts are not affected
    assert accounts.login("other", "s3cret-pass", "10.0.2.1")["user"]["username"] == "other"


def test_one_address_spraying_many_accounts_stops_at_its_limit(fakes, cheap_hashes, monkeypatch):
    monkeypatch.setenv("SKILLCERT_LOGIN_ADDRESS_LIMIT", "3")
    accounts.create_user("clerk", "s3cret-pass", "admin")
    for name in ("anna", "bert", "carl"):
        assert refused_login(name, "s3cret-pass", "10.0.3.1").code == "bad_credentials"
    assert refused_login("clerk", "s3cret-pass", "10.0.3.1").code == "too_many_attempts"
    assert accounts.login("clerk", "s3cret-pass", "10.0.3.2")["user"]["username"] == "clerk"


def test_an_attempt_refused_by_one_budget_counts_against_none(fakes, cheap_hashes, monkeypatch):
    monkeypatch.setenv("SKILLCERT_LOGIN_ADDRESS_LIMIT", str(accounts.PAIR_LIMIT))
    accounts.create_user("clerk", "s3cret-pass", "admin")
    for n in range(accounts.PAIR_LIMIT):                              # 10.0.4.1 spends its budget elsewhere
        refused_login(f"user{n}", "wrong-pass1", "10.0.4.1")
    for _ in range(accounts.PAIR_LIMIT):                              # so its guesses at clerk are turned away
        assert refused_login("clerk", "wrong-pass1", "10.0.4.1").code == "too_many_attempts"
    for n in range(2, accounts.ACCOUNT_LIMIT // accounts.PAIR_LIMIT + 1):
        for _ in range(accounts.PAIR_LIMIT):
            assert refused_login("clerk", "wrong-pass1", f"10.0.4.{n}").code == "bad_credentials"
    # 15 guesses at clerk were checked, not 20: the account is not locked.
    assert accounts.login("clerk", "s3cret-pass", "10.0.5.1")["user"]["username"] == "clerk"


# ---- log out, change the password ---------------------------------------------------------------------

def test_logout_withdraws_every_token_of_the_account(world):
    principal = auth.verify_token(accounts.login("teo", PASSWORD)["token"])
    assert accounts.logout(principal) == {"logged_out": True}
    assert not accounts.still_valid(principal)
    assert stored("teo")["token_gen"] == 1
    assert accounts.still_valid(auth.verify_token(accounts.login("teo", PASSWORD)["token"]))


def test_a_password_change_answers_a_new_session_and_withdraws_the_old_ones(world):
    old = auth.verify_token(accounts.login("teo_signer", PASSWORD)["token"])
    session = accounts.change_password(old, PASSWORD, "n3w-passw0rd", "10.0.0.1")
    assert session["user"]["username"] == "teo_signer"
    assert not accounts.still_valid(old) and accounts.still_valid(auth.verify_token(session["token"]))
    assert refused_login("teo_signer", PASSWORD).code == "bad_credentials"
    assert accounts.login("teo_signer", "n3w-passw0rd")["user"]["role"] == "teo_signer"


@pytest.mark.parametrize("old_password, new_password, code, says", [
    ("wrong-passw0rd", "n3w-passw0rd", "wrong_password", "原密码不正确"),
    (PASSWORD, PASSWORD, "weak_password", "新密码不能与原密码相同"),
    (PASSWORD, "short1", "weak_password", "密码长度不能少于8位"),
    (PASSWORD, "college99", "weak_password", "密码不能包含用户名"),
])
def test_a_refused_password_change_keeps_the_password(world, old_password, new_password, code, says):
    before = stored("college")
    with pytest.raises(InvalidInput) as exc:
        accounts.change_password(COLLEGE, old_password, new_password, "10.0.0.1")
    assert (exc.value.code, exc.value.message) == (code, says)
    assert exc.value.details["field"] in ("old_password", "new_password")
    assert stored("college") == before


def test_old_passwords_are_guessed_under_the_login_limit(fakes, cheap_hashes):
    accounts.create_user("clerk", "s3cret-pass", "admin")
    clerk = Principal("clerk", Role.ADMIN)
    for _ in range(accounts.PAIR_LIMIT):
        with pytest.raises(InvalidInput):
            accounts.change_password(clerk, "wrong-pass1", "n3w-passw0rd", "10.0.0.1")
    with pytest.raises(TooManyRequests):
        accounts.change_password(clerk, "s3cret-pass", "n3w-passw0rd", "10.0.0.1")


def test_a_password_changed_meanwhile_is_not_overwritten(fakes, cheap_hashes, monkeypatch):
    accounts.create_user("clerk", "s3cret-pass", "admin")
    update_user = fakes.master.update_user

    def changed_elsewhere_first(username, fields, **kwargs):
        update_user(username, {"password_hash": auth.hash_password("0ther-pass")})
        return update_user(username, fields, **kwargs)
    monkeypatch.setattr(fakes.master, "update_user", changed_elsewhere_first)
    with pytest.raises(Conflict) as exc:
        accounts.change_password(Principal("clerk", Role.ADMIN), "s3cret-pass", "n3w-passw0rd", "10.0.0.1")
    assert exc.value.code == "password_changed"
    monkeypatch.undo()
    assert accounts.login("clerk", "0ther-pass")["user"]["username"] == "clerk"


# ---- the admin's account management ------------------------------------------------------------------

def test_the_admin_resets_a_password_and_the_accounts_tokens_stop(world):
    principal = auth.verify_token(accounts.login("college", PASSWORD)["token"])
    answer = accounts.reset_password(ADMIN, "college", "r3set-pass")
    assert answer == {"username": "college", "role": "college", "org_id": "bjtu", "candidate_no": None,
                      "display_name": "北京交通大学 业务员", "org_name": "北京交通大学", "active": True}
    assert not accounts.still_valid(principal)
    assert accounts.login("college", "r3set-pass")["user"]["username"] == "college"


@pytest.mark.parametrize("use, error, code", [
    (lambda: accounts.reset_password(ADMIN, "college", "abc"), InvalidInput, "weak_password"),
    (lambda: accounts.reset_password(ADMIN, "ghost", "r3set-pass"), NotFound, "user_not_found"),
    (lambda: accounts.reset_password(TEO, "college", "r3set-pass"), Forbidden, "role_forbidden"),
    (lambda: accounts.set_active(ADMIN, "admin", False), Conflict, "own_account"),
    (lambda: accounts.set_active(ADMIN, "ghost", False), NotFound, "user_not_found"),
    (lambda: accounts.set_active(TEO_SIGNER, "teo", False), Forbidden, "role_forbidden"),
])
def test_account_management_refusals_change_nothing(world, use, error, code):
    before = ports.master.all_users()
    with pytest.raises(error) as exc:
        use()
    assert exc.value.code == code
    assert ports.master.all_users() == before


def test_the_admin_lists_every_account_by_role_and_organisation(world):
    accounts.set_active(ADMIN, "teo2", False)
    users = accounts.list_users()
    assert [(u["role"], u["org_id"], u["username"]) for u in users] == [
        ("admin", None, "admin"), ("candidate", None, "student"),
        ("college", "bjtu", "college"), ("college", "ncut", "college2"),
        ("college_signer", "bjtu", "college_signer"), ("college_signer", "ncut", "college2_signer"),
        ("teo", "zkxp", "teo2"), ("teo", "zwl", "teo"),
        ("teo_signer", "zkxp", "teo2_signer"), ("teo_signer", "zwl", "teo_signer")]
    assert [u["username"] for u in users if not u["active"]] == ["teo2"]
    assert not any("password_hash" in u or "token_gen" in u for u in users)


# ---- who a token still stands for ---------------------------------------------------------------------

@pytest.mark.parametrize("principal", [
    Principal("teo", Role.TEO_SIGNER, "zwl"),          # the account's role changed since
    Principal("teo", Role.TEO, "zkxp"),                # moved to another organisation
    Principal("teo", Role.TEO, "zwl", token_gen=3),    # a generation the account never had
    Principal("student", Role.CANDIDATE, candidate_no="1" * 26),
    Principal("ghost", Role.ADMIN),                    # the account is gone
])
def test_a_token_no_longer_matching_its_account_is_not_valid(world, principal):
    assert not accounts.still_valid(principal)


def test_me_answers_the_account_or_says_it_is_gone(world):
    assert accounts.me(TEO)["display_name"] == "中物联物流 业务员"
    with pytest.raises(NotFound) as exc:
        accounts.me(Principal("ghost", Role.TEO, "zwl"))
    assert exc.value.code == "user_not_found"


def test_display_names_of_known_accounts_fall_back_to_the_username(world, cheap_hashes):
    accounts.create_user("nameless", "s3cret-pass", "college", org_id="wipe")
    assert accounts.display_names(["teo", "nameless", "system", None, "", "teo"]) == {
        "teo": "中物联物流 业务员", "nameless": "nameless"}
    assert accounts.display_names([]) == {}


# ---- creating accounts --------------------------------------------------------------------------------

def test_a_created_account_logs_in_and_belongs_where_its_role_says(world, cheap_hashes):
    created = accounts.create_user("zwl-clerk", "s3cret-pass", "teo", org_id="zwl", display_name="文员")
    assert created == {"username": "zwl-clerk", "role": "teo", "org_id": "zwl", "candidate_no": None,
                       "display_name": "文员", "org_name": "中物联物流"}
    assert stored("zwl-clerk")["active"] is True
    assert accounts.login("zwl-clerk", "s3cret-pass")["user"] == created
    # An admin belongs to no organisation and a staff account to no candidate, whatever is passed.
    boss = accounts.create_user("boss", "s3cret-pass", "admin", org_id="zwl", candidate_no="1" * 26)
    assert (boss["org_id"], boss["candidate_no"]) == (None, None)


def test_a_candidate_account_names_a_real_candidate(world, cheap_hashes):
    number = ports.master.candidates_of_college("wipe")[0]["candidate_no"]
    made = accounts.create_user("cand-x", "s3cret-pass", "candidate", org_id="wipe", candidate_no=f" {number} ")
    assert (made["org_id"], made["candidate_no"]) == (None, number)


@pytest.mark.parametrize("args, error, code, says", [
    (("teo", "s3cret-pass", "teo", "zwl"), Conflict, "user_exists", "用户名“teo”已存在"),
    (("new1", "password", "teo", "zwl"), InvalidInput, "weak_password", "字母和数字"),
    (("new1", "s3cret-pass", "teo", None), InvalidInput, "unknown_org", "所属机构不存在"),
    (("new1", "s3cret-pass", "college", "zwl"), InvalidInput, "unknown_org", "所属机构不存在"),
    (("new1", "s3cret-pass", "teo_signer", "zwl"), Conflict, "signer_exists", "只允许有一个负责人"),
    (("new1", "s3cret-pass", "college_signer", "bjtu"), Conflict, "signer_exists", "只允许有一个负责人"),
    (("new1", "s3cret-pass", "candidate", None, "123"), InvalidInput, "invalid_input", "26位"),
    (("new1", "s3cret-pass", "candidate", None, None), InvalidInput, "invalid_input", "26位"),
    (("new1", "s3cret-pass", "candidate", None, "9" * 26), InvalidInput, "unknown_candidate", "考生不存在"),
])
def test_an_account_that_cannot_be_made_is_refused_saying_why(world, cheap_hashes, args, error, code, says):
    before = ports.master.all_users()
    with pytest.raises(error) as exc:
        accounts.create_user(*args)
    assert exc.value.code == code and says in exc.value.message
    assert ports.master.all_users() == before


def test_a_signer_of_an_organisation_without_one_is_made(world, cheap_hashes):
    made = accounts.create_user("wipe-boss", "s3cret-pass", "college_signer", org_id="wipe")
    assert made["org_name"] == "武汉体育学院"


def test_two_creations_of_one_name_at_once_make_one_account(fakes, cheap_hashes, monkeypatch):
    accounts.create_user("first", "s3cret-pass", "admin", display_name="先到")
    get = fakes.master.get
    # The other creation lands between this one's check and its write.
    monkeypatch.setattr(fakes.master, "get", lambda kind, **key: None if kind == "users" else get(kind, **key))
    with pytest.raises(Conflict) as exc:
        accounts.create_user("first", "s3cret-pass", "admin", display_name="后到")
    assert exc.value.code == "user_exists"
    assert get("users", username="first")["display_name"] == "先到"
