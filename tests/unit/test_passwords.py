"""The rule for new passwords, and the token generation a token carries."""
import pytest

from chalicelib import auth
from chalicelib.domain import passwords
from chalicelib.domain.access import Principal, Role
from chalicelib.domain.errors import InvalidInput


@pytest.mark.parametrize("password, words", [
    ("abc123", "不能少于8位"), ("a1" * 65, "不能超过128位"), (" abcdef12", "首尾"), ("abcdefgh", "字母和数字"),
    ("12345678", "字母和数字"), ("密码密码密码密码1", "字母和数字"), ("xTeo-2024x", "用户名"), ("a1a1a1a1", "过于简单"),
])
def test_weak_passwords_are_refused_with_the_reason(password, words):
    with pytest.raises(InvalidInput) as exc:
        passwords.check(password, "teo")
    assert exc.value.code == "weak_password" and words in exc.value.message


def test_sensible_passwords_pass():
    for password in ("demo1234", "Fresh-pass-77", "我的密码abc123"):
        passwords.check(password, "teo")


def test_a_token_carries_its_generation():
    token, _ = auth.issue_token(Principal("teo", Role.TEO, org_id="zwl", token_gen=3))
    assert auth.verify_token(token).token_gen == 3
    token, _ = auth.issue_token(Principal("teo", Role.TEO, org_id="zwl"))
    assert auth.verify_token(token).token_gen == 0
