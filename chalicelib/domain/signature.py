"""What counts as a drawn signature: visible ink, judged on the image as it would appear on white paper.
Pure: Pillow only.

A signature needs enough dark, opaque pixels, and they must spread over part of the pad: white strokes on
a transparent canvas, a faint uniform wash or a single dot are not a signature."""
from typing import TYPE_CHECKING

from .errors import InvalidInput

if TYPE_CHECKING:
    from PIL import Image

DARK = 128               # luminance on white below which a pixel is ink (black at ≥ 50 % opacity, blue pens)
MIN_INK_PIXELS = 50      # a dot or a speck is not a signature
MIN_SPAN_PIXELS = 32     # the ink's longer side, in pixels
MIN_EXTENT = 0.2         # ... and as a share of the pad's width or height


def ink(img: "Image.Image") -> tuple[int, tuple[int, int]]:
    """How many pixels are dark on white, and the size of the box that holds them."""
    from PIL import Image  # here, not at import: an API cold start has no use for Pillow
    rgba = img.convert("RGBA")
    on_white = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("L")
    mask = on_white.point(lambda v: 255 if v < DARK else 0)
    box = mask.getbbox()
    if not box:
        return 0, (0, 0)
    return mask.histogram()[255], (box[2] - box[0], box[3] - box[1])


def check(img: "Image.Image") -> None:
    """Accept a drawn signature, or raise ``blank_signature`` asking for one."""
    count, (width, height) = ink(img)
    spread = max(width / img.width, height / img.height)
    if count < MIN_INK_PIXELS or max(width, height) < MIN_SPAN_PIXELS or spread < MIN_EXTENT:
        raise InvalidInput("请手写签名：未检测到清晰的笔迹，请在签名区域用手指或鼠标写下姓名后再提交",
                           code="blank_signature")
