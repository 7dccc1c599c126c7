"""The record list's filters (考试年度, 考生编号, 考生姓名, and behind 展开: certificate, level, college, plan;
in 完成发放, revoked or not)."""
from dataclasses import dataclass, fields
from typing import Any

from . import masterdata as md
from .errors import InvalidInput
from .workflow import Status

PAGE_SIZES = (10, 20, 50, 100)
ALL = "ALL"


@dataclass(frozen=True)
class RecordFilter:
    status: str = ALL
    exam_year: int | None = None
    candidate_no: str | None = None
    candidate_name: str | None = None
    certificate_id: str | None = None
    level: str | None = None
    college_id: str | None = None        # the assessment site (试点院校)
    plan_id: str | None = None
    revoked: bool | None = None          # not in the tab index: checked on the records themselves

    def matches(self, rec: dict, with_status: bool = True) -> bool:
        return ((not with_status or self.status == ALL or rec.get("status") == self.status)
                and (self.exam_year is None or int(rec.get("exam_year", 0)) == self.exam_year)
                and (self.candidate_no is None or rec.get("candidate_no") == self.candidate_no)
                and (self.candidate_name is None or self.candidate_name in (rec.get("candidate_name") or ""))
                and (self.certificate_id is None or rec.get("certificate_id") == self.certificate_id)
                and (self.level is None or rec.get("level") == self.level)
                and (self.college_id is None or rec.get("site_id") == self.college_id)
                and (self.plan_id is None or rec.get("plan_id") == self.plan_id))

    def matches_bucket(self, bucket: dict) -> bool:
        """Whether a tab counter's records all match (the candidate filters are not bucket-level)."""
        return ((self.exam_year is None or int(bucket["exam_year"]) == self.exam_year)
                and (self.certificate_id is None or bucket["certificate_id"] == self.certificate_id)
                and (self.level is None or bucket["level"] == self.level)
                and (self.college_id is None or bucket["site_id"] == self.college_id)
                and (self.plan_id is None or bucket["plan_id"] == self.plan_id))

    @property
    def finer(self) -> bool:
        """Narrowed by something finer than the tab counters (a candidate's number, part of a name, revoked)."""
        return bool(self.candidate_no or self.candidate_name) or self.revoked is not None


_LABELS = {"status": "颁证状态", "exam_year": "考试年度", "candidate_no": "考生编号", "candidate_name": "考生姓名",
           "certificate_id": "考试证书", "level": "等级", "college_id": "试点院校", "plan_id": "考试计划",
           "revoked": "撤销状态"}


def _field(name: str, parse, value: Any):
    try:
        return parse(value)
    except ValueError as exc:
        label, why = _LABELS[name], str(exc)
        message = why if why.startswith(label) else f"{label}{why}"     # "考生编号应为26位数字", "考试年度应为…"
        raise InvalidInput(message, code="invalid_filter", details={"field": name}) from None


def _status(value: Any) -> str:
    text = str(value).strip()
    if text != ALL and text not in Status.__members__:
        raise ValueError(f"应为 ALL 或 {'、'.join(Status.__members__)}")
    return text


def _flag(value: Any) -> bool:
    text = str(value).strip().lower()
    if text not in ("true", "false"):
        raise ValueError("应为 true 或 false")
    return text == "true"


_PARSERS = {"status": _status, "exam_year": md.exam_year, "candidate_no": md.candidate_no,
            "candidate_name": lambda v: md._text(v, max_len=50), "certificate_id": md.code, "level": md.level,
            "college_id": md.code, "plan_id": md.code, "revoked": _flag}


def parse_filter(raw: dict | None) -> RecordFilter:
    """From query parameters or a JSON ``filter`` object; empty values mean 'any'; unknown keys are refused."""
    raw = raw or {}
    if not isinstance(raw, dict):
        raise InvalidInput("filter 应为对象", code="invalid_filter")
    unknown = set(raw) - {f.name for f in fields(RecordFilter)}
    if unknown:
        raise InvalidInput(f"不支持的筛选条件：{'、'.join(sorted(unknown))}", code="invalid_filter")
    values = {k: _field(k, _PARSERS[k], v) for k, v in raw.items() if v not in (None, "")}
    return RecordFilter(**values)


def parse_page(raw: dict) -> tuple[int, int]:
    try:
        page = int(raw.get("page") or 1)
        size = int(raw.get("page_size") or 10)
    except (TypeError, ValueError):
        raise InvalidInput("page 和 page_size 应为整数", code="invalid_page") from None
    if page < 1 or page > 100000:
        raise InvalidInput("page 应为不小于1的整数", code="invalid_page")
    if size not in PAGE_SIZES:
        raise InvalidInput(f"page_size 应为 {'/'.join(map(str, PAGE_SIZES))} 之一", code="invalid_page")
    return page, size
