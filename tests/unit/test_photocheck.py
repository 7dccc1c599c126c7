"""Every refusal of a candidate photo, the tolerance's edges, and the stored form, with real files."""
import io
import struct
import zipfile
import zlib

import pytest
from PIL import Image

from chalicelib.domain import photocheck, photozip
from chalicelib.domain.errors import InvalidInput, TooLarge
from tests.photofiles import photo, symlink, zip_of


def refused(data, code):
    with pytest.raises((InvalidInput, TooLarge)) as exc:
        photocheck.normalise(data)
    assert exc.value.code == code, exc.value.message
    return exc.value.message


def stored(data) -> Image.Image:
    img = Image.open(io.BytesIO(photocheck.normalise(data)))
    img.load()
    return img


def test_stored_form_is_a_390x520_rgb_jpeg_without_metadata():
    exif = Image.new("RGB", (1, 1)).getexif()
    exif[0x010F], exif[0x0131] = "Canon", "secret editor"
    exif_jpeg = photo((900, 1200), exif=exif.tobytes(), comment=b"camera: secret", icc_profile=b"\0" * 128)
    assert {"exif", "comment", "icc_profile"} <= Image.open(io.BytesIO(exif_jpeg)).info.keys()
    for data in (exif_jpeg, photo((330, 440), fmt="PNG"), photo((1500, 2000), fmt="PNG", mode="RGBA")):
        img = stored(data)
        assert (img.format, img.mode, img.size) == ("JPEG", "RGB", (390, 520))
        assert not img.getexif() and "icc_profile" not in img.info and "comment" not in img.info


def test_exif_orientation_is_applied():
    # Stored 800x600 landscape with orientation 6 (show turned 90° clockwise): the upright photo is
    # portrait, and the stored top (red) is on the right.
    img = stored(photo((800, 600), orientation=6))
    assert img.size == (390, 520)
    left, right = img.getpixel((20, 260)), img.getpixel((370, 260))
    assert right[0] > 200 and left[2] > 200


def test_a_transparent_background_becomes_white():
    img = stored(photo((600, 800), fmt="PNG", mode="RGBA"))
    assert img.getpixel((200, 500)) >= (250, 250, 250)          # the transparent lower half


@pytest.mark.parametrize("size", [(295, 413), (330, 440), (351, 440), (297, 440), (2250, 3000)])
def test_accepted_sizes(size):
    assert stored(photo(size)).size == (390, 520)


@pytest.mark.parametrize("size, code", [
    ((800, 600), "photo_not_portrait"), ((500, 500), "photo_not_portrait"),
    ((366, 440), "photo_wrong_ratio"),     # 0.832: just over +10 %
    ((296, 440), "photo_wrong_ratio"),     # 0.673: just under -10 %
    ((294, 413), "photo_too_small"), ((300, 400), "photo_too_small"),
])
def test_shape_refusals(size, code):
    message = refused(photo(size), code)
    assert f"{size[0]}×{size[1]}" in message


def test_format_size_and_damage_refusals():
    assert "GIF" in refused(photo(fmt="GIF"), "photo_wrong_format")
    assert "HEIC" in refused(b"\0\0\0\x18ftypheic" + b"\0" * 100, "photo_wrong_format")
    refused(b"hello, not a picture", "photo_wrong_format")
    good = photo()
    refused(good[: len(good) // 2], "photo_corrupt")
    big = photo((1500, 2000), fmt="PNG", compress_level=0)        # ~9 MB of raw pixels
    assert "2MB" in refused(big, "photo_too_large")


def test_a_decompression_bomb_is_refused_before_decoding():
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    def bomb(width, height):
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(b"\0" * 1_000_000)) + chunk(b"IEND", b""))
    assert "6000×8000" in refused(bomb(6000, 8000), "photo_too_many_pixels")      # over our limit
    refused(bomb(30000, 40000), "photo_too_many_pixels")                          # over Pillow's too


