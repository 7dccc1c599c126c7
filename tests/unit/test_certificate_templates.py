"""Templates declare what they print, and the page they draw is balanced: checked on the PDF (pypdf reads
where each text run is placed; poppler rasterises the page)."""
import io
import json
import subprocess

import pytest
from PIL import Image, ImageOps
from pypdf import PdfReader

from chalicelib.domain import printed
from chalicelib.render import certificate, imprints
from devstack import demo

IMAGES = {"seal": imprints.official_seal("中物联物流"), "teo_stamp": imprints.name_stamp("张明", "rect"),
          "site_stamp": imprints.name_stamp("王芳", "square")}


def demo_records() -> list[dict]:
    """A record per demo candidate with a name (the rare names among them), as generation makes them."""
    cert = {c["id"]: c for c in demo.CERTIFICATES}["xxhyy"]
    teo = {o["id"]: o for o in demo.ORGS}[cert["org_id"]]
    colleges = {c["id"]: c for c in demo.COLLEGES}
    good, _ = demo.candidates()
    return [{"candidate_name": c["name"], "id_number": c["id_number"], "exam_year": 2021,
             "certificate_name": cert["name"], "level": "中级", "site_name": colleges[c["college_id"]]["name"],
             "teo_name": teo["name"]} for c in good if c["name"]]


@pytest.mark.parametrize("template", certificate.templates())
def test_every_template_renders_every_demo_certificate(template):
    records = demo_records()
    assert any(r["candidate_name"] == "林𠇔" for r in records)
    for i, rec in enumerate(records):
        fields = printed.fields(rec, "SC20260000000001X", "2026-11-28", "https://skillcert.example.cn/verify/x")
        for method in ("electronic", "paper"):
            pdf = certificate.render(template, method, fields, IMAGES)
            if i == 0 or rec["candidate_name"] == "林𠇔":
                assert rec["candidate_name"] in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_every_template_declares_exactly_the_fields_the_data_provides():
    for template in certificate.templates():
        assert set(certificate.layout(template)["fields"]) <= set(printed.FIELDS), template


@pytest.fixture
def bad_template(tmp_path, monkeypatch):
    """A copy of the default template in a folder of its own, with one more text element appended."""
    def make(text: str) -> str:
        spec = json.loads((certificate.TEMPLATES / "default" / "layout.json").read_text(encoding="utf-8"))
        spec["elements"].append({"type": "text", "text": text, "x": 10, "y": 10, "size": 10})
        (tmp_path / "bad").mkdir()
        (tmp_path / "bad" / "layout.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        monkeypatch.setattr(certificate, "TEMPLATES", tmp_path)
        return "bad"
    yield make
    certificate.layout.cache_clear()


def test_a_field_the_template_does_not_know_is_an_error_before_anything_is_stamped(bad_template):
    template = bad_template("毕业院校：{school}")
    with pytest.raises(certificate.RenderError, match="未声明的字段：school"):
        certificate.check(template, printed.FIELDS)


def test_a_declared_field_the_data_does_not_provide_is_an_error():
    with pytest.raises(certificate.RenderError, match="字段缺失：verify_url"):
        certificate.render("default", "paper", {k: v for k, v in printed.sample().items() if k != "verify_url"},
                           IMAGES)


def runs(pdf: bytes) -> list[tuple[str, float, float, float]]:
    """(text, x, y, font size) of every text run on the page, as a PDF reader places them."""
    out = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            out.append((text, tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], size * tm[0] * cm[0]))
    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return out


def sample_pdf(images=IMAGES, method="electronic") -> bytes:
    return certificate.render("default", method, {**printed.sample(candidate_name="王堃"), "cert_no": "SC1"}, images)


def test_labels_of_different_lengths_start_their_values_in_one_column():
    placed = {t: x for t, x, _, _ in runs(sample_pdf())}
    values = ["王堃", "SC1", "中级", "信息化应用职业技能等级证书"]
    assert len({round(placed[v], 2) for v in values}) == 1, {v: placed[v] for v in values}


