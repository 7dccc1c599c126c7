"""Batch download (批量下载电子证书, F7): one ZIP of the certificates' current PDFs (stored, not deflated:
PDFs are compressed already) with an xlsx manifest, built by the worker; the API reports progress and
then a presigned link."""
import io
import time
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor

from .. import files, lazy, queue
from ..domain import idcard
from ..domain.access import Principal, Role
from ..domain.errors import NotFound
from ..domain.workflow import METHODS, Status
from ..store import downloads as store
from ..store import records as record_store
from . import records

sheets = lazy.module("chalicelib.sheets")     # openpyxl: only the xlsx paths load it

MAX_FILES = 500          # read in parallel and zipped within the worker's 60 s, with memory to spare
MANIFEST_TITLES = ["证书编号", "考生姓名", "身份证号", "证书名称", "证书等级", "发证方式", "发证日期", "文件名",
                   "SHA-256"]
PROGRESS_EVERY = 50


def start(principal: Principal, record_ids: list[str] | None, filter_: dict | None) -> dict:
    principal.require(Role.TEO, Role.COLLEGE, Role.TEO_SIGNER, Role.COLLEGE_SIGNER)
    chosen, skipped = records.select(principal, record_ids, filter_, [Status.ISSUED.value], "下载", MAX_FILES)
    side, org = records.scope_of(principal)
    job = {"id": uuid.uuid4().hex, "side": side, "org_id": org, "requested_by": principal.username,
           "created_at": record_store.now_iso(), "record_ids": [r["id"] for r in chosen], "status": "queued"}
    store.put(job)
    if queue.send([{"kind": "zip", "job": job["id"]}]):
        store.update(job["id"], status="failed", error="任务排队失败，请重试")
    return {**view(principal, job["id"]), "skipped": skipped}


def view(principal: Principal, job_id: str) -> dict:
    job = store.get(job_id)
    side, org = records.scope_of(principal)
    if not job or (job["side"], job["org_id"]) != (side, org):
        raise NotFound("下载任务不存在", code="download_not_found")
    out = {"id": job["id"], "status": job["status"], "total": len(job["record_ids"]), "done": int(job["done"]),
           "error": job.get("error")}
    if job["status"] == "done":
        out["url"] = files.link(job["key"], filename="电子证书.zip")
    return out


def give_up(job_id: str) -> None:
    if (store.get(job_id) or {}).get("status") != "done":
        store.update(job_id, status="failed", error="打包多次失败，请重新发起下载")


def build(job_id: str) -> None:
    """The worker's part: zip the PDFs, write the manifest, publish. Idempotent: a finished job is left be."""
    job = store.get(job_id)
    if not job or job["status"] == "done":
        return
    store.update(job_id, status="running", done=0)
    recs = sorted((r for r in record_store.get_many(job["record_ids"]) if r["status"] == Status.ISSUED.value),
                  key=lambda r: r["cert_no"])
    out = io.BytesIO()
    rows = []
    with ThreadPoolExecutor(max_workers=16) as pool, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        pdfs = pool.map(lambda r: files.read(r["pdf_key"]), recs)      # S3 reads overlap; order is kept
        for n, (rec, pdf) in enumerate(zip(recs, pdfs, strict=True), start=1):
            name = f"{rec['cert_no']}.pdf"      # names of people stay in the manifest, never in paths
            archive.writestr(name, pdf)
            rows.append([rec["cert_no"], rec["candidate_name"], idcard.mask(rec["id_number"]),
                         rec["certificate_name"], rec["level"],
                         METHODS.get(rec.get("method"), ""),
                         rec.get("award_date"), name, rec["pdf_sha256"]])
            if n % PROGRESS_EVERY == 0:
                store.update(job_id, done=n)
        archive.writestr("证书清单.xlsx", sheets.write(MANIFEST_TITLES, rows, "证书清单"))
    key = f"downloads/{job['org_id']}/{job_id}.zip"
    files.put(key, out.getvalue(), "application/zip")
    store.update(job_id, status="done", done=len(recs), key=key, expires=int(time.time()) + 86400)
