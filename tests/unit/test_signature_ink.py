"""A drawn signature must show visible ink on white: the blank ones the attacks used are refused."""
import io
import struct
import zlib

import pytest
from PIL import Image, ImageDraw

from chalicelib.domain import signature
from chalicelib.domain.errors import InvalidInput

PAD = (600, 200)          # the phone page's pad at device pixels, roughly


def drawn(color=(17, 17, 17, 255), width=6, background=(0, 0, 0, 0)) -> Image.Image:
    """A name written across the pad: a few connected strokes, as the signing page's canvas makes them."""
    img = Image.new("RGBA", PAD, background)
    pen = ImageDraw.Draw(img)
    pen.line([(60, 120), (110, 60), (140, 140), (190, 70), (240, 130)], fill=color, width=width, joint="curve")
    pen.line([(300, 80), (330, 150), (380, 70), (420, 140), (470, 90)], fill=color, width=width, joint="curve")
    return img


def refused(img: Image.Image) -> str:
    with pytest.raises(InvalidInput) as exc:
        signature.check(img)
    assert exc.value.code == "blank_signature"
    assert exc.value.message.startswith("请手写签名")
    return exc.value.message


BLANKS = {
    "empty canvas": Image.new("RGBA", PAD, (0, 0, 0, 0)),
    "white strokes on transparent": drawn(color=(255, 255, 255, 255)),
    "uniform 13% wash": Image.new("RGBA", PAD, (0, 0, 0, 33)),
    "faint grey strokes": drawn(color=(0, 0, 0, 50)),
    "6x5 dot": Image.new("RGBA", PAD, (0, 0, 0, 0)),
    "a speck in the corner": Image.new("RGBA", PAD, (0, 0, 0, 0)),
    "white opaque pad": Image.new("RGB", PAD, (255, 255, 255)),
}
BLANKS["6x5 dot"].paste((0, 0, 0, 255), (300, 100, 306, 105))
BLANKS["a speck in the corner"].paste((0, 0, 0, 255), (5, 5, 20, 20))


@pytest.mark.parametrize("name", BLANKS)
def test_blank_signatures_are_refused(name):
    refused(BLANKS[name])


def test_drawn_signatures_pass():
    signature.check(drawn())                                               # dark ink on a transparent pad
    signature.check(drawn(color=(31, 63, 191, 255), width=3))              # a thin blue pen
    signature.check(drawn(background=(255, 255, 255, 255)))                # on an opaque white pad
    signature.check(drawn().convert("LA"))                                 # grey with alpha


def test_the_readme_stroke_passes():
    """The README's curl example: a 40×10 black stroke, built byte by byte as the shell snippet does."""
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    raw = b"".join(b"\0" + b"\0\0\0\xff" * 40 for _ in range(10))
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 40, 10, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    signature.check(Image.open(io.BytesIO(data)))


def test_ink_is_measured_on_white():
    count, size = signature.ink(BLANKS["6x5 dot"])
    assert (count, size) == (30, (6, 5))
    assert signature.ink(BLANKS["uniform 13% wash"]) == (0, (0, 0))
