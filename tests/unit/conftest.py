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
