"""The records list (tabs, counts, filters, pages), one record's view with its audit trail and versions, and
deleting an unsigned record.

A page is made two ways: for a filter the tab counters answer, by reading each tab lazily in index order
and merging (``_leading``); for a finer one (a candidate, part of a name, revoked), by reading every match.
Either way it must be exactly the slice of ``matching`` (every match, in list order), and the counts the
tally of the filter's matches in every tab."""
import random
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib import ports
from chalicelib.domain.access import Principal, Role
from chalicelib.domain.errors import Busy, Conflict, Forbidden, NotFound
from chalicelib.domain.filters import ALL, RecordFilter
from chalicelib.domain.workflow import Status
from chalicelib.services import certificates, issuance, records
from devstack import demo

from ._issued_helpers import ADMIN, COLLEGE, COLLEGE2, STUDENT, TEO, TEO2, TEO_SIGNER, stamped_world

STATUSES = [s.value for s in Status]


@pytest.fixture
def issued():
    with stamped_world() as made:
        yield made


def _expected(principal: Principal, flt: RecordFilter, size: int) -> list[dict]:
    """Every page (and the empty one after the last) as reading every match gives it."""
    rows = records.matching(principal, flt)
    every = Counter(r["status"] for r in records.matching(principal, replace(flt, status=ALL)))
    counts = {s: every[s] for s in STATUSES} | {ALL: sum(every.values())}
    return [{"ids": [r["id"] for r in rows[start:start + size]], "total": len(rows), "counts": counts}
            for start in range(0, len(rows) + size, size)]


def _got(principal: Principal, flt: RecordFilter, page: int, size: int) -> dict:
    answer = records.list_records(principal, flt, page, size)
    assert (answer["page"], answer["page_size"]) == (page, size)
    return {"ids": [i["id"] for i in answer["items"]], "total": answer["total"], "counts": answer["counts"]}


def _agree(principal: Principal, flt: RecordFilter, size: int) -> int:
    """Check every page against reading every match; how many records the pages showed."""
    expected = _expected(principal, flt, size)
    assert [_got(principal, flt, page, size) for page in range(1, len(expected) + 1)] == expected
    return expected[0]["total"]


# ---- many records over fresh tenants ---------------------------------------------------------------

TAG_TEOS, TAG_SITES = ["t-a", "t-b"], ["s-0", "s-1", "s-2"]
PLANS = [("p-0", 2021, "c-0"), ("p-1", 2022, "c-1"), ("p-2", 2022, "c-0")]
NAMES = ["王伟", "李娜", "张伟", "刘洋", "陈静"]


