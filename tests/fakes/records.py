"""Fakes of the ``records``, ``issued``, ``sequences``, ``outbox`` and ``status_lists`` ports, over one
in-memory table (``tests/fakes/table.py``) with the adapters' own keys, so what one port writes the
others read, as in DynamoDB.

They mirror chalicelib/store/records.py, issued.py, sequences.py, outbox.py and statuslist.py: each
record's write holds only if the record is still in the status, version (and incarnation) it was read
in — a record whose condition fails moves nothing and is reported lost, the others go through; each
change writes its audit event and both tab counters' deltas; ``tab`` rows are what the index projects.
The adapters' pure helpers (ids, chunking, buckets, index keys) are used as they are.

Not modelled: DynamoDB's transaction limits and conflicts (a chunk is cut as the adapter cuts it, but
never retried). ``busy`` (record ids) stands for a table too busy to take them: a chunk holding one is
refused whole, as after ``settle`` gave up.
"""
from __future__ import annotations

import json
from collections import Counter as Tally
from typing import Any, Iterable, Iterator

from chalicelib.domain.errors import Busy
from chalicelib.domain.workflow import Status, is_revoked
from chalicelib.ports import Change, Chunk, Issued
from chalicelib.store import outbox as outbox_adapter
from chalicelib.store import records as adapter
from chalicelib.store import statuslist as statuslist_adapter
from chalicelib.store.masterdata import to_dict
from chalicelib.store.models import (
    RECORD_FILTER_FIELDS,
    AuditEvent,
    CertNumber,
    Outbox,
    PdfHash,
    PdfVersion,
    Record,
    Sequence,
    StatusList,
    TabCounter,
)
from chalicelib.store.tx import MAX_ITEMS

from .clock import FakeClock
from .table import Table


def _rec_key(rec_id: str) -> tuple[str, str]:
    return f"REC#{rec_id}", "REC"


