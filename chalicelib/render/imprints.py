"""Seal and stamp images drawn with Pillow: a round red official seal bearing the organisation's name
on an arc over a star and an inscription under it, and the responsible persons' name stamps (rectangular
140×50, square 95×95), all on a transparent background, as the e-seal authority and the upload rules expect them."""
import functools
import io
import math

from PIL import Image, ImageDraw, ImageFont

from .text import PRIMARY, font_path

RED = (200, 16, 30, 255)


@functools.lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(PRIMARY)), size)


def _png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.382
        angle = math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy - radius * math.sin(angle)))
    draw.polygon(points, fill=RED)


def _arc_text(img: Image.Image, chars: str, radius: float, span: float, size: int) -> None:
    """Characters upright along the upper arc, centred on the top, each narrowed as seal lettering is."""
    font = _font(size)
    c = img.width / 2
    for i, ch in enumerate(chars):
        angle = -span / 2 + span * (i + 0.5) / len(chars)       # 0° = top, clockwise
        glyph = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size, size), ch, font=font, fill=RED, anchor="mm",
                                    stroke_width=max(1, size // 28), stroke_fill=RED)
        glyph = glyph.resize((int(size * 2 * 0.8), size * 2), Image.LANCZOS).rotate(-angle, resample=Image.BICUBIC)
        rad = math.radians(angle)
        x, y = c + radius * math.sin(rad), c - radius * math.cos(rad)
        img.alpha_composite(glyph, (int(x - glyph.width / 2), int(y - glyph.height / 2)))


def official_seal(org_name: str, inscription: str = "电子公章", size: int = 480) -> bytes:
    """The round official seal (公章): the organisation's name on an arc centred over the star across the
    upper part of the ring, the star in the middle, and a lower inscription (电子公章 or the seal's code)."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    c = size / 2
    ring = size * 0.04
    draw.ellipse([ring / 2, ring / 2, size - ring / 2, size - ring / 2], outline=RED, width=int(ring))
    _star(draw, c, c, size * 0.18)
    name = org_name.strip()[:20]
    span = max(180.0, min(250.0, 26.0 * len(name) + 20))      # degrees of arc the name covers, centred on the top
    radius = size * 0.355
    glyph = int(min(size * 0.15, 2 * math.pi * radius * span / 360 / len(name) * 1.05))
    _arc_text(img, name, radius, span, glyph)
    lower = _font(int(size * (0.085 if len(inscription) <= 6 else 0.06)))
    draw.text((c, c + size * 0.29), inscription, font=lower, fill=RED, anchor="mm",
              stroke_width=1, stroke_fill=RED)
    return _png(img)


def name_stamp(name: str, shape: str) -> bytes:
    """A responsible person's stamp: ``rect`` 140×50 (issuing authority) or ``square`` 95×95 (site)."""
    w, h = (140, 50) if shape == "rect" else (95, 95)
    scale = 4                                      # draw large, scale down for clean edges
    img = Image.new("RGBA", (w * scale, h * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rectangle([4, 4, w * scale - 5, h * scale - 5], outline=RED, width=3 * scale)
    text = name if shape == "rect" else (name + "印" if len(name) == 3 else name)
    if shape == "square" and len(text) == 4:
        font = _font(int(h * scale * 0.38))
        for i, ch in enumerate(text):       # two columns, read right to left
            col, row = 1 - i // 2, i % 2
            draw.text(((col + 0.5) * w * scale / 2, (row + 0.5) * h * scale / 2), ch, font=font, fill=RED,
                      anchor="mm")
    else:
        font = _font(int(h * scale * (0.55 if shape == "rect" else 0.3)))
        draw.text((w * scale / 2, h * scale / 2), text, font=font, fill=RED, anchor="mm")
    return _png(img.resize((w, h), Image.LANCZOS))
