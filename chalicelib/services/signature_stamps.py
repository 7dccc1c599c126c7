"""Signature stamps (上传电子签章, F2): the responsible person's stamp of a TEO (rectangular) or a college
(square), checked, kept with who agreed to the authorisation letter and when, and previewed on a sample
certificate through the same renderer the worker uses."""
import uuid

from .. import lazy, ports
from ..domain import imprint_check, printed, uploads
from ..domain.access import Principal, Role
from ..domain.errors import InvalidInput
from . import imprint_files, masterdata

certificate = lazy.module("chalicelib.render.certificate")
imprints = lazy.module("chalicelib.render.imprints")
SHAPES = {"orgs": imprint_check.RECT, "colleges": imprint_check.SQUARE}
SLOT = {"orgs": "teo_stamp", "colleges": "site_stamp"}


def _decode(image_base64: str) -> bytes:
    # One byte over the limit is enough for the stamp check to say "too large" in its own words.
    return uploads.decode(image_base64, "图片", imprint_check.MAX_BYTES * 2)


def _owner(principal: Principal, kind: str, org_id: str) -> dict:
    principal.require(Role.ADMIN, Role.TEO if kind == "orgs" else Role.COLLEGE)
    return masterdata.get_profile(principal, kind, org_id)      # another tenant's: 404


def upload(principal: Principal, kind: str, org_id: str, image_base64: str, agreed: bool) -> dict:
    _owner(principal, kind, org_id)
    if agreed is not True:
        raise InvalidInput("请先阅读并勾选同意《电子签章使用授权委托书》", code="agreement_required")
    data = _decode(image_base64)
    width, height = imprint_check.check(data, SHAPES[kind])
    key = imprint_files.store_image(kind, org_id, "stamp", data, stamp_agreed_by=principal.username,
                            stamp_agreed_at=ports.clock.now_iso())
    return {"stamp_key": key, "width": width, "height": height, "agreed_by": principal.username}


def preview(principal: Principal, kind: str, org_id: str, image_base64: str | None) -> dict:
    """A sample certificate with this stamp (the one given, else the one on file) and the seal."""
    row = _owner(principal, kind, org_id)
    if image_base64:
        stamp = _decode(image_base64)
        imprint_check.check(stamp, SHAPES[kind])
    elif row.get("stamp_key"):
        stamp = ports.files.read(row["stamp_key"])
    else:
        raise InvalidInput("尚未上传电子签章，请选择签章图片后预览", code="no_stamp")
    teo = row if kind == "orgs" else None
    images = {
        "seal": ports.files.read(teo["seal_key"]) if teo and teo.get("seal_key")
        else imprints.official_seal(teo["name"] if teo else "培训评价组织样章"),
        "teo_stamp": imprints.name_stamp("样章", "rect"), "site_stamp": imprints.name_stamp("样章", "square"),
        SLOT[kind]: stamp,
    }
    fields = printed.sample(**({"teo_name": row["name"]} if kind == "orgs" else {"site_name": row["name"]}))
    pdf = certificate.render("default", "electronic", fields, images, info={"title": "电子签章预览（样本）"})
    key = f"previews/{kind}/{org_id}/{uuid.uuid4().hex}.pdf"
    ports.files.put(key, pdf, "application/pdf")
    return {"url": ports.files.link(key, filename="电子签章预览.pdf")}

