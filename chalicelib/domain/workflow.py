"""The issuance record's eight statuses and every allowed transition (SPEC.md). Pure: no AWS."""
from enum import Enum

from .access import COLLEGE_ROLES, TEO_ROLES, Role
from .errors import Conflict, Forbidden, InvalidInput


class Status(str, Enum):
    TEO_PENDING = "TEO_PENDING"
    TEO_REJECTED = "TEO_REJECTED"
    SITE_PENDING = "SITE_PENDING"
    SITE_REJECTED = "SITE_REJECTED"
    READY = "READY"
    GENERATING = "GENERATING"
    STAMP_FAILED = "STAMP_FAILED"
    ISSUED = "ISSUED"


LABELS = {
    Status.TEO_PENDING: "培训评价组织待签发", Status.TEO_REJECTED: "培训评价组织拒绝签发",
    Status.SITE_PENDING: "考核站点待签发", Status.SITE_REJECTED: "考核站点拒绝签发",
    Status.READY: "证书待发放", Status.GENERATING: "证书生成中",
    Status.STAMP_FAILED: "盖章失败", Status.ISSUED: "完成发放",
}


class Action(str, Enum):
    TEO_SIGN = "teo_sign"
    TEO_REJECT = "teo_reject"
    SITE_SIGN = "site_sign"
    SITE_REJECT = "site_reject"
    ISSUE = "issue"
    STAMPED = "stamped"
    STAMP_FAIL = "stamp_fail"
    REISSUE = "reissue"


# (action, from) -> to. Nothing else is allowed.
TRANSITIONS: dict[tuple[Action, Status], Status] = {
    (Action.TEO_SIGN, Status.TEO_PENDING): Status.SITE_PENDING,
    (Action.TEO_SIGN, Status.TEO_REJECTED): Status.SITE_PENDING,
    (Action.TEO_REJECT, Status.TEO_PENDING): Status.TEO_REJECTED,
    (Action.SITE_SIGN, Status.SITE_PENDING): Status.READY,
    (Action.SITE_SIGN, Status.SITE_REJECTED): Status.READY,
    (Action.SITE_REJECT, Status.SITE_PENDING): Status.SITE_REJECTED,
    (Action.SITE_REJECT, Status.SITE_REJECTED): Status.SITE_REJECTED,
    (Action.ISSUE, Status.READY): Status.GENERATING,
    (Action.STAMPED, Status.GENERATING): Status.ISSUED,
    (Action.STAMP_FAIL, Status.GENERATING): Status.STAMP_FAILED,
    (Action.REISSUE, Status.STAMP_FAILED): Status.READY,
    (Action.REISSUE, Status.ISSUED): Status.READY,
}

# Who may take each action. The worker's own actions (stamped / stamp_fail) are taken by the system.
ACTION_ROLES: dict[Action, frozenset[Role]] = {
    Action.TEO_SIGN: frozenset({Role.TEO_SIGNER}),
    Action.TEO_REJECT: frozenset({Role.TEO_SIGNER}),
    Action.SITE_SIGN: frozenset({Role.COLLEGE_SIGNER}),
    Action.SITE_REJECT: frozenset({Role.COLLEGE_SIGNER}),
    Action.ISSUE: frozenset({Role.TEO}),
    Action.REISSUE: frozenset({Role.TEO}),
    Action.STAMPED: frozenset(),
    Action.STAMP_FAIL: frozenset(),
}

# How a certificate is issued (发证方式), as the screens and files name it.
METHODS = {"electronic": "电子证书", "paper": "纸质证书"}

REASON_REQUIRED = frozenset({Action.TEO_REJECT, Action.SITE_REJECT, Action.STAMP_FAIL})
MAX_REASON = 500

# Signing sessions: which statuses one side's "sign" or "reject" can move.
SIGN_ACTIONS = {("teo", "sign"): Action.TEO_SIGN, ("teo", "reject"): Action.TEO_REJECT,
                ("site", "sign"): Action.SITE_SIGN, ("site", "reject"): Action.SITE_REJECT}


def sources(action: Action) -> list[Status]:
    return [s for (a, s) in TRANSITIONS if a is action]


def next_status(status: Status | str, action: Action, reason: str | None = None) -> Status:
    """The status after ``action``, or a Conflict naming the current status; nothing changes on error."""
    status = Status(status)
    if action in REASON_REQUIRED:
        check_reason(reason)
    target = TRANSITIONS.get((action, status))
    if target is None:
        raise Conflict(f"当前状态为「{LABELS[status]}」，不能执行此操作", code="illegal_transition",
                       details={"status": status.value})
    return target


def check_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("请填写拒绝签发理由", code="reason_required")
    if len(text) > MAX_REASON:
        raise InvalidInput(f"理由不能超过{MAX_REASON}个字", code="reason_too_long")
    return text


def authorize(role: Role, action: Action) -> None:
    if role not in ACTION_ROLES[action]:
        raise Forbidden("当前账号的角色无权执行此操作", code="role_forbidden")


def side_of(role: Role) -> str | None:
    """``teo`` or ``site``: which party of the sign-off a role belongs to."""
    if role in TEO_ROLES:
        return "teo"
    if role in COLLEGE_ROLES:
        return "site"
    return None


def can_delete(status: Status | str, signed: bool) -> bool:
    """Only a generated record nobody has signed yet may be deleted."""
    return Status(status) is Status.TEO_PENDING and not signed


# The buttons of a row, per status and side, as the manual lists them.
ROW_ACTIONS: dict[tuple[str, Status], list[str]] = {
    ("teo", Status.TEO_PENDING): ["view", "sign", "delete"],
    ("teo", Status.TEO_REJECTED): ["view", "resign"],
    ("site", Status.SITE_PENDING): ["view", "sign"],
    ("site", Status.SITE_REJECTED): ["view", "resign"],
    ("teo", Status.READY): ["view", "issue"],
    ("teo", Status.STAMP_FAILED): ["view", "reissue"],
    ("teo", Status.ISSUED): ["view", "reissue", "download"],
    ("site", Status.ISSUED): ["view", "download"],
}


def row_actions(role: Role | None, status: Status | str, signed: bool) -> list[str]:
    """Responsible persons act through signing sessions only; in lists they view (and download)."""
    if role in (Role.TEO_SIGNER, Role.COLLEGE_SIGNER):
        return ["view", "download"] if Status(status) is Status.ISSUED else ["view"]
    side = side_of(role) if role else None
    actions = list(ROW_ACTIONS.get((side or "", Status(status)), ["view"]))
    if "delete" in actions and not can_delete(status, signed):
        actions.remove("delete")
    return actions
