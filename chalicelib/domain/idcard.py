"""Mainland resident ID numbers (GB 11643-1999): validation with our Chinese reasons, and masking.
The check digit is python-stdnum's; the reasons say which part is wrong, as stdnum's errors do not."""
import datetime as _dt
import re

from .. import lazy

ric = lazy.module("stdnum.cn.ric")      # python-stdnum costs a cold start: the first check loads it

_SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_digit(first17: str) -> str:
    return ric.calc_check_digit(first17 + "?")      # python-stdnum's helper skips the check position


def problem(id_number: str | None) -> str | None:
    """Return why an ID number is invalid (Chinese, for the user), or None when it is valid."""
    if not id_number:
        return "身份证号缺失"
    value = id_number.strip().upper()
    if len(value) != 18:
        return f"身份证号应为18位，实际为{len(value)}位"
    if not _SHAPE.match(value):
        return "身份证号格式错误：前17位须为数字，末位为数字或X"
    try:
        birth = _dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效"
    if birth.year < 1900 or birth > _dt.date.today():
        return "身份证号中的出生日期无效"
    if check_digit(value[:17]) != value[17]:
        return "身份证号校验位错误"
    return None


def is_valid(id_number: str | None) -> bool:
    return problem(id_number) is None


def normalize(id_number: str | None) -> str:
    return (id_number or "").strip().upper()


def mask(id_number: str | None) -> str:
    """``513*********0019``: the first three and last four characters around nine stars, as the manual shows."""
    value = normalize(id_number)
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * 9 + value[-4:]
