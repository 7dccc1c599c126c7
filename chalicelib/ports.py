"""The services' ports: the small interfaces the use cases need from the world outside them, and the one
place that says which implementation serves each.

A service calls ``ports.records.get(rec_id)``; the attribute resolves at call time to the installed
implementation. The API and the workers run on the AWS adapters (``chalicelib.wiring``, imported on first
use, so a cold start loads only what its requests touch); the unit tests serve the in-memory fakes of
``tests/fakes`` to their own thread with ``installed()``. ``tests/unit/test_ports.py`` holds every adapter
and every fake to the signatures declared here, so neither can drift from the other.

The value types the ports exchange (``Change``, ``Chunk``, ``Issued``) and their errors live here too:
services build them, adapters and fakes consume them, and neither needs the other to do so.
"""
from __future__ import annotations

import contextlib
import importlib
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable, Iterator, Protocol, TypeVar

# ---- value types -------------------------------------------------------------------------------------


@dataclass
class Change:
    """A record's status change: ``record`` as read (its status and version are the expected ones)."""
    record: dict
    to_status: str
    fields: dict = field(default_factory=dict)   # other attributes to set
    event: dict = field(default_factory=dict)


@dataclass
class Chunk:
    """One transaction's outcome: the changes applied, the ids someone else changed first, the ids left
    undone because the table stayed too busy, and the key of the chunk's outbox item (if it wrote one)."""
    applied: list[Change]
    lost: list[str]
    busy: list[str]
    outbox: str | None = None


@dataclass
class Issued:
    """A certificate the worker stamped and stored; ``record`` as read (GENERATING at ``version``)."""
    record: dict
    pdf_key: str
    sha256: str
    cert_no: str
    verification_code: str
    award_date: str
    new_number: bool
    event: dict
    status_index: int | None = None     # the credential's revocation bit, given at the first issue


# Stamping jobs one SQS message carries: what one transaction can record, 6 items per certificate made and
# 2 counters (store/records.py, finish).
JOBS_PER_MESSAGE = 16


class FileMissing(LookupError):
    """No stored object under that key."""


class TokenMalformed(ValueError):
    """Not a compact JWS this platform could have made."""


# ---- the ports ---------------------------------------------------------------------------------------

class Records(Protocol):
    """Issuance records with their audit events and tab counters. Every status change is conditional on
    the status and version it was read in, and carries its event and counter deltas in one transaction."""
    def record_id(self, candidate_no: str, plan_id: str, certificate_id: str, level: str) -> str: ...
    def mark(self, rec: dict) -> str: ...
    def create(self, records: list[dict], event: dict) -> tuple[list[str], list[str]]: ...
    def bulk_load(self, records: list[dict]) -> None: ...
    def apply_chunks(self, changes: list[Change], max_records: int = ..., job: Any = None) -> Iterator[Chunk]: ...
    def apply(self, changes: list[Change]) -> tuple[list[str], list[str], list[str]]: ...
    def finish(self, issued: list[Issued], failed: list[Change]) -> tuple[list[str], list[str], list[str]]: ...
    def delete(self, rec: dict, event: dict) -> bool: ...
    def get(self, rec_id: str) -> dict | None: ...
    def get_many(self, ids: Iterable[str]) -> list[dict]: ...
    def events(self, rec_id: str) -> list[dict]: ...
    def tab(self, scope: str, scope_id: str, status: str) -> list[dict]: ...
    def tab_in_order(self, scope: str, scope_id: str, status: str, page_size: int | None = None) -> Iterator[dict]: ...
    def by_candidate(self, candidate_no: str) -> list[dict]: ...
    def counters(self, scope: str, scope_id: str) -> list[dict]: ...


class IssuedFiles(Protocol):
    """The certificate files issued: every PDF version of a record, and the lookups verification uses."""
    def versions(self, rec_id: str) -> list[dict]: ...
    def by_pdf_hash(self, sha256: str) -> tuple[dict, int] | None: ...
    def by_cert_no(self, cert_no: str) -> dict | None: ...


class Sequences(Protocol):
    """Named counters (certificate numbers, status-list bits)."""
    def allocate(self, sequence: str, count: int) -> range: ...


class Outbox(Protocol):
    """Stamping jobs written with their transitions, until they are on the queue."""
    CLEAR_BATCH: int
    def before(self, cutoff: str) -> list[tuple[str, list[dict]]]: ...
    def clear(self, keys: list[str]) -> None: ...


