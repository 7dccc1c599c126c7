"""Passwords (salted scrypt) and login tokens (HS256 JWT with an expiry).

The Chalice authorizer (``token_authorizer`` in ``chalicelib.api.endpoint``) calls ``verify_token`` on every
protected route; the claims it returns become the request's ``Principal``.
"""
import base64
import hashlib
import hmac
import secrets
import time
import uuid

import jwt

from . import config
from .domain.access import ORG_ROLES, Principal, Role
from .domain.errors import Unauthenticated

# scrypt cost: ~50 ms and 16 MiB per hash on one core, which makes offline guessing slow.
_N, _R, _P = 2 ** 14, 8, 1
_ISSUER = "skillcert"


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "scrypt${}${}${}${}${}".format(_N, _R, _P, _b64(salt), _b64(digest))


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = hashlib.scrypt(password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p),
                                dklen=len(_unb64(digest)), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, _unb64(digest))


# Compared against when the user does not exist, so a wrong username costs as long as a wrong password.
_DUMMY_HASH = None


def dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(8))
    return _DUMMY_HASH


def issue_token(principal: Principal, now: float | None = None) -> tuple[str, int]:
    """Return the signed token and its expiry (epoch seconds)."""
    now = int(now if now is not None else time.time())
    expires = now + config.token_ttl_seconds()
    claims = {
        "iss": _ISSUER, "sub": principal.username, "role": principal.role.value,
        "iat": now, "exp": expires, "jti": uuid.uuid4().hex,
    }
    if principal.org_id:
        claims["org"] = principal.org_id
    if principal.candidate_no:
        claims["cand"] = principal.candidate_no
    if principal.token_gen:
        claims["gen"] = principal.token_gen
    return jwt.encode(claims, config.token_secret(), algorithm="HS256"), expires


def verify_token(token: str) -> Principal:
    """Check signature, issuer and expiry; raise Unauthenticated for anything else."""
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    try:
        claims = jwt.decode(token, config.token_secret(), algorithms=["HS256"], issuer=_ISSUER,
                            options={"require": ["exp", "iat", "sub", "role"]})
        principal = Principal(username=claims["sub"], role=Role(claims["role"]),
                              org_id=claims.get("org"), candidate_no=claims.get("cand"),
                              token_gen=int(claims.get("gen", 0)))
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("登录已过期，请重新登录", code="token_expired") from None
    except (jwt.InvalidTokenError, ValueError, KeyError, TypeError):
        raise Unauthenticated("登录凭证无效，请重新登录", code="token_invalid") from None
    if principal.role in ORG_ROLES and not principal.org_id:
        raise Unauthenticated("登录凭证无效，请重新登录", code="token_invalid")
    return principal


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
