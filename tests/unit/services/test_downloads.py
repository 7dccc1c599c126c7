"""Batch downloads (F7) on the demo after its queued certificates were stamped: a job is asked for and
queued, the worker builds one ZIP of the current PDFs with an xlsx manifest, the API reports progress and
then a link. Revoked certificates are left out unless asked for; the same request within ten minutes is
answered by the same job; a user has at most three in progress; a job that keeps failing ends failed."""
import datetime as dt
import hashlib
import io
import zipfile
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from chalicelib import ports
from chalicelib.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyRequests
from chalicelib.domain.filters import RecordFilter
from chalicelib.ports import FileMissing
from chalicelib.services import certificates, downloads, records
from chalicelib.store.models import DownloadJob
from devstack import demo

from ._issued_helpers import ADMIN, COLLEGE, COLLEGE2, TEO, TEO2, TEO_SIGNER, as_dicts, key_of, stamped_world


@pytest.fixture
def issued():
    with stamped_world() as made:
        yield made


def _issued_ids(method: str | None = None) -> list[str]:
    rows = records.matching(TEO, RecordFilter(status="ISSUED"))
    return [r["id"] for r in ports.records.get_many(r["id"] for r in rows)
            if method is None or r.get("method") == method]


def _day(job_id: str) -> str:
    created = dt.datetime.fromisoformat(ports.downloads.get(job_id)["created_at"])
    return created.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()


def _zip(fakes, answer: dict) -> tuple[zipfile.ZipFile, list[dict]]:
    data, content_type, _ = fakes.files.objects[key_of(answer["url"])]
    assert content_type == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(data))
    book = load_workbook(io.BytesIO(archive.read("证书清单.xlsx")))
    assert book.active.title == "证书清单"
    return archive, as_dicts(list(book.active.iter_rows(values_only=True)))


def test_a_job_is_queued_then_built_into_one_zip_with_its_manifest(issued):
    ids = _issued_ids()
    started = downloads.start(TEO, ids, None)
    assert (started["status"], started["total"], started["done"], started["reused"]) == ("queued", len(ids), 0, False)
    assert (started["electronic"], started["paper"], started["skipped"]) == (len(ids) - 2, 2, [])
    assert started["filename"] == f"证书_{_day(started['id'])}.zip" and "url" not in started
    assert issued.queue.downloads == [{"kind": "zip", "job": started["id"]}]

    downloads.build(started["id"])
    done = downloads.view(TEO_SIGNER, started["id"])
    assert (done["status"], done["done"], done["total"]) == ("done", len(ids), len(ids))
    assert key_of(done["url"]) == f"downloads/{demo.TEO}/{started['id']}.zip"
    assert parse_qs(urlsplit(done["url"]).query)["filename"] == [done["filename"]]
    archive, manifest = _zip(issued, done)
    pdfs = [i for i in archive.infolist() if i.filename.endswith(".pdf")]
    assert len(pdfs) == len(ids) and {i.compress_type for i in pdfs} == {zipfile.ZIP_STORED}
    assert [r["证书编号"] for r in manifest] == sorted(r["证书编号"] for r in manifest)      # by number
    stored = {r["cert_no"]: r for r in ports.records.get_many(ids)}
    for row in manifest:
        rec = stored[row["证书编号"]]
        assert row["文件名"] == f"{rec['cert_no']}.pdf"                       # no names of people in paths
        assert hashlib.sha256(archive.read(row["文件名"])).hexdigest() == row["SHA-256"] == rec["pdf_sha256"]
        assert archive.read(row["文件名"]) == issued.files.read(rec["pdf_key"])
        assert (row["考生姓名"], row["证书状态"], row["发证日期"]) == (rec["candidate_name"], "有效", rec["award_date"])
        assert row["身份证号"] == rec["id_number"][:3] + "*" * 9 + rec["id_number"][-4:]
    assert sorted(r["发证方式"] for r in manifest).count("纸质证书") == 2