class FakeRecords:
    record_id = staticmethod(adapter.record_id)
    mark = staticmethod(adapter.mark)

    def __init__(self, table: Table, clock: FakeClock) -> None:
        self.table = table
        self.clock = clock
        self.busy: set[str] = set()

    # ---- helpers -------------------------------------------------------------------------------------

    def _unchanged(self, rec: dict) -> bool:
        stored = self.table.get(*_rec_key(rec["id"]), model=Record)
        return (stored is not None and stored.status == rec["status"] and stored.version == rec["version"]
                and (not rec.get("incarnation") or stored.incarnation == rec["incarnation"]))

    def _event(self, rec_id: str, event: dict) -> None:
        at = event.get("at") or self.clock.now_iso()
        self.table.save(AuditEvent(f"REC#{rec_id}", f"EVT#{at}#{self.table.token(6)}", record_id=rec_id, at=at,
                                   **{k: v for k, v in event.items() if k != "at"}))

    def _counters(self, deltas: dict[tuple, Tally]) -> None:
        for bucket, delta in deltas.items():
            if not any(delta.values()):
                continue
            teo_id, site_id, plan_id, level, year, cert = bucket
            facts = {"teo_id": teo_id, "site_id": site_id, "plan_id": plan_id, "level": level, "exam_year": year,
                     "certificate_id": cert}
            for pk, sk in ((f"CNT#{teo_id}", f"{site_id}#{plan_id}#{level}"),
                           (f"CNTSITE#{site_id}", f"{teo_id}#{plan_id}#{level}")):
                self.table.update(TabCounter, pk, sk, set=facts, add={s: n for s, n in delta.items() if n})

    def _move(self, rec: dict, to_status: str, fields: dict, event: dict, deltas: dict) -> None:
        at = event.get("at") or self.clock.now_iso()
        keys = adapter._index_keys(rec, to_status)
        stored = self.table.get(*_rec_key(rec["id"]), model=Record)
        self.table.update(Record, stored.pk, stored.sk,
                          set={"status": to_status, "updated_at": at, "teo_pk": keys["teo_pk"],
                               "site_pk": keys["site_pk"], **fields}, add={"version": 1})
        self._event(rec["id"], {**event, "at": at, "from_status": rec["status"], "to_status": to_status})
        delta = deltas.setdefault(adapter._bucket(rec), Tally())
        delta[rec["status"]] -= 1
        delta[to_status] += 1

    def _refuse_busy(self, ids: Iterable[str]) -> None:
        if self.busy & set(ids):
            raise Busy("系统繁忙，请稍后重试", code="busy")

    # ---- create ------------------------------------------------------------------------------------------

    def create(self, records: list[dict], event: dict) -> tuple[list[str], list[str]]:
        created: list[str] = []
        existing: list[str] = []
        for chunk in adapter._chunks(records):
            with self.table.transaction():
                self._refuse_busy(r["id"] for r in chunk)
                deltas: dict[tuple, Tally] = {}
                for rec in chunk:
                    rec.setdefault("incarnation", self.table.token(12))
                    if self.table.exists(*_rec_key(rec["id"])):
                        existing.append(rec["id"])
                        continue
                    self.table.save(Record(*_rec_key(rec["id"]), **rec, **adapter._index_keys(rec, rec["status"])))
                    self._event(rec["id"], {**event, "to_status": rec["status"]})
                    deltas.setdefault(adapter._bucket(rec), Tally())[rec["status"]] += 1
                    created.append(rec["id"])
                self._counters(deltas)
        return created, existing

    def bulk_load(self, records: list[dict]) -> None:
        with self.table.transaction():
            deltas: dict[tuple, Tally] = {}
            for rec in records:
                self.table.save(Record(*_rec_key(rec["id"]), **rec, **adapter._index_keys(rec, rec["status"])))
                deltas.setdefault(adapter._bucket(rec), Tally())[rec["status"]] += 1
            self._counters(deltas)

    # ---- transitions ---------------------------------------------------------------------------------

    def apply_chunks(self, changes: list[Change], max_records: int = MAX_ITEMS, job: Any = None
                     ) -> Iterator[Chunk]:
        for chunk in adapter._chunks(changes, key=lambda c: c.record, extra=1 if job else 0,
                                     max_records=max_records):
            with self.table.transaction():
                outbox = f"{self.clock.now_iso()}#{self.table.token(8)}" if job else None
                if self.busy & {c.record["id"] for c in chunk}:
                    result = Chunk([], [], [c.record["id"] for c in chunk])
                else:
                    done = [c for c in chunk if self._unchanged(c.record)]
                    deltas: dict[tuple, Tally] = {}
                    for ch in done:
                        self._move(ch.record, ch.to_status, ch.fields, ch.event, deltas)
                    self._counters(deltas)
                    if job and done:
                        self.table.save(Outbox("OUTBOX", outbox, jobs=json.dumps([job(c) for c in done]),
                                               created_at=self.clock.now_iso()))
                    result = Chunk(done, [c.record["id"] for c in chunk if c not in done], [],
                                   outbox if done else None)
            yield result

    def apply(self, changes: list[Change]) -> tuple[list[str], list[str], list[str]]:
        applied: list[str] = []
        lost: list[str] = []
        busy: list[str] = []
        for chunk in self.apply_chunks(changes):
            applied += [c.record["id"] for c in chunk.applied]
            lost += chunk.lost
            busy += chunk.busy
        return applied, lost, busy

    def delete(self, rec: dict, event: dict) -> bool:
        with self.table.transaction():
            self._refuse_busy([rec["id"]])
            stored = self.table.get(*_rec_key(rec["id"]), model=Record)
            if not self._unchanged(rec) or stored.signed:
                return False
            self.table.delete(*_rec_key(rec["id"]))
            self._event(rec["id"], {**event, "from_status": rec["status"], "to_status": None})
            self._counters({adapter._bucket(rec): Tally({rec["status"]: -1})})
            return True

    # ---- issuance ----------------------------------------------------------------------------------------

    def finish(self, issued: list[Issued], failed: list[Change]) -> tuple[list[str], list[str], list[str]]:
        done: list[str] = []
        lost: list[str] = []
        busy: list[str] = []
        for chunk in adapter._chunks([*issued, *failed], key=lambda i: i.record, per_record=adapter.ISSUED_ITEMS):
            ids = [i.record["id"] for i in chunk]
            with self.table.transaction():
                if self.busy & set(ids):
                    busy += ids
                    continue
                deltas: dict[tuple, Tally] = {}
                for it in chunk:
                    if not self._holds(it):
                        lost.append(it.record["id"])
                        continue
                    if isinstance(it, Change):
                        self._move(it.record, it.to_status, it.fields, it.event, deltas)
                    else:
                        self._issue(it, deltas)
                    done.append(it.record["id"])
                self._counters(deltas)
        return done, lost, busy

    def _holds(self, it: Issued | Change) -> bool:
        """The record unchanged and, for a new number, the number nobody's yet."""
        fresh_number = not isinstance(it, Issued) or not it.new_number or \
            not self.table.exists(f"CERTNO#{it.cert_no}", "CERTNO")
        return self._unchanged(it.record) and fresh_number

    def _issue(self, it: Issued, deltas: dict) -> None:
        rec = it.record
        version = int(rec.get("pdf_version") or 0) + 1
        at = it.event["at"]
        fields = {"cert_no": it.cert_no, "verification_code": it.verification_code, "award_date": it.award_date,
                  "issued_at": at, "pdf_version": version, "pdf_key": it.pdf_key, "pdf_sha256": it.sha256,
                  "reason": None}
        if it.status_index is not None and rec.get("status_index") is None:
            fields |= {"status_index": it.status_index, "credential_salt": self.table.token(32)}
        self._move(rec, Status.ISSUED.value, fields, it.event, deltas)
        self.table.save(PdfVersion(f"REC#{rec['id']}", f"PDF#{version:04d}", record_id=rec["id"], version=version,
                                   key=it.pdf_key, sha256=it.sha256, method=rec.get("method") or "electronic",
                                   created_at=at))
        self.table.save(PdfHash(f"PDFHASH#{it.sha256}", "PDFHASH", record_id=rec["id"], version=version))
        if version > 1:
            self.table.update(PdfVersion, f"REC#{rec['id']}", f"PDF#{version - 1:04d}", set={"superseded": True})
        if it.new_number:
            self.table.save(CertNumber(f"CERTNO#{it.cert_no}", "CERTNO", cert_no=it.cert_no, record_id=rec["id"]))

    # ---- reads -------------------------------------------------------------------------------------------

    def get(self, rec_id: str) -> dict | None:
        if not adapter.RECORD_ID.match(rec_id or ""):
            return None
        return self.table.read(*_rec_key(rec_id), model=Record)

    def get_many(self, ids: Iterable[str]) -> list[dict]:
        """In id order, not the order asked: BatchGetItem promises none."""
        found = (self.table.read(*_rec_key(i), model=Record) for i in sorted(set(ids))
                 if adapter.RECORD_ID.match(i or ""))
        return [r for r in found if r is not None]

    def events(self, rec_id: str) -> list[dict]:
        return [to_dict(e) for e in self.table.query(f"REC#{rec_id}", lambda sk: sk.startswith("EVT#"),
                                                     model=AuditEvent)]

    def tab(self, scope: str, scope_id: str, status: str) -> list[dict]:
        return list(self.tab_in_order(scope, scope_id, status))

    def tab_in_order(self, scope: str, scope_id: str, status: str, page_size: int | None = None) -> Iterator[dict]:
        index, prefix = ("teo_status", "TEO") if scope == "teo" else ("site_status", "SITE")
        for item in self.table.index(index, f"{prefix}#{scope_id}#{status}", model=Record,
                                     projection=RECORD_FILTER_FIELDS):
            row = to_dict(item)
            row["id"] = item.pk[4:]
            row["order_key"] = item.order_key
            yield row

    def by_candidate(self, candidate_no: str) -> list[dict]:
        return [to_dict(r) for r in self.table.index("gsi1", f"CAND#{candidate_no}",
                                                     lambda sk: sk.startswith("REC#"), model=Record)]

    def counters(self, scope: str, scope_id: str) -> list[dict]:
        pk = f"CNT#{scope_id}" if scope == "teo" else f"CNTSITE#{scope_id}"
        return [to_dict(i) for i in self.table.query(pk, model=TabCounter)]


