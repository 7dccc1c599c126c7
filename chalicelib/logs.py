"""The one logger: JSON lines (Powertools) with the Lambda context and, in the API, the request id as the
correlation id, so every line of one request or one invocation can be found together.

Importing Powertools costs a cold start several milliseconds, and routing, auth and the store write no
line: the Logger is built by the first line or key a request or an invocation writes (chalicelib/lazy.py).
"""
import functools
from typing import TYPE_CHECKING, Callable

from . import lazy

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger


def _logger() -> "Logger":
    from aws_lambda_powertools import Logger
    return Logger(service="skillcert")


log: "Logger" = lazy.value(_logger)


def lambda_entry(handler: Callable) -> Callable:
    """For a Chalice event handler (it receives one event object): its log lines carry the Lambda context
    (function, request id, cold start), as ``inject_lambda_context`` gives a plain Lambda handler. Each
    invocation starts from a clean state, so no key of an earlier one (or, locally, of a request) lingers."""
    @functools.wraps(handler)
    def run(event):
        # Decorated here, not at import, so that importing a worker leaves the Logger unbuilt.
        with_context = log.inject_lambda_context(lambda raw, context: handler(event), clear_state=True)
        return with_context(event.to_dict(), event.context)
    return run
