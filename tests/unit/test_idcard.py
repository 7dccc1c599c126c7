import pytest

from chalicelib.domain import idcard


@pytest.mark.parametrize("number", ["11010519491231002X", "440524200101010010"])
def test_valid_numbers(number):
    assert idcard.problem(number) is None
    assert idcard.is_valid(number.lower())   # a lower-case x is the same number


@pytest.mark.parametrize("number, why", [
    ("", "缺失"),
    ("11010519491231002", "18位"),
    ("1101051949123100211", "18位"),
    ("11010519491231002A", "格式"),
    ("110105194913310021", "出生日期"),       # month 13
    ("110105210001010011", "出生日期"),       # born in the future
    ("110105194912310021", "校验位"),
    ("440524188001010014", "出生日期"),       # the standard's own example: nobody born in 1880 sits an exam
])
def test_invalid_numbers_say_why(number, why):
    assert why in idcard.problem(number)


def test_mask_matches_the_manual():
    assert idcard.mask("513322202116300019") == "513*********0019"
    assert idcard.mask(None) == ""
