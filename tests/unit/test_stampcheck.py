"""Every refusal of a stamp upload, with real files made here, and the accepted ones."""
import io
import struct
import zlib

import pytest
from PIL import Image, ImageDraw

from chalicelib.domain import imprint_check
from chalicelib.domain.errors import InvalidInput, TooLarge
from chalicelib.render import imprints


def png(size, mode="RGBA", background=(0, 0, 0, 0), ink=True) -> bytes:
    img = Image.new(mode, size, background if mode == "RGBA" else (255, 255, 255))
    if ink:
        red = (200, 16, 30) if mode == "RGB" else (200, 16, 30, 255)
        ImageDraw.Draw(img).rectangle([2, 2, size[0] - 3, size[1] - 3], outline=red, width=2)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def refused(data, shape, code):
    with pytest.raises((InvalidInput, TooLarge)) as exc:
        imprint_check.check(data, shape)
    assert exc.value.code == code, exc.value.message
    return exc.value.message


def test_generated_stamps_are_accepted():
    assert imprint_check.check(imprints.name_stamp("张明", "rect"), imprint_check.RECT) == (140, 50)
    assert imprint_check.check(imprints.name_stamp("王芳", "square"), imprint_check.SQUARE) == (95, 95)
    assert imprint_check.check(png((280, 100)), imprint_check.RECT) == (280, 100)       # larger, same shape


def test_jpeg_renamed_to_png():
    out = io.BytesIO()
    Image.new("RGB", (140, 50), "white").save(out, "JPEG")
    assert "JPEG" in refused(out.getvalue(), imprint_check.RECT, "stamp_is_jpeg")


def test_not_a_png():
    assert "PNG" in refused(b"GIF89a" + b"\0" * 100, imprint_check.RECT, "stamp_not_png")


def test_no_alpha_channel():
    assert "透明通道" in refused(png((140, 50), mode="RGB"), imprint_check.RECT, "stamp_no_alpha")


def test_opaque_background():
    assert "背景" in refused(png((140, 50), background=(255, 255, 255, 255)), imprint_check.RECT,
                            "stamp_background_not_transparent")


def test_wrong_shape_says_the_size_wanted():
    message = refused(png((95, 95)), imprint_check.RECT, "stamp_wrong_shape")
    assert "95×95" in message and "140×50" in message
    refused(png((140, 50)), imprint_check.SQUARE, "stamp_wrong_shape")


def test_too_small():
    refused(png((56, 20)), imprint_check.RECT, "stamp_too_small")


def test_too_large_a_file():
    big = png((140, 50)) + b"\0" * (1024 * 1024)
    assert "1MB" in refused(big, imprint_check.RECT, "stamp_too_large")


def test_corrupt():
    data = png((140, 50))
    refused(data[: len(data) // 2], imprint_check.RECT, "stamp_corrupt")


def test_decompression_bomb_is_refused_before_decoding():
    # A tiny file whose header claims 30000×10000 pixels.
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", 30000, 10000, 8, 6, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + \
        chunk(b"IEND", b"")
    refused(bomb, imprint_check.RECT, "stamp_too_many_pixels")
