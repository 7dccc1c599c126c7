import itertools

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


def test_row_buttons_follow_the_manual():
    assert wf.row_actions(Role.TEO, Status.TEO_PENDING, signed=False) == ["view", "sign", "delete"]
    assert wf.row_actions(Role.TEO, Status.TEO_PENDING, signed=True) == ["view", "sign"]
    assert wf.row_actions(Role.COLLEGE, Status.SITE_REJECTED, signed=True) == ["view", "resign"]
    assert wf.row_actions(Role.TEO, Status.ISSUED, signed=True) == ["view", "reissue", "download"]
    assert wf.row_actions(Role.COLLEGE, Status.TEO_PENDING, signed=False) == ["view"]


def test_responsible_persons_only_view_in_lists():
    assert wf.row_actions(Role.TEO_SIGNER, Status.TEO_PENDING, signed=False) == ["view"]
    assert wf.row_actions(Role.COLLEGE_SIGNER, Status.READY, signed=True) == ["view"]
    assert wf.row_actions(Role.TEO_SIGNER, Status.ISSUED, signed=True) == ["view", "download"]
