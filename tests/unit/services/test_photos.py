"""Candidate photos on the demo world: one upload (stored normalised, has_photo set), the link, who may,
and the ZIP import: files matched by candidate number or ID number, each bad file named with the reason."""
import io
import zipfile

import pytest
from PIL import Image

from chalicelib import ports
from chalicelib.domain import photozip
from chalicelib.domain.errors import InvalidInput, NotFound, TooLarge
from chalicelib.services import photos

from ...photofiles import mark_encrypted, photo, symlink, zip_of
from ._masterdata_helpers import (
    ADMIN,
    COLLEGE,
    COLLEGE2,
    COLLEGE2_SIGNER,
    COLLEGE_SIGNER,
    STUDENT,
    TEO,
    b64,
    linked_key,
    new_candidate,
)


def has_photo(cand: dict) -> bool:
    return bool(ports.master.get("candidates", candidate_no=cand["candidate_no"]).get("has_photo"))


def stored_photo(fakes, cand: dict) -> Image.Image:
    data, content_type, _ = fakes.files.objects[f"photos/{cand['candidate_no']}.jpg"]
    assert content_type == "image/jpeg"
    return Image.open(io.BytesIO(data))


def test_college_staff_upload_a_photo_stored_normalised(world):
    cand = new_candidate(1)
    answer = photos.upload(COLLEGE2, cand["candidate_no"], b64(photo((1600, 1200), orientation=6)))
    assert answer == {"candidate_no": cand["candidate_no"], "has_photo": True, "width": 390, "height": 520,
                      "url": answer["url"]}
    assert linked_key(answer["url"]) == f"photos/{cand['candidate_no']}.jpg"
    img = stored_photo(world.fakes, cand)
    assert (img.format, img.mode, img.size) == ("JPEG", "RGB", (390, 520))    # turned upright as EXIF said
    assert has_photo(cand)
    link = photos.get_link(COLLEGE2_SIGNER, cand["candidate_no"])
    assert link == {"url": answer["url"], "expires_in": ports.files.LINK_SECONDS}


def test_no_link_before_a_photo_is_stored(world):
    cand = new_candidate(2)
    with pytest.raises(NotFound) as exc:
        photos.get_link(ADMIN, cand["candidate_no"])
    assert exc.value.code == "photo_not_found"


@pytest.mark.parametrize("image_base64, error, code", [
    (b64(photo(fmt="GIF")), InvalidInput, "photo_wrong_format"),
    (b64(photo((800, 600))), InvalidInput, "photo_not_portrait"),
    (b64(photo((240, 320))), InvalidInput, "photo_too_small"),
    (b64(photo() + b"\0" * (2 * 1024 * 1024)), TooLarge, "photo_too_large"),
    ("@@@", InvalidInput, "invalid_base64"),
])
def test_a_refused_photo_stores_nothing(world, image_base64, error, code):
    cand = new_candidate(3)
    with pytest.raises(error) as exc:
        photos.upload(ADMIN, cand["candidate_no"], image_base64)
    assert exc.value.code == code
    assert not has_photo(cand) and f"photos/{cand['candidate_no']}.jpg" not in world.fakes.files.objects


@pytest.mark.parametrize("who", [COLLEGE, COLLEGE_SIGNER, COLLEGE2_SIGNER, TEO, STUDENT])
def test_only_the_admin_and_the_candidates_own_college_staff_upload(world, who):
    cand = new_candidate(4, college="ncut")
    with pytest.raises(NotFound) as exc:
        photos.upload(who, cand["candidate_no"], b64(photo()))
    assert exc.value.code == "candidate_not_found" and not has_photo(cand)


def test_the_admin_uploads_for_any_college_and_its_own_college_sees_the_photo(world):
    cand = new_candidate(5, college="ncut")
    photos.upload(ADMIN, cand["candidate_no"], b64(photo()))
    for who in (ADMIN, COLLEGE2, COLLEGE2_SIGNER):
        assert photos.get_link(who, cand["candidate_no"])["url"]
    for who in (COLLEGE, COLLEGE_SIGNER, TEO, STUDENT):
        with pytest.raises(NotFound):
            photos.get_link(who, cand["candidate_no"])


@pytest.mark.parametrize("number", ["11010820250000999999999999", "9" * 3000, "..%2F..%2Fetc"])
def test_an_unknown_or_malformed_candidate_number_is_not_found(world, number):
    with pytest.raises(NotFound) as exc:
        photos.get_link(ADMIN, number)
    assert exc.value.code == "candidate_not_found"


# ---- the ZIP import -----------------------------------------------------------------------------------

