"""Batch download (批量下载, F7): one ZIP of the certificates' current PDFs (stored, not deflated: PDFs are
compressed already) with an xlsx manifest, built by the downloads worker on its own queue (so stamping
never waits behind ZIPs); the API reports progress and then a presigned link.

A user has at most ``MAX_IN_PROGRESS`` jobs queued or running (429 beyond, with Retry-After), and asking
again for the same certificates within ``REUSE_WITHIN`` answers the job already made."""
import datetime as dt
import hashlib
import io
import json
import uuid
import zipfile
from zoneinfo import ZoneInfo

from .. import ports
from ..domain import idcard
from ..domain.access import ORG_ROLES, Principal, requires
from ..domain.errors import Conflict, NotFound, TooManyRequests
from ..domain.workflow import METHODS, Status, is_revoked
from . import batches, scope, xlsx

MAX_FILES = 500          # read in parallel and zipped within the worker's 60 s, with memory to spare
MAX_IN_PROGRESS = 3      # per user: one tenant's ZIPs cannot fill the downloads worker
RETRY_AFTER_SECONDS = 30
REUSE_WITHIN = dt.timedelta(minutes=10)
STALE_AFTER = dt.timedelta(minutes=15)      # a job not finished by then died; the dead-letter handler fails it
IN_PROGRESS = ("queued", "running")
MANIFEST_COLUMNS = [
    ("证书编号", lambda r: r["cert_no"]),
    ("考生姓名", lambda r: r["candidate_name"]),
    ("身份证号", lambda r: idcard.mask(r["id_number"])),
    ("证书名称", lambda r: r["certificate_name"]),
    ("证书等级", lambda r: r["level"]),
    ("发证方式", lambda r: METHODS.get(r.get("method") or "electronic", "")),
    ("证书状态", lambda r: "已撤销" if is_revoked(r) else "有效"),
    ("发证日期", lambda r: r.get("award_date")),
    ("文件名", lambda r: _file_name(r)),
    ("SHA-256", lambda r: r["pdf_sha256"]),
]
PROGRESS_EVERY = 50
BEIJING = ZoneInfo("Asia/Shanghai")


@requires(*ORG_ROLES)
def start(principal: Principal, record_ids: list[str] | None, filter_: dict | None,
          include_revoked: bool = False) -> dict:
    chosen, skipped = batches.select(principal, record_ids, filter_, [Status.ISSUED.value], "下载", MAX_FILES)
    if not include_revoked:
        skipped += [{"id": r["id"], "reason": "证书已撤销，未打包（可选择包含已撤销证书）"}
                    for r in chosen if is_revoked(r)]
        chosen = [r for r in chosen if not is_revoked(r)]
        if not chosen:
            raise Conflict("所选证书均已撤销", code="nothing_to_do", details={"skipped": skipped})
    now = ports.clock.now_utc()
    digest = hashlib.sha256(json.dumps([sorted((r["id"], int(r["version"])) for r in chosen), include_revoked])
                            .encode()).hexdigest()
    recent = ports.downloads.recent(principal.username, (now - STALE_AFTER).isoformat())
    reuse = next((j for j in recent if j.get("digest") == digest and j["status"] != "failed"
                  and j["created_at"] >= (now - REUSE_WITHIN).isoformat()), None)
    if reuse:
        return {**view(principal, reuse["id"]), "skipped": skipped, "reused": True}
    busy = [j for j in recent if j["status"] in IN_PROGRESS]
    if len(busy) >= MAX_IN_PROGRESS:
        raise TooManyRequests(f"您已有{len(busy)}个批量下载正在打包，请等其完成后再发起", code="too_many_downloads",
                              retry_after=RETRY_AFTER_SECONDS)
    side, org = scope.scope_of(principal)
    methods = [r.get("method") or "electronic" for r in chosen]
    job = {"id": uuid.uuid4().hex, "side": side, "org_id": org, "requested_by": principal.username,
           "created_at": now.isoformat(), "record_ids": [r["id"] for r in chosen], "status": "queued",
           "digest": digest, "include_revoked": include_revoked,
           "electronic": methods.count("electronic"), "paper": methods.count("paper")}
    ports.downloads.put(job)
    if not ports.queue.send_download({"kind": "zip", "job": job["id"]}):
        ports.downloads.update(job["id"], status="failed", error="任务排队失败，请重试")
    return {**view(principal, job["id"]), "skipped": skipped, "reused": False}


def filename(job: dict) -> str:
    """Named by what it holds: 电子证书 / 纸质证书 / 证书, and the day it was asked for (Beijing)."""
    what = "证书" if job.get("electronic") and job.get("paper") else "纸质证书" if job.get("paper") else "电子证书"
    day = dt.datetime.fromisoformat(job["created_at"]).astimezone(BEIJING).date().isoformat()
    return f"{what}_{day}.zip"


@requires(*ORG_ROLES)
def view(principal: Principal, job_id: str) -> dict:
    job = ports.downloads.get(job_id)
    side, org = scope.scope_of(principal)
    if not job or (job["side"], job["org_id"]) != (side, org):
        raise NotFound("下载任务不存在", code="download_not_found")
    out = {"id": job["id"], "status": job["status"], "total": len(job["record_ids"]), "done": int(job["done"]),
           "electronic": int(job.get("electronic") or 0), "paper": int(job.get("paper") or 0),
           "filename": filename(job), "error": job.get("error")}
    if job["status"] == "done":
        out["url"] = ports.files.link(job["key"], filename=filename(job))
    return out


def give_up(job_id: str) -> None:
    if (ports.downloads.get(job_id) or {}).get("status") != "done":
        ports.downloads.update(job_id, status="failed", error="打包多次失败，请重新发起下载")


def _wanted(rec: dict, job: dict) -> bool:
    return rec["status"] == Status.ISSUED.value and (job.get("include_revoked") or not is_revoked(rec))


def _file_name(rec: dict) -> str:
    return f"{rec['cert_no']}.pdf"      # names of people stay in the manifest, never in paths


def build(job_id: str) -> None:
    """The worker's part: zip the PDFs, write the manifest, publish. Idempotent: a finished job is left be."""
    job = ports.downloads.get(job_id)
    if not job or job["status"] == "done":
        return
    ports.downloads.update(job_id, status="running", done=0)
    recs = sorted((r for r in ports.records.get_many(job["record_ids"]) if _wanted(r, job)),
                  key=lambda r: r["cert_no"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        pdfs = ports.thread_map(lambda r: ports.files.read(r["pdf_key"]), recs, 16)   # S3 reads overlap, in order
        for n, (rec, pdf) in enumerate(zip(recs, pdfs, strict=True), start=1):
            archive.writestr(_file_name(rec), pdf)
            if n % PROGRESS_EVERY == 0:
                ports.downloads.update(job_id, done=n)
        archive.writestr("证书清单.xlsx", xlsx.build(MANIFEST_COLUMNS, recs, "证书清单"))
    key = f"downloads/{job['org_id']}/{job_id}.zip"
    ports.files.put(key, out.getvalue(), "application/zip")
    ports.downloads.update(job_id, status="done", done=len(recs), key=key, expires=int(ports.clock.now()) + 86400)
