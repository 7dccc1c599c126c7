"""Domain exceptions. Each carries a stable English ``code`` and a Chinese message for the user.

The API maps each class to its HTTP status in exactly one place (``chalicelib.api.errors``).
"""


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str, code: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class InvalidInput(DomainError):
    """The request is malformed or a value breaks a rule (400)."""
    code = "invalid_input"


class Unauthenticated(DomainError):
    """No valid credentials (401)."""
    code = "unauthenticated"


class Forbidden(DomainError):
    """Authenticated, but the role may not do this (403)."""
    code = "forbidden"


class NotFound(DomainError):
    """Missing, or belonging to another tenant: both look the same (404)."""
    code = "not_found"


class Conflict(DomainError):
    """The current state does not allow this (409)."""
    code = "conflict"


class TooLarge(DomainError):
    """The request body or an upload is over its limit (413)."""
    code = "too_large"


class TooManyRequests(DomainError):
    """Too many attempts from one client in a short time (429); ``retry_after``: seconds to wait."""
    code = "too_many_requests"

    def __init__(self, message: str, code: str | None = None, details: dict | None = None,
                 retry_after: int | None = None):
        super().__init__(message, code, details)
        self.retry_after = retry_after


class Busy(DomainError):
    """The store throttled us after retries (503); the client may try again."""
    code = "busy"
