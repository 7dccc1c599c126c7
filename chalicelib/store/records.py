"""Issuance records, their audit events and tab counters in the single table (the ``records`` port).

Every write that changes a record's status is one transaction: the record (conditional on its expected
status and version), its audit event, and the counter deltas of its tab. See docs/data-model.md.
"""
import hashlib
import json
import re
import secrets
import uuid
from collections import Counter as Tally
from typing import Iterable, Iterator

from ..clock import now_iso
from ..domain.errors import Busy
from ..domain.workflow import Status
from ..ports import Change, Chunk, Issued
from .items import read
from .masterdata import to_dict
from .models import AuditEvent, CertNumber, Entity, Outbox, PdfHash, PdfVersion, Record, TabCounter
from .tx import MAX_ITEMS, Tx, settle


def record_id(candidate_no: str, plan_id: str, certificate_id: str, level: str) -> str:
    """Derived from the natural key, so the store itself refuses a second record for the same candidate,
    plan, certificate and level (a conditional put on a fixed key; no read-then-write race)."""
    digest = hashlib.sha256(f"{candidate_no}|{plan_id}|{certificate_id}|{level}".encode()).hexdigest()
    return digest[:24]


def _index_keys(rec: dict, status: str) -> dict:
    return {
        "teo_pk": f"TEO#{rec['teo_id']}#{status}",
        "site_pk": f"SITE#{rec['site_id']}#{status}",
        "order_key": f"{rec['created_at']}#{rec['candidate_no']}#{rec['id']}",
        "gsi1pk": f"CAND#{rec['candidate_no']}", "gsi1sk": f"REC#{rec['id']}",
    }


def _bucket(rec: dict) -> tuple:
    return (rec["teo_id"], rec["site_id"], rec["plan_id"], rec["level"], int(rec["exam_year"]),
            rec["certificate_id"])


COUNTERS_PER_BUCKET = 2      # one read by the TEO's tabs, one by the site's: both strongly consistent


def _counter_update(tx: Tx, bucket: tuple, deltas: Tally) -> None:
    """The same deltas on the TEO's counter item and on the site's, in the caller's transaction."""
    teo_id, site_id, plan_id, level, year, cert = bucket
    facts = [TabCounter.type.set(TabCounter), TabCounter.teo_id.set(teo_id), TabCounter.site_id.set(site_id),
             TabCounter.plan_id.set(plan_id), TabCounter.level.set(level), TabCounter.exam_year.set(year),
             TabCounter.certificate_id.set(cert)]
    facts += [getattr(TabCounter, status).add(n) for status, n in sorted(deltas.items()) if n]
    for pk, sk in ((f"CNT#{teo_id}", f"{site_id}#{plan_id}#{level}"),
                   (f"CNTSITE#{site_id}", f"{teo_id}#{plan_id}#{level}")):
        tx.update(None, TabCounter(pk, sk), facts)      # shared by the chunk: owned by no single record


def _unchanged(rec: dict):
    """The condition of every write to a record: still the status, version and incarnation it was read at."""
    condition = (Record.status == rec["status"]) & (Record.version == rec["version"])
    if rec.get("incarnation"):
        condition &= Record.incarnation == rec["incarnation"]
    return condition


def mark(rec: dict) -> str:
    """What identifies the exact state of a record someone was shown."""
    return f"{int(rec['version'])}:{rec.get('incarnation') or ''}"


def _event(rec_id: str, event: dict) -> AuditEvent:
    at = event.get("at") or now_iso()
    return AuditEvent(f"REC#{rec_id}", f"EVT#{at}#{uuid.uuid4().hex[:6]}", record_id=rec_id, at=at,
                      **{k: v for k, v in event.items() if k != "at"})


# ---- create ------------------------------------------------------------------------------------------

def create(records: list[dict], event: dict) -> tuple[list[str], list[str]]:
    """Insert new TEO_PENDING records; return (created ids, ids that already existed). Concurrent callers
    never both create one record: each put is conditional on the key not existing."""
    def build(pending: list[dict]) -> Tx:
        tx = Tx()
        deltas: dict[tuple, Tally] = {}
        for rec in pending:
            rec.setdefault("incarnation", uuid.uuid4().hex[:12])
            item = Record(f"REC#{rec['id']}", "REC", **rec, **_index_keys(rec, rec["status"]))
            tx.put(rec["id"], item, condition=Entity.pk.does_not_exist())
            tx.put(rec["id"], _event(rec["id"], {**event, "to_status": rec["status"]}))
            deltas.setdefault(_bucket(rec), Tally())[rec["status"]] += 1
        for bucket, delta in deltas.items():
            _counter_update(tx, bucket, delta)
        return tx

    created: list[str] = []
    existing: list[str] = []
    for chunk in _chunks(records):
        done, failed = settle(chunk, lambda r: r["id"], build)
        created += [r["id"] for r in done]
        existing += [r["id"] for r in failed]
    return created, existing


