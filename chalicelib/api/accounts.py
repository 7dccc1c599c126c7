"""Login and logout, the caller and their password, and the admin's account management."""
from chalice import Blueprint

from ..domain import passwords
from ..domain.access import Role, roles_of
from ..services import accounts
from .endpoint import client_ip, endpoint
from .schemas import CODE, obj

bp = Blueprint(__name__)

_LOGIN = obj({"username": {"type": "string", "minLength": 1, "maxLength": 64},
              "password": {"type": "string", "minLength": 1, "maxLength": 256}}, ["username", "password"])
_NEW_PASSWORD = {"type": "string", "minLength": 1, "maxLength": passwords.MAX_LENGTH}


@endpoint(bp, "/auth/login", "POST", summary="Log in; returns a bearer token (failed attempts are throttled: "
          "429 with Retry-After)", tag="auth", public=True, body=_LOGIN)
def login(body):
    return accounts.login(body["username"], body["password"], client_ip(bp.current_request))


@endpoint(bp, "/auth/logout", "POST", summary="Log out: every token of the account stops working", tag="auth",
          body=obj({}))
def logout(principal, body):
    return accounts.logout(principal)


@endpoint(bp, "/me", summary="The signed-in user", tag="auth")
def me(principal):
    return accounts.me(principal)


@endpoint(bp, "/me/password", "POST", summary="Change my password; older tokens stop working, a new one is "
          "returned", tag="auth", body=obj({"old_password": {"type": "string", "minLength": 1, "maxLength": 256},
                                            "new_password": _NEW_PASSWORD}, ["old_password", "new_password"]))
def change_password(principal, body):
    return accounts.change_password(principal, body["old_password"], body["new_password"],
                                    client_ip(bp.current_request))


_USERNAME = {"type": "string", "minLength": 3, "maxLength": 64, "pattern": r"^[A-Za-z0-9_.-]+$"}
_NEW_USER = obj({
    "username": _USERNAME,
    "password": {"type": "string", "minLength": 8, "maxLength": passwords.MAX_LENGTH},
    "role": {"enum": [r.value for r in Role]},
    "org_id": CODE,
    "candidate_no": {"type": "string", "maxLength": 26},
    "display_name": {"type": "string", "maxLength": 100},
}, ["username", "password", "role"])


@endpoint(bp, "/admin/users", "POST", summary="Create an account", tag="admin", roles=(Role.ADMIN,),
          body=_NEW_USER, status=201)
def create_user(principal, body):
    return accounts.create_user(**body)


@endpoint(bp, "/admin/users", summary="Every account, with whether it is active (账号管理)", tag="admin",
          roles=(Role.ADMIN,))
def list_users(principal):
    return {"items": accounts.list_users()}


@endpoint(bp, "/admin/users/{username}/deactivate", "POST", summary="Deactivate an account; its tokens stop "
          "working at once", tag="admin", roles=roles_of(accounts.set_active), body=obj({}))
def deactivate_user(username, principal, body):
    return accounts.set_active(principal, username, False)


@endpoint(bp, "/admin/users/{username}/activate", "POST", summary="Activate a deactivated account", tag="admin",
          roles=roles_of(accounts.set_active), body=obj({}))
def activate_user(username, principal, body):
    return accounts.set_active(principal, username, True)


@endpoint(bp, "/admin/users/{username}/reset-password", "POST", summary="Set a new password for an account; "
          "its tokens stop working", tag="admin", roles=roles_of(accounts.reset_password),
          body=obj({"new_password": _NEW_PASSWORD}, ["new_password"]))
def reset_password(username, principal, body):
    return accounts.reset_password(principal, username, body["new_password"])
