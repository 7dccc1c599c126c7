"""Paper certificates on pre-printed stock: a TEO's print calibration (get / put), the calibration page to
check it with, and the print previews (a sample, and an issued paper certificate), stored as PDFs."""
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader

from chalicelib import ports
from chalicelib.domain.errors import Conflict, Forbidden, NotFound
from chalicelib.domain.filters import RecordFilter
from chalicelib.services import printing, records
from devstack import demo

from ._issued_helpers import ADMIN, COLLEGE, COLLEGE2, TEO, TEO2, TEO_SIGNER, key_of, stamped_world

DEFAULT = {"offset_x_mm": 0.0, "offset_y_mm": 0.0, "scale_pct": 100.0}


@pytest.fixture
def issued():
    with stamped_world() as made:
        yield made


def _pdf(fakes, answer: dict, prefix: str) -> PdfReader:
    """The stored PDF a preview answer links to, under ``prefix``."""
    key = key_of(answer["url"])
    assert key.startswith(prefix)
    data, content_type, _ = fakes.files.objects[key]
    assert content_type == "application/pdf"
    return PdfReader(io.BytesIO(data))


def _offsets(pdf: PdfReader) -> str:
    return next(line for line in pdf.pages[0].extract_text().splitlines() if line.startswith("水平偏移"))


def _filename(answer: dict) -> str:
    return parse_qs(urlsplit(answer["url"]).query)["filename"][0]


def test_a_teo_prints_as_laid_out_until_it_saves_a_calibration(world):
    assert printing.get(TEO, demo.TEO) == DEFAULT
    saved = printing.put(TEO, demo.TEO, {"offset_x_mm": 1.26, "offset_y_mm": -3, "scale_pct": "99.5"})
    assert saved == {"offset_x_mm": 1.3, "offset_y_mm": -3.0, "scale_pct": 99.5}
    assert printing.get(TEO, demo.TEO) == saved == printing.get(ADMIN, demo.TEO)
    assert printing.get(TEO2, demo.TEO2) == DEFAULT                  # one TEO's calibration is its own
    assert ports.master.get("orgs", id=demo.TEO)["print_scale_pct"] == 99.5


def test_the_admin_calibrates_any_teo(world):
    assert printing.put(ADMIN, demo.TEO2, {"offset_x_mm": -20, "offset_y_mm": 20, "scale_pct": 102})["scale_pct"] == 102


@pytest.mark.parametrize("who, org, error, code", [
    (TEO2, demo.TEO, NotFound, "org_not_found"), (TEO, "nope", NotFound, "org_not_found"),
    (TEO_SIGNER, demo.TEO, Forbidden, "role_forbidden"), (COLLEGE, demo.TEO, Forbidden, "role_forbidden"),
])
def test_another_teos_calibration_is_neither_read_nor_changed(world, who, org, error, code):
    for call in (lambda: printing.get(who, org), lambda: printing.put(who, org, {**DEFAULT, "scale_pct": 101}),
                 lambda: printing.calibration_page(who, org, None), lambda: printing.preview(who, org)):
        with pytest.raises(error) as refused:
            call()
        assert refused.value.code == code
    assert printing.get(ADMIN, demo.TEO) == DEFAULT
    assert not [k for k in world.fakes.files.objects if k.startswith("previews/")]


def test_the_calibration_page_prints_the_saved_calibration_or_values_tried_before_saving(world):
    printing.put(TEO, demo.TEO, {"offset_x_mm": 2, "offset_y_mm": -1.5, "scale_pct": 101})
    saved = printing.calibration_page(TEO, demo.TEO, None)
    tried = printing.calibration_page(TEO, demo.TEO, {"offset_x_mm": 5.0})
    assert _filename(saved) == _filename(tried) == "打印校准页.pdf"
    prefix = f"previews/calibration/{demo.TEO}/"
    assert _offsets(_pdf(world.fakes, saved, prefix)).split() == [
        "水平偏移", "+2.0", "mm（向右为正）", "垂直偏移", "-1.5", "mm（向下为正）", "缩放", "101.0%"]
    assert _offsets(_pdf(world.fakes, tried, prefix)).split()[:5] == [
        "水平偏移", "+5.0", "mm（向右为正）", "垂直偏移", "-1.5"]
    assert printing.get(TEO, demo.TEO)["offset_x_mm"] == 2.0          # trying saves nothing


def test_the_sample_preview_prints_over_the_stock_with_or_without_the_teos_stamp(world):
    with_stamp = printing.preview(TEO, demo.TEO)
    assert _filename(with_stamp) == "套打预览.pdf"
    sample = _pdf(world.fakes, with_stamp, f"previews/print-preview/{demo.TEO}/")
    assert sample.metadata.title == "套打预览（样本）" and "颁证机构：中物联物流" in sample.pages[0].extract_text()
    ports.master.put("orgs", {"id": "newteo", "name": "新机构"})
    drawn = _pdf(world.fakes, printing.preview(ADMIN, "newteo"), "previews/print-preview/newteo/")
    assert "颁证机构：新机构" in drawn.pages[0].extract_text()
    assert printing.sample_photo().startswith(b"\xff\xd8\xff")       # a JPEG, as photos are stored


def test_an_issued_paper_certificate_is_previewed_at_its_places(issued):
    rec = next(r for r in ports.records.get_many(r["id"] for r in records.matching(TEO, RecordFilter(status="ISSUED")))
               if r["method"] == "paper")
    answer = printing.record_preview(TEO, rec["id"])
    assert _filename(answer) == f"套打预览-{rec['cert_no']}.pdf"
    printed = _pdf(issued, answer, f"previews/print-preview/{demo.TEO}/").pages[0].extract_text()
    assert f"证书编号：{rec['cert_no']}" in printed and f"姓名：{rec['candidate_name']}" in printed


def test_only_an_issued_paper_certificate_has_a_print_preview(issued):
    issued_rows = ports.records.get_many(r["id"] for r in records.matching(TEO, RecordFilter(status="ISSUED")))
    electronic = next(r for r in issued_rows if r["method"] == "electronic")
    ready = records.matching(TEO, RecordFilter(status="READY"))[0]
    for rid in (electronic["id"], ready["id"]):
        with pytest.raises(Conflict) as refused:
            printing.record_preview(TEO, rid)
        assert refused.value.code == "not_a_paper_certificate"
    paper = next(r for r in issued_rows if r["method"] == "paper")
    for who, error in ((TEO2, NotFound), (COLLEGE2, Forbidden), (ADMIN, Forbidden)):
        with pytest.raises(error):
            printing.record_preview(who, paper["id"])


def test_a_paper_certificate_that_cannot_be_drawn_says_why(issued):
    rec = next(r for r in ports.records.get_many(r["id"] for r in records.matching(TEO, RecordFilter(status="ISSUED")))
               if r["method"] == "paper")
    ports.master.set_fields("colleges", {"id": demo.NCUT}, stamp_key=None)
    with pytest.raises(Conflict) as refused:
        printing.record_preview(TEO, rec["id"])
    assert refused.value.code == "preview_failed"
    assert refused.value.message == "无法生成套打预览：考核站点“北方工业大学”尚未上传考核站点负责人电子签章"
