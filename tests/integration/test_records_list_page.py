"""The records list page reads about a page of items, however many records the tabs hold (issue 15.4), and
answers exactly what reading every matching record answers. Records are bulk-loaded under fresh TEO and
site ids, so no other test sees them."""
import random
import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from pynamodb.connection.base import Connection

from chalicelib.domain.access import Principal, Role
from chalicelib.domain.filters import RecordFilter
from chalicelib.domain.workflow import Status
from chalicelib.services import records
from chalicelib.store import records as record_store

STATUSES = [s.value for s in Status]


def _records(n: int, start: int, pick) -> list[dict]:
    """``n`` records, the ``start``-th onwards; ``pick(i)`` gives each one's status, TEO, site, plan, year,
    certificate and level. Three records share each creation time, so ties are broken by the rest of
    order_key."""
    base = datetime(2026, 1, 1, tzinfo=timezone.utc)
    out = []
    for i in range(start, start + n):
        status, teo, site, plan, year, cert, level = pick(i)
        no = f"{i:026d}"
        out.append({"id": record_store.record_id(no, plan, cert, level), "status": status, "version": 1,
                    "candidate_no": no, "candidate_name": f"考生{i}", "id_number": "11010519491231002X",
                    "student_type": "社会考生", "college_id": site, "college_name": "院校", "site_id": site,
                    "site_name": "院校", "plan_id": plan, "plan_name": "计划", "exam_year": year,
                    "certificate_id": cert, "certificate_name": "证书", "level": level, "teo_id": teo,
                    "teo_name": "机构", "created_at": (base + timedelta(minutes=i // 3)).isoformat(),
                    "created_by": "test", "signed": False})
    return out


class _Reads:
    """The DynamoDB requests this thread makes (others run in the background), and the items its Queries
    on the tab indexes read."""

    def __init__(self, monkeypatch) -> None:
        self.requests: list[str] = []
        self.tab_items = 0
        original, thread = Connection._make_api_call, threading.get_ident()

        def counted(conn, operation, kwargs):
            data = original(conn, operation, kwargs)
            if threading.get_ident() == thread:
                self.requests.append(operation)
                if operation == "Query" and kwargs.get("IndexName") in ("teo_status", "site_status"):
                    self.tab_items += data["ScannedCount"]
            return data

        monkeypatch.setattr(Connection, "_make_api_call", counted)


def test_a_list_page_reads_about_a_page_of_items_however_many_records_there_are(running, monkeypatch):
    teo, plan = f"t-{uuid.uuid4().hex[:8]}", f"p-{uuid.uuid4().hex[:8]}"
    tabs = ("TEO_PENDING", "SITE_PENDING", "ISSUED")
    pick = lambda i: (tabs[i % 3], teo, "s-page", plan, 2021, "c-page", "中级")  # noqa: E731
    staff = Principal("test", Role.TEO, org_id=teo)
    seen = []
    for start, n in ((0, 60), (60, 180)):
        record_store.bulk_load(_records(n, start, pick))
        reads = _Reads(monkeypatch)
        page = records.list_records(staff, RecordFilter(), 1, 20)
        monkeypatch.undo()
        assert page["total"] == page["counts"]["ALL"] == start + n and len(page["items"]) == 20
        seen.append((reads.tab_items, sorted(reads.requests)))
    # The tab counters, each tab's first 20 in list order, the page's 20 records.
    assert seen[0] == seen[1] == (3 * 20, ["BatchGetItem", "Query", "Query", "Query", "Query"]), seen


@pytest.fixture(scope="module")
def varied():
    """Two TEOs' records over three fresh sites, in every status, under assorted plans, years,
    certificates and levels: (a TEO's staff, a site's staff, the values to filter on)."""
    tag = uuid.uuid4().hex[:8]
    teos, sites = [f"t-{tag}-a", f"t-{tag}-b"], [f"s-{tag}-{k}" for k in range(3)]
    plans = [(f"p-{tag}-{k}", year, f"c-{tag}-{k % 2}") for k, year in enumerate((2021, 2022, 2022))]
    rng = random.Random(15)

    def pick(i):
        plan, year, cert = rng.choice(plans)
        return (rng.choice(STATUSES), teos[i % 5 == 0], rng.choice(sites), plan, year, cert,
                rng.choice(["初级", "中级", "高级"]))

    record_store.bulk_load(_records(230, 0, pick))
    return (Principal("test", Role.TEO, org_id=teos[0]), Principal("test", Role.COLLEGE, org_id=sites[0]),
            {"sites": sites, "plans": plans})


def _full_read(principal: Principal, flt: RecordFilter, page: int, size: int) -> dict:
    """The page as it was made before the page-sized read: every matching record read, then sliced."""
    rows = records.matching(principal, flt)
    ids = [r["id"] for r in rows[(page - 1) * size:page * size]]
    full = {r["id"]: r for r in record_store.get_many(ids)}
    return {"items": [records.row_view(full[i], principal.role) for i in ids if i in full], "total": len(rows),
            "page": page, "page_size": size, "counts": records.counts(principal, flt)}


def test_a_page_is_what_reading_every_matching_record_gives(running, varied):
    teo_staff, site_staff, values = varied
    (plan, year, cert), site = values["plans"][1], values["sites"][1]
    filters = [RecordFilter(), RecordFilter(status="TEO_PENDING"), RecordFilter(status="ISSUED"),
               RecordFilter(certificate_id=cert), RecordFilter(plan_id=plan), RecordFilter(exam_year=year),
               RecordFilter(college_id=site), RecordFilter(level="中级"),
               RecordFilter(status="SITE_REJECTED", certificate_id=cert, level="高级"),
               RecordFilter(status="READY", exam_year=1999)]
    checked = 0
    for principal in (teo_staff, site_staff):
        for flt in filters:
            for size in (10, 20):
                total = len(records.matching(principal, flt))
                last = max(1, -(-total // size))
                for page in sorted({1, 2, last, last + 1}):
                    got = records.list_records(principal, flt, page, size)
                    assert got == _full_read(principal, flt, page, size), (principal.role, flt, page, size)
                    checked += bool(got["items"])
    assert checked > 60        # most of the pages compared show records
