"""Use cases for accounts: log in (throttled), log out, who am I, change a password, and the admin's
account management. Withdrawing tokens moves the account's token generation on: the authorizer refuses
every token of an older generation on the next request."""
import math

from .. import auth, config, ports
from ..domain import masterdata as md
from ..domain import passwords
from ..domain.access import ORG_ROLES, TEO_ROLES, Principal, Role, requires
from ..domain.errors import Conflict, InvalidInput, NotFound, TooManyRequests, Unauthenticated

# Failed logins are counted per window for the account from one address, for the account from anywhere,
# and for the address over all accounts. One address can never lock someone else out (its own pair stops
# at PAIR_LIMIT, below ACCOUNT_LIMIT); a lock lasts at most until the window ends.
LOGIN_WINDOW = 900
PAIR_LIMIT = 5
ACCOUNT_LIMIT = 20


def _principal(user: dict) -> Principal:
    return Principal(username=user["username"], role=Role(user["role"]), org_id=user.get("org_id"),
                     candidate_no=user.get("candidate_no"), token_gen=int(user.get("token_gen") or 0))


def public_user(user: dict) -> dict:
    return {"username": user["username"], "role": user["role"], "org_id": user.get("org_id"),
            "candidate_no": user.get("candidate_no"), "display_name": user.get("display_name", ""),
            "org_name": _org_name(user)}


def _org_name(user: dict) -> str | None:
    role = Role(user["role"])
    if role in ORG_ROLES:
        org = ports.master.get("orgs" if role in TEO_ROLES else "colleges", id=user["org_id"])
        return org["name"] if org else None
    if role is Role.CANDIDATE and user.get("candidate_no"):
        cand = ports.master.get("candidates", candidate_no=user["candidate_no"])
        return cand["name"] if cand else None
    return None


def _count_attempt(username: str, client: str, now: float) -> list[str]:
    """Count a password attempt, or refuse it (429) once any of its budgets is spent. The same for known
    and unknown usernames, so a refusal does not tell which exist. Returns the keys counted."""
    budgets = [(f"login#pair#{client}#{username}", PAIR_LIMIT), (f"login#account#{username}", ACCOUNT_LIMIT),
               (f"login#address#{client}", config.login_address_limit())]
    counted: list[str] = []
    for key, limit in budgets:
        if not ports.throttle.allow(key, limit, LOGIN_WINDOW, now):
            _uncount(counted, now)
            wait = ports.throttle.retry_after(LOGIN_WINDOW, now)
            raise TooManyRequests(f"密码错误次数过多，请{math.ceil(wait / 60)}分钟后再试",
                                  code="too_many_attempts", retry_after=wait)
        counted.append(key)
    return counted


def _uncount(keys: list[str], now: float) -> None:
    """A right password was no guess: give its attempt back."""
    for key in keys:
        ports.throttle.release(key, LOGIN_WINDOW, now)


def _checked(username: str, password: str, client: str) -> dict | None:
    """The account if the password is right (and it is active), the attempt counted either way."""
    now = ports.clock.now()
    counted = _count_attempt(username, client, now)
    user = ports.master.get("users", username=username)
    # Hash even for an unknown user, so timing does not tell which usernames exist.
    ok = auth.verify_password(password, user["password_hash"] if user else auth.dummy_hash())
    if not user or not ok or not user.get("active", True):
        return None
    _uncount(counted, now)
    return user


def _session(user: dict) -> dict:
    token, expires = auth.issue_token(_principal(user))
    return {"token": token, "expires_at": expires, "user": public_user(user)}


def login(username: str, password: str, client: str = "unknown") -> dict:
    user = _checked(username, password, client)
    if not user:
        raise Unauthenticated("用户名或密码错误", code="bad_credentials")
    return _session(user)


def logout(principal: Principal) -> dict:
    """退出: every token of this account stops working (all its sessions end)."""
    ports.master.update_user(principal.username, {}, withdraw_tokens=True)
    return {"logged_out": True}


def change_password(principal: Principal, old_password: str, new_password: str, client: str) -> dict:
    """修改密码: the old password, counted like a login attempt, then the new one under the rule. Every
    older token is withdrawn; the answer is a new session for the caller."""
    user = _checked(principal.username, old_password, client)
    if not user:
        raise InvalidInput("原密码不正确", code="wrong_password", details={"field": "old_password"})
    passwords.check(new_password, principal.username, field="new_password")
    if new_password == old_password:
        raise InvalidInput("新密码不能与原密码相同", code="weak_password", details={"field": "new_password"})
    changed = ports.master.update_user(principal.username, {"password_hash": auth.hash_password(new_password)},
                                withdraw_tokens=True, expect_hash=user["password_hash"])
    if not changed:
        raise Conflict("密码已被修改，请重新登录后再试", code="password_changed")
    return _session(changed)


