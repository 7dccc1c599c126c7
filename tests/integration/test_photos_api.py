"""Candidate photos over HTTP: one upload, the link, who may, and the ZIP import with every kind of bad file."""
import base64
import io
import itertools
import zipfile

import requests
from PIL import Image

from chalicelib.domain import idcard

from ..photofiles import mark_encrypted, photo, symlink, zip_of
from .conftest import assert_error, xlsx

_serial = itertools.count(1)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def new_candidate(api, college="ncut", name="照片测试") -> dict:
    """A candidate of its own, so no test changes the demo's."""
    n = next(_serial)
    first17 = f"1101081999{n % 12 + 1:02d}{n % 28 + 1:02d}{700 + n:03d}"
    row = {"candidate_no": f"11010820250000{n:06d}{700000 + n:06d}", "name": f"{name}{n}",
           "id_number": first17 + idcard.check_digit(first17), "student_type": "院校考生", "college_id": college}
    r = api.post("/admin/master/candidates", as_="admin", json=row)
    assert r.status_code == 200, r.text
    return row


def listed(api, cand: dict, as_="admin") -> dict:
    rows = api.get(f"/colleges/{cand['college_id']}/candidates", as_=as_).json()["items"]
    return next(c for c in rows if c["candidate_no"] == cand["candidate_no"])


def fetched(api, cand: dict, as_="admin") -> Image.Image:
    r = api.get(f"/candidates/{cand['candidate_no']}/photo", as_=as_)
    assert r.status_code == 200, r.text
    assert r.json()["expires_in"] <= 300 and "X-Amz-Expires=" in r.json()["url"]
    img = Image.open(io.BytesIO(requests.get(r.json()["url"], timeout=10).content))
    img.load()
    return img


def test_college_staff_upload_a_photo_stored_normalised(api):
    cand = new_candidate(api)
    assert not listed(api, cand)["has_photo"] and "photo_url" not in listed(api, cand)
    assert_error(api.get(f"/candidates/{cand['candidate_no']}/photo", as_="college2"), 404, "photo_not_found")
    # A phone photo: stored landscape with "turn 90° clockwise" in its EXIF, and a comment.
    r = api.put(f"/candidates/{cand['candidate_no']}/photo", as_="college2",
                json={"image_base64": b64(photo((1600, 1200), orientation=6, comment=b"GPS 39.9N"))})
    assert r.status_code == 200, r.text
    assert r.json()["has_photo"] is True
    img = fetched(api, cand, as_="college2_signer")
    assert (img.format, img.mode, img.size) == ("JPEG", "RGB", (390, 520))
    assert img.getpixel((370, 260))[0] > 200 and "comment" not in img.info and not img.getexif()
    row = listed(api, cand, as_="college2")
    assert row["has_photo"] is True and requests.get(row["photo_url"], timeout=10).content[:3] == b"\xff\xd8\xff"


def test_refusals_say_what_to_fix_and_store_nothing(api):
    cand = new_candidate(api)
    url = f"/candidates/{cand['candidate_no']}/photo"
    for data, status, code, says in (
            (photo(fmt="GIF"), 400, "photo_wrong_format", "JPEG或PNG"),
            (photo()[:500], 400, "photo_corrupt", "损坏"),
            (photo((800, 600)), 400, "photo_not_portrait", "竖版"),
            (photo((600, 600)), 400, "photo_not_portrait", "600×600"),
            (photo((500, 600)), 400, "photo_wrong_ratio", "3:4"),
            (photo((240, 320)), 400, "photo_too_small", "295×413"),
            (photo() + b"\0" * (2 * 1024 * 1024), 413, "photo_too_large", "2MB")):
        err = assert_error(api.put(url, as_="admin", json={"image_base64": b64(data)}), status, code)
        assert says in err["message"], err
    assert_error(api.put(url, as_="admin", json={"image_base64": "@@@"}), 400, "invalid_base64")
    assert_error(api.get(url, as_="admin"), 404, "photo_not_found")
    assert listed(api, cand)["has_photo"] is False


def test_only_the_admin_and_the_candidates_own_college_see_or_change_the_photo(api):
    cand = new_candidate(api, college="ncut")
    url = f"/candidates/{cand['candidate_no']}/photo"
    body = {"image_base64": b64(photo())}
    for who in ("college", "college_signer", "college2_signer", "teo", "teo_signer", "teo2", "student"):
        assert_error(api.put(url, as_=who, json=body), 404, "candidate_not_found")
    assert listed(api, cand)["has_photo"] is False
    assert api.put(url, as_="admin", json=body).status_code == 200
    for who in ("college", "college_signer", "teo", "teo2", "student"):
        assert_error(api.get(url, as_=who), 404, "candidate_not_found")
    for who in ("admin", "college2", "college2_signer"):
        assert api.get(url, as_=who).status_code == 200
    for missing in ("11010820250000999999999999", "9" * 3000, "..%2F..%2Fetc"):
        assert_error(api.get(f"/candidates/{missing}/photo", as_="admin"), 404, "candidate_not_found")
    assert api.put(url, json=body).status_code == 401


