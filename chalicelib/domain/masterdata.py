"""Master data (F10): the fields of each kind, their Chinese column titles and their validation.

One declaration per kind serves the JSON admin endpoints and the xlsx import alike, so both accept and
refuse exactly the same values. Checks that need the store (does the referenced org exist?) are the
service's; everything that can be decided from the row alone is here.
"""
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable

from . import idcard
from .errors import InvalidInput

LEVELS = ("初级", "中级", "高级")
STUDENT_TYPES = ("社会考生", "院校考生")
PASSED, FAILED = "已通过", "未通过"

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
CANDIDATE_NO = re.compile(r"^\d{26}$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_YES = {"是", "有", "true", "1", "yes", "y"}
_NO = {"否", "无", "false", "0", "no", "n", ""}


def _text(value: Any, *, max_len: int = 100) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in text):
        raise ValueError("不能包含控制字符")
    if len(text) > max_len:
        raise ValueError(f"不能超过{max_len}个字符")
    return text


def code(value: Any) -> str:
    text = _text(value, max_len=64)
    if not _CODE.match(text):
        raise ValueError("只能由字母、数字、下划线、点和连字符组成，且不超过64个字符")
    return text


def name(value: Any) -> str:
    return _text(value)


def optional_text(value: Any) -> str:
    return _text(value)


def mobile(value: Any) -> str:
    text = _text(value, max_len=20)
    if text and not _MOBILE.match(text):
        raise ValueError("应为11位中国大陆手机号，以1开头，如13800138000")
    return text


def email(value: Any) -> str:
    text = _text(value, max_len=254)
    if text and not _EMAIL.match(text):
        raise ValueError("邮箱格式错误，应如 name@example.com")
    return text


def level(value: Any) -> str:
    text = _text(value, max_len=10)
    if text not in LEVELS:
        raise ValueError(f"应为{'、'.join(LEVELS)}之一")
    return text


def _items(value: Any, parse: Callable[[Any], Any], max_len: int) -> list:
    """A list given as a JSON array or as text separated by commas, 、, semicolons or spaces; deduplicated."""
    items = value if isinstance(value, list) else re.split(r"[,，、;；\s]+", _text(value, max_len=max_len))
    result = []
    for item in items:
        if str(item).strip():
            parsed = parse(item)
            if parsed not in result:
                result.append(parsed)
    return result


def levels(value: Any) -> list[str]:
    result = _items(value, level, max_len=100)
    if not result:
        raise ValueError(f"至少填写一个等级（{'、'.join(LEVELS)}）")
    return sorted(result, key=LEVELS.index)


def codes(value: Any) -> list[str]:
    result = _items(value, code, max_len=2000)
    if not result:
        raise ValueError("至少填写一个代码")
    return result


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value, max_len=10).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError("应为“是”或“否”")


