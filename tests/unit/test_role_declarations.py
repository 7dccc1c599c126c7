"""Each role check is declared once, on the use case (``requires``): the use case refuses any other role even
when called without a route (the worker, the demo, the bench), and its route reads the same roles."""
import pytest

import app  # noqa: F401 - registers every route
from chalicelib.api.endpoint import ENDPOINTS
from chalicelib.domain.access import Principal, Role, requires, roles_of
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.workflow import ACTION_ROLES, Action
from chalicelib.services import (
    accounts,
    certificates,
    downloads,
    generation,
    issuance,
    masterdata,
    printing,
    records,
    seal_applications,
    signing,
)

GUARDED = [generation.preview, generation.lists, generation.generate, records.delete, printing.get, printing.put,
           printing.calibration_page, printing.preview, printing.record_preview, downloads.start, downloads.view,
           signing.open_session, signing.complete, issuance.issue, issuance.reissue, certificates.mine,
           certificates.revoke, seal_applications.apply, seal_applications.current, seal_applications.pending,
           seal_applications.decide, seal_applications.revoke_seal,
           accounts.set_active, accounts.reset_password, masterdata.list_candidates]


@pytest.mark.parametrize("use_case", GUARDED, ids=lambda f: f"{f.__module__.rsplit('.', 1)[-1]}.{f.__name__}")
def test_a_use_case_refuses_every_other_role_before_it_reads_anything(use_case):
    for role in set(Role) - set(roles_of(use_case)):
        with pytest.raises(Forbidden):
            use_case(Principal("someone", role, org_id="X"), *["x"] * 5)


def test_the_record_actions_require_who_the_transition_table_names():
    assert set(roles_of(issuance.issue)) == ACTION_ROLES[Action.ISSUE]
    assert set(roles_of(issuance.reissue)) == ACTION_ROLES[Action.REISSUE]
    assert set(roles_of(certificates.revoke)) == ACTION_ROLES[Action.REVOKE] == {Role.TEO}


def test_routes_read_their_roles_from_the_use_case():
    roles = {(e.method, e.path): e.roles for e in ENDPOINTS}
    assert roles[("POST", "/records/{record_id}/revoke")] == roles_of(certificates.revoke)
    assert roles[("POST", "/records/reissue")] == roles_of(issuance.reissue)
    assert roles[("POST", "/signing-sessions/{session_id}/complete")] == roles_of(signing.complete)


def test_requires_passes_the_named_roles_through():
    @requires(Role.TEO, Role.ADMIN)
    def use_case(principal, value):
        return value

    assert use_case(Principal("t", Role.TEO), 7) == 7
    assert roles_of(use_case) == (Role.TEO, Role.ADMIN)
    with pytest.raises(Forbidden):
        use_case(Principal("c", Role.CANDIDATE), 7)
