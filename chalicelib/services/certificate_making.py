"""The stamping worker: one SQS message holds up to 16 jobs ``{id, version}``; each job renders one
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
import threading
import uuid
from zoneinfo import ZoneInfo

from .. import config, lazy, ports
from ..domain import certno, printed, printing
from ..domain.workflow import Action, Status
from ..logs import log
from . import evidence, photos

certificate = lazy.module("chalicelib.render.certificate")
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
    cutoff = (ports.clock.now_utc() - dt.timedelta(minutes=older_than_minutes)).isoformat()
    stuck = []
    for org in ports.master.list_all("orgs"):
        listed = ports.records.tab("teo", org["id"], Status.GENERATING.value)
        stuck += [r for r in ports.records.get_many(r["id"] for r in listed)
                  if r["status"] == Status.GENERATING.value and (r.get("updated_at") or r["created_at"]) < cutoff]
    _fail([(rec, "证书生成超时，请重新发放") for rec in stuck])
    return len(stuck)


def _pending(jobs: list[dict]) -> list[dict]:
    found = {r["id"]: r for r in ports.records.get_many(j["id"] for j in jobs)}
    return [found[j["id"]] for j in jobs if j["id"] in found
            and found[j["id"]]["status"] == Status.GENERATING.value
            and int(found[j["id"]]["version"]) == int(j["version"])]


def stamp(jobs: list[dict], receive_count: int) -> None:
    """Make the message's certificates, then record them all in one transaction with the failures."""
    todo = _pending(jobs)
    if not todo:
        return
    last_try = receive_count >= MAX_RECEIVES
    numbers = _numbers(todo)
    lookup = _lookup(todo)
    made: list[ports.Issued] = []
    failed: list[tuple[dict, str]] = []
    bits = _status_bits(todo)
    for rec in todo:
        try:
            made.append(_make(rec, *numbers[rec["id"]], lookup=lookup, status_index=bits.get(rec["id"])))
        except Unstampable as exc:
            failed.append((rec, str(exc)))
        except Exception as exc:
            log.exception("stamping failed", extra={"record_id": rec["id"], "attempt": receive_count})
            if not last_try:
                _discard([it.pdf_key for it in made])
                raise RetryLater(str(exc)) from exc
            failed.append((rec, f"多次重试仍失败：{exc}"))
    done, lost, busy = ports.records.finish(made, [_failure(rec, reason) for rec, reason in failed])
    unissued = set(lost) | set(busy)
    _discard([it.pdf_key for it in made if it.record["id"] in unissued])
    if busy and not last_try:
        raise RetryLater("the table stayed busy")
    later = [(it.record, "系统繁忙，多次重试仍失败，请重新发放") for it in made if it.record["id"] in busy]
    later += [(rec, reason) for rec, reason in failed if rec["id"] in busy]
    # Lost: the record moved on (a repeated delivery won), or its new number was taken: if it is still
    # GENERATING at this job's version, it is the latter, and it must not wait forever.
    lost_jobs = [{"id": i.record["id"], "version": i.record["version"]} for i in made if i.record["id"] in lost]
    later += [(rec, "证书编号冲突，请重新发放") for rec in _pending(lost_jobs)] if lost_jobs else []
    if not _fail(later):
        raise RetryLater("the table stayed busy")
    log.info("stamped", extra={"issued": sum(i.record["id"] not in unissued for i in made), "failed": len(failed)})


def _lookup(todo: list[dict]):
    """The master data the message's certificates need, read in one request (anything else on demand)."""
    wanted = {(kind, rec[field]) for rec in todo for kind, field in
              (("orgs", "teo_id"), ("colleges", "site_id"), ("certificates", "certificate_id"))}
    wanted |= {("users", name) for rec in todo for name in evidence.signers(rec)}     # for signoff.json
    rows = ports.master.get_each(wanted)        # what it lacks is missing: not read again
    return functools.cache(lambda kind, key: rows.get((kind, key)) if (kind, key) in wanted
                           else ports.master.get(kind, id=key))


def _display_names(rec: dict, lookup) -> dict[str, str]:
    """The record's signers' display names, from the message's one read of master data."""
    return {name: (lookup("users", name) or {}).get("display_name") or name for name in evidence.signers(rec)}


def _discard(keys: list[str]) -> None:
    """The PDFs of records this run did not issue (a repeated delivery won the race, or the table stayed
    busy) would belong to nothing: remove them. Best effort: the records are right either way."""
    if keys and not ports.files.discard(keys):
        log.warning("unused certificate PDFs were not removed", extra={"keys": keys})


def _failure(rec: dict, reason: str) -> ports.Change:
    return ports.Change(rec, Status.STAMP_FAILED.value, {"reason": reason},
                        {**SYSTEM, "action": Action.STAMP_FAIL.value, "reason": reason, "at": ports.clock.now_iso()})


def _fail(failed: list[tuple[dict, str]]) -> bool:
    """GENERATING → STAMP_FAILED with the reason; False when the table was too busy to take them all."""
    _, _, busy = ports.records.apply([_failure(rec, reason) for rec, reason in failed])
    return not busy