class FakeIssuedFiles:
    def __init__(self, table: Table, records: FakeRecords) -> None:
        self.table = table
        self.records = records

    def versions(self, rec_id: str) -> list[dict]:
        return [to_dict(v) for v in self.table.query(f"REC#{rec_id}", lambda sk: sk.startswith("PDF#"),
                                                     model=PdfVersion)]

    def by_pdf_hash(self, sha256: str) -> tuple[dict, int] | None:
        item = self.table.get(f"PDFHASH#{sha256}", "PDFHASH", model=PdfHash)
        rec = self.records.get(item.record_id) if item else None
        return (rec, int(item.version)) if rec else None

    def by_cert_no(self, cert_no: str) -> dict | None:
        item = self.table.get(f"CERTNO#{cert_no}", "CERTNO", model=CertNumber)
        return self.records.get(item.record_id) if item else None


class FakeSequences:
    def __init__(self, table: Table) -> None:
        self.table = table

    def allocate(self, sequence: str, count: int) -> range:
        with self.table.lock:
            value = int(self.table.update(Sequence, f"SEQ#{sequence}", "SEQ", add={"value": count}).value)
        return range(value - count + 1, value + 1)


class FakeOutbox:
    CLEAR_BATCH = outbox_adapter.CLEAR_BATCH

    def __init__(self, table: Table) -> None:
        self.table = table

    def before(self, cutoff: str) -> list[tuple[str, list[dict]]]:
        return [(item.sk, json.loads(item.jobs))
                for item in self.table.query("OUTBOX", lambda sk: sk < cutoff, model=Outbox)]

    def clear(self, keys: list[str]) -> None:
        with self.table.lock:
            for key in keys:
                self.table.delete("OUTBOX", key)


