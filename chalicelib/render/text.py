"""Embedded CJK fonts and text drawing that never shows a blank box.

The primary font (WenQuanYi Zen Hei, subset) covers GBK and CJK Extension A; a character it lacks is
drawn in the fallback (HanaMin B: Extension B). A character no font has is an error naming it, so the
certificate fails to stamp with a reason instead of printing a hole in someone's name.
"""
import functools
import re
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

FONTS = Path(__file__).resolve().parent / "fonts"
PRIMARY, FALLBACK = "SkillCertSans", "SkillCertExtB"
_FILES = {PRIMARY: "wqy-zenhei-subset.ttf", FALLBACK: "HanaMinB-extb.ttf"}


_reportlab_to_unicode = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset) -> str:
    """reportlab writes a code point above U+FFFF into the ToUnicode map as five hex digits, which PDF
    readers reject, so Extension B names could not be searched or copied; PDF wants UTF-16BE there."""
    return re.sub(r"<([0-9A-F]{5,6})>",
                  lambda m: "<" + chr(int(m.group(1), 16)).encode("utf-16-be").hex().upper() + ">",
                  _reportlab_to_unicode(fontname, subset))


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


class MissingGlyph(ValueError):
    def __init__(self, char: str) -> None:
        super().__init__(f"字符“{char}”（U+{ord(char):04X}）在证书字体中不存在，无法显示")
        self.char = char


def font_path(name: str) -> Path:
    return FONTS / _FILES[name]


@functools.lru_cache(maxsize=None)
def font(name: str) -> TTFont:
    """Load and register a font once per process; the fallback only when a text needs it."""
    loaded = TTFont(name, str(font_path(name)))
    pdfmetrics.registerFont(loaded)
    return loaded


def _has(name: str, char: str) -> bool:
    return ord(char) in font(name).face.charToGlyph


def runs(text: str) -> list[tuple[str, str]]:
    """Split text into (font name, substring) runs."""
    out: list[tuple[str, str]] = []
    for char in text:
        if _has(PRIMARY, char) or char in "\n\t ":
            name = PRIMARY
        elif _has(FALLBACK, char):
            name = FALLBACK
        else:
            raise MissingGlyph(char)
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1] + char)
        else:
            out.append((name, char))
    return out


def width(text: str, size: float, spacing: float = 0.0) -> float:
    return sum(pdfmetrics.stringWidth(s, name, size) for name, s in runs(text)) + spacing * max(len(text) - 1, 0)


# The fallback (a Ming face) beside the primary (a Hei face): its thin strokes are thickened by stroking the
# outline in the text colour, and it is lowered onto the primary's baseline, so a rare character in a name
# is drawn at the same size and weight as its neighbours.
FALLBACK_STROKE = 0.02        # of the font size: ink coverage then within that of its neighbours
FALLBACK_RISE = -0.04         # of the font size: HanaMin's ideographic box sits that much higher


def draw(canvas, x: float, y: float, text: str, size: float, color=None, align: str = "left",
         spacing: float = 0.0) -> None:
    if align != "left":
        w = width(text, size, spacing)
        x -= w / 2 if align == "center" else w
    canvas.saveState()
    if color is not None:
        canvas.setFillColor(color)
        canvas.setStrokeColor(color)
    canvas.setLineWidth(size * FALLBACK_STROKE)
    t = canvas.beginText(x, y)
    t.setCharSpace(spacing)
    for name, part in runs(text):
        fallback = name == FALLBACK
        t.setFont(name, size)
        t.setTextRenderMode(2 if fallback else 0)
        t.setRise(size * FALLBACK_RISE if fallback else 0)
        t.textOut(part)
    canvas.drawText(t)
    canvas.restoreState()


# Chinese line-breaking rules (禁则): closing marks never start a line, opening marks never end one.
_NO_START = set("，。、；：？！）》」』】〕…％,.;:?!)]}%")
_NO_END = set("（《「『【〔([{")


def wrap(text: str, size: float, max_width: float) -> list[str]:
    """Greedy line breaking by character (Chinese text has no spaces to break at), keeping brackets and
    punctuation with the characters they belong to."""
    lines, line = [], ""
    for char in text:
        if line and width(line + char, size) > max_width:
            head, carry = line, ""
            if char in _NO_START and len(head) > 1:        # the closing mark takes the character before it
                head, carry = head[:-1], head[-1]
            while len(head) > 1 and head[-1] in _NO_END:     # an opening mark goes down with what it opens
                head, carry = head[:-1], head[-1] + carry
            lines.append(head)
            line = carry + char
        else:
            line += char
    if line:
        lines.append(line)
    return lines