class Sessions(Protocol):
    """Signing sessions (扫码签发): opened, claimed once, finished or released."""
    def put(self, session: dict) -> None: ...
    def get(self, session_id: str) -> dict | None: ...
    def claim(self, session_id: str, now: float, signer: str, decision: str, client_ip: str) -> bool: ...
    def release(self, session_id: str) -> None: ...
    def finish(self, session_id: str, status: str, applied: list[str], skipped: list[dict],
               signature_key: str, signature_sha256: str) -> None: ...
    def skipped(self, session: dict) -> list[dict]: ...


class MasterData(Protocol):
    """Organisations, colleges, users, certificates, plans, candidates and results, by kind and natural key."""
    def put(self, kind: str, row: dict) -> None: ...
    def put_new(self, kind: str, row: dict) -> bool: ...
    def put_many(self, kind: str, rows: Iterable[dict]) -> int: ...
    def set_fields(self, kind: str, natural_key: dict, **fields) -> None: ...
    def set_many(self, kind: str, natural_keys: list[dict], **fields) -> None: ...
    def get(self, kind: str, **natural_key: str) -> dict | None: ...
    def get_many(self, kind: str, natural_keys: Iterable[dict]) -> list[dict]: ...
    def get_each(self, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict]: ...
    def list_all(self, kind: str) -> list[dict]: ...
    def certificates_of_org(self, org_id: str) -> list[dict]: ...
    def plans_of_certificate(self, certificate_id: str) -> list[dict]: ...
    def candidates_of_college(self, college_id: str) -> list[dict]: ...
    def results_of_plan(self, plan_id: str, level: str | None = None) -> list[dict]: ...
    def users_of_org(self, org_id: str) -> list[dict]: ...
    def all_users(self) -> list[dict]: ...
    def update_user(self, username: str, fields: dict, withdraw_tokens: bool = False,
                    expect_hash: str | None = None) -> dict | None: ...
    def set_college_status(self, college_id: str, enabled: bool, event: dict) -> bool: ...
    def college_events(self, college_id: str) -> list[dict]: ...


class SealApplications(Protocol):
    """E-seal applications (申请电子公章), newest first, each decided once."""
    def get(self, app_id: str) -> dict | None: ...
    def put(self, app: dict) -> None: ...
    def newest_first(self) -> list[dict]: ...
    def move(self, app_id: str, expected: str, status: str, **fields) -> bool: ...


class StatusLists(Protocol):
    """Credential revocation bits (W3C Bitstring Status List) and their signed list credentials."""
    SIZE: int
    SEQUENCE: str
    def locate(self, index: int) -> tuple[str, int]: ...
    def ensure_lists(self, indexes: Iterable[int]) -> None: ...
    def assign(self, rec: dict) -> dict: ...
    def set_bit(self, index: int) -> None: ...
    def get_list(self, list_id: str) -> dict | None: ...
    def is_set(self, index: int) -> bool: ...
    def keep_signed(self, list_id: str, jwt: str, revision: int, signed_at: str) -> None: ...


class Throttle(Protocol):
    """Fixed-window counters (login attempts, verifications per client)."""
    def allow(self, key: str, limit: int, window_seconds: int, now: float | None = None) -> bool: ...
    def release(self, key: str, window_seconds: int, now: float | None = None) -> None: ...
    def retry_after(self, window_seconds: int, now: float | None = None) -> int: ...


class DownloadJobs(Protocol):
    """Batch ZIP jobs and their progress."""
    def put(self, job: dict) -> None: ...
    def get(self, job_id: str) -> dict | None: ...
    def recent(self, username: str, since: str) -> list[dict]: ...
    def update(self, job_id: str, **fields) -> None: ...


class Files(Protocol):
    """Stored objects under declared key prefixes, and expiring links to them."""
    LINK_SECONDS: int
    PREFIXES: dict[str, int | None]
    def put(self, key: str, data: bytes, content_type: str, metadata: dict[str, str] | None = None) -> None: ...
    def try_put(self, key: str, data: bytes, content_type: str) -> bool: ...
    def discard(self, keys: list[str]) -> bool: ...
    def read(self, key: str) -> bytes: ...
    def link(self, key: str, filename: str | None = None, seconds: int = ...) -> str: ...


