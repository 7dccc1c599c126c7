"""Signature stamps (上传电子签章) on the demo world: the upload's checks and agreement, who may upload,
where the image is kept (imprint_files), and the preview on a sample certificate."""
import io

import pytest
from PIL import Image
from pypdf import PdfReader

from chalicelib import ports
from chalicelib.domain.errors import Forbidden, InvalidInput, NotFound
from chalicelib.render import imprints
from chalicelib.services import imprint_files, signature_stamps

from ._masterdata_helpers import ADMIN, COLLEGE, COLLEGE2, STUDENT, TEO, TEO2, TEO_SIGNER, b64, linked_key


def png(size, fill=(0, 0, 0, 0)) -> bytes:
    """A stamp of ``size`` with a red stroke across an empty background (``fill`` the background)."""
    img = Image.new("RGBA", size, fill)
    for x in range(5, size[0] - 5):
        img.putpixel((x, size[1] // 2), (200, 16, 30, 255))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def jpeg(size) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "JPEG")
    return out.getvalue()


# ---- upload ---------------------------------------------------------------------------------------------

def test_staff_upload_their_stamp_and_the_agreement_is_kept(world):
    stamp = imprints.name_stamp("赵强", "square")
    answer = signature_stamps.upload(COLLEGE2, "colleges", "ncut", b64(stamp), True)
    key = answer["stamp_key"]
    assert answer == {"stamp_key": key, "width": 95, "height": 95, "agreed_by": "college2"}
    assert key.startswith("stamps/colleges/ncut/") and key.endswith(".png")
    assert world.fakes.files.objects[key][:2] == (stamp, "image/png")
    row = ports.master.get("colleges", id="ncut")
    assert (row["stamp_key"], row["stamp_agreed_by"], row["stamp_agreed_at"]) == (
        key, "college2", ports.clock.now_iso())


def test_the_same_image_is_kept_under_the_same_key_a_new_one_under_a_new_key(world):
    first = signature_stamps.upload(TEO, "orgs", "zwl", b64(png((140, 50))), True)["stamp_key"]
    assert signature_stamps.upload(ADMIN, "orgs", "zwl", b64(png((140, 50))), True)["stamp_key"] == first
    assert ports.master.get("orgs", id="zwl")["stamp_agreed_by"] == "admin"
    assert signature_stamps.upload(TEO, "orgs", "zwl", b64(png((150, 52))), True)["stamp_key"] != first


@pytest.mark.parametrize("image, agreed, code, says", [
    (imprints.name_stamp("张明", "square"), True, "stamp_wrong_shape", "140×50"),
    (png((140, 50), fill=(255, 255, 255, 255)), True, "stamp_background_not_transparent", "透明"),
    (jpeg((140, 50)), True, "stamp_is_jpeg", "JPEG"),
    (png((60, 22)), True, "stamp_too_small", "模糊"),
    (imprints.name_stamp("张明", "rect"), False, "agreement_required", "授权委托书"),
    (imprints.name_stamp("张明", "rect"), "true", "agreement_required", "授权委托书"),
])
def test_a_refused_stamp_says_what_is_wrong_and_changes_nothing(world, image, agreed, code, says):
    before, objects = ports.master.get("orgs", id="zwl"), set(world.fakes.files.objects)
    with pytest.raises(InvalidInput) as exc:
        signature_stamps.upload(TEO, "orgs", "zwl", b64(image), agreed)
    assert exc.value.code == code and says in exc.value.message
    assert ports.master.get("orgs", id="zwl") == before and set(world.fakes.files.objects) == objects


def test_a_stamp_that_is_not_base64_is_refused(world):
    with pytest.raises(InvalidInput) as exc:
        signature_stamps.upload(COLLEGE, "colleges", "bjtu", "@@@", True)
    assert exc.value.code == "invalid_base64"


@pytest.mark.parametrize("principal, kind, org_id, error", [
    (TEO2, "orgs", "zwl", NotFound),                  # another TEO's: missing
    (COLLEGE2, "colleges", "bjtu", NotFound),
    (ADMIN, "orgs", "no-such-org", NotFound),
    (COLLEGE, "orgs", "zwl", Forbidden),              # a college's staff never upload a TEO's stamp
    (TEO, "colleges", "bjtu", Forbidden),
    (TEO_SIGNER, "orgs", "zwl", Forbidden),           # the responsible person's staff upload, not the signer
    (STUDENT, "colleges", "bjtu", Forbidden),
])
def test_only_the_organisations_own_staff_or_the_admin_upload(world, principal, kind, org_id, error):
    shape = "rect" if kind == "orgs" else "square"
    objects = set(world.fakes.files.objects)
    with pytest.raises(error):
        signature_stamps.upload(principal, kind, org_id, b64(imprints.name_stamp("李华", shape)), True)
    assert set(world.fakes.files.objects) == objects


# ---- where images are kept ------------------------------------------------------------------------------

def test_a_seal_image_is_kept_on_its_teo_with_the_fields_given(world):
    seal = png((240, 240))
    key = imprint_files.store_image("orgs", "zkxp", "seal", seal, seal_status="active")
    assert key.startswith("seals/orgs/zkxp/") and world.fakes.files.read(key) == seal
    row = ports.master.get("orgs", id="zkxp")
    assert (row["seal_key"], row["seal_status"]) == (key, "active")
    assert row["stamp_key"] != key                                       # its stamp is another image


def test_no_image_is_kept_for_an_unknown_organisation(world):
    with pytest.raises(NotFound) as exc:
        imprint_files.store_image("colleges", "nowhere", "stamp", png((95, 95)))
    assert exc.value.code == "org_not_found"
    assert not any("/nowhere/" in key for key in world.fakes.files.objects)


# ---- preview --------------------------------------------------------------------------------------------

def previewed(fakes, answer: dict):
    key = linked_key(answer["url"])
    assert answer["url"].endswith("&filename=%E7%94%B5%E5%AD%90%E7%AD%BE%E7%AB%A0%E9%A2%84%E8%A7%88.pdf")
    assert fakes.files.objects[key][1] == "application/pdf"
    page = PdfReader(io.BytesIO(fakes.files.read(key))).pages[0]
    return key, page.extract_text(), [img.image.size for img in page.images]


def test_a_preview_shows_the_given_stamp_on_a_sample_certificate_and_stores_nothing_else(world):
    before = ports.master.get("colleges", id="bjtu")
    # A size no sample image has, so the page shows the upload itself.
    key, text, sizes = previewed(world.fakes, signature_stamps.preview(COLLEGE, "colleges", "bjtu",
                                                                       b64(png((101, 103)))))
    assert key.startswith("previews/colleges/bjtu/")
    assert "北京交通大学" in text and (101, 103) in sizes and len(sizes) == 3   # beside the seal and a sample
    assert ports.master.get("colleges", id="bjtu") == before


def test_without_an_image_the_preview_uses_the_stamp_and_the_seal_on_file(world):
    signature_stamps.upload(TEO, "orgs", "zwl", b64(png((150, 52))), True)
    imprint_files.store_image("orgs", "zwl", "seal", png((241, 239)))
    _, text, sizes = previewed(world.fakes, signature_stamps.preview(TEO, "orgs", "zwl", None))
    assert "中物联物流" in text and (150, 52) in sizes and (241, 239) in sizes


def test_a_teo_without_an_e_seal_previews_with_a_sample_seal(world):
    _, text, sizes = previewed(world.fakes, signature_stamps.preview(TEO2, "orgs", "zkxp", b64(png((150, 52)))))
    assert "中科信培教育科技" in text and (150, 52) in sizes and len(sizes) == 3


def test_a_preview_without_any_stamp_asks_for_one(world):
    with pytest.raises(InvalidInput) as exc:
        signature_stamps.preview(ADMIN, "colleges", "wipe", None)
    assert exc.value.code == "no_stamp"
    assert not any(key.startswith("previews/") for key in world.fakes.files.objects)


@pytest.mark.parametrize("principal, kind, org_id, image, error", [
    (COLLEGE, "colleges", "bjtu", png((95, 95), fill=(255, 255, 255, 255)), InvalidInput),
    (TEO2, "orgs", "zwl", None, NotFound),
    (COLLEGE, "orgs", "zwl", None, Forbidden),
])
def test_a_refused_preview_renders_nothing(world, principal, kind, org_id, image, error):
    with pytest.raises(error):
        signature_stamps.preview(principal, kind, org_id, b64(image) if image else None)
    assert not any(key.startswith("previews/") for key in world.fakes.files.objects)