class _SequenceBlocks:
    """Certificate numbers and status-list bits come from their sequences a block at a time: one write
    per block, not one per message. Values stay unique; a process that ends leaves the rest of its blocks
    unused (a gap in the sequence, never a value given twice)."""

    SIZE = 100

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._free: dict[str, list[int]] = {}

    def take(self, sequence: str, count: int) -> list[int]:
        with self._lock:
            free = self._free.setdefault(sequence, [])
            if len(free) < count:
                free += ports.sequences.allocate(sequence, max(self.SIZE, count - len(free)))
            taken, self._free[sequence] = free[:count], free[count:]
            return taken


_BLOCKS = _SequenceBlocks()


def _status_bits(todo: list[dict]) -> dict[str, int]:
    """A credential revocation bit for each certificate issued for the first time; never reused."""
    fresh = [r["id"] for r in todo if r.get("status_index") is None]
    if not fresh:
        return {}
    indexes = [value - 1 for value in _BLOCKS.take(ports.status_lists.SEQUENCE, len(fresh))]
    ports.status_lists.ensure_lists(indexes)
    return dict(zip(fresh, indexes, strict=True))


def _numbers(todo: list[dict]) -> dict[str, tuple[str, str, str, bool]]:
    """(number, verification code, award date, new?) per record: kept from the first issue, or new."""
    today = ports.clock.now_utc().astimezone(BEIJING).date()     # the award date people read, not the server's UTC date
    fresh = [r for r in todo if not r.get("cert_no")]
    sequence = iter(_BLOCKS.take(f"CERTNO#{today.year}", len(fresh)) if fresh else ())
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
        return ports.files.read(key)     # seal and stamp keys name immutable objects, so caching them is safe
    except ports.FileMissing:
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


def verify_url(cert_no: str, code: str, version: int) -> str:
    """The QR code's link names the PDF version it is printed on, so a scan can tell a replaced file."""
    return f"{config.public_base_url()}/verify/{cert_no}?code={code}&v={version}"


def _photo(rec: dict, cert_type: dict) -> bytes | None:
    """The holder's photo, printed in its frame; a certificate type that requires one cannot do without."""
    try:
        return ports.files.read(photos.key(rec["candidate_no"]))
    except ports.FileMissing:
        if cert_type.get("requires_photo"):
            raise Unstampable("缺少考生照片") from None
        return None


def calibration(org: dict | None) -> "certificate.Calibration":
    return certificate.Calibration(**printing.settings(org))


def _render(rec: dict, cert_no: str, code: str, award_date: str, version: int, lookup,
            preview: bool = False, signoff_line: str = "") -> bytes:
    """The certificate's page: as issued (paper moved by the TEO's calibration), or for the print preview
    (paper at its place on the stock, drawn over the stock)."""
    cert_type = lookup("certificates", rec["certificate_id"]) or {}
    template = cert_type.get("template") or "default"
    method = rec.get("method") or "electronic"
    fields = printed.fields(rec, cert_no, award_date, verify_url(cert_no, code, version), signoff_line)
    images = _images(rec, template, method, lookup)
    images["photo"] = _photo(rec, cert_type)
    try:
        return certificate.render(template, method, fields, images,
                                  info={"title": printed.title(rec), "author": rec["teo_name"], "subject": cert_no},
                                  calibration=None if preview else calibration(lookup("orgs", rec["teo_id"])),
                                  stock=preview)
    except certificate.RenderError as exc:
        raise Unstampable(f"证书生成失败：{exc}") from None


def print_preview(rec: dict) -> bytes:
    """套打预览 of an issued paper certificate: what it prints, over the stock."""
    lookup = functools.cache(lambda kind, key: ports.master.get(kind, id=key))
    return _render(rec, rec["cert_no"], rec["verification_code"], rec["award_date"],
                   int(rec.get("pdf_version") or 1), lookup, preview=True)


def _make(rec: dict, cert_no: str, code: str, award_date: str, new_number: bool, lookup,
          status_index: int | None = None) -> ports.Issued:
    method = rec.get("method") or "electronic"
    version = int(rec.get("pdf_version") or 0) + 1
    # The sign-offs that counted: sealed into electronic certificates (paper ones show them on verification).
    parties = evidence.signoffs(rec, _display_names(rec, lookup)) if method == "electronic" else []
    pdf = _render(rec, cert_no, code, award_date, version, lookup, signoff_line=evidence.summary_line(parties))
    if method == "electronic":       # sealed last: nothing may be drawn after the signature
        serial = lookup("orgs", rec["teo_id"]).get("seal_serial")
        try:
            if not serial:
                raise LookupError
            pdf = ports.pdf_seal.sign(pdf, serial, attachment=(evidence.FILENAME, "两方在线签发确认的证据",
                                                        evidence.document(rec, cert_no, version, parties)))
        except LookupError:
            raise Unstampable("电子公章的签名证书不存在，请重新申请电子公章") from None
    digest = hashlib.sha256(pdf).hexdigest()
    key = f"certificates/{rec['id']}/v{version:04d}-{uuid.uuid4().hex[:8]}.pdf"
    ports.files.put(key, pdf, "application/pdf", metadata={"cert-no": cert_no, "sha256": digest})
    return ports.Issued(rec, key, digest, cert_no, code, award_date, new_number,
                        {**SYSTEM, "action": Action.STAMPED.value, "at": ports.clock.now_iso()}, status_index)
