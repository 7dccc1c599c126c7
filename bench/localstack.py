"""The embedded stack's own figures (issue 15): how much of the machine the local pipeline uses, and how a
list page's time grows with the table.

- ``pipeline_efficiency``: (1,000 ÷ (cores × sealed certificates per second on one core)) ÷ the wall time of
  issuing 1,000 electronic certificates end to end, the poller running one worker process per core.
- ``list_page_scale_ratio``: the records list page (page 1 × 20, all nine counts) of a TEO with 10,000
  records over the same page of the demo's TEO, on the same embedded AWS.
"""
import os
import statistics
import time

from bench.issuance import ready_batch, sealed_per_second
from bench.signoff import _records
from devstack import aws


def _median_seconds(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _list_page_ratio() -> tuple[list[str], float]:
    from chalicelib.domain.access import Principal, Role
    from chalicelib.domain.filters import RecordFilter
    from chalicelib.services import records
    from chalicelib.store import records as store
    from devstack import demo

    demo.load()       # its stamping jobs stay queued: no poller runs now

    def page(teo: str):
        return lambda: records.list_records(Principal("bench", Role.TEO, org_id=teo), RecordFilter(), 1, 20)

    small = _median_seconds(page(demo.TEO))
    store.bulk_load(_records(10_000, "bench-big", ["s1", "s2", "s3", "s4"]))
    first = _median_seconds(page("bench-big"), runs=1)        # the first after the writes rebuilds the index
    big = _median_seconds(page("bench-big"))
    return [f"list page 1 × 20 with all nine counts: {small * 1000:.0f} ms over the demo's records, "
            f"{big * 1000:.0f} ms over 10,000 ({first * 1000:.0f} ms right after loading them); "
            f"ratio {big / small:.1f}   (aim ≤ 3)"], big / small


def _pipeline(cores: int) -> tuple[list[str], float]:
    from app import app
    from chalicelib.domain.access import Principal, Role
    from chalicelib.render import imprints
    from chalicelib.services import issuance
    from chalicelib.store import records as store
    from devstack.poller import SqsPoller

    images = {"seal": imprints.official_seal("基准机构"), "teo_stamp": imprints.name_stamp("张明", "rect"),
              "site_stamp": imprints.name_stamp("王芳", "square")}
    rate = sealed_per_second(images, 100)
    batch = ready_batch(images, 1000)
    poller = SqsPoller(app, workers=cores, import_path="app:app")
    poller.start()
    try:
        started = time.perf_counter()
        issued = issuance.issue(Principal("bench", Role.TEO, org_id="bench-teo"), [r["id"] for r in batch], None,
                                "electronic")["applied"]
        while sum(b.get("ISSUED", 0) for b in store.counters("teo", "bench-teo")) < len(issued):
            time.sleep(0.2)
        wall = time.perf_counter() - started
    finally:
        poller.stop()
    ideal = len(issued) / (cores * rate)
    return [f"issue 1,000 electronic certificates with {cores} worker processes: {wall:.1f} s end to end; "
            f"sealing alone {rate:.0f}/s on one core, so {ideal:.1f} s on {cores} cores; "
            f"pipeline efficiency {ideal / wall:.2f}   (aim ≥ 0.5)"], ideal / wall


def run() -> tuple[list[str], dict]:
    aws.start_moto(aws.free_port())
    aws.create_resources()
    cores = os.cpu_count() or 1
    # The pipeline first, on a table without the 10,000 records the list page then loads and leaves.
    pipeline_lines, efficiency = _pipeline(cores)
    page_lines, ratio = _list_page_ratio()
    return page_lines + pipeline_lines, {"list_page_scale_ratio": round(ratio, 2),
                                         "pipeline_efficiency": round(efficiency, 2)}
