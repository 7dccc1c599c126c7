"""The issuance record's eight statuses and every allowed transition (SPEC.md). Pure: no AWS.

The one place that says what a record may do: a new status or action is added here (its label, its
transitions, who takes it, its row button) and proved in ``tests/unit/test_workflow.py``; the UI reads the
same vocabulary from ``web/src/lifecycle.json``, generated from :func:`vocabulary`.
"""
from collections.abc import Mapping
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
    REVOKE = "revoke"


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
    # Revocation keeps the record ISSUED (the eight tabs stay the manual's) and sets its stored ``revoked``
    # flag; a revoked record allows neither action again (see ENDED_BY_REVOCATION).
    (Action.REVOKE, Status.ISSUED): Status.ISSUED,
}

# A revoked certificate stays revoked: it is never re-issued nor revoked twice.
ENDED_BY_REVOCATION = frozenset({Action.REISSUE, Action.REVOKE})

# What the audit trail calls each action, and the record's two events outside the table.
ACTION_LABELS = {
    Action.TEO_SIGN: "培训评价组织确认签发", Action.TEO_REJECT: "培训评价组织拒绝签发",
    Action.SITE_SIGN: "考核站点确认签发", Action.SITE_REJECT: "考核站点拒绝签发", Action.ISSUE: "发放证书",
    Action.STAMPED: "盖章完成", Action.STAMP_FAIL: "盖章失败", Action.REISSUE: "重新发放", Action.REVOKE: "撤销证书",
}
EVENT_LABELS = {"generate": "生成发证记录", **{a.value: label for a, label in ACTION_LABELS.items()}, "delete": "删除"}

# Who may take each action. The worker's own actions (stamped / stamp_fail) are taken by the system.
ACTION_ROLES: dict[Action, frozenset[Role]] = {
    Action.TEO_SIGN: frozenset({Role.TEO_SIGNER}),
    Action.TEO_REJECT: frozenset({Role.TEO_SIGNER}),
    Action.SITE_SIGN: frozenset({Role.COLLEGE_SIGNER}),
    Action.SITE_REJECT: frozenset({Role.COLLEGE_SIGNER}),
    Action.ISSUE: frozenset({Role.TEO}),
    Action.REISSUE: frozenset({Role.TEO}),
    Action.REVOKE: frozenset({Role.TEO}),
    Action.STAMPED: frozenset(),
    Action.STAMP_FAIL: frozenset(),
}

# How a certificate is issued (发证方式), as the screens and files name it.
METHODS = {"electronic": "电子证书", "paper": "纸质证书"}

REASON_REQUIRED = frozenset({Action.TEO_REJECT, Action.SITE_REJECT, Action.STAMP_FAIL, Action.REVOKE})
_REASON_NAMES = {Action.REVOKE: "撤销原因"}      # otherwise the reason of a refusal
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
        check_reason(reason, _REASON_NAMES.get(action, "拒绝签发理由"))
    target = TRANSITIONS.get((action, status))
    if target is None:
        raise Conflict(f"当前状态为「{LABELS[status]}」，不能执行此操作", code="illegal_transition",
                       details={"status": status.value})
    return target


def check_reason(reason: str | None, name: str = "拒绝签发理由") -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(f"请填写{name}", code="reason_required")
    if len(text) > MAX_REASON:
        raise InvalidInput(f"理由不能超过{MAX_REASON}个字", code="reason_too_long")
    return text


def is_revoked(rec: Mapping) -> bool:
    """Whether the certificate was revoked: the stored flag of an ISSUED record (absent on older items)."""
    return bool(rec.get("revoked"))


def allows(action: Action, rec: Mapping) -> bool:
    """Whether the record's state allows ``action``: the transition table, then the revocation flag."""
    if (action, Status(rec["status"])) not in TRANSITIONS:
        return False
    return not (action in ENDED_BY_REVOCATION and is_revoked(rec))


def can(action: Action, rec: Mapping, role: Role | None) -> bool:
    """Whether ``role`` may take ``action`` on ``rec`` now (what the buttons and the checks both ask)."""
    return role in ACTION_ROLES[action] and allows(action, rec)


# Refusals in the action's own words where the generic "current status" message would mislead.
_NOT_REVOCABLE = ("只有已发放且未撤销的证书可以撤销", "not_revocable")
_ENDED = {Action.REISSUE: ("证书已撤销，不能重新发放", "revoked")}


def _refusal(action: Action, rec: Mapping) -> tuple[str, str] | None:
    if allows(action, rec):
        return None
    if action is Action.REVOKE:
        return _NOT_REVOCABLE
    if is_revoked(rec) and action in _ENDED:
        return _ENDED[action]
    return f"当前状态为「{LABELS[Status(rec['status'])]}」，不能执行此操作", "illegal_transition"


def refusal(action: Action, rec: Mapping) -> str | None:
    """Why ``rec`` cannot take ``action`` now (a batch's skip reason), or None when it can."""
    found = _refusal(action, rec)
    return found[0] if found else None


def check_allowed(action: Action, rec: Mapping) -> None:
    """A Conflict unless the record's state allows ``action``."""
    found = _refusal(action, rec)
    if found:
        raise Conflict(found[0], code=found[1], details={"status": rec["status"]})


def roles_for(action: Action) -> tuple[Role, ...]:
    """Who may take ``action``, for a use case's ``requires``."""
    return tuple(sorted(ACTION_ROLES[action]))


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
    ("teo", Status.ISSUED): ["view", "reissue", "revoke", "download"],
    ("site", Status.ISSUED): ["view", "download"],
}


ROW_ACTION_LABELS = {
    "view": "查看", "sign": "签发", "resign": "重新签发", "delete": "删除", "issue": "发放", "reissue": "重新发放",
    "revoke": "撤销证书", "download": "下载电子证书",
}
# Row buttons that are an action of the transition table, so the table decides whether they show.
_BUTTON_ACTIONS = {"issue": Action.ISSUE, "reissue": Action.REISSUE, "revoke": Action.REVOKE}


def row_actions(role: Role | None, rec: Mapping) -> list[str]:
    """The buttons of a record's row. Responsible persons act through signing sessions only; in lists they
    view (and download)."""
    status = Status(rec["status"])
    if role in (Role.TEO_SIGNER, Role.COLLEGE_SIGNER):
        return ["view", "download"] if status is Status.ISSUED else ["view"]
    side = side_of(role) if role else None
    actions = ROW_ACTIONS.get((side or "", status), ["view"])
    return [a for a in actions
            if not (a == "delete" and not can_delete(status, bool(rec.get("signed"))))
            and not (a in _BUTTON_ACTIONS and not can(_BUTTON_ACTIONS[a], rec, role))]


def vocabulary() -> dict:
    """What the UI shows of the lifecycle: statuses with labels (the eight tabs, in the manual's order),
    row buttons and audit events with labels, how a certificate is issued. Written to ``web/src/lifecycle.json``."""
    return {"statuses": [[s.value, LABELS[s]] for s in Status], "actions": dict(ROW_ACTION_LABELS),
            "events": EVENT_LABELS, "methods": dict(METHODS)}
