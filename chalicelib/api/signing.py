"""Signing sessions (签发 / 拒绝签发 with the responsible person's online signature)."""
from chalice import Blueprint

from ..domain.access import roles_of
from ..domain.filters import PAGE_SIZES, parse_page
from ..services import signing as service
from . import schemas
from .endpoint import client_ip, endpoint
from .records import FILTER_QUERY

bp = Blueprint(__name__)

_IDS = {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 64}, "minItems": 1,
        "maxItems": service.MAX_RECORDS}
_FILTER = schemas.obj({k: {} for k in FILTER_QUERY})
# What a batch acts on: listed records, or everything matching the list's filters.
BATCH_TARGET = {"record_ids": _IDS, "filter": _FILTER}
_OPEN = {**schemas.obj({"action": {"enum": ["sign", "reject"]}, **BATCH_TARGET,
                        "reason": {"type": "string", "maxLength": 500}}, ["action"]),
         "oneOf": [{"required": ["record_ids"]}, {"required": ["filter"]}]}
_COMPLETE = schemas.obj({"decision": {"enum": ["confirm", "refuse"]},
                         "signature_png_base64": {"type": "string", "minLength": 1, "maxLength": 800_000},
                         "reason": {"type": "string", "maxLength": 500}},
                        ["decision", "signature_png_base64"])


@endpoint(bp, "/signing-sessions", "POST", summary="Open a signing session over records (QR code for the signer)",
          tag="signing", roles=roles_of(service.open_session), body=_OPEN, status=201)
def open_session(principal, body):
    return service.open_session(principal, body["action"], body.get("record_ids"), body.get("filter"),
                                body.get("reason"))


@endpoint(bp, "/signing-sessions/{session_id}", summary="A signing session's status and outcome", tag="signing")
def get_session(session_id, principal):
    return service.view(principal, session_id)


@endpoint(bp, "/signing-sessions/{session_id}/records", summary="The records a signing session covers, paged",
          tag="signing", query={"page": {"type": "integer", "minimum": 1}, "page_size": {"enum": list(PAGE_SIZES)}})
def session_records(session_id, principal, query):
    page, size = parse_page(query)
    return service.session_records(principal, session_id, page, size)


@endpoint(bp, "/signing-sessions/{session_id}/complete", "POST",
          summary="The responsible person signs: confirm or refuse", tag="signing",
          roles=roles_of(service.complete), body=_COMPLETE)
def complete_session(session_id, principal, body):
    return service.complete(principal, session_id, body["decision"], body["signature_png_base64"],
                            body.get("reason"), client_ip(bp.current_request, default=""))
