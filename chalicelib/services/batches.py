"""The records a batch acts on (sign, issue, re-issue, download): the ids given, or every record in scope
matching a filter, each re-read strongly and checked for its status; with why each other one was skipped."""
from .. import ports
from ..domain.access import Principal
from ..domain.errors import Conflict, InvalidInput
from ..domain.filters import parse_filter
from ..domain.workflow import LABELS, Status
from . import records
from .scope import in_scope


def select(principal: Principal, record_ids: list[str] | None, filter_: dict | None, statuses: list[str],
           verb: str, limit: int) -> tuple[list[dict], list[dict]]:
    """The records a batch acts on: the given ids (each checked for scope and status) or everything in
    scope matching the filter, in one of ``statuses``, re-read strongly. Returns (chosen, skipped with why)."""
    skipped: list[dict] = []
    if record_ids is not None:
        found = {r["id"]: r for r in ports.records.get_many(record_ids)}
        chosen = []
        for rid in dict.fromkeys(record_ids):
            rec = found.get(rid)
            if rec is None or not in_scope(principal, rec):
                skipped.append({"id": rid, "reason": "发证记录不存在"})
            elif rec["status"] not in statuses:
                label = LABELS[Status(rec["status"])]
                skipped.append({"id": rid, "reason": f"当前状态为「{label}」，不能{verb}"})
            else:
                chosen.append(rec)
    else:
        listed = records.matching(principal, parse_filter(filter_), statuses=statuses)
        if len(listed) > limit:
            raise InvalidInput(f"一次最多处理{limit}条记录，请缩小筛选范围", code="too_many_records")
        # The tab index is eventually consistent: re-read each record (strongly) before acting on it.
        fresh = {r["id"]: r for r in ports.records.get_many(r["id"] for r in listed)}
        chosen = [fresh[r["id"]] for r in listed if r["id"] in fresh and fresh[r["id"]]["status"] in statuses]
    if not chosen:
        raise Conflict(f"没有可{verb}的记录", code="nothing_to_do", details={"skipped": skipped})
    if len(chosen) > limit:
        raise InvalidInput(f"一次最多处理{limit}条记录", code="too_many_records")
    return chosen, skipped