def bulk_load(records: list[dict]) -> None:
    """Write records and their tab counters with BatchWriteItem, no conditions and no audit events: for
    migrating data into a quiet table, and for benchmarks. Everyday writes use ``create``."""
    deltas: dict[tuple, Tally] = {}
    with Record.batch_write() as batch:
        for rec in records:
            batch.save(Record(f"REC#{rec['id']}", "REC", **rec, **_index_keys(rec, rec["status"])))
            deltas.setdefault(_bucket(rec), Tally())[rec["status"]] += 1
    for bucket, delta in deltas.items():
        tx = Tx()
        _counter_update(tx, bucket, delta)
        tx.commit()


# ---- transitions -------------------------------------------------------------------------------------

def _move(tx: Tx, rec: dict, to_status: str, actions: list, event: dict, deltas: dict) -> None:
    """One record's move, conditional on the state it was read in, with its audit event and counter deltas."""
    at = event.get("at") or now_iso()
    keys = _index_keys(rec, to_status)
    tx.update(rec["id"], Record(f"REC#{rec['id']}", "REC"),
              [Record.status.set(to_status), Record.version.add(1), Record.updated_at.set(at),
               Record.teo_pk.set(keys["teo_pk"]), Record.site_pk.set(keys["site_pk"]), *actions], _unchanged(rec))
    tx.put(rec["id"], _event(rec["id"], {**event, "at": at, "from_status": rec["status"], "to_status": to_status}))
    delta = deltas.setdefault(_bucket(rec), Tally())
    delta[rec["status"]] -= 1
    delta[to_status] += 1


def _change(tx: Tx, ch: Change, deltas: dict) -> None:
    _move(tx, ch.record, ch.to_status, [getattr(Record, k).remove() if v is None else getattr(Record, k).set(v)
                                        for k, v in ch.fields.items()], ch.event, deltas)


def _counters(tx: Tx, deltas: dict) -> None:
    for bucket, delta in deltas.items():
        if any(delta.values()):
            _counter_update(tx, bucket, delta)


def apply_chunks(changes: list[Change], max_records: int = MAX_ITEMS, job=None) -> Iterator[Chunk]:
    """Apply status changes one transaction at a time, yielding after each, so the caller can act on a
    chunk (send its jobs) before the next is written. With ``job`` (a change → its job), each transaction
    also writes its chunk's jobs to the outbox: a crash before they reach SQS strands nothing for long."""
    def build(pending: list[Change]) -> Tx:
        tx = Tx()
        deltas: dict[tuple, Tally] = {}
        for ch in pending:
            _change(tx, ch, deltas)
        _counters(tx, deltas)
        if job:
            tx.put(None, Outbox("OUTBOX", outbox, jobs=json.dumps([job(c) for c in pending]), created_at=now_iso()))
        return tx

    for chunk in _chunks(changes, key=lambda c: c.record, extra=1 if job else 0, max_records=max_records):
        outbox = f"{now_iso()}#{uuid.uuid4().hex[:8]}" if job else None
        try:
            done, failed = settle(chunk, lambda c: c.record["id"], build)
        except Busy:
            # Earlier chunks stay applied; the caller reports this chunk's records as not done.
            yield Chunk([], [], [c.record["id"] for c in chunk])
            continue
        yield Chunk(done, [c.record["id"] for c in failed], [], outbox if done else None)


def apply(changes: list[Change]) -> tuple[list[str], list[str], list[str]]:
    """Apply status changes in transactions; return (applied ids, ids someone else changed first, ids left
    undone because the table stayed too busy to accept them)."""
    applied: list[str] = []
    lost: list[str] = []
    busy: list[str] = []
    for chunk in apply_chunks(changes):
        applied += [c.record["id"] for c in chunk.applied]
        lost += chunk.lost
        busy += chunk.busy
    return applied, lost, busy


def delete(rec: dict, event: dict) -> bool:
    """Delete a TEO_PENDING record nobody has signed; False when it changed meanwhile."""
    def build(_: list) -> Tx:
        tx = Tx()
        condition = _unchanged(rec) & (Record.signed == False)  # noqa: E712
        tx.delete(rec["id"], Record(f"REC#{rec['id']}", "REC"), condition)
        tx.put(rec["id"], _event(rec["id"], {**event, "from_status": rec["status"], "to_status": None}))
        _counter_update(tx, _bucket(rec), Tally({rec["status"]: -1}))
        return tx

    done, _ = settle([rec], lambda r: r["id"], build)
    return bool(done)


def _chunks(items: list, key=lambda x: x, per_record: int = 2, extra: int = 0,
            max_records: int = MAX_ITEMS) -> Iterable[list]:
    """Split into transactions of at most 100 items: ``per_record`` for each record (the record, its
    event, ...), two per tab counter bucket and ``extra`` for the chunk; and at most ``max_records``."""
    chunk: list = []
    buckets: set = set()
    for item in items:
        b = _bucket(key(item))
        size = per_record * (len(chunk) + 1) + COUNTERS_PER_BUCKET * len(buckets | {b}) + extra
        if chunk and (size > MAX_ITEMS or len(chunk) >= max_records):
            yield chunk
            chunk, buckets = [], set()
        chunk.append(item)
        buckets.add(b)
    if chunk:
        yield chunk


