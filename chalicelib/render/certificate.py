"""Render a certificate PDF from a template's layout (``chalicelib/templates/<name>/layout.json``).

The layout is data: frames, texts with ``{field}`` placeholders, image slots for the seal and the two
responsible persons' stamps, and the verification QR code. Elements may be limited to one issuing method
(``electronic`` or ``paper``): paper certificates are printed onto pre-printed stock, so they carry the
particulars, the stamps, the QR code and crop marks, not the frame, the title or the seal.
"""
import functools
import io
import json
from pathlib import Path

import qrcode
from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from . import text

rl_config.useA85 = 0          # raw binary streams: 3x faster, smaller files
# Inside chalicelib/: Chalice packages nothing else into the Lambda function.
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SLOTS = ("seal", "teo_stamp", "site_stamp")


class RenderError(ValueError):
    """A certificate cannot be rendered; the message says why, for the person fixing it."""


@functools.lru_cache(maxsize=16)
def layout(name: str) -> dict:
    path = TEMPLATES / name / "layout.json"
    if not path.is_file():
        raise RenderError(f"证书模板“{name}”不存在")
    return json.loads(path.read_text(encoding="utf-8"))


def required_slots(template: str, method: str) -> list[str]:
    return [e["slot"] for e in layout(template)["elements"]
            if e["type"] == "image" and method in e.get("methods", [method])]


@functools.lru_cache(maxsize=64)
def _image(data: bytes) -> ImageReader:
    return ImageReader(io.BytesIO(data))


def _qr_path(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=0)
    qr.add_data(url)
    matrix = qr.get_matrix()
    cell = size / len(matrix)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                path.rect(x + c * cell, y + size - (r + 1) * cell, cell, cell)
    canvas.setFillColor(HexColor("#000000"))
    canvas.drawPath(path, fill=1, stroke=0)


def render(template: str, method: str, fields: dict, images: dict[str, bytes], title: str = "") -> bytes:
    """The certificate as PDF bytes. ``images`` holds PNG bytes for each slot the method needs."""
    spec = layout(template)
    colors = {k: HexColor(v) for k, v in spec.get("colors", {}).items()}
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=tuple(spec["page"]), pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("SkillCert")
    canvas.setSubject("职业技能等级证书")
    try:
        for element in spec["elements"]:
            if method not in element.get("methods", [method]):
                continue
            _draw(canvas, element, fields, images, colors, spec["page"])
    except text.MissingGlyph as exc:
        raise RenderError(str(exc)) from None
    except (KeyError, IndexError) as exc:
        raise RenderError(f"证书模板“{template}”有误：{exc}") from None
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _draw(canvas: Canvas, e: dict, fields: dict, images: dict, colors: dict, page) -> None:
    kind = e["type"]
    if kind == "rect":
        canvas.setStrokeColor(colors.get(e.get("stroke"), HexColor("#000000")))
        canvas.setLineWidth(e.get("width", 1))
        canvas.rect(e["x"], e["y"], e["w"], e["h"], stroke=1, fill=0)
    elif kind == "marks":
        _crop_marks(canvas, page, e["inset"], e["length"])
    elif kind == "text":
        canvas.setFillColor(colors.get(e.get("color", "text"), HexColor("#000000")))
        value = e["text"].format(**fields)
        if "width" in e:
            for i, line in enumerate(text.wrap(value, e["size"], e["width"])):
                text.draw(canvas, e["x"], e["y"] - i * e.get("leading", e["size"] * 1.5), line, e["size"])
        else:
            text.draw(canvas, e["x"], e["y"], value, e["size"], e.get("align", "left"), e.get("spacing", 0))
    elif kind == "image":
        data = images.get(e["slot"])
        if not data:
            raise RenderError(f"缺少图片：{e['slot']}")
        try:
            canvas.drawImage(_image(data), e["x"], e["y"], e["w"], e["h"], mask="auto", preserveAspectRatio=True,
                             anchor="c")
        except OSError as exc:
            raise RenderError(f"图片无法使用（{e['slot']}）：{exc}") from None
    elif kind == "qr":
        _qr_path(canvas, fields[e["field"]], e["x"], e["y"], e["size"])
    else:
        raise RenderError(f"未知的模板元素：{kind}")


def _crop_marks(canvas: Canvas, page, inset: float, length: float) -> None:
    w, h = page
    canvas.setStrokeColor(HexColor("#000000"))
    canvas.setLineWidth(0.5)
    for x, dx in ((inset, -1), (w - inset, 1)):
        for y, dy in ((inset, -1), (h - inset, 1)):
            canvas.line(x, y, x + dx * length, y)
            canvas.line(x, y, x, y + dy * length)
