"""Signature stamps: upload with checks (上传电子签章) and a preview on a sample certificate."""
from chalice import Blueprint

from .. import lazy
from . import schemas
from .endpoint import endpoint

signature_stamps = lazy.module("chalicelib.services.signature_stamps")
bp = Blueprint(__name__)

_IMAGE = {"type": "string", "minLength": 1, "maxLength": 1_500_000}
_UPLOAD = schemas.obj({"image_base64": _IMAGE, "agreed": {"type": "boolean"}}, ["image_base64", "agreed"])
_PREVIEW = schemas.obj({"image_base64": _IMAGE})
_WHO = {"orgs": "the issuing authority's responsible person (rectangular, 140×50 px suggested)",
        "colleges": "the assessment site's responsible person (square, 95×95 px suggested)"}


def _routes(kind: str) -> None:
    @endpoint(bp, f"/{kind}/{{org_id}}/stamp", "PUT", summary=f"Upload the stamp of {_WHO[kind]}",
              tag="stamps", body=_UPLOAD, max_body=2 * 1024 * 1024, name=f"upload_{kind}_stamp")
    def upload(org_id, principal, body):
        return signature_stamps.upload(principal, kind, org_id, body["image_base64"], body["agreed"])

    @endpoint(bp, f"/{kind}/{{org_id}}/stamp-preview", "POST", summary="A sample certificate with the stamp",
              tag="stamps", body=_PREVIEW, max_body=2 * 1024 * 1024, name=f"preview_{kind}_stamp")
    def preview(org_id, principal, body):
        return signature_stamps.preview(principal, kind, org_id, body.get("image_base64"))


_routes("orgs")
_routes("colleges")
