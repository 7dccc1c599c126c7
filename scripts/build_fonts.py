"""Rebuild the certificate fonts in chalicelib/render/fonts/ from Debian's font packages.

    apt-get download fonts-wqy-zenhei fonts-hanazono && for f in *.deb; do dpkg-deb -x "$f" x; done
    .venv/bin/pip install fonttools && .venv/bin/python scripts/build_fonts.py x

reportlab embeds TrueType (glyf) fonts only. WenQuanYi Zen Hei covers GBK and CJK Extension A; HanaMin B
covers Extension B, which no GBK font has. Both are subset to what a certificate can need, so the
Lambda package stays small, and committed, so no build step fetches anything.
Licences: WenQuanYi Zen Hei is GPLv2 with a font embedding exception; HanaMin is under the Hanazono Font
licence (free use, modification and redistribution). Their notices are in the same folder.
"""
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

OUT = Path(__file__).resolve().parent.parent / "chalicelib" / "render" / "fonts"
PRIMARY_RANGES = [(0x20, 0x7E), (0xA0, 0x24F), (0x2000, 0x206F), (0x2100, 0x218F), (0x2460, 0x24FF),
                  (0x3000, 0x303F), (0x3200, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
                  (0xFE30, 0xFE4F), (0xFF00, 0xFFEF)]
EXT_B = (0x20000, 0x2A6DF)


def _subset(font: TTFont, keep: list[int], out: Path) -> None:
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.layout_features = []
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=keep)
    subsetter.subset(font)
    font.save(out)
    print(out, out.stat().st_size)


def main(root: str) -> None:
    base = Path(root) / "usr" / "share" / "fonts" / "truetype"
    zenhei = TTCollection(base / "wqy" / "wqy-zenhei.ttc").fonts[0]
    keep = [c for c in zenhei.getBestCmap() if any(a <= c <= b for a, b in PRIMARY_RANGES)]
    _subset(zenhei, keep, OUT / "wqy-zenhei-subset.ttf")
    hanamin = TTFont(base / "hanazono" / "HanaMinB.ttf")
    keep = [c for c in hanamin.getBestCmap() if EXT_B[0] <= c <= EXT_B[1]]
    _subset(hanamin, keep, OUT / "HanaMinB-extb.ttf")


if __name__ == "__main__":
    main(sys.argv[1])
