"""Stamp uploads (上传电子签章) over HTTP: checks, the agreement, who may upload, and the preview."""
import base64
import io

import requests
from PIL import Image
from pypdf import PdfReader

from chalicelib.render import imprints
from chalicelib.store import masterdata

from .conftest import assert_error


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def opaque_png(size) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (255, 255, 255, 255)).save(out, "PNG")
    return out.getvalue()


def test_staff_upload_their_stamp_and_the_agreement_is_kept(api):
    stamp = imprints.name_stamp("赵强", "square")
    r = api.put("/colleges/ncut/stamp", as_="college2", json={"image_base64": b64(stamp), "agreed": True})
    assert r.status_code == 200, r.text
    row = masterdata.get("colleges", id="ncut")
    assert row["stamp_key"] == r.json()["stamp_key"] and row["stamp_agreed_by"] == "college2"
    assert row["stamp_agreed_at"]


def test_refusals_say_what_is_wrong_and_change_nothing(api):
    before = masterdata.get("orgs", id="zwl")["stamp_key"]
    square = imprints.name_stamp("张明", "square")
    err = assert_error(api.put("/orgs/zwl/stamp", as_="teo", json={"image_base64": b64(square), "agreed": True}),
                       400, "stamp_wrong_shape")
    assert "140×50" in err["message"]
    assert_error(api.put("/orgs/zwl/stamp", as_="teo", json={"image_base64": b64(opaque_png((140, 50))),
                                                          "agreed": True}), 400, "stamp_background_not_transparent")
    rect = imprints.name_stamp("张明", "rect")
    assert_error(api.put("/orgs/zwl/stamp", as_="teo", json={"image_base64": b64(rect), "agreed": False}),
                 400, "agreement_required")
    assert_error(api.put("/orgs/zwl/stamp", as_="teo", json={"image_base64": "@@@", "agreed": True}),
                 400, "invalid_base64")
    assert masterdata.get("orgs", id="zwl")["stamp_key"] == before


def test_a_contact_change_needs_no_stamp_agreement_and_keeps_the_stamp(api):
    before = masterdata.get("colleges", id="bjtu")
    r = api.put("/colleges/bjtu", as_="college", json={"contact_name": before["contact_name"],
                                                      "contact_phone": "13911113333",
                                                      "contact_email": before["contact_email"]})
    assert r.status_code == 200, r.text
    after = masterdata.get("colleges", id="bjtu")
    assert after["contact_phone"] == "13911113333"
    assert (after["stamp_key"], after.get("stamp_agreed_by")) == (before["stamp_key"], before.get("stamp_agreed_by"))


def test_only_the_orgs_own_staff_upload(api):
    rect = b64(imprints.name_stamp("李华", "rect"))
    assert_error(api.put("/orgs/zwl/stamp", as_="teo2", json={"image_base64": rect, "agreed": True}), 404)
    assert_error(api.put("/orgs/zwl/stamp", as_="college", json={"image_base64": rect, "agreed": True}), 403)
    assert_error(api.put("/orgs/zwl/stamp", as_="teo_signer", json={"image_base64": rect, "agreed": True}), 403)


def distinctive(size) -> bytes:
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    for x in range(5, size[0] - 5):
        img.putpixel((x, size[1] // 2), (200, 16, 30, 255))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def preview_images(api, path, as_, image) -> list[tuple[int, int]]:
    r = api.post(path, as_=as_, json={"image_base64": b64(image)})
    assert r.status_code == 200, r.text
    page = PdfReader(io.BytesIO(requests.get(r.json()["url"], timeout=10).content)).pages[0]
    return page, [img.image.size for img in page.images]


def test_preview_shows_the_candidate_stamp_on_a_sample_certificate(api):
    # Sizes no sample image has, so the test sees the upload itself on the page.
    page, shown = preview_images(api, "/colleges/bjtu/stamp-preview", "college", distinctive((101, 103)))
    assert "北京交通大学" in page.extract_text()
    assert (101, 103) in shown and len(shown) == 3           # the stamp, beside the seal and a sample
    page, shown = preview_images(api, "/orgs/zwl/stamp-preview", "teo", distinctive((150, 52)))
    assert (150, 52) in shown and "中物联物流" in page.extract_text()
    assert_error(api.post("/colleges/bjtu/stamp-preview", as_="college",
                          json={"image_base64": b64(opaque_png((95, 95)))}), 400)
