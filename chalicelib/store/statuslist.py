"""Credential revocation bits (W3C Bitstring Status List): each certificate gets one index at its first
issue (the stamping worker takes them from a sequence a block at a time; a certificate issued before
that gets one when its first credential is made), so an index is never given twice; index n is bit
n % SIZE of list n // SIZE + 1. Revoking the certificate sets its bit."""
import secrets

from ..domain.workflow import is_revoked
from .models import Record, StatusList
from .records import get
from .sequences import allocate
from .tx import conditional

SIZE = 131072          # bits per list: the specification's minimum, so no list tells how many are in use


def locate(index: int) -> tuple[str, int]:
    return str(index // SIZE + 1), index % SIZE


SEQUENCE = "STATUSLIST"       # indexes are its values less one
_EXISTING: set[str] = set()    # lists this process made sure of


def ensure_lists(indexes) -> None:
    """The lists holding these indexes exist (so their status list credential can be served), written
    once per list and process."""
    for list_id in {locate(i)[0] for i in indexes} - _EXISTING:
        StatusList(f"STATUSLIST#{list_id}", "STATUSLIST").update(
            actions=[StatusList.type.set(StatusList), StatusList.revision.add(0)], add_version_condition=False)
        _EXISTING.add(list_id)


def assign(rec: dict) -> dict:
    """The record with its ``status_index`` and ``credential_salt``, given now if it had none."""
    if rec.get("status_index") is not None:
        return rec
    index = next(iter(allocate(SEQUENCE, 1))) - 1
    item = Record(f"REC#{rec['id']}", "REC")
    conditional(lambda: item.update(
        actions=[Record.status_index.set(index), Record.credential_salt.set(secrets.token_hex(16))],
        condition=Record.status_index.does_not_exist(), add_version_condition=False))
    ensure_lists([index])
    rec = get(rec["id"])
    if is_revoked(rec):
        set_bit(int(rec["status_index"]))
    return rec


def set_bit(index: int) -> None:
    list_id, bit = locate(index)
    StatusList(f"STATUSLIST#{list_id}", "STATUSLIST").update(
        actions=[StatusList.type.set(StatusList), StatusList.revoked.add({bit}), StatusList.revision.add(1)],
        add_version_condition=False)


def get_list(list_id: str) -> dict | None:
    try:
        item = StatusList.get(f"STATUSLIST#{list_id}", "STATUSLIST", consistent_read=True)
    except StatusList.DoesNotExist:
        return None
    return {"revoked": set(item.revoked or ()), "revision": int(item.revision or 0), "jwt": item.jwt,
            "jwt_revision": item.jwt_revision, "jwt_signed_at": item.jwt_signed_at}


def is_set(index: int) -> bool:
    list_id, bit = locate(index)
    found = get_list(list_id)
    return bool(found) and bit in found["revoked"]


def keep_signed(list_id: str, jwt: str, revision: int, signed_at: str) -> None:
    """Keep the signed list credential, unless a revocation came meanwhile (it is signed again then)."""
    item = StatusList(f"STATUSLIST#{list_id}", "STATUSLIST")
    conditional(lambda: item.update(
        actions=[StatusList.jwt.set(jwt), StatusList.jwt_revision.set(revision),
                 StatusList.jwt_signed_at.set(signed_at)],
        condition=StatusList.revision == revision, add_version_condition=False))