class FakeStatusLists:
    SIZE = statuslist_adapter.SIZE
    SEQUENCE = statuslist_adapter.SEQUENCE
    locate = staticmethod(statuslist_adapter.locate)

    def __init__(self, table: Table, records: FakeRecords, sequences: FakeSequences) -> None:
        self.table = table
        self.records = records
        self.sequences = sequences

    def _key(self, list_id: str) -> tuple[str, str]:
        return f"STATUSLIST#{list_id}", "STATUSLIST"

    def ensure_lists(self, indexes: Iterable[int]) -> None:
        with self.table.lock:
            for list_id in {self.locate(i)[0] for i in indexes}:
                self.table.update(StatusList, *self._key(list_id), add={"revision": 0})

    def assign(self, rec: dict) -> dict:
        if rec.get("status_index") is not None:
            return rec
        index = next(iter(self.sequences.allocate(self.SEQUENCE, 1))) - 1
        with self.table.lock:
            stored = self.table.get(*_rec_key(rec["id"]), model=Record)
            if stored is None or stored.status_index is None:
                self.table.update(Record, *_rec_key(rec["id"]),
                                  set={"status_index": index, "credential_salt": self.table.token(32)})
        self.ensure_lists([index])
        rec = self.records.get(rec["id"])
        if is_revoked(rec):
            self.set_bit(int(rec["status_index"]))
        return rec

    def set_bit(self, index: int) -> None:
        list_id, bit = self.locate(index)
        with self.table.lock:
            self.table.update(StatusList, *self._key(list_id), add={"revoked": {bit}, "revision": 1})

    def get_list(self, list_id: str) -> dict | None:
        item = self.table.get(*self._key(list_id), model=StatusList)
        if item is None:
            return None
        return {"revoked": set(item.revoked or ()), "revision": int(item.revision or 0), "jwt": item.jwt,
                "jwt_revision": item.jwt_revision, "jwt_signed_at": item.jwt_signed_at}

    def is_set(self, index: int) -> bool:
        list_id, bit = self.locate(index)
        found = self.get_list(list_id)
        return bool(found) and bit in found["revoked"]

    def keep_signed(self, list_id: str, jwt: str, revision: int, signed_at: str) -> None:
        with self.table.lock:
            item = self.table.get(*self._key(list_id), model=StatusList)
            if item is not None and item.revision == revision:
                self.table.update(StatusList, *self._key(list_id),
                                  set={"jwt": jwt, "jwt_revision": revision, "jwt_signed_at": signed_at})