def list_users() -> list[dict]:
    """账号管理: every account, for the admin."""
    return sorted(({**public_user(u), "active": u.get("active", True)} for u in ports.master.all_users()),
                  key=lambda u: (u["role"], u["org_id"] or "", u["username"]))


@requires(Role.ADMIN)
def set_active(admin: Principal, username: str, active: bool) -> dict:
    """停用 withdraws the account's tokens at once; 启用 lets it log in again."""
    if username == admin.username:
        raise Conflict("不能停用或启用当前登录的账号", code="own_account")
    return _admin_update(username, {"active": active}, withdraw_tokens=not active)


@requires(Role.ADMIN)
def reset_password(admin: Principal, username: str, new_password: str) -> dict:
    """重置密码: the admin sets a new password under the rule; the account's tokens are withdrawn."""
    passwords.check(new_password, username, field="new_password")
    return _admin_update(username, {"password_hash": auth.hash_password(new_password)}, withdraw_tokens=True)


def _admin_update(username: str, fields: dict, withdraw_tokens: bool) -> dict:
    user = ports.master.update_user(username, fields, withdraw_tokens=withdraw_tokens)
    if not user:
        raise NotFound("账号不存在", code="user_not_found")
    return {**public_user(user), "active": user.get("active", True)}


def display_names(usernames) -> dict[str, str]:
    """Each known username's display name (the screens show people, not login names); the username itself
    for an account without one. Unknown names (``system``, deleted accounts) are absent."""
    wanted = {u for u in usernames if u}
    return {u["username"]: u.get("display_name") or u["username"]
            for u in ports.master.get_many("users", [{"username": name} for name in wanted])}


def still_valid(principal: Principal) -> bool:
    """A token stays good only while its account is active with the same role and organisation, and no
    logout, password change or deactivation has withdrawn its generation."""
    user = ports.master.get("users", username=principal.username)
    return bool(user and user.get("active", True) and user["role"] == principal.role.value
                and user.get("org_id") == principal.org_id and user.get("candidate_no") == principal.candidate_no
                and int(user.get("token_gen") or 0) == principal.token_gen)


def me(principal: Principal) -> dict:
    user = ports.master.get("users", username=principal.username)
    if not user:
        raise NotFound("账号不存在", code="user_not_found")
    return public_user(user)


def create_user(username: str, password: str, role: str, org_id: str | None = None,
                candidate_no: str | None = None, display_name: str = "") -> dict:
    """Create an account (admin, demo loader, and the production bootstrap command)."""
    role_ = Role(role)
    passwords.check(password, username)
    if ports.master.get("users", username=username):
        raise Conflict(f"用户名“{username}”已存在", code="user_exists")
    if role_ in ORG_ROLES:
        kind = "orgs" if role_ in TEO_ROLES else "colleges"
        if not org_id or not ports.master.get(kind, id=org_id):
            raise InvalidInput("所属机构不存在", code="unknown_org")
        if role_ in (Role.TEO_SIGNER, Role.COLLEGE_SIGNER) and any(
                u["role"] == role_.value for u in ports.master.users_of_org(org_id)):
            raise Conflict("每个机构只允许有一个负责人账号", code="signer_exists")
    else:
        org_id = None
    if role_ is Role.CANDIDATE:
        try:
            candidate_no = md.candidate_no(candidate_no)
        except ValueError as exc:
            raise InvalidInput(f"candidate_no：{exc}", code="invalid_input",
                               details={"field": "candidate_no"}) from None
        if not ports.master.get("candidates", candidate_no=candidate_no):
            raise InvalidInput("考生不存在", code="unknown_candidate")
    else:
        candidate_no = None
    user = {"username": username, "role": role_.value, "org_id": org_id, "candidate_no": candidate_no,
            "display_name": display_name, "password_hash": auth.hash_password(password), "active": True}
    if not ports.master.put_new("users", user):       # two creations at once: only one may take the name
        raise Conflict(f"用户名“{username}”已存在", code="user_exists")
    return public_user(user)
