import time

import jwt
import pytest

from chalicelib import auth
from chalicelib.domain.access import Principal, Role
from chalicelib.domain.errors import Unauthenticated

TEO = Principal("teo", Role.TEO, org_id="zwl")


def test_password_hash_is_salted_and_verifies():
    a, b = auth.hash_password("demo1234"), auth.hash_password("demo1234")
    assert a != b and "demo1234" not in a
    assert auth.verify_password("demo1234", a)
    assert not auth.verify_password("demo12345", a)
    assert not auth.verify_password("demo1234", "garbage")


def test_token_round_trip():
    token, expires = auth.issue_token(TEO)
    assert expires > time.time()
    assert auth.verify_token("Bearer " + token) == TEO


def test_expired_token_is_refused():
    token, _ = auth.issue_token(TEO, now=time.time() - 10 * 86400)
    with pytest.raises(Unauthenticated) as exc:
        auth.verify_token(token)
    assert exc.value.code == "token_expired"


@pytest.mark.parametrize("forge", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),                     # signature changed
    lambda t: jwt.encode({**jwt.decode(t, options={"verify_signature": False}), "role": "admin"},
                         "another-secret-of-sufficient-length-000000", algorithm="HS256"),
    lambda t: jwt.encode({**jwt.decode(t, options={"verify_signature": False})}, None, algorithm="none"),
    lambda t: "not-a-token",
])
def test_forged_tokens_are_refused(forge):
    token, _ = auth.issue_token(TEO)
    with pytest.raises(Unauthenticated):
        auth.verify_token(forge(token))
