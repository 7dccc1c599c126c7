"""In-memory fakes of every port of chalicelib.ports, for unit tests of the services.

``make()`` gives a complete, fresh set: ``fakes.ports`` (port name → fake) is ready for ``ports.install``
/ ``ports.installed``, and each fake is an attribute too (``fakes.records``, ``fakes["clock"]``), with
``fakes.table``, the in-memory table the storage fakes share. (Not a dict itself: a mapping's ``keys()``
would hide the ``keys`` port.) ``tests/unit/test_ports.py`` holds
each fake to its port's signatures, ``tests/integration/test_port_contracts.py`` to the AWS adapters'
behaviour.
"""
from __future__ import annotations

from typing import Any

from .clock import FakeClock
from .files import FakeFiles
from .keys import FakeKeys, FakePdfSeal, FakeTokens
from .masterdata import FakeMasterData, FakeSealApplications
from .queue import FakeQueue
from .records import FakeIssuedFiles, FakeOutbox, FakeRecords, FakeSequences, FakeStatusLists
from .sessions import FakeDownloadJobs, FakeSessions
from .table import ConditionFailed, Table
from .throttle import FakeThrottle

__all__ = ["ConditionFailed", "FakeSet", "make"]


class FakeSet:
    """Every port's fake, by attribute or by name; ``ports`` for installing them, ``table`` their store."""

    def __init__(self, fakes: dict[str, Any], table: Table) -> None:
        self.__dict__.update(fakes)
        self.ports = fakes
        self.table = table

    def __getitem__(self, name: str) -> Any:
        return self.ports[name]


def make() -> FakeSet:
    table = Table()
    clock = FakeClock()
    records = FakeRecords(table, clock)
    sequences = FakeSequences(table)
    keys = FakeKeys(clock)
    return FakeSet(dict(
        records=records, issued=FakeIssuedFiles(table, records), sequences=sequences, outbox=FakeOutbox(table),
        sessions=FakeSessions(table, clock), master=FakeMasterData(table),
        seal_applications=FakeSealApplications(table),
        status_lists=FakeStatusLists(table, records, sequences), throttle=FakeThrottle(table, clock),
        downloads=FakeDownloadJobs(table), files=FakeFiles(), queue=FakeQueue(), keys=keys,
        tokens=FakeTokens(keys), pdf_seal=FakePdfSeal(keys), clock=clock), table)
