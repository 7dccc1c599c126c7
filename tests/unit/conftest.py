import pytest

from chalicelib import ports
from tests import fakes as fake_ports


@pytest.fixture
def fakes():
    """A fresh set of in-memory fakes serving every port for the test (``fakes.records``,
    ``fakes["clock"]``, ...); whatever served before serves again afterwards."""
    made = fake_ports.make()
    with ports.installed(made.ports):
        yield made


@pytest.fixture
def world():
    """The demo's data (tests/fakes/world.py) on fakes serving every port for the test: ``world.fakes`` and
    ``world.summary`` (what ``devstack.demo.load()`` answered). Its stamping jobs are queued, not done:
    ``world.stamp_queued()`` runs them through the stamping worker's use case."""
    from tests.fakes.world import demo_world
    made, summary = demo_world()
    with ports.installed(made.ports):
        yield World(made, summary)


class World:
    def __init__(self, fakes, summary: dict) -> None:
        self.fakes, self.summary = fakes, summary

    def stamp_queued(self) -> int:
        from chalicelib.services import certificate_making
        sent, self.fakes.queue.sent[:] = list(self.fakes.queue.sent), []
        for message in sent:
            certificate_making.stamp(message["jobs"], 1)
        return len(sent)