# ---- the ZIP ------------------------------------------------------------------------------------------

def codes(data: bytes) -> dict[str, str | None]:
    _, found = photozip.entries(data)
    return {e.name: e.error.code if e.error else e.key[0] for e in found}


def test_entries_are_judged_one_by_one():
    jpg = photo()
    bomb = zipfile.ZipInfo("11010119900307851X.jpg")
    bomb.compress_type = zipfile.ZIP_DEFLATED
    data = zip_of([
        ("照片/51332220211630978726000027.JPG", jpg), ("110101199003078515.png", jpg),
        ("11010119900307851x.jpeg", jpg), ("张三.jpg", jpg), ("notes.txt", b"x"),
        ("../51332220211630978726000028.jpg", jpg), ("/51332220211630978726000029.jpg", jpg),
        ("C:/51332220211630978726000030.jpg", jpg),
        symlink("51332220211630978726000031.jpg", "/etc/passwd"),
        ("__MACOSX/._110101199003078515.png", b"\0"), (".DS_Store", b"\0"), ("照片/", b""),
        ("51332220211630978726000032.jpg", b"\0" * (3 * 1024 * 1024)),
        (bomb, b"\0" * (2 * 1024 * 1024 + 1)),
    ])
    assert codes(data) == {
        "照片/51332220211630978726000027.JPG": "candidate_no", "110101199003078515.png": "id_number",
        "11010119900307851x.jpeg": "id_number", "张三.jpg": "bad_file_name", "notes.txt": "not_an_image",
        "../51332220211630978726000028.jpg": "unsafe_path", "/51332220211630978726000029.jpg": "unsafe_path",
        "C:/51332220211630978726000030.jpg": "unsafe_path", "51332220211630978726000031.jpg": "symlink",
        "51332220211630978726000032.jpg": "zip_bomb", "11010119900307851X.jpg": "zip_bomb",
    }


def test_a_header_that_understates_the_size_is_caught_while_reading():
    data = bytearray(zip_of([("51332220211630978726000027.jpg", b"\0" * (3 * 1024 * 1024))]))
    # Rewrite the declared uncompressed size (local header and central directory) to 1 KB.
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.index(sig) + offset
        data[at:at + 4] = struct.pack("<I", 1024)
    archive, (entry,) = photozip.entries(bytes(data))
    with pytest.raises(photozip.EntryError) as exc:
        photozip.read(archive, entry)
    assert exc.value.code in ("damaged", "zip_bomb")


def test_limits_of_the_archive():
    with pytest.raises(TooLarge) as exc:
        photozip.entries(b"\0" * (4 * 1024 * 1024 + 1))
    assert exc.value.code == "zip_too_large"
    with pytest.raises(TooLarge) as exc:
        photozip.entries(zip_of([(f"{i:026d}.jpg", b"") for i in range(301)]))
    assert exc.value.code == "zip_too_many_entries"
    with pytest.raises(TooLarge) as exc:
        photozip.entries(zip_of([(f"{i:026d}.jpg", b"\0" * (2 * 1024 * 1024)) for i in range(33)]))
    assert exc.value.code == "zip_too_large_uncompressed"
    for data, code in ((b"PK\x03\x04 not really", "invalid_zip"), (zip_of([("a/", b"")]), "zip_empty")):
        with pytest.raises(InvalidInput) as exc:
            photozip.entries(data)
        assert exc.value.code == code


def test_a_gbk_name_from_a_windows_archiver_reads_as_chinese():
    gbk = "张三照片.jpg".encode("gbk")          # no UTF-8 flag: what zipfile writes for an ASCII name
    data = zip_of([("x" * len(gbk), b"1")]).replace(b"x" * len(gbk), gbk)
    (entry,) = photozip.entries(data)[1]
    assert entry.name == "张三照片.jpg" and entry.error.code == "bad_file_name"
