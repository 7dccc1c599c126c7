"""Batch downloads: named by what they hold, a manifest that says each row's method and status, revoked
certificates left out unless asked for, a per-user limit, the same request answered with the same job,
and a queue of their own so a flood of ZIPs never sits in front of stamping."""
import datetime as dt
import io
import json
import time
import uuid
import zipfile
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import requests
from openpyxl import load_workbook

from chalicelib import jobqueue
from chalicelib.services import jobs
from chalicelib.store import downloads as download_store
from devstack import aws
from tests.reliability.faults import sqs_event

from .conftest import assert_error
from .signoff import fresh_plan, ready, wait_for


def issued(api, per_site=3, methods=("electronic",)) -> list[str]:
    ids = ready(api, fresh_plan(api, per_site=per_site, sites=("bjtu",)))
    for n, method in enumerate(methods):
        part = ids[n::len(methods)]
        r = api.post("/records/issue", as_="teo", json={"record_ids": part, "method": method})
        assert r.status_code == 202, r.text
    assert set(wait_for(api, ids, {"ISSUED", "STAMP_FAILED"}).values()) == {"ISSUED"}
    return ids


def finished(api, job: dict, as_: str) -> dict:
    for _ in range(200):
        job = api.get(f"/downloads/{job['id']}", as_=as_).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"download {job['id']} did not finish")


def manifest(job: dict) -> tuple[zipfile.ZipFile, list[dict]]:
    archive = zipfile.ZipFile(io.BytesIO(requests.get(job["url"], timeout=10).content))
    rows = list(load_workbook(io.BytesIO(archive.read("证书清单.xlsx"))).active.iter_rows(values_only=True))
    return archive, [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_zip_is_named_by_what_it_holds_and_says_each_rows_method_and_status(api):
    ids = issued(api, methods=("electronic", "paper"))       # two electronic, one paper
    revoked = ids[0]
    assert api.post(f"/records/{revoked}/revoke", as_="teo", json={"reason": "信息有误"}).status_code == 200
    started = api.post("/downloads", as_="teo", json={"record_ids": ids})
    assert started.status_code == 202, started.text
    assert [s["id"] for s in started.json()["skipped"]] == [revoked]      # revoked: left out, and said so
    job = finished(api, started.json(), "teo")
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    assert job["status"] == "done" and job["filename"] == f"证书_{today}.zip"
    assert (job["electronic"], job["paper"], job["total"]) == (1, 1, 2)
    saved_as = requests.get(job["url"], timeout=10).headers["Content-Disposition"]     # what the browser names it
    assert unquote(saved_as.split("''", 1)[1]) == job["filename"]
    archive, rows = manifest(job)
    assert sorted(r["发证方式"] for r in rows) == ["电子证书", "纸质证书"]
    assert {r["证书状态"] for r in rows} == {"有效"} and len(archive.namelist()) == 3

    asked = finished(api, api.post("/downloads", as_="teo", json={"record_ids": ids, "include_revoked": True}).json(),
                     "teo")
    archive, rows = manifest(asked)
    assert len(rows) == 3 and [r["证书状态"] for r in rows].count("已撤销") == 1
    by_status = {r["证书状态"]: r for r in rows}
    assert by_status["已撤销"]["文件名"] in archive.namelist()

    only_paper = finished(api, api.post("/downloads", as_="teo", json={"record_ids": [ids[1]]}).json(), "teo")
    assert only_paper["filename"] == f"纸质证书_{today}.zip"
    assert_error(api.post("/downloads", as_="teo", json={"record_ids": [revoked]}), 409, "nothing_to_do")


def test_the_same_request_answers_the_same_job_and_a_user_has_at_most_three_in_progress(api, monkeypatch):
    ids = issued(api, per_site=4)
    first = api.post("/downloads", as_="teo_signer", json={"record_ids": ids}).json()
    again = api.post("/downloads", as_="teo_signer", json={"record_ids": list(reversed(ids))}).json()
    assert again["id"] == first["id"] and again["reused"] is True
    finished(api, first, "teo_signer")

    monkeypatch.setattr(jobqueue, "send_download", lambda body: True)      # queued, never picked up
    started = []
    try:
        for part in ([ids[0]], [ids[1]], [ids[2]]):
            r = api.post("/downloads", as_="teo_signer", json={"record_ids": part})
            assert r.status_code == 202, r.text
            started.append(r.json()["id"])
        refused = api.post("/downloads", as_="teo_signer", json={"record_ids": [ids[3]]})
        assert_error(refused, 429, "too_many_downloads")
        assert int(refused.headers["Retry-After"]) > 0
        # Asking again for one in progress is not a new job: answered, not refused.
        assert api.post("/downloads", as_="teo_signer", json={"record_ids": [ids[0]]}).json()["id"] == started[0]
        assert api.post("/downloads", as_="teo", json={"record_ids": [ids[3]]}).status_code == 202   # per user
    finally:
        for job_id in started:
            download_store.update(job_id, status="failed", error="test")


def test_stamping_is_not_queued_behind_a_flood_of_zip_jobs(api, monkeypatch):
    # Queues of this test's own, which the stack's poller does not drain, so their order can be read.
    suffix = uuid.uuid4().hex[:8]
    monkeypatch.setenv("SKILLCERT_QUEUE", f"flood-stamping-{suffix}")
    monkeypatch.setenv("SKILLCERT_DOWNLOADS_QUEUE", f"flood-downloads-{suffix}")
    stamping_url, _ = aws._queue(jobqueue.queue_name(), jobqueue.dead_letter_queue_name())
    downloads_url, _ = aws._queue(jobqueue.downloads_queue_name(), jobqueue.downloads_dead_letter_queue_name())
    ids = ready(api, fresh_plan(api, per_site=2, sites=("ncut",)))
    for _ in range(40):
        assert jobqueue.send_download({"kind": "zip", "job": uuid.uuid4().hex})
    r = api.post("/records/issue", as_="teo", json={"record_ids": ids, "method": "electronic"})
    assert r.status_code == 202, r.text

    sqs = jobqueue._client()
    first = sqs.receive_message(QueueUrl=stamping_url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    bodies = [m["Body"] for m in first]
    assert all('"kind": "stamp"' in b for b in bodies) and len(bodies) == 1      # no ZIP in front of it
    flood = sqs.get_queue_attributes(QueueUrl=downloads_url, AttributeNames=["ApproximateNumberOfMessages"])
    assert int(flood["Attributes"]["ApproximateNumberOfMessages"]) == 40          # all still waiting
    event = sqs_event([json.loads(b) for b in bodies])
    assert jobs.handle(event, None) == {"batchItemFailures": []}
    assert set(wait_for(api, ids, {"ISSUED"}, timeout=10).values()) == {"ISSUED"}
    # And the deployed functions: the stamping worker listens to the stamping queue, ZIPs to their own.
    from app import app
    bound = {s.name: s.queue for s in app.event_sources if hasattr(s, "queue")}
    assert bound["run_jobs"] != bound["run_downloads"]
    for url in (stamping_url, downloads_url):
        sqs.delete_queue(QueueUrl=url)
