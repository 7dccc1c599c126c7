"""Every port's AWS adapter and its in-memory fake provide what the port declares, with the same
signatures, so a service tested on the fakes calls the adapters the same way (and neither can drift)."""
import importlib
import inspect
import re
from pathlib import Path
from typing import get_type_hints

import pytest

from chalicelib import ports, wiring
from tests import fakes

# The adapters the wiring loads on first use, imported here directly (importing calls nothing).
LAZY = {"keys": "chalicelib.pki", "tokens": "chalicelib.jws", "pdf_seal": "chalicelib.pades_seal"}


def _adapter(port: str):
    return importlib.import_module(LAZY[port]) if port in LAZY else wiring.aws()[port]


def _declared(protocol: type) -> tuple[set[str], set[str]]:
    """(methods, constants) the protocol declares."""
    methods = {n for n, v in vars(protocol).items() if inspect.isfunction(v) and not n.startswith("_")}
    constants = {n for n in get_type_hints(protocol) if not n.startswith("_")} - methods
    return methods, constants


def _shape(signature: inspect.Signature, drop_self: bool) -> list[tuple]:
    params = list(signature.parameters.values())[1 if drop_self else 0:]
    return [(p.name, p.kind, p.default is not inspect.Parameter.empty) for p in params]


IMPLEMENTATIONS = [(port, side) for port in ports.PORTS for side in ("aws", "fake")]


@pytest.fixture(scope="module")
def fake_set():
    return fakes.make()


def test_every_port_has_an_adapter_and_a_fake(fake_set):
    assert set(wiring.aws()) == set(ports.PORTS) == set(fake_set.ports)
    assert set(LAZY) <= set(ports.PORTS)


@pytest.mark.parametrize(("port", "side"), IMPLEMENTATIONS)
def test_implementation_matches_the_port(port, side, fake_set):
    protocol = ports.PORTS[port]
    implementation = _adapter(port) if side == "aws" else fake_set[port]
    methods, constants = _declared(protocol)
    assert methods, f"{protocol.__name__} declares no method"
    for name in sorted(methods):
        member = getattr(implementation, name, None)
        assert callable(member), f"{side} {port} lacks {name}()"
        expected = _shape(inspect.signature(getattr(protocol, name)), drop_self=True)
        assert _shape(inspect.signature(member), drop_self=False) == expected, f"{side} {port}.{name}"
    for name in sorted(constants):
        assert hasattr(implementation, name), f"{side} {port} lacks the constant {name}"


@pytest.mark.parametrize("port", [p for p, v in ports.PORTS.items() if _declared(v)[1]])
def test_constants_agree(port, fake_set):
    for name in sorted(_declared(ports.PORTS[port])[1]):
        assert getattr(fake_set[port], name) == getattr(_adapter(port), name), f"{port}.{name}"


def test_the_code_uses_only_what_the_ports_declare():
    """So whatever the services and the API reach through a port, the fakes and the adapters both have."""
    root = Path(__file__).resolve().parents[2] / "chalicelib"
    used = {(port, member) for path in root.rglob("*.py") if path.name != "ports.py"
            for port, member in re.findall(r"\bports\.([a-z_]+)\.([A-Za-z_]+)", path.read_text(encoding="utf-8"))}
    assert used, "no use of the ports found: has the code moved?"
    undeclared = sorted((p, m) for p, m in used if p not in ports.PORTS or m not in set().union(
        *_declared(ports.PORTS[p])))
    assert not undeclared


def test_fakes_are_fresh_and_separate():
    one, other = fakes.make(), fakes.make()
    one.sequences.allocate("S", 5)
    assert other.sequences.allocate("S", 1) == range(1, 2)
    assert all(one[p] is not other[p] for p in ports.PORTS)


def test_installed_fakes_serve_only_their_own_thread_and_its_pools(fakes):
    """A local stack serving requests in the same process as a unit test keeps the AWS adapters."""
    import threading

    from chalicelib import wiring
    seen: list = []
    other = threading.Thread(target=lambda: seen.append(ports.clock))
    other.start()
    other.join()
    assert ports.clock is fakes.clock and seen == [wiring.aws()["clock"]]
    assert list(ports.thread_map(lambda _: ports.clock, range(4), 2)) == [fakes.clock] * 4
