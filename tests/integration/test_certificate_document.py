"""The certificate as a document, checked from outside the renderer: poppler rasterises it and reads its
fonts, text positions and document info; pyHanko validates its seal; pypdf finds the photo."""
import base64
import contextlib
import io
import re
import subprocess
import uuid

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

from chalicelib import files
from chalicelib.ports import FileMissing
from chalicelib.services import photos

from .conftest import assert_error, xlsx
from .signoff import RESULT_TITLES, fresh_plan, ready, wait_for
from .test_eseal_api import ca, validate
from .test_issuance_api import fetch_pdf, issue

MM = 72 / 25.4


@contextlib.contextmanager
def photo_of(candidate_no: str, photo: bytes | None):
    """The candidate's stored photo replaced (or removed) while stamping, then put back: the candidates
    are the demo's, which other tests read."""
    key = photos.key(candidate_no)
    try:
        before = files.read(key)
    except FileMissing:
        before = None
    files.put(key, photo, "image/jpeg") if photo else files.delete([key])
    try:
        yield
    finally:
        files.put(key, before, "image/jpeg") if before else files.delete([key])


def issued(api, method="electronic", photo: bytes | None = None) -> tuple[dict, bytes, dict]:
    """One new certificate of 中物联物流 at 北京交通大学: (record, PDF, the holder)."""
    plan = fresh_plan(api, per_site=1, sites=("bjtu",))
    (rid,) = ready(api, plan)
    person = plan["candidates"]["bjtu"][0]
    with photo_of(person["candidate_no"], photo):
        issue(api, [rid], method)
        assert wait_for(api, [rid], {"ISSUED", "STAMP_FAILED"}) == {rid: "ISSUED"}, \
            api.get(f"/records/{rid}", as_="teo").json()["reason"]
    _, pdf = fetch_pdf(api, rid)
    return api.get(f"/records/{rid}", as_="teo").json(), pdf, person