def test_zip_import_stores_the_good_files_and_names_each_bad_one(world):
    a, b, c, d, e = (new_candidate(10 + i, college=college)
                     for i, college in enumerate(("ncut", "bjtu", "ncut", "bjtu", "ncut")))
    jpg, png = photo(), photo((900, 1200), fmt="PNG")
    bomb = zipfile.ZipInfo("51332220211630978726000099.jpg")
    bomb.compress_type = zipfile.ZIP_DEFLATED
    files = [
        (f"2025照片/{a['candidate_no']}.jpg", jpg),                        # by candidate number, in a folder
        (f"{b['id_number'].lower()}.PNG", png),                            # by ID number, any case
        (f"{c['candidate_no']}.jpg", jpg), (f"{c['id_number']}.jpg", jpg),  # two files for one candidate
        (f"{d['candidate_no']}.jpg", b"not a picture at all"),
        (f"{d['candidate_no']}.txt", b"notes"),
        ("51332220211630978726000001.jpg", jpg),                           # no such candidate
        ("110105194912310028.jpg", jpg),                                   # no one with this ID number
        ("张三.jpg", jpg),
        (f"../{e['candidate_no']}.jpg", jpg), (f"/{e['candidate_no']}.png", jpg),
        symlink(f"{e['candidate_no']}.jpeg", "/etc/passwd"), (f"{e['candidate_no']}.jpg", jpg),
        (bomb, b"\0" * (20 * 1024 * 1024)),
        ("__MACOSX/._x.jpg", b"\0"), ("2025照片/", b""),                   # archiver clutter: not counted
        (f"{e['candidate_no']}-x.jpg", photo((800, 600))),
    ]
    body = photos.import_zip(b64(mark_encrypted(zip_of(files), f"{e['candidate_no']}.jpg")))
    assert (body["imported"], body["total"]) == (2, 15)
    assert body["photos"] == [
        {"file": f"2025照片/{a['candidate_no']}.jpg", "candidate_no": a["candidate_no"], "candidate_name": a["name"]},
        {"file": f"{b['id_number'].lower()}.PNG", "candidate_no": b["candidate_no"], "candidate_name": b["name"]}]
    errors = {err["file"]: (err["code"], err["message"]) for err in body["errors"]}
    assert {name: code for name, (code, _) in errors.items()} == {
        f"{c['candidate_no']}.jpg": "duplicate", f"{c['id_number']}.jpg": "duplicate",
        f"{d['candidate_no']}.jpg": "photo_wrong_format", f"{d['candidate_no']}.txt": "not_an_image",
        "51332220211630978726000001.jpg": "candidate_not_found", "110105194912310028.jpg": "candidate_not_found",
        "张三.jpg": "bad_file_name",
        f"../{e['candidate_no']}.jpg": "unsafe_path", f"/{e['candidate_no']}.png": "unsafe_path",
        f"{e['candidate_no']}.jpeg": "symlink", f"{e['candidate_no']}.jpg": "encrypted",
        "51332220211630978726000099.jpg": "zip_bomb", f"{e['candidate_no']}-x.jpg": "bad_file_name",
    }
    assert errors[f"{c['id_number']}.jpg"][1] == (
        f"多个文件对应同一考生（{c['candidate_no']}）：{c['candidate_no']}.jpg、{c['id_number']}.jpg；请只保留一张后重新导入")
    assert errors["51332220211630978726000001.jpg"][1] == (
        "未找到考生编号为51332220211630978726000001的考生，请核对文件名")
    assert errors["110105194912310028.jpg"][1] == "未找到身份证号为110105194912310028的考生，请核对文件名"
    assert [has_photo(x) for x in (a, b, c, d, e)] == [True, True, False, False, False]
    assert stored_photo(world.fakes, b).size == (390, 520)


def test_an_id_number_names_every_registration_of_that_person(world):
    first = new_candidate(20, college="ncut")
    again = new_candidate(21, college="bjtu", id_number=first["id_number"])
    body = photos.import_zip(b64(zip_of([(f"{first['id_number']}.jpg", photo())])))
    assert (body["imported"], body["errors"]) == (1, [])
    assert sorted(p["candidate_no"] for p in body["photos"]) == sorted([first["candidate_no"], again["candidate_no"]])
    assert has_photo(first) and has_photo(again)


def test_a_photo_the_store_did_not_take_is_named_and_not_marked(world, monkeypatch):
    ok, lost = new_candidate(30), new_candidate(31)
    try_put = world.fakes.files.try_put
    monkeypatch.setattr(world.fakes.files, "try_put",
                        lambda key, *args: lost["candidate_no"] not in key and try_put(key, *args))
    body = photos.import_zip(b64(zip_of([(f"{ok['candidate_no']}.jpg", photo()),
                                         (f"{lost['candidate_no']}.jpg", photo())])))
    assert (body["imported"], [p["candidate_no"] for p in body["photos"]]) == (1, [ok["candidate_no"]])
    assert body["errors"] == [{"file": f"{lost['candidate_no']}.jpg", "code": "store_failed",
                               "message": "照片保存失败（存储服务暂时不可用），请稍后单独重新导入该文件"}]
    assert (has_photo(ok), has_photo(lost)) == (True, False)


def test_with_the_store_unreachable_nothing_is_marked(world):
    cand = new_candidate(32)
    world.fakes.files.down = True
    body = photos.import_zip(b64(zip_of([(f"{cand['candidate_no']}.jpg", photo())])))
    assert (body["imported"], body["photos"], [e["code"] for e in body["errors"]]) == (0, [], ["store_failed"])
    assert not has_photo(cand)


def test_a_zip_stops_at_its_pixel_budget(world, monkeypatch):
    people = [new_candidate(40 + i) for i in range(3)]
    monkeypatch.setattr(photozip, "MAX_PIXELS", 2 * 600 * 800)
    body = photos.import_zip(b64(zip_of([(f"{p['candidate_no']}.jpg", photo()) for p in people])))
    assert body["imported"] == 2
    assert [(e["file"], e["code"]) for e in body["errors"]] == [(f"{people[2]['candidate_no']}.jpg",
                                                                 "zip_too_many_pixels")]
    assert [has_photo(p) for p in people] == [True, True, False]


@pytest.mark.parametrize("file_base64, error, code", [
    (b64(b"just text"), InvalidInput, "invalid_zip"),
    (b64(zip_of([("空文件夹/", b"")])), InvalidInput, "zip_empty"),
    (b64(zip_of([(f"{i:026d}.jpg", b"") for i in range(301)])), TooLarge, "zip_too_many_entries"),
    ("@@@", InvalidInput, "invalid_base64"),
])
def test_a_file_that_is_no_usable_zip_is_refused(world, file_base64, error, code):
    with pytest.raises(error) as exc:
        photos.import_zip(file_base64)
    assert exc.value.code == code
