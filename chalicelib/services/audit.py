"""The audit events of people's actions on records, and how a batch tells which records did not move."""
from .. import ports
from ..domain.access import Principal


def event(principal: Principal, action, **extra) -> dict:
    """The audit event of a person's action on records (``action``: an ``Action`` or a plain name)."""
    return {"actor": principal.username, "role": principal.role.value, "org_id": principal.org_id,
            "action": getattr(action, "value", action), "at": ports.clock.now_iso(), **extra}


def unapplied(lost: list[str], busy: list[str], busy_hint: str) -> list[dict]:
    """Why records of a batch did not move: someone else moved them first, or the table stayed busy."""
    return ([{"id": rid, "reason": "记录已被他人处理，状态已变化"} for rid in lost]
            + [{"id": rid, "reason": f"系统繁忙，未能处理，{busy_hint}"} for rid in busy])
