"""The calibration page (打印校准页): printed on plain paper with a TEO's calibration and held against the
pre-printed stock, its millimetre rulers and the crosshairs at every printed field's position show how far
the printer places the page from where the stock expects it."""
import io

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm

from . import certificate, text

INK = HexColor("#1F4E9C")
NAMES = {"photo": "照片", "teo_stamp": "发证机构负责人签章", "site_stamp": "考核站点负责人签章", "seal": "电子公章",
         "verify_url": "查验二维码"}


def page(template: str, calibration: "certificate.Calibration") -> bytes:
    spec = certificate.layout(template)
    w, h = spec["page"]
    out = io.BytesIO()
    canvas = certificate.new_canvas(out, spec, {"title": "打印校准页", "subject": template})
    calibration.apply(canvas, spec["page"])
    canvas.setStrokeColor(INK)
    canvas.setFillColor(INK)
    _rulers(canvas, w, h)
    for x, y, label in _positions(spec):
        _crosshair(canvas, x, y, label)
    text.draw(canvas, w / 2, h - 80, "打印校准页", 20, INK, "center")
    c = calibration
    text.draw(canvas, w / 2, h - 102, f"水平偏移 {c.offset_x_mm:+.1f} mm（向右为正）　垂直偏移 {c.offset_y_mm:+.1f} mm"
                                     f"（向下为正）　缩放 {c.scale_pct:.1f}%", 10, INK, "center")
    text.draw(canvas, w / 2, h - 120, "用普通纸按实际大小打印（不缩放），与证书底纸叠放对光查看："
                                     "十字线应落在底纸上对应栏目的位置；标尺的 0 应与纸边对齐。", 9, INK, "center")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _positions(spec: dict):
    """Where each element printed on paper starts: a text's baseline start, each label/value row, an image
    box's centre, the QR code's corner."""
    for e in spec["elements"]:
        if not certificate.shown(e, "paper"):
            continue
        if e["type"] == "text":
            yield e["x"], e["y"], "证书正文" if "{" in e["text"] else e["text"][:10]
        elif e["type"] == "fields":
            for i, (label, _) in enumerate(e["rows"]):
                yield e["x"], e["y"] - i * e["leading"], label
        elif e["type"] == "image":
            yield e["x"] + e["w"] / 2, e["y"] + e["h"] / 2, NAMES.get(e["slot"], e["slot"])
        elif e["type"] == "qr":
            yield e["x"], e["y"], NAMES["verify_url"]


def _crosshair(canvas, x: float, y: float, label: str) -> None:
    canvas.setLineWidth(0.4)
    canvas.line(x - 6 * mm, y, x + 6 * mm, y)
    canvas.line(x, y - 6 * mm, x, y + 6 * mm)
    canvas.circle(x, y, 1.5 * mm, stroke=1, fill=0)
    text.draw(canvas, x + 2 * mm, y + 1.5 * mm, label, 6, INK)


def _rulers(canvas, w: float, h: float) -> None:
    """Millimetre rulers along the top and left edges, numbered every centimetre from the page's corner."""
    canvas.setLineWidth(0.3)
    for n in range(int(w / mm) + 1):
        long = 6 if n % 10 == 0 else 4 if n % 5 == 0 else 2
        canvas.line(n * mm, h, n * mm, h - long * mm)
        if n % 10 == 0 and n:
            text.draw(canvas, n * mm, h - 9 * mm, str(n), 6, INK, "center")
    for n in range(int(h / mm) + 1):
        long = 6 if n % 10 == 0 else 4 if n % 5 == 0 else 2
        canvas.line(0, h - n * mm, long * mm, h - n * mm)
        if n % 10 == 0 and n:
            text.draw(canvas, 8 * mm, h - n * mm - 2, str(n), 6, INK)
