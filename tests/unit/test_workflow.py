import itertools
import json
from pathlib import Path

import pytest

from chalicelib.domain import workflow as wf
from chalicelib.domain.access import Role
from chalicelib.domain.errors import Conflict, Forbidden, InvalidInput
from chalicelib.domain.workflow import Action, Status

ALLOWED = {
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
    (Action.REVOKE, Status.ISSUED): Status.ISSUED,
}


@pytest.mark.parametrize("action, status", list(itertools.product(Action, Status)))
def test_every_pair_is_allowed_exactly_as_specified(action, status):
    if (action, status) in ALLOWED:
        assert wf.next_status(status, action, reason="理由") is ALLOWED[(action, status)]
    else:
        with pytest.raises(Conflict) as exc:
            wf.next_status(status, action, reason="理由")
        assert wf.LABELS[status] in exc.value.message
        assert exc.value.details == {"status": status.value}


@pytest.mark.parametrize("action", sorted(wf.REASON_REQUIRED))
@pytest.mark.parametrize("reason", [None, "", "   ", "长" * 501])
def test_rejections_need_a_reason(action, reason):
    status = wf.sources(action)[0]
    with pytest.raises(InvalidInput):
        wf.next_status(status, action, reason=reason)


def test_re_signing_after_a_teo_rejection_can_only_confirm():
    with pytest.raises(Conflict):
        wf.next_status(Status.TEO_REJECTED, Action.TEO_REJECT, reason="再次拒绝")


def test_only_the_responsible_person_signs():
    wf.authorize(Role.TEO_SIGNER, Action.TEO_SIGN)
    for role in (Role.TEO, Role.COLLEGE_SIGNER, Role.ADMIN, Role.CANDIDATE):
        with pytest.raises(Forbidden):
            wf.authorize(role, Action.TEO_SIGN)
    with pytest.raises(Forbidden):
        wf.authorize(Role.TEO, Action.STAMPED)


def test_deletion_only_before_any_sign_off():
    assert wf.can_delete(Status.TEO_PENDING, signed=False)
    assert not wf.can_delete(Status.TEO_PENDING, signed=True)
    assert not any(wf.can_delete(s, signed=False) for s in Status if s is not Status.TEO_PENDING)


def rec(status: Status, **more) -> dict:
    return {"status": status.value, **more}


def test_row_buttons_follow_the_manual():
    assert wf.row_actions(Role.TEO, rec(Status.TEO_PENDING, signed=False)) == ["view", "sign", "delete"]
    assert wf.row_actions(Role.TEO, rec(Status.TEO_PENDING, signed=True)) == ["view", "sign"]
    assert wf.row_actions(Role.COLLEGE, rec(Status.SITE_REJECTED, signed=True)) == ["view", "resign"]
    assert wf.row_actions(Role.TEO, rec(Status.ISSUED, signed=True)) == ["view", "reissue", "revoke", "download"]
    assert wf.row_actions(Role.COLLEGE, rec(Status.TEO_PENDING, signed=False)) == ["view"]


def test_responsible_persons_only_view_in_lists():
    assert wf.row_actions(Role.TEO_SIGNER, rec(Status.TEO_PENDING, signed=False)) == ["view"]
    assert wf.row_actions(Role.COLLEGE_SIGNER, rec(Status.READY, signed=True)) == ["view"]
    assert wf.row_actions(Role.TEO_SIGNER, rec(Status.ISSUED, signed=True)) == ["view", "download"]


def test_only_the_teo_revokes_and_only_an_issued_certificate_not_yet_revoked():
    issued = rec(Status.ISSUED)
    assert wf.can(Action.REVOKE, issued, Role.TEO)
    for role in (Role.TEO_SIGNER, Role.COLLEGE, Role.COLLEGE_SIGNER, Role.ADMIN, Role.CANDIDATE, None):
        assert not wf.can(Action.REVOKE, issued, role)
    assert [s for s in Status if wf.can(Action.REVOKE, rec(s), Role.TEO)] == [Status.ISSUED]
    with pytest.raises(Conflict) as exc:
        wf.check_allowed(Action.REVOKE, rec(Status.READY))
    assert exc.value.code == "not_revocable"


def test_a_revoked_certificate_stays_revoked():
    revoked = rec(Status.ISSUED, revoked=True, revoked_reason="考试作弊")
    assert wf.is_revoked(revoked) and not wf.is_revoked(rec(Status.ISSUED))     # older items carry no flag
    for action in (Action.REVOKE, Action.REISSUE):
        assert not wf.can(action, revoked, Role.TEO)
        with pytest.raises(Conflict):
            wf.check_allowed(action, revoked)
    assert wf.refusal(Action.REISSUE, revoked) == "证书已撤销，不能重新发放"
    assert wf.row_actions(Role.TEO, revoked) == ["view", "download"]
    assert wf.row_actions(Role.COLLEGE, revoked) == ["view", "download"]


def test_a_revocation_needs_its_reason():
    with pytest.raises(InvalidInput) as exc:
        wf.next_status(Status.ISSUED, Action.REVOKE, reason=" ")
    assert exc.value.message == "请填写撤销原因"


def test_every_row_button_has_a_label_and_every_status_is_a_tab():
    buttons = {a for actions in wf.ROW_ACTIONS.values() for a in actions} | {"download"}
    assert buttons <= set(wf.ROW_ACTION_LABELS)
    assert {a.value for a in Action} <= set(wf.vocabulary()["events"])
    assert [key for key, _ in wf.vocabulary()["statuses"]] == [s.value for s in Status]
    assert len(Status) == 8                      # the manual's eight tabs; revocation is no ninth status


def test_the_ui_reads_the_lifecycle_the_domain_declares():
    """web/src/lifecycle.json is generated (scripts/lifecycle_json.py); a change here without it fails."""
    committed = Path(__file__).resolve().parents[2] / "web" / "src" / "lifecycle.json"
    assert json.loads(committed.read_text(encoding="utf-8")) == wf.vocabulary(), \
        "run .venv/bin/python scripts/lifecycle_json.py"
