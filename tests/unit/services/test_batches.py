"""What a batch acts on (batches.select) and whose records a caller sees (scope), on the demo world."""
import pytest

from chalicelib import ports
from chalicelib.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.services import batches, scope

from ._signoff_helpers import (
    ADMIN,
    COLLEGE,
    COLLEGE2,
    COLLEGE_SIGNER,
    STUDENT,
    TEO,
    TEO2,
    TEO_SIGNER,
    ids,
    refused,
    sign,
)

UNKNOWN = "0" * 24
SIGNABLE = ["TEO_PENDING", "TEO_REJECTED"]


def _select(principal, record_ids=None, filter_=None, statuses=SIGNABLE, limit=100):
    return batches.select(principal, record_ids, filter_, statuses, "签发", limit)


def test_given_ids_are_taken_once_each_in_the_order_given_and_the_others_said_why(world):
    a, b = ids(TEO, "TEO_PENDING", plan_id="p0908")[:2]
    ready = ids(TEO, "READY")[0]
    theirs = ids(TEO2, "READY")[0]
    chosen, skipped = _select(TEO, [b, a, UNKNOWN, b, ready, theirs])
    assert [r["id"] for r in chosen] == [b, a]
    assert chosen[0] == ports.records.get(b)             # the whole record, as stored
    assert skipped == [{"id": UNKNOWN, "reason": "发证记录不存在"},
                       {"id": ready, "reason": "当前状态为「证书待发放」，不能签发"},
                       {"id": theirs, "reason": "发证记录不存在"}]      # another TEO's looks missing


def test_a_filter_takes_every_record_in_scope_under_it_in_the_statuses_asked(world):
    chosen, skipped = _select(TEO, filter_={"plan_id": "p0907"})
    assert sorted(r["id"] for r in chosen) == sorted(ids(TEO, "TEO_PENDING", plan_id="p0907")
                                                     + ids(TEO, "TEO_REJECTED", plan_id="p0907"))
    assert skipped == [] and {r["status"] for r in chosen} == set(SIGNABLE)
    site, _ = _select(COLLEGE, filter_={}, statuses=["SITE_PENDING", "SITE_REJECTED"])
    assert {(r["site_id"], r["status"]) for r in site} == {("bjtu", "SITE_PENDING"), ("bjtu", "SITE_REJECTED")}


def test_a_filter_acts_on_each_record_as_it_is_now_not_as_the_index_listed_it(world, monkeypatch):
    pending = ids(TEO, "TEO_PENDING", plan_id="p0908")
    listed = ports.records.tab("teo", "zwl", "TEO_PENDING")
    moved, deleted = pending[:2]
    sign(TEO, TEO_SIGNER, [moved])
    ports.records.delete(ports.records.get(deleted), {"actor": "t", "role": "teo", "action": "delete"})
    lagging = {"TEO_PENDING": listed}               # the index has not caught up with either change
    monkeypatch.setattr(world.fakes.records, "tab", lambda side, org, status: lagging.get(status, []))
    chosen, _ = _select(TEO, filter_={"plan_id": "p0908"})
    assert sorted(r["id"] for r in chosen) == sorted(pending[2:])


@pytest.mark.parametrize("filter_, code", [({"nope": 1}, "invalid_filter"), ({"status": "NOPE"}, "invalid_filter"),
                                           ("p0907", "invalid_filter")])
def test_a_filter_that_is_not_one_is_refused(world, filter_, code):
    with refused(InvalidInput, code):
        _select(TEO, filter_=filter_)


def test_nothing_to_act_on_is_refused_with_what_was_skipped(world):
    ready = ids(TEO, "READY")[0]
    with refused(Conflict, "nothing_to_do") as err:
        _select(TEO, [ready, UNKNOWN])
    assert "没有可签发的记录" in err.value.message
    assert [s["id"] for s in err.value.details["skipped"]] == [ready, UNKNOWN]
    with refused(Conflict, "nothing_to_do"):
        _select(TEO, filter_={"plan_id": "p2109"})           # nothing there awaits the TEO's signature


@pytest.mark.parametrize("by", ["ids", "filter"])
def test_more_records_than_the_limit_are_refused(world, by):
    pending = ids(TEO, "TEO_PENDING", plan_id="p0908")
    with refused(InvalidInput, "too_many_records") as err:
        if by == "ids":
            _select(TEO, pending, limit=len(pending) - 1)
        else:
            _select(TEO, filter_={"plan_id": "p0908"}, limit=len(pending) - 1)
    assert f"一次最多处理{len(pending) - 1}条记录" in err.value.message
    assert ("缩小筛选范围" in err.value.message) is (by == "filter")
    assert len(_select(TEO, pending, limit=len(pending))[0]) == len(pending)


# ---- scope -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who, sees", [(TEO, True), (TEO_SIGNER, True), (COLLEGE, True), (COLLEGE_SIGNER, True),
                                       (TEO2, False), (COLLEGE2, False)])
def test_staff_and_signers_see_their_organisations_records_only(world, who, sees):
    rid = ids(TEO, "SITE_PENDING", college_id="bjtu")[0]
    assert scope.in_scope(who, ports.records.get(rid)) is sees
    if sees:
        assert scope.load(who, rid)["id"] == rid
    else:
        with refused(NotFound, "record_not_found"):
            scope.load(who, rid)


def test_a_record_that_is_not_there_is_not_found(world):
    with refused(NotFound, "record_not_found"):
        scope.load(TEO, UNKNOWN)


@pytest.mark.parametrize("who", [ADMIN, STUDENT])
def test_roles_without_records_of_their_own_are_refused(world, who):
    with refused(Forbidden, "role_forbidden"):
        scope.scope_of(who)
    with refused(Forbidden, "role_forbidden"):
        _select(who, filter_={})
