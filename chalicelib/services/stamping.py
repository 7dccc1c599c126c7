"""The stamping worker: one SQS message holds up to ten jobs ``{id, version}``; each job renders one
certificate, stores the PDF in S3 and marks the record ISSUED — or STAMP_FAILED with a reason a person
can act on.

Idempotent: a job whose record is no longer GENERATING at that version was done already (a repeated
message) or superseded, and is skipped. A failure that another attempt may cure (S3 or DynamoDB
unavailable) fails the message so SQS delivers it again; on its last delivery, or in the dead-letter
queue, the records end STAMP_FAILED instead, so nothing waits in GENERATING forever.
"""
import datetime as dt
import functools
import hashlib
import uuid
from zoneinfo import ZoneInfo

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from .. import config, files, sealing
from ..domain import certno
from ..domain.workflow import Action, Status
from ..render import certificate
from ..store import masterdata as master
from ..store import records as store

log = Logger(service="skillcert")
BEIJING = ZoneInfo("Asia/Shanghai")
MAX_RECEIVES = 3          # the queue's maxReceiveCount: the last delivery before the dead-letter queue
SYSTEM = {"actor": "system", "role": "worker", "org_id": None}


class Unstampable(Exception):
    """This certificate cannot be made until a person fixes something (the message says what)."""


class RetryLater(Exception):
    """A failure another delivery may cure."""


def give_up(jobs: list[dict]) -> None:
    """For jobs in the dead-letter queue: whatever is still GENERATING at that version ends STAMP_FAILED."""
    if not _fail([(rec, "多次重试仍未完成盖章，请重新发放") for rec in _pending(jobs)]):
        raise RetryLater("the table stayed busy")        # the dead letter comes back; nothing is dropped


def sweep(older_than_minutes: int = 30) -> int:
    """The safety net (run on a schedule): a record GENERATING for longer than any delivery could take
    lost its job somehow (the API died between its transaction and SQS, say); it ends STAMP_FAILED."""
    cutoff = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=older_than_minutes)).isoformat()
    stuck = []
    for org in master.list_all("orgs"):
        listed = store.tab("teo", org["id"], Status.GENERATING.value)
        stuck += [r for r in store.get_many(r["id"] for r in listed)
                  if r["status"] == Status.GENERATING.value and (r.get("updated_at") or r["created_at"]) < cutoff]
    _fail([(rec, "证书生成超时，请重新发放") for rec in stuck])
    return len(stuck)


def _pending(jobs: list[dict]) -> list[dict]:
    found = {r["id"]: r for r in store.get_many(j["id"] for j in jobs)}
    return [found[j["id"]] for j in jobs if j["id"] in found
            and found[j["id"]]["status"] == Status.GENERATING.value
            and int(found[j["id"]]["version"]) == int(j["version"])]


def stamp(jobs: list[dict], receive_count: int) -> None:
    todo = _pending(jobs)
    if not todo:
        return
    last_try = receive_count >= MAX_RECEIVES
    numbers = _numbers(todo)
    # Master data read once per message: the jobs of one message share their TEO, site and certificate.
    lookup = functools.cache(lambda kind, key: master.get(kind, id=key))
    made: list[store.Issued] = []
    failed: list[tuple[dict, str]] = []
    for rec in todo:
        try:
            made.append(_make(rec, *numbers[rec["id"]], lookup=lookup))
        except Unstampable as exc:
            failed.append((rec, str(exc)))
        except Exception as exc:
            log.exception("stamping failed", extra={"record_id": rec["id"], "attempt": receive_count})
            if not last_try:
                raise RetryLater(str(exc)) from exc
            failed.append((rec, f"多次重试仍失败：{exc}"))
    done, lost, busy = store.mark_issued(made)
    unissued = set(lost) | set(busy)
    _discard([it.pdf_key for it in made if it.record["id"] in unissued])
    if busy and not last_try:
        raise RetryLater("the table stayed busy")
    failed += [(it.record, "系统繁忙，多次重试仍失败，请重新发放") for it in made if it.record["id"] in busy]
    # Lost: the record moved on (a repeated delivery won), or its new number was taken: if it is still
    # GENERATING at this job's version, it is the latter, and it must not wait forever.
    lost_jobs = [{"id": i.record["id"], "version": i.record["version"]} for i in made if i.record["id"] in lost]
    failed += [(rec, "证书编号冲突，请重新发放") for rec in _pending(lost_jobs)]
    if not _fail(failed):
        raise RetryLater("the table stayed busy")
    log.info("stamped", extra={"issued": len(done), "failed": len(failed)})


def _discard(keys: list[str]) -> None:
    """The PDFs of records this run did not issue (a repeated delivery won the race, or the table stayed
    busy) would belong to nothing: remove them. Best effort: the records are right either way."""
    if not keys:
        return
    try:
        files.delete(keys)
    except (BotoCoreError, ClientError):
        log.warning("unused certificate PDFs were not removed", extra={"keys": keys})


