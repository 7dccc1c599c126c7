"""Login, the caller, and account creation."""
from chalice import Blueprint

from ..domain.access import Role
from ..services import accounts
from .http import endpoint
from .schemas import CODE, obj

bp = Blueprint(__name__)

_LOGIN = obj({"username": {"type": "string", "minLength": 1, "maxLength": 64},
              "password": {"type": "string", "minLength": 1, "maxLength": 256}}, ["username", "password"])


@endpoint(bp, "/auth/login", "POST", summary="Log in; returns a bearer token", tag="auth", public=True,
          body=_LOGIN)
def login(body):
    return accounts.login(body["username"], body["password"])


@endpoint(bp, "/me", summary="The signed-in user", tag="auth")
def me(principal):
    return accounts.me(principal)


_NEW_USER = obj({
    "username": {"type": "string", "minLength": 3, "maxLength": 64, "pattern": r"^[A-Za-z0-9_.-]+$"},
    "password": {"type": "string", "minLength": 8, "maxLength": 256},
    "role": {"enum": [r.value for r in Role]},
    "org_id": CODE,
    "candidate_no": {"type": "string", "maxLength": 26},
    "display_name": {"type": "string", "maxLength": 100},
}, ["username", "password", "role"])


@endpoint(bp, "/admin/users", "POST", summary="Create an account", tag="admin", roles=(Role.ADMIN,),
          body=_NEW_USER, status=201)
def create_user(principal, body):
    return accounts.create_user(**body)