@pytest.mark.parametrize("method, name", [("paper", "纸质证书"), ("electronic", "电子证书")])
def test_the_zip_is_named_by_what_it_holds(issued, method, name):
    started = downloads.start(TEO, _issued_ids(method), None)
    assert started["filename"] == f"{name}_{_day(started['id'])}.zip"


def test_the_site_downloads_by_filter_only_the_issued_records_it_sees(issued):
    started = downloads.start(COLLEGE2, None, {"plan_id": "p2109"})
    assert started["total"] == len(_issued_ids()) and started["skipped"] == []
    downloads.build(started["id"])
    assert downloads.view(COLLEGE2, started["id"])["status"] == "done"
    for other in (TEO, COLLEGE, TEO2):       # the same certificates, another side's or tenant's job
        with pytest.raises(NotFound) as refused:
            downloads.view(other, started["id"])
        assert refused.value.code == "download_not_found"
    with pytest.raises(Conflict) as refused:
        downloads.start(COLLEGE, None, {"plan_id": "p2109"})        # nothing issued at 北京交通大学
    assert refused.value.code == "nothing_to_do"


def test_records_not_issued_are_skipped_with_why(issued):
    ready = records.matching(TEO, RecordFilter(status="READY"))[0]["id"]
    started = downloads.start(TEO, [ready, *_issued_ids()[:2], "0" * 24], None)
    assert started["total"] == 2
    assert started["skipped"] == [{"id": ready, "reason": "当前状态为「证书待发放」，不能下载"},
                                  {"id": "0" * 24, "reason": "发证记录不存在"}]


def test_revoked_certificates_are_left_out_unless_asked_for(issued):
    ids = _issued_ids()
    revoked = ids[0]
    certificates.revoke(TEO, revoked, "信息有误")
    started = downloads.start(TEO, ids, None)
    assert started["total"] == len(ids) - 1
    assert started["skipped"] == [{"id": revoked, "reason": "证书已撤销，未打包（可选择包含已撤销证书）"}]
    asked = downloads.start(TEO, ids, None, include_revoked=True)
    assert asked["id"] != started["id"] and asked["total"] == len(ids)
    downloads.build(asked["id"])
    archive, manifest = _zip(issued, downloads.view(TEO, asked["id"]))
    (row,) = [r for r in manifest if r["证书状态"] == "已撤销"]
    assert row["证书编号"] == ports.records.get(revoked)["cert_no"] and row["文件名"] in archive.namelist()
    with pytest.raises(Conflict) as refused:
        downloads.start(TEO, [revoked], None)
    assert refused.value.code == "nothing_to_do" and refused.value.details["skipped"][0]["id"] == revoked


def test_a_certificate_revoked_after_the_job_was_asked_for_is_left_out_of_the_zip(issued):
    ids = _issued_ids()
    started = downloads.start(TEO, ids, None)
    certificates.revoke(TEO, ids[0], "信息有误")
    downloads.build(started["id"])
    done = downloads.view(TEO, started["id"])
    archive, manifest = _zip(issued, done)
    assert done["done"] == len(manifest) == len(ids) - 1 == len(archive.namelist()) - 1


def test_the_same_request_within_ten_minutes_is_answered_by_the_same_job(issued):
    ids = _issued_ids()
    first = downloads.start(TEO, ids, None)
    again = downloads.start(TEO, list(reversed(ids)), None)
    assert (again["id"], again["reused"]) == (first["id"], True)
    downloads.build(first["id"])
    done = downloads.start(TEO, ids, None)
    assert (done["id"], done["status"], done["reused"]) == (first["id"], "done", True) and done["url"]
    assert downloads.start(TEO_SIGNER, ids, None)["id"] != first["id"]          # per user
    # Eleven minutes later it is asked for anew.
    earlier = (dt.datetime.fromisoformat(ports.downloads.get(first["id"])["created_at"])
               - dt.timedelta(minutes=11)).isoformat()
    issued.table.update(DownloadJob, f"DL#{first['id']}", "DL", set={"created_at": earlier, "gsi1sk": earlier})
    later = downloads.start(TEO, ids, None)
    assert later["id"] != first["id"] and later["reused"] is False


