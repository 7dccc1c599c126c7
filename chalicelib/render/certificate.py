"""Render a certificate PDF from a template's layout (``chalicelib/templates/<name>/layout.json``).

The layout is data: the fields it prints, frames, texts with ``{field}`` placeholders, label/value rows,
image slots (the seal, the two responsible persons' stamps, the holder's photo) and the verification QR
code. Elements may be limited to methods: ``electronic``, ``paper``, and ``stock`` — what the paper stock
has pre-printed (frame, title, photo frame), drawn under the particulars in the print preview only, so the
file sent to the printer carries just what is printed on the stock.

Seal and stamps are drawn with the Multiply blend mode, as ink: the text under them stays black.
"""
import dataclasses
import functools
import io
import json
import string
from pathlib import Path

import qrcode
from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from . import text

rl_config.useA85 = 0          # raw binary streams: 3x faster, smaller files
# Inside chalicelib/: Chalice packages nothing else into the Lambda function.
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
INK_SLOTS = ("seal", "teo_stamp", "site_stamp")     # drawn blended like ink, never as an opaque layer
OPTIONAL_SLOTS = ("photo",)                         # an empty frame when there is none
PAPER_TINT = HexColor("#F7F1E1")
BLACK = HexColor("#000000")


class RenderError(ValueError):
    """A certificate cannot be rendered; the message says why, for the person fixing it."""


@dataclasses.dataclass(frozen=True)
class Calibration:
    """A TEO's print calibration for paper stock: the printed page moves right/down by the offsets and is
    scaled about the page centre."""
    offset_x_mm: float = 0.0
    offset_y_mm: float = 0.0
    scale_pct: float = 100.0

    def apply(self, canvas: Canvas, page) -> None:
        w, h = page
        s = self.scale_pct / 100
        canvas.translate(self.offset_x_mm * mm, -self.offset_y_mm * mm)
        canvas.translate(w / 2, h / 2)
        canvas.scale(s, s)
        canvas.translate(-w / 2, -h / 2)


@functools.lru_cache(maxsize=16)
def layout(name: str) -> dict:
    path = TEMPLATES / name / "layout.json"
    if not path.is_file():
        raise RenderError(f"证书模板“{name}”不存在")
    return json.loads(path.read_text(encoding="utf-8"))


def templates() -> list[str]:
    return sorted(p.parent.name for p in TEMPLATES.glob("*/layout.json"))


def _placeholders(e: dict) -> set[str]:
    parts = [e.get("text", "")] + [v for row in e.get("rows", []) for v in row]
    used = {name for part in parts for _, name, _, _ in string.Formatter().parse(part) if name}
    return used | ({e["field"]} if e["type"] == "qr" else set())


def check(template: str, provided) -> None:
    """The template prints only fields it declares, and the data provides every declared field."""
    spec = layout(template)
    declared = set(spec.get("fields", []))
    unknown = sorted({f for e in spec["elements"] for f in _placeholders(e)} - declared)
    if unknown:
        raise RenderError(f"证书模板“{template}”使用了未声明的字段：{'、'.join(unknown)}")
    missing = sorted(declared - set(provided))
    if missing:
        raise RenderError(f"证书模板“{template}”需要的字段缺失：{'、'.join(missing)}")


def shown(e: dict, method: str) -> bool:
    return method in e.get("methods", ["electronic", "paper"])


def required_slots(template: str, method: str) -> list[str]:
    return [e["slot"] for e in layout(template)["elements"]
            if e["type"] == "image" and shown(e, method) and e["slot"] not in OPTIONAL_SLOTS]


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
    canvas.setFillColor(BLACK)
    canvas.drawPath(path, fill=1, stroke=0)


def new_canvas(out, spec: dict, info: dict) -> Canvas:
    text.font(text.PRIMARY)          # the initial font too, so no standard font is referenced unembedded
    canvas = Canvas(out, pagesize=tuple(spec["page"]), pageCompression=1, initialFontName=text.PRIMARY)
    canvas.setTitle(info.get("title", ""))
    canvas.setAuthor(info.get("author", "SkillCert"))
    canvas.setSubject(info.get("subject", ""))
    canvas.setCreator("SkillCert")
    canvas.setProducer("SkillCert (ReportLab)")
    return canvas