def _varied(n: int = 120) -> list[dict]:
    """Records in every status of two TEOs over three sites, under assorted plans, years, certificates and
    levels; three share each creation time, so ties are broken by the rest of the index order; some issued
    ones revoked."""
    rng, base, out = random.Random(15), datetime(2026, 1, 1, tzinfo=timezone.utc), []
    for i in range(n):
        plan, year, cert = rng.choice(PLANS)
        status, site, level = rng.choice(STATUSES), rng.choice(TAG_SITES), rng.choice(["初级", "中级", "高级"])
        no = f"{i:026d}"
        out.append({"id": ports.records.record_id(no, plan, cert, level), "status": status, "version": 1,
                    "candidate_no": no, "candidate_name": f"考生{NAMES[i // 2 % 5]}{i}",
                    "id_number": "11010519491231002X",
                    "student_type": "社会考生", "college_id": site, "college_name": "院校", "site_id": site,
                    "site_name": "院校", "plan_id": plan, "plan_name": "计划", "exam_year": year,
                    "certificate_id": cert, "certificate_name": "证书", "level": level, "teo_id": TAG_TEOS[i % 5 == 0],
                    "teo_name": "机构", "created_at": (base + timedelta(minutes=i // 3)).isoformat(),
                    "created_by": "test", "signed": status != "TEO_PENDING",
                    "revoked": status == "ISSUED" and i % 4 == 0})
    return out


@pytest.fixture
def varied(fakes):
    fakes.records.bulk_load(_varied())
    return Principal("test", Role.TEO, TAG_TEOS[0]), Principal("test", Role.COLLEGE_SIGNER, TAG_SITES[0])


VARIED_FILTERS = [
    RecordFilter(), RecordFilter(status="TEO_PENDING"), RecordFilter(status="ISSUED"),
    RecordFilter(certificate_id="c-1"), RecordFilter(plan_id="p-2"), RecordFilter(exam_year=2022),
    RecordFilter(college_id="s-1"), RecordFilter(level="中级"),
    RecordFilter(status="SITE_REJECTED", certificate_id="c-0", level="高级"),
    RecordFilter(status="READY", exam_year=1999),
    # finer than the counters
    RecordFilter(candidate_name="王"), RecordFilter(candidate_name="伟", status="READY"),
    RecordFilter(candidate_no=next(r["candidate_no"] for r in _varied() if r["teo_id"] == "t-a")),
    RecordFilter(candidate_no=next(r["candidate_no"] for r in _varied() if r["teo_id"] == "t-a"
                                   and r["status"] == "TEO_PENDING"), status="TEO_PENDING"),
    RecordFilter(status="ISSUED", revoked=True), RecordFilter(revoked=False, plan_id="p-1"),
]


@pytest.mark.parametrize("flt, size", [(f, 10) for f in VARIED_FILTERS] + [(VARIED_FILTERS[0], 20),
                                                                         (VARIED_FILTERS[-1], 20)],
                         ids=lambda v: repr(v).removeprefix("RecordFilter"))
def test_a_page_is_the_slice_of_every_match_and_the_counts_their_tally(varied, flt, size):
    assert sum(_agree(principal, flt, size) for principal in varied) > 0 or flt.exam_year == 1999


@pytest.mark.parametrize("flt", [f for f in VARIED_FILTERS if not f.finer],
                         ids=lambda f: repr(f).removeprefix("RecordFilter"))
def test_the_index_order_path_and_the_full_read_give_the_same_pages(varied, flt):
    """Every varied name holds 考生: the same filter with it is finer, so it is answered by reading every
    match instead of the tabs in index order, and must show exactly the same."""
    every = replace(flt, candidate_name="考生")
    assert every.finer
    for principal in varied:
        for page in (1, 2, 3):
            assert records.list_records(principal, every, page, 10) == records.list_records(principal, flt, page, 10)


def test_the_varied_records_fill_every_tab_and_each_filter_finds_some(varied):
    teo, site = varied
    assert all(records.counts(teo, RecordFilter())[s] > 0 for s in STATUSES)
    assert all(records.matching(teo, f) for f in VARIED_FILTERS if f.exam_year != 1999)
    assert records.list_records(site, RecordFilter(status="READY", exam_year=1999), 1, 10)["items"] == []


def test_pages_follow_each_other_with_no_gap_or_repeat(varied):
    teo, _ = varied
    total = records.counts(teo, RecordFilter())[ALL]
    seen = [i["id"] for page in range(1, total // 10 + 2) for i in records.list_records(
        teo, RecordFilter(), page, 10)["items"]]
    assert len(seen) == len(set(seen)) == total
    keys = [r["order_key"] for r in records.matching(teo, RecordFilter())]
    assert keys == sorted(keys)


def test_the_revoked_filter_lists_issued_records_only_by_their_flag(varied):
    teo, _ = varied
    flagged = {r["id"] for r in _varied() if r["revoked"] and r["teo_id"] == TAG_TEOS[0]}
    assert flagged and {r["id"] for r in records.matching(teo, RecordFilter(revoked=True))} == flagged
    kept = records.matching(teo, RecordFilter(revoked=False))
    assert {r["status"] for r in kept} == {"ISSUED"} and not flagged & {r["id"] for r in kept}
    page = records.list_records(teo, RecordFilter(status="ISSUED", revoked=True), 1, 100)
    assert page["counts"]["ISSUED"] == page["counts"][ALL] == page["total"] == len(flagged)
    assert all(i["revoked"] for i in page["items"])


def test_matching_can_be_narrowed_to_some_statuses(varied):
    teo, _ = varied
    both = records.matching(teo, RecordFilter(), statuses=["READY", "ISSUED"])
    assert {r["status"] for r in both} == {"READY", "ISSUED"}
    assert len(both) == sum(records.counts(teo, RecordFilter())[s] for s in ("READY", "ISSUED"))
    assert records.matching(teo, RecordFilter(status="READY"), statuses=["ISSUED"]) == []
    one = next(r for r in both if r["status"] == "READY")
    by_no = RecordFilter(candidate_no=one["candidate_no"])
    assert [r["id"] for r in records.matching(teo, by_no, statuses=["READY"])] == [one["id"]]
    assert records.matching(teo, by_no, statuses=["ISSUED"]) == []


# ---- the demo ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("principal", [TEO, COLLEGE2, TEO_SIGNER], ids=lambda p: p.username)
@pytest.mark.parametrize("flt", [RecordFilter(), RecordFilter(status="READY"), RecordFilter(plan_id="p2109"),
                                 RecordFilter(candidate_name="王"), RecordFilter(status="ISSUED", revoked=False)],
                         ids=lambda f: repr(f).removeprefix("RecordFilter"))
def test_the_demo_pages_agree_with_every_match(issued, principal, flt):
    _agree(principal, flt, 10)


def test_each_side_sees_its_own_records_in_its_tabs(world):
    teo = records.list_records(TEO, RecordFilter(), 1, 100)
    assert teo["counts"] == {"TEO_PENDING": 22, "TEO_REJECTED": 1, "SITE_PENDING": 5, "SITE_REJECTED": 2,
                             "READY": 4, "GENERATING": 19, "STAMP_FAILED": 0, "ISSUED": 0, ALL: 53}
    assert teo["total"] == 53 and {i["certificate"]["teo_id"] for i in teo["items"]} == {demo.TEO}
    site = records.list_records(COLLEGE, RecordFilter(), 1, 100)
    assert site["total"] == site["counts"][ALL] == 32 and {i["exam"]["site_id"] for i in site["items"]} == {demo.BJTU}
    with pytest.raises(Forbidden) as refused:
        records.list_records(ADMIN, RecordFilter(), 1, 10)
    assert refused.value.code == "role_forbidden"


def test_a_candidates_records_are_counted_from_the_rows_listed(world):
    rec = records.matching(TEO, RecordFilter(status="SITE_REJECTED"))[0]
    page = records.list_records(TEO, RecordFilter(candidate_no=rec["candidate_no"], status="SITE_REJECTED"), 1, 10)
    assert [i["id"] for i in page["items"]] == [rec["id"]] and page["total"] == 1
    everywhere = Counter(r["status"] for r in ports.records.by_candidate(rec["candidate_no"])
                         if r["teo_id"] == demo.TEO)
    assert {s: n for s, n in page["counts"].items() if n and s != ALL} == dict(everywhere)
    # Another tenant's staff see none of that candidate's records with this TEO.
    assert records.list_records(TEO2, RecordFilter(candidate_no=rec["candidate_no"]), 1, 10)["total"] == 0


def test_a_row_shows_the_manuals_columns_with_the_id_number_masked(world):
    rec = ports.records.get(records.matching(TEO, RecordFilter(status="SITE_REJECTED"))[0]["id"])
    (row,) = records.list_records(TEO, RecordFilter(candidate_no=rec["candidate_no"], status="SITE_REJECTED"),
                                  1, 10)["items"]
    full = rec["id_number"]
    assert row["candidate"]["id_number"] == full[:3] + "*" * 9 + full[-4:]
    assert (row["status"], row["status_label"]) == ("SITE_REJECTED", "考核站点拒绝签发")
    assert row["certificate"]["title"] == "信息化应用职业技能等级证书（中级）"
    assert row["reason"] == "考生现场签到信息与报名信息不一致"
    assert row["exam"] == {"plan_id": "p2109", "plan_name": "2021九月中级信息化考试（多考场多时间）", "exam_year": 2021,
                           "site_id": demo.BJTU, "site_name": "北京交通大学", "result": "已通过"}
    assert row["actions"] == ["view"]                      # the TEO only looks; the site re-signs it
    (at_site,) = records.list_records(COLLEGE, RecordFilter(candidate_no=rec["candidate_no"],
                                                            status="SITE_REJECTED"), 1, 10)["items"]
    assert "resign" in at_site["actions"]


# ---- one record ----------------------------------------------------------------------------------------

def test_the_detail_shows_who_did_what_by_name_in_order(world):
    rid = records.matching(TEO, RecordFilter(status="READY", college_id=demo.BJTU))[0]["id"]
    view = records.detail(COLLEGE, rid)
    assert [(e["action"], e["from_status"], e["to_status"]) for e in view["events"]] == [
        ("generate", None, "TEO_PENDING"), ("teo_sign", "TEO_PENDING", "SITE_PENDING"),
        ("site_sign", "SITE_PENDING", "READY")]
    assert [e["actor_name"] for e in view["events"]] == ["中物联物流 业务员", "中物联物流 发证机构负责人",
                                                         "北京交通大学 考核站点负责人"]
    assert view["signoff"]["teo_signed_by_name"] == "中物联物流 发证机构负责人"
    assert view["signoff"]["site_signed_by"] == "college_signer"
    assert (view["created_by"], view["created_by_name"]) == ("teo", "中物联物流 业务员")
    assert view["versions"] == [] and view["certificate"]["pdf_version"] == 0
    assert view["candidate"]["id_number"].count("*") == 9


def test_the_detail_of_an_issued_certificate_lists_its_versions(issued):
    rid = records.matching(TEO, RecordFilter(status="ISSUED"))[0]["id"]
    first = records.detail(TEO, rid)
    assert [v["version"] for v in first["versions"]] == [1] and first["certificate"]["pdf_version"] == 1
    assert first["certificate"]["cert_no"] and first["certificate"]["sha256"] == first["versions"][0]["sha256"]
    assert first["events"][-1]["actor_name"] == first["events"][-1]["actor"]       # the worker has no account
    issuance.reissue(TEO, [rid], None)
    issuance.issue(TEO, [rid], None, "electronic")
    for message in issued.queue.sent:
        from chalicelib.services import certificate_making
        certificate_making.stamp(message["jobs"], 1)
    second = records.detail(TEO, rid)
    assert [(v["version"], bool(v["superseded"])) for v in second["versions"]] == [(1, True), (2, False)]
    assert second["certificate"]["cert_no"] == first["certificate"]["cert_no"]
    assert [e["action"] for e in second["events"]][-3:] == ["reissue", "issue", "stamped"]


@pytest.mark.parametrize("who, error, code", [(TEO2, NotFound, "record_not_found"),
                                              (COLLEGE2, NotFound, "record_not_found"),
                                              (ADMIN, Forbidden, "role_forbidden")])
def test_another_tenants_record_is_not_found(world, who, error, code):
    rid = records.matching(TEO, RecordFilter(college_id=demo.BJTU))[0]["id"]
    with pytest.raises(error) as refused:
        records.detail(who, rid)
    assert refused.value.code == code
    with pytest.raises(NotFound):
        records.detail(TEO, "0" * 24)


def test_a_revoked_certificate_says_so_in_its_row(issued):
    rid = records.matching(TEO, RecordFilter(status="ISSUED"))[0]["id"]
    certificates.revoke(TEO, rid, "考试作弊")
    view = records.detail(COLLEGE2, rid)
    assert view["revoked"] and view["revoked_reason"] == "考试作弊"
    assert "revoke" not in view["actions"] and "reissue" not in records.detail(TEO, rid)["actions"]


# ---- delete --------------------------------------------------------------------------------------------------

def test_an_unsigned_pending_record_is_deleted_with_its_trace(world):
    rec = records.matching(TEO, RecordFilter(status="TEO_PENDING", plan_id="p0907"))[0]
    before = records.counts(TEO, RecordFilter(plan_id="p0907"))
    assert records.delete(TEO, rec["id"]) == {"deleted": rec["id"]}
    assert ports.records.get(rec["id"]) is None
    after = records.counts(TEO, RecordFilter(plan_id="p0907"))
    assert after["TEO_PENDING"] == before["TEO_PENDING"] - 1 and after[ALL] == before[ALL] - 1
    last = ports.records.events(rec["id"])[-1]
    assert (last["action"], last["from_status"], last["actor"]) == ("delete", "TEO_PENDING", "teo")
    with pytest.raises(NotFound):
        records.delete(TEO, rec["id"])


@pytest.mark.parametrize("status, label", [("TEO_REJECTED", "培训评价组织拒绝签发"), ("SITE_PENDING", "考核站点待签发"),
                                           ("READY", "证书待发放"), ("GENERATING", "证书生成中")])
def test_a_record_whose_sign_off_began_is_not_deleted(world, status, label):
    rec = records.matching(TEO, RecordFilter(status=status))[0]
    with pytest.raises(Conflict) as refused:
        records.delete(TEO, rec["id"])
    assert refused.value.code == "not_deletable" and label in refused.value.message
    assert refused.value.details == {"status": status}
    assert ports.records.get(rec["id"])["status"] == status


@pytest.mark.parametrize("who, error", [(COLLEGE, Forbidden), (TEO_SIGNER, Forbidden), (STUDENT, Forbidden),
                                        (TEO2, NotFound)])
def test_only_the_teos_staff_delete_its_records(world, who, error):
    rec = records.matching(TEO, RecordFilter(status="TEO_PENDING", college_id=demo.BJTU))[0]
    with pytest.raises(error):
        records.delete(who, rec["id"])
    assert ports.records.get(rec["id"]) is not None


def test_a_record_changed_since_it_was_read_is_not_deleted(world, monkeypatch):
    rec = records.matching(TEO, RecordFilter(status="TEO_PENDING"))[0]
    stored = world.fakes.records.get
    monkeypatch.setattr(world.fakes.records, "get", lambda rid: {**stored(rid), "version": 0})   # read before a move
    with pytest.raises(Conflict) as refused:
        records.delete(TEO, rec["id"])
    assert refused.value.code == "record_changed"
    monkeypatch.undo()
    world.fakes.records.busy.add(rec["id"])
    with pytest.raises(Busy):
        records.delete(TEO, rec["id"])
    assert ports.records.get(rec["id"])["status"] == "TEO_PENDING"