def test_a_user_has_at_most_three_jobs_in_progress(issued):
    ids = _issued_ids()
    started = [downloads.start(TEO, [i], None)["id"] for i in ids[:3]]
    with pytest.raises(TooManyRequests) as refused:
        downloads.start(TEO, [ids[3]], None)
    assert refused.value.code == "too_many_downloads" and refused.value.retry_after == 30
    assert "3个" in refused.value.message and len(issued.queue.downloads) == 3
    # Asking again for one in progress is answered, not refused; another user is not held back.
    assert downloads.start(TEO, [ids[0]], None)["id"] == started[0]
    assert downloads.start(TEO_SIGNER, [ids[3]], None)["status"] == "queued"
    downloads.build(started[0])
    assert downloads.start(TEO, [ids[3]], None)["status"] == "queued"


def test_a_job_the_queue_refuses_is_failed_at_once_and_asked_for_anew(issued):
    ids = _issued_ids()
    issued.queue.down = True
    refused = downloads.start(TEO, ids, None)
    assert (refused["status"], refused["error"]) == ("failed", "任务排队失败，请重试")
    issued.queue.down = False
    again = downloads.start(TEO, ids, None)
    assert again["id"] != refused["id"] and again["status"] == "queued" and again["reused"] is False


def test_a_job_whose_pdf_cannot_be_read_fails_after_the_last_delivery(issued):
    ids = _issued_ids()
    started = downloads.start(TEO, ids, None)
    lost = ports.records.get(ids[0])["pdf_key"]
    kept = issued.files.objects.pop(lost)
    with pytest.raises(FileMissing):
        downloads.build(started["id"])       # the message is delivered again
    assert downloads.view(TEO, started["id"])["status"] == "running"
    assert not [k for k in issued.files.objects if k.startswith("downloads/")]
    downloads.give_up(started["id"])         # the dead-letter queue's handler
    failed = downloads.view(TEO, started["id"])
    assert (failed["status"], failed["error"]) == ("failed", "打包多次失败，请重新发起下载") and "url" not in failed
    issued.files.objects[lost] = kept
    again = downloads.start(TEO, ids, None)
    assert again["id"] != started["id"]


def test_a_finished_job_is_left_as_it_is(issued):
    started = downloads.start(TEO, _issued_ids(), None)
    downloads.build(started["id"])
    done = ports.downloads.get(started["id"])
    issued.files.down = True            # a repeated delivery would fail if it built anything
    downloads.build(started["id"])
    downloads.give_up(started["id"])
    assert ports.downloads.get(started["id"]) == done
    downloads.build("f" * 32)           # a job gone (expired) is nothing to do


def test_progress_is_reported_while_the_zip_is_built(issued, monkeypatch):
    started = downloads.start(TEO, _issued_ids(), None)
    seen, update = [], issued.downloads.update

    def watched(job_id, **fields):
        seen.append(fields.get("done"))
        update(job_id, **fields)

    monkeypatch.setattr(downloads, "PROGRESS_EVERY", 5)
    monkeypatch.setattr(issued.downloads, "update", watched)
    downloads.build(started["id"])
    assert seen == [0, 5, 10, 15, started["total"]]


@pytest.mark.parametrize("who, error", [(ADMIN, Forbidden), (TEO2, Conflict)])
def test_only_the_staff_of_the_records_download_them(issued, who, error):
    with pytest.raises(error):
        downloads.start(who, _issued_ids(), None)
    with pytest.raises(Forbidden):
        downloads.view(ADMIN, "f" * 32)


def test_too_many_certificates_at_once_are_refused(issued, monkeypatch):
    monkeypatch.setattr(downloads, "MAX_FILES", 3)
    with pytest.raises(InvalidInput) as refused:
        downloads.start(TEO, None, {"status": "ISSUED"})
    assert refused.value.code == "too_many_records"
