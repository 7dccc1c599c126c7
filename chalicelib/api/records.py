"""Issuance records: generate (获取待发证记录), the tabs with counts, one record, delete."""
from chalice import Blueprint

from .. import lazy
from ..domain import masterdata as md
from ..domain.access import roles_of
from ..domain.filters import PAGE_SIZES, parse_filter, parse_page
from ..domain.workflow import Status
from . import schemas
from .endpoint import endpoint

generation = lazy.module("chalicelib.services.generation")
service = lazy.module("chalicelib.services.records")
bp = Blueprint(__name__)

_GENERATE = {
    "exam_year": {"type": "integer", "minimum": 2000, "maximum": 2100},
    "plan_id": schemas.CODE, "certificate_id": schemas.CODE,
    "level": {"enum": list(md.LEVELS) + [""]},
    "levels": {"type": "array", "items": {"enum": list(md.LEVELS)}, "uniqueItems": True, "maxItems": len(md.LEVELS)},
    "college_id": {"anyOf": [schemas.CODE, {"enum": [""]}]},
}
_GENERATE_BODY = schemas.obj(_GENERATE, ["exam_year", "plan_id", "certificate_id"])
_LISTS_BODY = schemas.obj({**_GENERATE, "kind": {"enum": ["issuable", "not_issuable"]}},
                          ["exam_year", "plan_id", "certificate_id", "kind"])

FILTER_QUERY = {
    "status": {"enum": ["ALL"] + [s.value for s in Status]},
    "exam_year": {"type": "integer"}, "candidate_no": {"type": "string"}, "candidate_name": {"type": "string"},
    "certificate_id": schemas.CODE, "level": {"enum": list(md.LEVELS)}, "college_id": schemas.CODE,
    "plan_id": schemas.CODE, "revoked": {"enum": ["true", "false", True, False]},
}


@endpoint(bp, "/records/generate/preview", "POST", summary="Count total / issuable / not issuable candidates",
          tag="records", roles=lambda: roles_of(generation.preview), body=_GENERATE_BODY)
def generate_preview(principal, body):
    return generation.preview(principal, body)


@endpoint(bp, "/records/generate/lists", "POST", summary="The issuable or not-issuable list as an xlsx link",
          tag="records", roles=lambda: roles_of(generation.lists), body=_LISTS_BODY)
def generate_lists(principal, body):
    return generation.lists(principal, body, body["kind"])


@endpoint(bp, "/records/generate", "POST", summary="Create pending records for the issuable candidates",
          tag="records", roles=lambda: roles_of(generation.generate), body=_GENERATE_BODY)
def generate(principal, body):
    return generation.generate(principal, body)


@endpoint(bp, "/records", summary="One tab of records with the counts of every tab", tag="records",
          query={**FILTER_QUERY, "page": {"type": "integer", "minimum": 1},
                 "page_size": {"enum": list(PAGE_SIZES)}})
def list_records(principal, query):
    page, size = parse_page(query)
    flt = parse_filter({k: v for k, v in query.items() if k not in ("page", "page_size")})
    return service.list_records(principal, flt, page, size)


@endpoint(bp, "/records/{record_id}", summary="One record with its audit trail", tag="records")
def get_record(record_id, principal):
    return service.detail(principal, record_id)


@endpoint(bp, "/records/{record_id}", "DELETE", summary="Delete a pending record nobody has signed",
          tag="records", roles=lambda: roles_of(service.delete))
def delete_record(record_id, principal):
    return service.delete(principal, record_id)