def test_the_qr_caption_is_at_least_7_pt():
    sizes = {t: s for t, _, _, s in runs(sample_pdf())}
    assert sizes["扫码查验证书真伪"] >= 7


def test_the_issuer_block_is_in_the_right_column_under_the_seal():
    placed = {t: (x, y) for t, x, y, _ in runs(sample_pdf())}
    seal_box = next(e for e in certificate.layout("default")["elements"] if e.get("slot") == "seal")
    for value in ("培训评价组织（样例）", "2026年1月1日"):
        x, y = placed[value]
        assert x > 841.89 / 2 and seal_box["y"] < y < seal_box["y"] + seal_box["h"]


def _png(size, color=(200, 16, 30, 255)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, color).save(out, "PNG")
    return out.getvalue()


def _ink_boxes(pdf: bytes, tmp_path) -> list[tuple[int, int, int, int]]:
    """The red areas of the lower band of the page, left to right (the two stamps)."""
    (tmp_path / "p.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "72", "-singlefile", str(tmp_path / "p.pdf"), str(tmp_path / "p")],
                   check=True)
    page = Image.open(tmp_path / "p.png").convert("RGB")
    red = Image.new("L", page.size)
    red.putdata([255 if r > 150 and g < 90 else 0 for r, g, b in page.getdata()])
    boxes = []
    for left, right in ((300, 620), (620, 800)):
        box = red.crop((left, 400, right, 560)).getbbox()
        assert box, "a stamp is missing"
        boxes.append((box[0] + left, box[1] + 400, box[2] + left, box[3] + 400))
    return boxes


def test_the_two_stamps_stand_on_one_baseline_whatever_their_sizes(tmp_path):
    images = {**IMAGES, "teo_stamp": _png((600, 120)), "site_stamp": _png((90, 160))}
    (teo, site) = _ink_boxes(sample_pdf(images, "paper"), tmp_path)
    assert abs(teo[3] - site[3]) <= 1, (teo, site)
    placed = {t: y for t, _, y, _ in runs(sample_pdf(images, "paper"))}
    assert placed["发证机构负责人"] == placed["考核站点负责人"]


def test_a_fallback_character_has_the_size_of_its_neighbours(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    from chalicelib.render import text
    boxes = {}
    for name, char in (("primary", "林"), ("fallback", "𠇔")):
        canvas = Canvas(str(tmp_path / f"{name}.pdf"), pagesize=(200, 200))
        text.draw(canvas, 20, 50, char, 100)
        canvas.save()
        subprocess.run(["pdftoppm", "-png", "-gray", "-r", "72", "-singlefile", str(tmp_path / f"{name}.pdf"),
                        str(tmp_path / name)], check=True)
        boxes[name] = ImageOps.invert(Image.open(tmp_path / f"{name}.png").convert("L")).getbbox()
    (_, top, _, bottom), (_, ftop, _, fbottom) = boxes["primary"], boxes["fallback"]
    assert abs(top - ftop) <= 2 and abs(bottom - fbottom) <= 2, boxes


def _word_box(pdf: bytes, tmp_path, word: str) -> tuple[float, float]:
    (tmp_path / "b.pdf").write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "b.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    line = next(line for line in html.splitlines() if f">{word}" in line)
    return float(line.split('xMin="')[1].split('"')[0]), float(line.split('yMin="')[1].split('"')[0])


def test_the_calibration_scale_stretches_a_paper_page_about_its_centre(tmp_path):
    fields = {**printed.sample(candidate_name="王堃"), "cert_no": "SC1"}
    plain = certificate.render("default", "paper", fields, IMAGES)
    scaled = certificate.render("default", "paper", fields, IMAGES,
                                calibration=certificate.Calibration(scale_pct=102))
    (x, y), (sx, sy) = _word_box(plain, tmp_path, "扫码查验证书真伪"), _word_box(scaled, tmp_path, "扫码查验证书真伪")
    w, h = certificate.layout("default")["page"]
    assert sx - w / 2 == pytest.approx((x - w / 2) * 1.02, abs=0.3)
    assert sy - h / 2 == pytest.approx((y - h / 2) * 1.02, abs=0.5)
