"""The one logger: JSON lines (Powertools) with the Lambda context and, in the API, the request id as the
correlation id, so every line of one request or one invocation can be found together."""
import functools
from typing import Callable

from aws_lambda_powertools import Logger

log = Logger(service="skillcert")


def lambda_entry(handler: Callable) -> Callable:
    """For a Chalice event handler (it receives one event object): its log lines carry the Lambda context
    (function, request id, cold start), as ``inject_lambda_context`` gives a plain Lambda handler. Each
    invocation starts from a clean state, so no key of an earlier one (or, locally, of a request) lingers."""
    @log.inject_lambda_context(clear_state=True)
    def with_context(raw: dict, context, event):
        return handler(event)

    @functools.wraps(handler)
    def run(event):
        return with_context(event.to_dict(), event.context, event)
    return run