# ---- issuance ----------------------------------------------------------------------------------------

ISSUED_ITEMS = 6      # per certificate made: record, event, PDF version, hash, previous version, number


def finish(issued: list[Issued], failed: list[Change]) -> tuple[list[str], list[str], list[str]]:
    """One stamping message's outcome in one transaction (two only past 100 items): each certificate made
    goes GENERATING → ISSUED with its new PDF version (the previous one marked superseded), its hash and,
    at the first issue, its number's ownership item; each that could not be made goes to STAMP_FAILED.
    Every record's write is conditional on its version: one whose condition fails is dropped and the rest
    go through. Returns (done, changed by someone else, too busy) ids."""
    def build(pending: list) -> Tx:
        tx = Tx()
        deltas: dict[tuple, Tally] = {}
        for it in pending:
            if isinstance(it, Change):
                _change(tx, it, deltas)
                continue
            rec = it.record
            version = int(rec.get("pdf_version") or 0) + 1
            at = it.event["at"]
            _move(tx, rec, Status.ISSUED.value,
                  [Record.cert_no.set(it.cert_no), Record.verification_code.set(it.verification_code),
                   Record.award_date.set(it.award_date), Record.issued_at.set(at),
                   Record.pdf_version.set(version), Record.pdf_key.set(it.pdf_key),
                   Record.pdf_sha256.set(it.sha256), Record.reason.remove(),
                   *([Record.status_index.set(it.status_index), Record.credential_salt.set(secrets.token_hex(16))]
                     if it.status_index is not None and rec.get("status_index") is None else [])],
                  it.event, deltas)
            tx.put(rec["id"], PdfVersion(f"REC#{rec['id']}", f"PDF#{version:04d}", record_id=rec["id"],
                                         version=version, key=it.pdf_key, sha256=it.sha256,
                                         method=rec.get("method") or "electronic", created_at=at))
            tx.put(rec["id"], PdfHash(f"PDFHASH#{it.sha256}", "PDFHASH", record_id=rec["id"], version=version))
            if version > 1:
                tx.update(rec["id"], PdfVersion(f"REC#{rec['id']}", f"PDF#{version - 1:04d}"),
                          [PdfVersion.superseded.set(True)])
            if it.new_number:
                tx.put(rec["id"], CertNumber(f"CERTNO#{it.cert_no}", "CERTNO", cert_no=it.cert_no,
                                             record_id=rec["id"]), condition=Entity.pk.does_not_exist())
        _counters(tx, deltas)
        return tx

    done: list[str] = []
    lost: list[str] = []
    busy: list[str] = []
    for chunk in _chunks([*issued, *failed], key=lambda i: i.record, per_record=ISSUED_ITEMS):
        try:
            ok, refused = settle(chunk, lambda i: i.record["id"], build)
        except Busy:
            busy += [i.record["id"] for i in chunk]
            continue
        done += [i.record["id"] for i in ok]
        lost += [i.record["id"] for i in refused]
    return done, lost, busy


# ---- reads -------------------------------------------------------------------------------------------

RECORD_ID = re.compile(r"^[0-9a-f]{24}$")


def get(rec_id: str) -> dict | None:
    return read(Record, f"REC#{rec_id}", "REC") if RECORD_ID.match(rec_id or "") else None


def get_many(ids: Iterable[str]) -> list[dict]:
    keys = [(f"REC#{i}", "REC") for i in dict.fromkeys(ids) if RECORD_ID.match(i or "")]
    return [to_dict(r) for r in Record.batch_get(keys, consistent_read=True)] if keys else []


def events(rec_id: str) -> list[dict]:
    return [to_dict(e) for e in AuditEvent.query(f"REC#{rec_id}", Entity.sk.startswith("EVT#"))]


def tab(scope: str, scope_id: str, status: str) -> list[dict]:
    """One tab's records in order, with only the projected filter fields (plus ``id`` from the key)."""
    return list(tab_in_order(scope, scope_id, status))


def tab_in_order(scope: str, scope_id: str, status: str, page_size: int | None = None) -> Iterator[dict]:
    """``tab``'s rows as they are consumed, read ``page_size`` a request: a reader that stops early (a
    list page) reads no further than the request it stopped in."""
    index = Record.teo_status if scope == "teo" else Record.site_status
    prefix = "TEO" if scope == "teo" else "SITE"
    for item in index.query(f"{prefix}#{scope_id}#{status}", page_size=page_size):
        row = to_dict(item)
        row["id"] = item.pk[4:]
        row["order_key"] = item.order_key
        yield row


def by_candidate(candidate_no: str) -> list[dict]:
    return [to_dict(r) for r in Record.gsi1.query(f"CAND#{candidate_no}", Entity.gsi1sk.startswith("REC#"))]


def counters(scope: str, scope_id: str) -> list[dict]:
    """A TEO's or a site's tab counters, read strongly: counts are exact right after any transition."""
    pk = f"CNT#{scope_id}" if scope == "teo" else f"CNTSITE#{scope_id}"
    return [to_dict(i) for i in TabCounter.query(pk, consistent_read=True)]


