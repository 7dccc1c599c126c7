"""Print calibration for paper certificates (机构管理 → 打印校准): settings, the calibration page, the preview."""
from chalice import Blueprint

from .. import lazy
from ..domain import printing as rules
from ..domain.access import roles_of
from . import schemas
from .endpoint import endpoint

printing = lazy.module("chalicelib.services.printing")
bp = Blueprint(__name__)

_VALUES = {k: {"type": "number", "minimum": lo, "maximum": hi} for k, (lo, hi) in rules.LIMITS.items()}
_SETTINGS = schemas.obj(_VALUES, list(_VALUES))


@endpoint(bp, "/orgs/{org_id}/print-settings", summary="The TEO's print calibration for paper stock",
          tag="printing", roles=lambda: roles_of(printing.get))
def get_print_settings(org_id, principal):
    return printing.get(principal, org_id)


@endpoint(bp, "/orgs/{org_id}/print-settings", "PUT", tag="printing", roles=lambda: roles_of(printing.put),
          body=_SETTINGS, summary="Set the print calibration: offsets in mm (right, down; ±20) and scale in % (98–102)")
def put_print_settings(org_id, principal, body):
    return printing.put(principal, org_id, body)


@endpoint(bp, "/orgs/{org_id}/print-settings/calibration-page", "POST", tag="printing",
          roles=lambda: roles_of(printing.calibration_page), body=schemas.obj(_VALUES),
          summary="打印校准页 with the given or the saved calibration: {url}")
def calibration_page(org_id, principal, body):
    return printing.calibration_page(principal, org_id, body)


@endpoint(bp, "/orgs/{org_id}/print-preview", "POST", tag="printing", roles=lambda: roles_of(printing.preview),
          body=schemas.obj({}), summary="套打预览: a sample paper certificate over an image of the stock: {url}")
def print_preview(org_id, principal, body):
    return printing.preview(principal, org_id)


@endpoint(bp, "/records/{record_id}/print-preview", "POST", tag="printing",
          roles=lambda: roles_of(printing.record_preview), body=schemas.obj({}),
          summary="套打预览 of an issued paper certificate over an image of the stock: {url}")
def record_print_preview(record_id, principal, body):
    return printing.record_preview(principal, record_id)
