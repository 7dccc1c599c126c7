"""机构管理 → 打印校准: a TEO sets its print calibration, downloads the calibration page and the print preview."""
from playwright.sync_api import expect
from pypdf import PdfReader


def test_teo_calibrates_printing_and_downloads_the_calibration_page_and_the_preview(ui_factory):
    teo = ui_factory("teo", "/org/teo")
    page = teo.page
    page.locator("[data-test=print-settings-open]").click()
    dialog = page.locator("[data-test=print-settings]")
    offset = dialog.locator("[data-test=print-offset-x] input")
    expect(offset).to_have_value("0.0")
    offset.fill("2.5")
    with page.expect_download() as download:
        dialog.locator("[data-test=print-calibration-page]").click()       # tried before it is saved
    assert download.value.suggested_filename == "打印校准页.pdf"
    shown = PdfReader(download.value.path()).pages[0].extract_text()
    assert "打印校准页" in shown and "+2.5 mm" in shown
    dialog.locator("[data-test=print-save]").click()
    expect(page.get_by_text("打印校准已保存")).to_be_visible()
    teo.shot("15-print-settings")
    with page.expect_download() as download:
        dialog.locator("[data-test=print-preview]").click()
    assert download.value.suggested_filename == "套打预览.pdf"
    page.keyboard.press("Escape")
    page.reload()
    page.locator("[data-test=print-settings-open]").click()
    expect(offset).to_have_value("2.5")
    offset.fill("0")                                       # as it was, for the other tests
    dialog.locator("[data-test=print-save]").click()
    expect(page.get_by_text("打印校准已保存")).to_be_visible()


def test_teo_previews_an_issued_paper_certificate_over_the_stock(ui_factory):
    from .flows import open_tab, rows, wait_idle
    teo = ui_factory("teo", "/certificates")
    page = teo.page
    open_tab(page, "ISSUED")
    page.locator(".pager .el-pagination__sizes").click()                 # the demo issued a few on paper
    page.get_by_role("option", name="100条/页").click()
    wait_idle(page)
    paper = rows(page).filter(has_text="纸质证书").first
    expect(paper).to_be_visible()
    paper.locator("[data-test=row-view]").click()
    with page.expect_download() as download:
        page.locator("[data-test=detail-print-preview]").click()
    assert download.value.suggested_filename.startswith("套打预览-")
    shown = PdfReader(download.value.path()).pages[0].extract_text()
    assert "VOCATIONAL SKILL LEVEL CERTIFICATE" in shown                  # the stock under the particulars