def jpeg(size=(390, 520), color=(40, 90, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def run(*cmd) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def pixels(pdf: bytes, tmp_path, name: str, dpi: int = 150) -> Image.Image:
    (tmp_path / f"{name}.pdf").write_bytes(pdf)
    run("pdftoppm", "-png", "-r", str(dpi), "-singlefile", str(tmp_path / f"{name}.pdf"), str(tmp_path / name))
    return Image.open(tmp_path / f"{name}.png").convert("RGB")


def words(pdf: bytes, tmp_path) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) in points from the top-left corner, as pdftotext lays the page out."""
    (tmp_path / "w.pdf").write_bytes(pdf)
    html = run("pdftotext", "-bbox", str(tmp_path / "w.pdf"), "-")
    return [(m.group(5), *map(float, m.groups()[:4])) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]


def find(pdf: bytes, tmp_path, fragment: str):
    found = [w for w in words(pdf, tmp_path) if fragment in w[0]]
    assert found, f"{fragment!r} is not printed"
    return found[0]


def without_images(pdf: bytes) -> bytes:
    """The same page with every image taken out: where the text alone puts ink."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    page = writer.pages[0]
    content = re.sub(rb"/[\w.]+ Do", b"", page.get_contents().get_data())
    stream = StreamObject()
    stream.set_data(content)
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_issuer_name_under_the_seal_stays_dark_text(api, tmp_path):
    record, pdf, _ = issued(api)
    dpi = 150
    x0, y0, x1, y1 = (v * dpi / 72 for v in find(pdf, tmp_path, "中物联物流")[1:])
    box = (int(x0), int(y0), int(x1) + 1, int(y1) + 1)
    sealed = pixels(pdf, tmp_path, "sealed", dpi).crop(box)
    bare = pixels(without_images(pdf), tmp_path, "bare", dpi).crop(box)
    text_ink = [i for i, p in enumerate(bare.getdata()) if max(p) < 110]
    seal_ink = [p for p in sealed.getdata() if p[0] > 150 and p[1] < 90]
    assert len(text_ink) > 100 and len(seal_ink) > 100, "the seal is stamped across the issuer's name"
    shown = list(sealed.getdata())
    still_dark = [i for i in text_ink if max(shown[i]) < 110]
    assert len(still_dark) >= 0.97 * len(text_ink), (len(still_dark), len(text_ink))
    assert record["certificate"]["cert_no"]


def test_fonts_are_embedded_the_document_info_names_the_certificate_and_the_seal_is_valid(api, tmp_path):
    record, pdf, person = issued(api)
    (tmp_path / "c.pdf").write_bytes(pdf)
    fonts = run("pdffonts", str(tmp_path / "c.pdf")).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts      # the emb column
    info = dict(re.findall(r"^(\w+):[ \t]*(.*)$", run("pdfinfo", str(tmp_path / "c.pdf")), re.M))
    cert = record["certificate"]
    assert person["name"] in info["Title"] and "信息化应用职业技能等级证书" in info["Title"]
    assert info["Author"] == "中物联物流" and info["Subject"] == cert["cert_no"] and info["Creator"] == "SkillCert"
    assert b"anonymous" not in pdf.lower()
    status = validate(pdf, ca(api))
    assert status.bottom_line and status.intact and status.coverage.name == "ENTIRE_FILE"


@pytest.mark.parametrize("method", ["electronic", "paper"])
def test_the_holders_photo_is_printed_in_its_frame(api, method):
    _, pdf, _ = issued(api, method, photo=jpeg())
    sizes = [(img.image.width, img.image.height) for img in PdfReader(io.BytesIO(pdf)).pages[0].images]
    assert (390, 520) in sizes


def test_a_certificate_that_requires_a_photo_fails_without_one_and_others_print_an_empty_frame(api):
    _, pdf, _ = issued(api)                                  # 信息化应用 does not require a photo
    sizes = [(img.image.width, img.image.height) for img in PdfReader(io.BytesIO(pdf)).pages[0].images]
    assert (390, 520) not in sizes and len(sizes) == 3      # seal and the two stamps
    r = api.post("/admin/master/certificates", as_="admin", json={
        "id": "tphoto", "name": "照片必需职业技能等级证书", "org_id": "zwl", "levels": "中级", "requires_photo": "是"})
    assert r.status_code == 200, r.text
    plan_id = "t" + uuid.uuid4().hex[:10]
    r = api.post("/admin/master/plans", as_="admin", json={
        "id": plan_id, "name": f"测试计划{plan_id}", "exam_year": 2021, "certificate_id": "tphoto",
        "levels": "中级", "site_ids": "bjtu"})
    assert r.status_code == 200, r.text
    person = next(c for c in api.get("/colleges/bjtu/candidates", as_="admin").json()["items"]
                  if not c["info_problems"] and c.get("has_photo"))
    rows = [[person["candidate_no"], plan_id, "中级", "bjtu", "已通过", 80]]
    r = api.post("/admin/import/results", as_="admin",
                 json={"file_base64": base64.b64encode(xlsx(RESULT_TITLES, rows)).decode()})
    assert r.status_code == 200 and not r.json()["errors"], r.text
    (rid,) = ready(api, {"plan_id": plan_id, "candidates": {"bjtu": [person]},
                         "body": {"exam_year": 2021, "plan_id": plan_id, "certificate_id": "tphoto"}})
    with photo_of(person["candidate_no"], None):                   # its file is gone: no photo
        issue(api, [rid])
        assert wait_for(api, [rid], {"ISSUED", "STAMP_FAILED"}) == {rid: "STAMP_FAILED"}
    assert "缺少考生照片" in api.get(f"/records/{rid}", as_="teo").json()["reason"]


def test_the_print_calibration_moves_paper_certificates_by_that_many_millimetres(api, tmp_path):
    assert api.get("/orgs/zwl/print-settings", as_="teo").json() == {
        "offset_x_mm": 0.0, "offset_y_mm": 0.0, "scale_pct": 100.0}
    _, before, person = issued(api, "paper")
    try:
        r = api.put("/orgs/zwl/print-settings", as_="teo", json={"offset_x_mm": 10, "offset_y_mm": 5, "scale_pct": 100})
        assert r.status_code == 200 and r.json()["offset_x_mm"] == 10.0, r.text
        _, after, moved = issued(api, "paper")
    finally:
        api.put("/orgs/zwl/print-settings", as_="teo", json={"offset_x_mm": 0, "offset_y_mm": 0, "scale_pct": 100})
    a, b = find(before, tmp_path, "考核站点"), find(after, tmp_path, "考核站点")
    assert b[1] - a[1] == pytest.approx(10 * MM, abs=0.2) and b[2] - a[2] == pytest.approx(5 * MM, abs=0.2)
    # Electronic certificates are not moved.
    _, electronic, _ = issued(api)
    assert find(electronic, tmp_path, "考核站点")[1] == pytest.approx(a[1], abs=0.2)


def test_print_settings_are_checked_and_scoped(api):
    assert_error(api.put("/orgs/zwl/print-settings", as_="teo", json={
        "offset_x_mm": 21, "offset_y_mm": 0, "scale_pct": 100}), 400, "invalid_input")
    assert_error(api.put("/orgs/zwl/print-settings", as_="teo", json={
        "offset_x_mm": 0, "offset_y_mm": 0, "scale_pct": 103}), 400, "invalid_input")
    assert_error(api.get("/orgs/zwl/print-settings", as_="teo2"), 404)
    assert_error(api.get("/orgs/zwl/print-settings", as_="college"), 403)


def test_the_calibration_page_and_the_print_preview_are_pdfs_to_look_at(api, tmp_path):
    import requests
    r = api.post("/orgs/zwl/print-settings/calibration-page", as_="teo", json={"offset_x_mm": 2.5})
    assert r.status_code == 200, r.text
    page = requests.get(r.json()["url"], timeout=10).content
    (tmp_path / "cal.pdf").write_bytes(page)
    shown = run("pdftotext", str(tmp_path / "cal.pdf"), "-")
    assert "打印校准页" in shown and "+2.5 mm" in shown and "姓名" in shown
    r = api.post("/orgs/zwl/print-preview", as_="teo", json={})
    assert r.status_code == 200, r.text
    preview = requests.get(r.json()["url"], timeout=10).content
    (tmp_path / "pre.pdf").write_bytes(preview)
    shown = run("pdftotext", str(tmp_path / "pre.pdf"), "-")
    assert "VOCATIONAL" in shown and "中物联物流" in shown     # the stock's title under the particulars


def test_the_print_preview_of_a_paper_certificate_shows_its_particulars_over_the_stock(api, tmp_path):
    import requests
    record, pdf, person = issued(api, "paper")
    printed = run_text(pdf, tmp_path, "printed")
    assert person["name"] in printed and "VOCATIONAL" not in printed       # the stock's title is not printed
    r = api.post(f"/records/{record['id']}/print-preview", as_="teo", json={})
    assert r.status_code == 200, r.text
    shown = run_text(requests.get(r.json()["url"], timeout=10).content, tmp_path, "preview")
    assert person["name"] in shown and record["certificate"]["cert_no"] in shown and "VOCATIONAL" in shown
    assert_error(api.post(f"/records/{record['id']}/print-preview", as_="teo2", json={}), 404)
    electronic, _, _ = issued(api)
    assert_error(api.post(f"/records/{electronic['id']}/print-preview", as_="teo", json={}), 409,
                 "not_a_paper_certificate")


def run_text(pdf: bytes, tmp_path, name: str) -> str:
    (tmp_path / f"{name}.pdf").write_bytes(pdf)
    return run("pdftotext", "-layout", str(tmp_path / f"{name}.pdf"), "-")
