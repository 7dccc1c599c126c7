"""What the sign-off and issuance unit tests share: the demo's people, the records of a tab, a refusal
with its stable code, and a sign-off as staff and signer run it (on the ``world`` fixture)."""
import contextlib
from typing import Iterator

import pytest

from chalicelib import ports
from chalicelib.domain.access import Principal
from chalicelib.domain.errors import DomainError
from chalicelib.domain.filters import RecordFilter
from chalicelib.services import records, signing
from devstack import demo

from ._people import (  # noqa: F401  (the tests import them from here)
    ADMIN,
    COLLEGE,
    COLLEGE2,
    COLLEGE2_SIGNER,
    COLLEGE_SIGNER,
    STUDENT,
    TEO,
    TEO2,
    TEO2_SIGNER,
    TEO_SIGNER,
)

IP = "203.0.113.7"


def ids(principal: Principal, status: str, **narrow) -> list[str]:
    """The ids of a tab, in list order, as ``principal`` sees it."""
    return [r["id"] for r in records.matching(principal, RecordFilter(status=status, **narrow))]


def statuses(record_ids: list[str]) -> dict[str, str]:
    return {rid: ports.records.get(rid)["status"] for rid in record_ids}


@contextlib.contextmanager
def refused(kind: type[DomainError], code: str) -> Iterator[pytest.ExceptionInfo]:
    """The block raises ``kind`` with the stable ``code``."""
    with pytest.raises(kind) as caught:
        yield caught
    assert caught.value.code == code, caught.value.message


def sign(staff: Principal, signer: Principal, record_ids: list[str] | None = None, filter_: dict | None = None,
         action: str = "sign", decision: str = "confirm", reason: str | None = None,
         staff_reason: str | None = None) -> dict:
    """A session opened by ``staff`` and completed by ``signer``: what the signer's page shows after."""
    opened = signing.open_session(staff, action, record_ids, filter_, staff_reason)
    return signing.complete(signer, opened["id"], decision, demo.signature_b64(), reason, IP)
