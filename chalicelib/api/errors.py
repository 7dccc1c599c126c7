"""The one place where a domain exception becomes an HTTP status and the API's error body."""
from chalice import Response

from ..domain import errors

STATUS = {
    errors.InvalidInput: 400,
    errors.Unauthenticated: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.TooLarge: 413,
    errors.TooManyRequests: 429,
    errors.Busy: 503,
}


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    error = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"error": error}


def status_of(exc: errors.DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def to_response(exc: errors.DomainError, json_response) -> Response:
    retry_after = getattr(exc, "retry_after", None)
    return json_response(error_body(exc.code, exc.message, exc.details), status_of(exc),
                         {"Retry-After": str(retry_after)} if retry_after else None)
