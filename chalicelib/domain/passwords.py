"""The password rule for new passwords (account creation, 修改密码, the admin's reset). Pure."""
from .errors import InvalidInput

MIN_LENGTH = 8
MAX_LENGTH = 128


def check(password: str, username: str, field: str = "password") -> None:
    """Accept a new password or say, in Chinese, what it lacks."""
    problem = None
    if len(password) < MIN_LENGTH:
        problem = f"密码长度不能少于{MIN_LENGTH}位"
    elif len(password) > MAX_LENGTH:
        problem = f"密码长度不能超过{MAX_LENGTH}位"
    elif password != password.strip():
        problem = "密码首尾不能是空格"
    elif not (any(c.isascii() and c.isalpha() for c in password) and any(c.isdigit() for c in password)):
        problem = "密码须同时包含字母和数字"
    elif username and username.lower() in password.lower():
        problem = "密码不能包含用户名"
    elif len(set(password)) < 4:
        problem = "密码过于简单，请勿使用重复的字符"
    if problem:
        raise InvalidInput(problem, code="weak_password", details={"field": field})
