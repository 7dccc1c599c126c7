import json
import os
from collections import Counter
from pathlib import Path

import pytest

# Unit and integration tests alike never reach real AWS: fake credentials, and a fixed token secret.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
os.environ.setdefault("AWS_DEFAULT_REGION", "cn-north-1")
os.environ.setdefault("SKILLCERT_TOKEN_SECRET", "test-secret-" + "x" * 40)


# The stack lives here, not in tests/integration, so the integration and reliability tests share one
# (a second stack in the same process would fight over the AWS endpoint settings).
@pytest.fixture(scope="session")
def running():
    from devstack import aws, stack
    os.environ["SKILLCERT_VISIBILITY_TIMEOUT"] = "2"   # failed deliveries come back quickly in tests
    os.environ["SKILLCERT_VERIFY_LIMIT"] = "10000"     # every test verifies from 127.0.0.1 in the same minute
    os.environ["SKILLCERT_LOGIN_ADDRESS_LIMIT"] = "10000"   # ... and logs in from it (fuzzing fails many)
    s = stack.start(port=aws.free_port(), moto_port=aws.free_port(), demo=True)
    yield s
    s.stop()


@pytest.fixture(scope="session")
def api(running):
    from tests.integration.conftest import Api
    from tests.integration.signoff import settled
    client = Api(running.api)
    for teo in ("teo", "teo2"):     # tests start from the demo as `make run` shows it once its queue is done
        assert not settled(client, as_=teo)["GENERATING"], "the demo's stamping jobs did not finish"
    return client


# The reliability figures: each test adds to FIGURES; under xdist each worker hands its own to the controller.
FIGURES: Counter = Counter()


def pytest_sessionfinish(session):
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["figures"] = dict(FIGURES)


def pytest_testnodedown(node, error):
    FIGURES.update(getattr(node, "workeroutput", {}).get("figures", {}))


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    long = os.environ.get("SKILLCERT_RELIABILITY_PROFILE") == "long"
    terminalreporter.write_sep("-", f"reliability figures ({'long' if long else 'short'} profile)")
    for name, value in sorted(FIGURES.items()):
        terminalreporter.write_line(f"{name:<32} {value}")
    target = os.environ.get("SKILLCERT_RELIABILITY_SUMMARY")
    if target:
        Path(target).write_text(json.dumps(dict(sorted(FIGURES.items())), indent=2) + "\n")
