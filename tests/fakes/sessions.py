"""Fakes of the ``sessions`` and ``downloads`` ports (chalicelib/store/sessions.py, downloads.py): signing
sessions claimed at most once, and batch download jobs. A write the adapter sends with a condition it does
not expect to fail (a second ``put`` of one id, a ``release`` of a session not completing) raises
``ConditionFailed`` where the adapter raises pynamodb's error."""
import json

from chalicelib.store import sessions as adapter
from chalicelib.store.items import HEX_ID
from chalicelib.store.masterdata import to_dict
from chalicelib.store.models import DownloadJob, SigningSession

from .clock import FakeClock
from .table import ConditionFailed, Table


class FakeSessions:
    skipped = staticmethod(adapter.skipped)

    def __init__(self, table: Table, clock: FakeClock) -> None:
        self.table = table
        self.clock = clock

    @staticmethod
    def _key(session_id: str) -> tuple[str, str]:
        return f"SESSION#{session_id}", "SESSION"

    def put(self, session: dict) -> None:
        with self.table.lock:
            if self.table.exists(*self._key(session["id"])):
                raise ConditionFailed(f"session {session['id']} exists")
            self.table.save(SigningSession(*self._key(session["id"]), **session))

    def get(self, session_id: str) -> dict | None:
        if not HEX_ID.match(session_id or ""):
            return None
        return self.table.read(*self._key(session_id), model=SigningSession)

    def _status(self, session_id: str) -> tuple[str | None, SigningSession | None]:
        item = self.table.get(*self._key(session_id), model=SigningSession)
        return (item.status if item else None), item

    def claim(self, session_id: str, now: float, signer: str, decision: str, client_ip: str) -> bool:
        with self.table.lock:
            status, item = self._status(session_id)
            if status != "open" or not (item.expires_at is not None and item.expires_at > int(now)):
                return False
            self.table.update(SigningSession, *self._key(session_id), set={
                "status": "completing", "signer": signer, "decision": decision,
                "signed_at": self.clock.now_iso(), "client_ip": client_ip})
            return True

    def _completing(self, session_id: str) -> None:
        if self._status(session_id)[0] != "completing":
            raise ConditionFailed(f"session {session_id} is not completing")

    def release(self, session_id: str) -> None:
        with self.table.lock:
            self._completing(session_id)
            self.table.update(SigningSession, *self._key(session_id), set={
                "status": "open", "signer": None, "decision": None, "signed_at": None})

    def finish(self, session_id: str, status: str, applied: list[str], skipped: list[dict],
               signature_key: str, signature_sha256: str) -> None:
        by_reason: dict[str, list[str]] = {}
        for s in skipped:
            by_reason.setdefault(s["reason"], []).append(s["id"])
        with self.table.lock:
            self._completing(session_id)
            self.table.update(SigningSession, *self._key(session_id), set={
                "status": status, "applied": list(applied), "skipped": json.dumps(by_reason, ensure_ascii=False),
                "signature_key": signature_key, "signature_sha256": signature_sha256})


class FakeDownloadJobs:
    def __init__(self, table: Table) -> None:
        self.table = table

    @staticmethod
    def _key(job_id: str) -> tuple[str, str]:
        return f"DL#{job_id}", "DL"

    def put(self, job: dict) -> None:
        with self.table.lock:
            if self.table.exists(*self._key(job["id"])):
                raise ConditionFailed(f"download job {job['id']} exists")
            self.table.save(DownloadJob(*self._key(job["id"]), gsi1pk=f"DLUSER#{job['requested_by']}",
                                        gsi1sk=job["created_at"], **job))

    def get(self, job_id: str) -> dict | None:
        if not HEX_ID.match(job_id or ""):
            return None
        return self.table.read(*self._key(job_id), model=DownloadJob)

    def recent(self, username: str, since: str) -> list[dict]:
        return [to_dict(j) for j in self.table.index("gsi1", f"DLUSER#{username}", lambda sk: sk >= since,
                                                     model=DownloadJob, newest_first=True)]

    def update(self, job_id: str, **fields) -> None:
        with self.table.lock:
            self.table.update(DownloadJob, *self._key(job_id), set=fields)