def test_zip_import_stores_the_good_files_and_names_each_bad_one(api):
    a, b, c, d, e = (new_candidate(api, college=college) for college in ("ncut", "bjtu", "ncut", "bjtu", "ncut"))
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
        ("张三.jpg", jpg),
        (f"../{e['candidate_no']}.jpg", jpg), (f"/{e['candidate_no']}.png", jpg),
        symlink(f"{e['candidate_no']}.jpeg", "/etc/passwd"), (f"{e['candidate_no']}.jpg", jpg),
        (bomb, b"\0" * (20 * 1024 * 1024)),
        ("__MACOSX/._x.jpg", b"\0"), ("2025照片/", b""),                   # archiver clutter: not counted
        (f"{e['candidate_no']}-x.jpg", photo((800, 600))),
    ]
    data = mark_encrypted(zip_of(files), f"{e['candidate_no']}.jpg")
    r = api.post("/admin/import/photos", as_="admin", json={"file_base64": b64(data)})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["imported"], body["total"]) == (2, 14)
    assert [(p["file"], p["candidate_no"]) for p in body["photos"]] == [
        (f"2025照片/{a['candidate_no']}.jpg", a["candidate_no"]), (f"{b['id_number'].lower()}.PNG", b["candidate_no"])]
    errors = {e_["file"]: (e_["code"], e_["message"]) for e_ in body["errors"]}
    assert {f: code for f, (code, _) in errors.items()} == {
        f"{c['candidate_no']}.jpg": "duplicate", f"{c['id_number']}.jpg": "duplicate",
        f"{d['candidate_no']}.jpg": "photo_wrong_format", f"{d['candidate_no']}.txt": "not_an_image",
        "51332220211630978726000001.jpg": "candidate_not_found", "张三.jpg": "bad_file_name",
        f"../{e['candidate_no']}.jpg": "unsafe_path", f"/{e['candidate_no']}.png": "unsafe_path",
        f"{e['candidate_no']}.jpeg": "symlink", f"{e['candidate_no']}.jpg": "encrypted",
        "51332220211630978726000099.jpg": "zip_bomb", f"{e['candidate_no']}-x.jpg": "bad_file_name",
    }
    assert all(message for _, message in errors.values())
    assert "同一考生" in errors[f"{c['id_number']}.jpg"][1] and "未找到" in errors["51332220211630978726000001.jpg"][1]
    assert [listed(api, x)["has_photo"] for x in (a, b, c, d, e)] == [True, True, False, False, False]
    assert fetched(api, b).size == (390, 520)


def test_zip_limits(api):
    def post(data: bytes):
        return api.post("/admin/import/photos", as_="admin", json={"file_base64": b64(data)})
    noise = zip_of([("51332220211630978726000001.jpg", bytes(range(256)) * (17 * 1024))], zipfile.ZIP_STORED)
    assert len(noise) > 4 * 1024 * 1024
    assert_error(post(noise), 413, "zip_too_large")
    assert_error(post(zip_of([(f"{i:026d}.jpg", b"") for i in range(301)])), 413, "zip_too_many_entries")
    assert_error(post(zip_of([(f"{i:026d}.jpg", b"\0" * (2 * 1024 * 1024)) for i in range(40)])), 413,
                 "zip_too_large_uncompressed")
    assert_error(post(b"PK\x05\x06" + b"\0" * 10), 400, "invalid_zip")
    assert_error(post(b"just text"), 400, "invalid_zip")
    assert_error(post(zip_of([("空文件夹/", b"")])), 400, "zip_empty")
    assert_error(api.post("/admin/import/photos", as_="college", json={"file_base64": b64(noise)}), 403)


def test_a_zip_of_small_files_declaring_huge_pictures_stops_at_its_pixel_budget(api):
    """Seven ~90 KB PNGs of 25 megapixels each: six fit the 150-megapixel budget, the seventh is refused."""
    big = photo((4330, 5773), fmt="PNG", optimize=True)
    people = [new_candidate(api) for _ in range(7)]
    r = api.post("/admin/import/photos", as_="admin", json={
        "file_base64": b64(zip_of([(f"{p['candidate_no']}.png", big) for p in people]))})
    assert r.status_code == 200, r.text
    assert r.json()["imported"] == 6
    assert [(e["file"], e["code"]) for e in r.json()["errors"]] == [(f"{people[6]['candidate_no']}.png",
                                                                     "zip_too_many_pixels")]


def test_a_spreadsheet_cannot_claim_a_photo(api):
    """has_photo follows the stored photo: the candidates sheet's old 照片 column changes nothing."""
    cand = new_candidate(api)
    titles = ["考生编号", "考生姓名", "身份证号", "学生类型", "所属院校代码", "照片"]
    data = xlsx(titles, [[cand["candidate_no"], cand["name"], cand["id_number"], "院校考生", "ncut", "是"]])
    r = api.post("/admin/import/candidates", as_="admin", json={"file_base64": b64(data)})
    assert r.status_code == 200 and r.json()["imported"] == 1, r.text
    assert listed(api, cand)["has_photo"] is False