def exam_year(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("应为四位年份，如2021")
    try:
        year = int(_text(value, max_len=4))
    except ValueError:
        raise ValueError("应为四位年份，如2021") from None
    if not 2000 <= year <= 2100:
        raise ValueError("应为2000至2100之间的年份")
    return year


def candidate_no(value: Any) -> str:
    text = _text(value, max_len=40)
    if not CANDIDATE_NO.match(text):
        raise ValueError("考生编号应为26位数字")
    return text


def id_number(value: Any) -> str:
    """An ID number, when given, must be valid; an empty one is accepted as incomplete information."""
    text = idcard.normalize(_text(value, max_len=30))
    if text:
        why = idcard.problem(text)
        if why:
            raise ValueError(why.removeprefix("身份证号"))
    return text


def student_type(value: Any) -> str:
    text = _text(value, max_len=10)
    if text not in STUDENT_TYPES:
        raise ValueError(f"应为{'或'.join(STUDENT_TYPES)}")
    return text


def exam_outcome(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value, max_len=10)
    if text in (PASSED, "通过", "合格"):
        return True
    if text in (FAILED, "不通过", "不合格"):
        return False
    raise ValueError(f"应为“{PASSED}”或“{FAILED}”")


def score(value: Any) -> float | None:
    text = _text(value, max_len=10)
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise ValueError("应为0至100之间的数字") from None
    if not 0 <= number <= 100:
        raise ValueError("应为0至100之间的数字")
    return number


@dataclass(frozen=True)
class Field:
    key: str
    title: str                 # the column title in xlsx files, and the field's name in messages
    parse: Callable[[Any], Any]
    required: bool = True
    default: Any = None


_CONTACT = (
    Field("contact_name", "联系人姓名", optional_text, required=False, default=""),
    Field("contact_phone", "联系人手机号", mobile, required=False, default=""),
    Field("contact_email", "联系人邮箱", email, required=False, default=""),
)

KINDS: dict[str, tuple[Field, ...]] = {
    "orgs": (Field("id", "机构代码", code), Field("name", "机构名称", name)) + _CONTACT,
    "colleges": (Field("id", "院校代码", code), Field("name", "院校名称", name)) + _CONTACT,
    "certificates": (
        Field("id", "证书代码", code),
        Field("name", "证书名称", name),
        Field("org_id", "颁证机构代码", code),
        Field("levels", "证书等级", levels),
        Field("requires_photo", "需要照片", flag, required=False, default=False),
        Field("template", "证书模板", code, required=False, default="default"),
    ),
    "plans": (
        Field("id", "考试计划代码", code),
        Field("name", "考试计划名称", name),
        Field("exam_year", "考试年度", exam_year),
        Field("certificate_id", "证书代码", code),
        Field("levels", "证书等级", levels),
        Field("site_ids", "考核站点代码", codes),
    ),
    "candidates": (
        Field("candidate_no", "考生编号", candidate_no),
        Field("name", "考生姓名", optional_text, required=False, default=""),
        Field("id_number", "身份证号", id_number, required=False, default=""),
        Field("student_type", "学生类型", student_type),
        Field("college_id", "所属院校代码", code),
    ),      # has_photo is not imported: it follows the stored photo (照片导入, services/photos.py)
    "results": (
        Field("candidate_no", "考生编号", candidate_no),
        Field("plan_id", "考试计划代码", code),
        Field("level", "证书等级", level),
        Field("site_id", "考核站点代码", code),
        Field("passed", "考核状态", exam_outcome),
        Field("score", "成绩", score, required=False, default=None),
    ),
}

# The natural key of each kind: a row with the same key twice in one import is an error.
NATURAL_KEYS = {
    "orgs": ("id",), "colleges": ("id",), "certificates": ("id",), "plans": ("id",),
    "candidates": ("candidate_no",), "results": ("candidate_no", "plan_id", "level"),
}


def parse_row(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Validate one row of ``kind`` given by field key or by column title; every problem is reported at once."""
    if kind not in KINDS:
        raise InvalidInput(f"未知的数据类型：{kind}", code="unknown_kind")
    if not isinstance(raw, dict):
        raise InvalidInput("每条数据应为一个对象", code="invalid_row")
    row: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for f in KINDS[kind]:
        value = raw.get(f.key, raw.get(f.title))
        empty = value is None or (isinstance(value, str) and not value.strip()) or value == []
        if empty:
            if f.required:
                problems[f.key] = f"{f.title}不能为空"
            else:
                row[f.key] = f.default
            continue
        try:
            row[f.key] = f.parse(value)
        except ValueError as exc:
            problems[f.key] = f"{f.title}：{exc}"
    if problems:
        # A single problem names its field, so a form can show it there.
        raise InvalidInput("；".join(problems.values()), code="invalid_row",
                           details={"field": next(iter(problems))} if len(problems) == 1 else None)
    return row


def titles(kind: str) -> list[str]:
    return [f.title for f in KINDS[kind]]


def required_titles(kind: str) -> list[str]:
    return [f.title for f in KINDS[kind] if f.required]


def personal_info_problems(candidate: dict[str, Any], requires_photo: bool) -> list[str]:
    """Why a candidate's personal information is not complete and valid for issuing (F3)."""
    problems = []
    if not (candidate.get("name") or "").strip():
        problems.append("考生姓名缺失")
    why = idcard.problem(candidate.get("id_number"))
    if why:
        problems.append(why)
    if requires_photo and not candidate.get("has_photo"):
        problems.append("缺少考生照片")
    return problems