def render(template: str, method: str, fields: dict, images: dict[str, bytes], info: dict | None = None,
           calibration: Calibration | None = None, stock: bool = False) -> bytes:
    """The certificate as PDF bytes. ``images`` holds PNG/JPEG bytes for each slot the method needs
    (``photo`` is optional); ``info`` the document's title, author and subject; ``calibration`` moves a
    paper page onto the TEO's stock; ``stock`` draws the pre-printed stock underneath (the print preview)."""
    spec = layout(template)
    check(template, fields)
    colors = {k: HexColor(v) for k, v in spec.get("colors", {}).items()}
    out = io.BytesIO()
    canvas = new_canvas(out, spec, info or {})
    try:
        if stock:
            canvas.setFillColor(PAPER_TINT)
            canvas.rect(0, 0, *spec["page"], stroke=0, fill=1)
            _elements(canvas, spec, "stock", fields, images, colors)
        if calibration and method == "paper":
            calibration.apply(canvas, spec["page"])
        _elements(canvas, spec, method, fields, images, colors)
    except text.MissingGlyph as exc:
        raise RenderError(str(exc)) from None
    except (KeyError, IndexError) as exc:
        raise RenderError(f"证书模板“{template}”有误：{exc}") from None
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _elements(canvas: Canvas, spec: dict, method: str, fields: dict, images: dict, colors: dict) -> None:
    for element in spec["elements"]:
        if shown(element, method):
            _draw(canvas, element, fields, images, colors, spec["page"])


def _draw(canvas: Canvas, e: dict, fields: dict, images: dict, colors: dict, page) -> None:
    kind = e["type"]
    color = colors.get(e.get("color", "text"), BLACK)
    if kind == "rect":
        canvas.setStrokeColor(colors.get(e.get("stroke"), BLACK))
        canvas.setLineWidth(e.get("width", 1))
        canvas.rect(e["x"], e["y"], e["w"], e["h"], stroke=1, fill=0)
    elif kind == "marks":
        _crop_marks(canvas, page, e["inset"], e["length"])
    elif kind == "text":
        value = e["text"].format(**fields)
        if "width" in e:
            for i, line in enumerate(text.wrap(value, e["size"], e["width"])):
                text.draw(canvas, e["x"], e["y"] - i * e.get("leading", e["size"] * 1.5), line, e["size"], color)
        else:
            text.draw(canvas, e["x"], e["y"], value, e["size"], color, e.get("align", "left"), e.get("spacing", 0))
    elif kind == "fields":
        _rows(canvas, e, fields, color)
    elif kind == "image":
        _picture(canvas, e, images)
    elif kind == "qr":
        _qr_path(canvas, fields[e["field"]], e["x"], e["y"], e["size"])
    else:
        raise RenderError(f"未知的模板元素：{kind}")


def _rows(canvas: Canvas, e: dict, fields: dict, color) -> None:
    """Label/value rows: every label spread to the widest one's width (姓　　名 / 职业技能等级), so every
    value starts in one column; a value too long for ``width`` is set smaller rather than overflow."""
    size = e["size"]
    labels = [label for label, _ in e["rows"]]
    label_w = max(text.width(label, size) for label in labels)
    colon_w = text.width("：", size)
    for i, (label, value) in enumerate(e["rows"]):
        y = e["y"] - i * e["leading"]
        spacing = (label_w - text.width(label, size)) / (len(label) - 1) if len(label) > 1 else 0
        text.draw(canvas, e["x"], y, label, size, color, spacing=spacing)
        text.draw(canvas, e["x"] + label_w, y, "：", size, color)
        shown = value.format(**fields)
        room = e.get("width", 10_000) - label_w - colon_w
        fit = min(size, size * room / max(text.width(shown, size), 1))
        text.draw(canvas, e["x"] + label_w + colon_w, y, shown, fit, color)


def _picture(canvas: Canvas, e: dict, images: dict) -> None:
    slot = e["slot"]
    data = images.get(slot)
    if not data:
        if slot in OPTIONAL_SLOTS:
            return
        raise RenderError(f"缺少图片：{slot}")
    canvas.saveState()
    if slot in INK_SLOTS:
        canvas.setBlendMode("Multiply")
    try:
        canvas.drawImage(_image(data), e["x"], e["y"], e["w"], e["h"], mask="auto", preserveAspectRatio=True,
                         anchor=e.get("anchor", "c"))
    except OSError as exc:
        raise RenderError(f"图片无法使用（{slot}）：{exc}") from None
    canvas.restoreState()


def _crop_marks(canvas: Canvas, page, inset: float, length: float) -> None:
    w, h = page
    canvas.setStrokeColor(BLACK)
    canvas.setLineWidth(0.5)
    for x, dx in ((inset, -1), (w - inset, 1)):
        for y, dy in ((inset, -1), (h - inset, 1)):
            canvas.line(x, y, x + dx * length, y)
            canvas.line(x, y, x, y + dy * length)
