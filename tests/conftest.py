import os

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
    s = stack.start(port=aws.free_port(), moto_port=aws.free_port(), demo=True)
    yield s
    s.stop()


@pytest.fixture(scope="session")
def api(running):
    from tests.integration.conftest import Api
    return Api(running.api)
