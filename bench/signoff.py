"""Requests a batch sign-off of 1,000 records makes, and reads a list page with all counts makes over
10,000 records — counted by the embedded AWS as it receives them (retries included)."""
import time

from devstack import aws
from devstack.demo import signature_b64

READS = {"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"}
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


def _records(n: int, teo: str, sites: list[str]) -> list[dict]:
    from chalicelib.clock import now_iso
    from chalicelib.store.records import record_id
    out = []
    for i in range(n):
        no = f"{i:026d}"
        out.append({"id": record_id(no, "bench-plan", "bench-cert", "中级"), "status": "TEO_PENDING", "version": 1,
                    "candidate_no": no, "candidate_name": f"考生{i}", "id_number": "11010519491231002X",
                    "student_type": "社会考生", "college_id": sites[i % len(sites)], "college_name": "院校",
                    "site_id": sites[i % len(sites)], "site_name": "院校", "plan_id": "bench-plan",
                    "plan_name": "基准测试计划", "exam_year": 2021, "certificate_id": "bench-cert",
                    "certificate_name": "信息化应用职业技能等级证书", "level": "中级", "teo_id": teo,
                    "teo_name": "基准机构", "created_at": now_iso(), "created_by": "bench", "signed": False})
    return out


# The embedded AWS counts every JSON-protocol call by operation: DynamoDB's, SQS's and KMS's (the seals'
# kms:Sign), which are not SQS requests.
KMS = {"Sign", "GetPublicKey", "CreateKey", "CreateAlias", "DescribeKey", "DisableKey", "TagResource", "ListAliases"}


def _split(calls) -> tuple[int, int, int]:
    reads = sum(n for op, n in calls.items() if op in READS)
    writes = sum(n for op, n in calls.items() if op in WRITES)
    sqs = sum(n for op, n in calls.items() if op not in READS | WRITES | KMS)
    return reads, writes, sqs


def _measure(fn):
    before = aws.AWS_CALLS.copy()
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    return result, aws.AWS_CALLS - before, elapsed


def run() -> tuple[list[str], dict]:
    aws.start_moto(aws.free_port())
    aws.create_resources()
    from chalicelib.domain.access import Principal, Role
    from chalicelib.domain.filters import RecordFilter
    from chalicelib.services import records, signing
    from chalicelib.store import records as record_store

    lines, figures = [], {}
    # 10,000 records of one TEO over 4 sites, 1,000 of them already signed by the TEO.
    big = _records(10_000, "bench-teo", ["s1", "s2", "s3", "s4"])
    started = time.perf_counter()
    record_store.bulk_load(big)
    lines.append(f"setup: 10,000 records loaded in {time.perf_counter() - started:.1f} s")
    staff = Principal("bench", Role.TEO, org_id="bench-teo")
    signer = Principal("bench_signer", Role.TEO_SIGNER, org_id="bench-teo")

    # A page with all counts, over 10,000 records, for the ALL tab and for one status tab.
    for key, label, flt in (("all", "ALL tab", RecordFilter()),
                            ("one_tab", "TEO_PENDING tab", RecordFilter(status="TEO_PENDING")),
                            ("by_site", "ALL tab, filtered by site", RecordFilter(college_id="s2"))):
        page, calls, secs = _measure(lambda flt=flt: records.list_records(staff, flt, page=50, page_size=20))
        reads, writes, _ = _split(calls)
        assert page["counts"]["ALL"] in (10_000, 2_500) and len(page["items"]) == 20
        lines.append(f"list page 50 × 20 with all counts over 10,000 records ({label}): "
                     f"{reads} DynamoDB reads, {writes} writes, {secs * 1000:.0f} ms   (aim ≤ 20 reads)")
        figures[f"list_page_reads_{key}"] = reads

    # A batch sign-off of 1,000 records: open the session by ids, complete it.
    ids = [r["id"] for r in big[:1000]]
    sig = signature_b64()

    def sign():
        session = signing.open_session(staff, "sign", ids, None)
        return signing.complete(signer, session["id"], "confirm", sig, None, "127.0.0.1")

    outcome, calls, secs = _measure(sign)
    assert len(outcome["applied"]) == 1000, outcome["skipped"][:3]
    reads, writes, sqs = _split(calls)
    lines.append(f"batch sign-off of 1,000 records: {writes} DynamoDB write requests, {reads} reads, "
                 f"{sqs} SQS requests, {secs:.1f} s   (aim ≤ 60 writes)")
    lines.append("  by operation: " + ", ".join(f"{op} {n}" for op, n in sorted(calls.items())))
    assert records.counts(staff, RecordFilter())["SITE_PENDING"] == 1000
    figures["signoff_writes_per_1000"] = writes
    return lines, figures