class JobQueue(Protocol):
    """The stamping queue (messages of up to ``JOBS_PER_MESSAGE`` jobs) and the batch downloads' queue."""
    def send(self, bodies: list[dict]) -> list[int]: ...
    def send_download(self, body: dict) -> bool: ...


class Keys(Protocol):
    """The platform CA and the TEOs' e-seal certificates; their private keys never leave the key service."""
    CA_NAME: str
    def ca(self) -> dict: ...
    def ca_pem(self) -> str: ...
    def issue_seal(self, org_id: str, org_name: str) -> dict: ...
    def seal(self, serial: str) -> dict | None: ...
    def seal_signer(self, serial: str) -> tuple[str, str]: ...
    def revoke_seal(self, serial: str, reason: str) -> str: ...


class Tokens(Protocol):
    """Compact JWS (ES256) signed by a key of ``Keys``, and checked against the platform CA alone."""
    def sign(self, claims: dict, key_id: str, chain_pems: list[str], typ: str = "vc+jwt") -> str: ...
    def check(self, token: str) -> dict: ...


class PdfSeal(Protocol):
    """A PAdES seal on a PDF by a TEO's e-seal key, with an optional embedded attachment it covers."""
    def sign(self, pdf: bytes, serial: str, attachment: tuple[str, str, bytes] | None = None) -> bytes: ...


class Clock(Protocol):
    """The time: stored times are ``now_iso()`` (UTC, microseconds); ``now()`` is epoch seconds."""
    def now_iso(self) -> str: ...
    def now(self) -> float: ...
    def now_utc(self) -> datetime: ...


# ---- wiring ------------------------------------------------------------------------------------------

PORTS: dict[str, type] = {
    "records": Records, "issued": IssuedFiles, "sequences": Sequences, "outbox": Outbox, "sessions": Sessions,
    "master": MasterData, "seal_applications": SealApplications, "status_lists": StatusLists,
    "throttle": Throttle, "downloads": DownloadJobs, "files": Files, "queue": JobQueue, "keys": Keys,
    "tokens": Tokens, "pdf_seal": PdfSeal, "clock": Clock,
}

_installed: dict[str, Any] = {}      # the process's: the AWS adapters unless ``install`` said otherwise
_local = threading.local()           # a thread's own, while ``installed`` holds (a unit test's fakes)
_lock = threading.Lock()
T = TypeVar("T")
R = TypeVar("R")

# Names the attribute lookup below serves; typed for readers and checkers.
records: Records
issued: IssuedFiles
sequences: Sequences
outbox: Outbox
sessions: Sessions
master: MasterData
seal_applications: SealApplications
status_lists: StatusLists
throttle: Throttle
downloads: DownloadJobs
files: Files
queue: JobQueue
keys: Keys
tokens: Tokens
pdf_seal: PdfSeal
clock: Clock


def _complete(implementations: dict[str, Any]) -> dict[str, Any]:
    missing = set(PORTS) - set(implementations)
    if missing:
        raise ValueError(f"ports without an implementation: {sorted(missing)}")
    return dict(implementations)


def install(implementations: dict[str, Any]) -> None:
    """Serve every port from ``implementations`` (a complete set: a port left out is an error), in every
    thread of the process that has no ports of its own (``installed``)."""
    complete = _complete(implementations)
    with _lock:
        _installed.clear()
        _installed.update(complete)


@contextlib.contextmanager
def installed(implementations: dict[str, Any]) -> Iterator[None]:
    """Serve every port from ``implementations`` in this thread for the duration of a block (and in the
    threads it starts through ``thread_map``). Other threads keep theirs: a unit test's fakes never reach
    a local stack serving requests in the same process."""
    before = getattr(_local, "ports", None)
    _local.ports = _complete(implementations)
    try:
        yield
    finally:
        _local.ports = before


def thread_map(fn: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """``map`` over a pool of ``workers`` threads that see the caller's ports; results in order, lazily
    (the pool lives until the last is taken)."""
    mine = getattr(_local, "ports", None)

    def run(item: T) -> R:
        _local.ports = mine
        try:
            return fn(item)
        finally:
            _local.ports = None

    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(run, items)


def _current() -> dict[str, Any]:
    own = getattr(_local, "ports", None)
    if own is not None:
        return own
    if not _installed:
        with _lock:
            if not _installed:
                _installed.update(_complete(importlib.import_module("chalicelib.wiring").aws()))
    return _installed


def __getattr__(name: str) -> Any:
    if name in PORTS:
        return _current()[name]
    raise AttributeError(name)
