"""Use cases for accounts: log in, who am I, create an account."""
from .. import auth
from ..domain import masterdata as md
from ..domain.access import ORG_ROLES, TEO_ROLES, Principal, Role
from ..domain.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from ..store import masterdata as store


def _principal(user: dict) -> Principal:
    return Principal(username=user["username"], role=Role(user["role"]),
                     org_id=user.get("org_id"), candidate_no=user.get("candidate_no"))


def public_user(user: dict) -> dict:
    return {"username": user["username"], "role": user["role"], "org_id": user.get("org_id"),
            "candidate_no": user.get("candidate_no"), "display_name": user.get("display_name", ""),
            "org_name": _org_name(user)}


def _org_name(user: dict) -> str | None:
    role = Role(user["role"])
    if role in ORG_ROLES:
        org = store.get("orgs" if role in TEO_ROLES else "colleges", id=user["org_id"])
        return org["name"] if org else None
    if role is Role.CANDIDATE and user.get("candidate_no"):
        cand = store.get("candidates", candidate_no=user["candidate_no"])
        return cand["name"] if cand else None
    return None


def login(username: str, password: str) -> dict:
    user = store.get("users", username=username)
    # Hash even for an unknown user, so timing does not tell which usernames exist.
    ok = auth.verify_password(password, user["password_hash"] if user else auth.dummy_hash())
    if not user or not ok or not user.get("active", True):
        raise Unauthenticated("用户名或密码错误", code="bad_credentials")
    token, expires = auth.issue_token(_principal(user))
    return {"token": token, "expires_at": expires, "user": public_user(user)}


def display_names(usernames) -> dict[str, str]:
    """Each known username's display name (the screens show people, not login names); the username itself
    for an account without one. Unknown names (``system``, deleted accounts) are absent."""
    wanted = {u for u in usernames if u}
    return {u["username"]: u.get("display_name") or u["username"]
            for u in store.get_many("users", [{"username": name} for name in wanted])}


def still_valid(principal: Principal) -> bool:
    """A token stays good only while its account is active with the same role and organisation."""
    user = store.get("users", username=principal.username)
    return bool(user and user.get("active", True) and user["role"] == principal.role.value
                and user.get("org_id") == principal.org_id and user.get("candidate_no") == principal.candidate_no)


def me(principal: Principal) -> dict:
    user = store.get("users", username=principal.username)
    if not user:
        raise NotFound("账号不存在", code="user_not_found")
    return public_user(user)


def create_user(username: str, password: str, role: str, org_id: str | None = None,
                candidate_no: str | None = None, display_name: str = "") -> dict:
    """Create an account (admin, demo loader, and the production bootstrap command)."""
    role_ = Role(role)
    if store.get("users", username=username):
        raise Conflict(f"用户名“{username}”已存在", code="user_exists")
    if role_ in ORG_ROLES:
        kind = "orgs" if role_ in TEO_ROLES else "colleges"
        if not org_id or not store.get(kind, id=org_id):
            raise InvalidInput("所属机构不存在", code="unknown_org")
        if role_ in (Role.TEO_SIGNER, Role.COLLEGE_SIGNER) and any(
                u["role"] == role_.value for u in store.users_of_org(org_id)):
            raise Conflict("每个机构只允许有一个负责人账号", code="signer_exists")
    else:
        org_id = None
    if role_ is Role.CANDIDATE:
        try:
            candidate_no = md.candidate_no(candidate_no)
        except ValueError as exc:
            raise InvalidInput(f"candidate_no：{exc}", code="invalid_input",
                               details={"field": "candidate_no"}) from None
        if not store.get("candidates", candidate_no=candidate_no):
            raise InvalidInput("考生不存在", code="unknown_candidate")
    else:
        candidate_no = None
    user = {"username": username, "role": role_.value, "org_id": org_id, "candidate_no": candidate_no,
            "display_name": display_name, "password_hash": auth.hash_password(password), "active": True}
    if not store.put_new("users", user):       # two creations at once: only one may take the name
        raise Conflict(f"用户名“{username}”已存在", code="user_exists")
    return public_user(user)