def _fail(failed: list[tuple[dict, str]]) -> bool:
    """GENERATING → STAMP_FAILED with the reason; False when the table was too busy to take them all."""
    at = store.now_iso()
    _, _, busy = store.apply([store.Change(rec, Status.STAMP_FAILED.value, {"reason": reason},
                                           {**SYSTEM, "action": Action.STAMP_FAIL.value, "reason": reason,
                                            "at": at})
                              for rec, reason in failed])
    return not busy


def _numbers(todo: list[dict]) -> dict[str, tuple[str, str, str, bool]]:
    """(number, verification code, award date, new?) per record: kept from the first issue, or new."""
    today = dt.datetime.now(BEIJING).date()     # the award date people read, not the server's UTC date
    fresh = [r for r in todo if not r.get("cert_no")]
    sequence = iter(store.allocate(f"CERTNO#{today.year}", len(fresh))) if fresh else iter(())
    out = {}
    for rec in todo:
        if rec.get("cert_no"):
            out[rec["id"]] = (rec["cert_no"], rec["verification_code"], rec["award_date"], False)
        else:
            out[rec["id"]] = (certno.make(today.year, next(sequence)), certno.new_verification_code(),
                              today.isoformat(), True)
    return out


@functools.lru_cache(maxsize=256)
def _image(key: str) -> bytes:
    try:
        return files.read(key)     # seal and stamp keys name immutable objects, so caching them is safe
    except files.Missing:
        raise Unstampable("签章图片文件缺失，请重新上传电子签章") from None


def _org(lookup, kind: str, org_id: str) -> dict:
    row = lookup(kind, org_id)
    if not row:
        raise Unstampable("机构信息不存在")
    return row


def _sources(teo: dict, site: dict) -> dict[str, tuple[str | None, str]]:
    """Per image slot: its S3 key (None when missing) and what a person must do when it is missing."""
    has_seal = teo.get("seal_key") and teo.get("seal_status") == "active"
    revoked = teo.get("seal_status") == "revoked"
    no_seal = (f"培训评价组织“{teo['name']}”的电子公章已被吊销，请重新申请电子公章" if revoked
               else f"培训评价组织“{teo['name']}”尚未取得电子公章，请先申请电子公章")
    return {
        "seal": (teo.get("seal_key") if has_seal else None, no_seal),
        "teo_stamp": (teo.get("stamp_key"), f"培训评价组织“{teo['name']}”尚未上传发证机构负责人电子签章"),
        "site_stamp": (site.get("stamp_key"), f"考核站点“{site['name']}”尚未上传考核站点负责人电子签章"),
    }


def missing(teo: dict, site: dict, template: str, method: str) -> list[str]:
    """What must be supplied before a certificate of this template and method can be made (empty: nothing)."""
    sources = _sources(teo, site)
    return [sources[slot][1] for slot in certificate.required_slots(template, method) if not sources[slot][0]]


def _images(rec: dict, template: str, method: str, lookup) -> dict[str, bytes]:
    teo = _org(lookup, "orgs", rec["teo_id"])
    site = _org(lookup, "colleges", rec["site_id"])
    problems = missing(teo, site, template, method)
    if problems:
        raise Unstampable(problems[0])
    sources = _sources(teo, site)
    return {slot: _image(sources[slot][0]) for slot in certificate.required_slots(template, method)}


def verify_url(cert_no: str, code: str) -> str:
    return f"{config.public_base_url()}/verify/{cert_no}?code={code}"


def _make(rec: dict, cert_no: str, code: str, award_date: str, new_number: bool, lookup) -> store.Issued:
    cert_type = lookup("certificates", rec["certificate_id"]) or {}
    template = cert_type.get("template") or "default"
    method = rec.get("method") or "electronic"
    award = dt.date.fromisoformat(award_date)
    fields = {
        "candidate_name": rec["candidate_name"], "id_number": rec["id_number"], "exam_year": rec["exam_year"],
        "certificate_name": rec["certificate_name"], "level": rec["level"], "cert_no": cert_no,
        "award_date": f"{award.year}年{award.month}月{award.day}日", "site_name": rec["site_name"],
        "teo_name": rec["teo_name"], "verify_url": verify_url(cert_no, code),
    }
    try:
        pdf = certificate.render(template, method, fields, _images(rec, template, method, lookup),
                                 title=f"{rec['certificate_name']}（{rec['level']}）{rec['candidate_name']}")
    except certificate.RenderError as exc:
        raise Unstampable(f"证书生成失败：{exc}") from None
    if method == "electronic":       # sealed last: nothing may be drawn after the signature
        serial = lookup("orgs", rec["teo_id"]).get("seal_serial")
        try:
            if not serial:
                raise LookupError
            pdf = sealing.sign(pdf, rec["teo_id"], serial)
        except LookupError:
            raise Unstampable("电子公章的签名证书不存在，请重新申请电子公章") from None
    digest = hashlib.sha256(pdf).hexdigest()
    version = int(rec.get("pdf_version") or 0) + 1
    key = f"certificates/{rec['id']}/v{version:04d}-{uuid.uuid4().hex[:8]}.pdf"
    files.put(key, pdf, "application/pdf", metadata={"cert-no": cert_no, "sha256": digest})
    return store.Issued(rec, key, digest, cert_no, code, award_date, new_number,
                        {**SYSTEM, "action": Action.STAMPED.value, "at": store.now_iso()})
