"""The manual's sections 3.5–3.7 and the public side by clicking: issue, watch 证书生成中 reach 完成发放,
download one certificate and a batch, export, then verify the PDF as anyone would — by its QR code
(rasterised and scanned with zbar) and by uploading the file."""
import io
import re
import subprocess
import zipfile

from openpyxl import load_workbook
from playwright.sync_api import expect

from .flows import count, open_tab, rows, search, tick, tick_all, wait_idle


def qr_link(pdf: bytes, tmp_path) -> str:
    (tmp_path / "cert.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "cert.pdf"),
                    str(tmp_path / "page")], check=True)
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "page.png")], capture_output=True,
                         text=True, check=True).stdout
    return next(line for line in out.splitlines() if "/verify/" in line)


def test_issue_electronic_download_and_verify(ui_factory, tmp_path):
    teo = ui_factory("teo", "/certificates")
    page = teo.page
    open_tab(page, "READY")
    teo.shot("08-ready")
    [candidate_no] = tick(page, 1)
    search(page, candidate_no=candidate_no)          # the tick survives only until the list reloads
    n = tick_all(page)
    issued = count(page, "ISSUED")
    page.locator("[data-test=toolbar-batch_issue_electronic]").click()
    dialog = page.locator("[data-test=issue-dialog]")
    expect(dialog.locator("[data-test=issue-method]")).to_contain_text("电子证书")
    dialog.locator("[data-test=issue-confirm]").click()
    expect(page.get_by_text(f"已发放 {n} 条，证书生成中")).to_be_visible()

    # The list refreshes by itself until the worker has stamped them.
    open_tab(page, "ISSUED")
    expect(page.locator("[data-test=count-ISSUED]")).to_have_text(str(issued + n))
    expect(page.locator("[data-test=count-GENERATING]")).to_have_text("0")
    expect(rows(page).first.locator("[data-test=row-status]")).to_have_text("完成发放")
    teo.shot("09-issued")

    row = rows(page).first
    cert_no = re.search(r"证书编号：(\S+)", row.inner_text()).group(1)
    with page.expect_download() as download:
        row.locator("[data-test=row-download]").click()
    pdf = open(download.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF") and download.value.suggested_filename.startswith(cert_no)

    # Anyone scans the QR code printed on the certificate and lands on the public verification page.
    link = qr_link(pdf, tmp_path)
    assert f"/verify/{cert_no}?code=" in link
    public = ui_factory(mobile=True)
    public.page.goto(link)
    result = public.page.locator("[data-test=verify-result]")
    expect(result).to_contain_text("证书有效")
    expect(result).to_contain_text(cert_no)
    public.shot("10-verify-by-qr")
    # A verdict belongs to the number it checked: editing the form takes it away.
    public.page.locator("[data-test=verify-cert-no]").fill(cert_no[:-1])
    expect(result).to_have_count(0)

    # ... or uploads the file itself: genuine, with an intact seal.
    public.page.goto(teo.base + "/verify")
    public.page.locator("[data-test=verify-tab-pdf]").click()
    public.page.locator("[data-test=verify-pdf-upload] input[type=file]").set_input_files(tmp_path / "cert.pdf")
    public.page.locator("[data-test=verify-pdf-submit]").click()
    outcome = public.page.locator("[data-test=verify-pdf-result]")
    expect(outcome).to_contain_text("真实有效")
    expect(outcome.locator("[data-test=verify-signature]")).to_contain_text("完整，签名后未被改动")
    public.shot("11-verify-by-upload")


def test_batch_download_and_export(ui_factory):
    teo = ui_factory("teo", "/certificates")
    page = teo.page
    open_tab(page, "ISSUED")
    page.reload()                                    # the tab is in the address: a reload stays on it
    expect(page.locator(".status-tabs .el-tabs__item.is-active")).to_contain_text("完成发放")
    wait_idle(page)
    picked = tick(page, 2)
    page.locator("[data-test=toolbar-batch_download]").click()
    with page.expect_download() as download:
        expect(page.locator("[data-test=download-ready]")).to_be_visible()
    # Named by what it holds, and the dialog counts electronic and paper apart.
    expect(page.locator("[data-test=download-ready]")).to_contain_text("电子证书 2 份")
    assert re.fullmatch(r"电子证书_\d{4}-\d{2}-\d{2}\.zip", download.value.suggested_filename)
    teo.shot("12-batch-download")
    with zipfile.ZipFile(download.value.path()) as archive:
        names = archive.namelist()
    assert len([n for n in names if n.endswith(".pdf")]) == 2 and any(n.endswith(".xlsx") for n in names)
    page.locator("[data-test=download-dialog]").get_by_role("button", name="关 闭").click()

    # 批量导出发证记录 exports what the tab shows under its filters, ID numbers masked.
    search(page, candidate_no=picked[0])
    shown = count(page, "ISSUED")
    with page.expect_download() as export:
        page.locator("[data-test=toolbar-export]").click()
    sheet = load_workbook(io.BytesIO(open(export.value.path(), "rb").read())).active
    table = list(sheet.iter_rows(values_only=True))
    assert len(table) == shown + 1
    assert any(picked[0] in str(cell) for cell in table[1])
    ids = [r[table[0].index("身份证号")] for r in table[1:]]
    assert ids and all("*" in str(cell) for cell in ids)


def test_reissue_sends_a_certificate_back_to_ready(ui_factory):
    teo = ui_factory("teo", "/certificates")
    page = teo.page
    open_tab(page, "ISSUED")
    [candidate_no] = tick(page, 1)
    search(page, candidate_no=candidate_no)
    ready = count(page, "READY")
    rows(page).first.locator("[data-test=row-reissue]").click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("证书已进入证书待发放状态")).to_be_visible()
    wait_idle(page)
    expect(page.locator("[data-test=count-READY]")).to_have_text(str(ready + 1))


def test_a_college_sees_only_its_own_records(ui_factory):
    college = ui_factory("college", "/certificates")
    expect(rows(college.page).first).to_be_visible()
    bjtu_no = re.search(r"考生编号：(\d+)", rows(college.page).first.inner_text()).group(1)

    other = ui_factory("college2", "/certificates")
    page = other.page
    expect(rows(page).first).to_be_visible()
    for text in rows(page).all_inner_texts():
        assert "所属院校：北方工业大学" in text and "北京交通大学" not in text
    search(page, candidate_no=bjtu_no)
    expect(page.locator("[data-test=count-ALL]")).to_have_text("0")
    expect(page.get_by_text("暂无数据")).to_be_visible()

    # Screens of another side are not reachable by typing their address either.
    page.goto(other.base + "/org/teo")
    expect(page).to_have_url(re.compile(r"/certificates(\?|$)"))


def test_revoke_is_offered_by_the_server_and_ends_the_certificate(ui_factory):
    """撤销证书 shows where the server's row actions say so (the TEO's issued, unrevoked rows); afterwards the
    row says 已撤销 and offers neither 撤销证书 nor 重新发放."""
    teo = ui_factory("teo", "/certificates")
    page = teo.page
    open_tab(page, "ISSUED")
    row = rows(page).last                         # the other tests take the first rows
    candidate_no = re.search(r"考生编号：(\d+)", row.inner_text()).group(1)
    search(page, candidate_no=candidate_no)
    row = rows(page).first
    expect(row.locator("[data-test=row-revoke]")).to_have_text("撤销证书")
    row.locator("[data-test=row-revoke]").click()
    box = page.locator(".el-message-box")
    box.locator("textarea").fill("证书信息有误")
    box.get_by_role("button", name="确认撤销").click()
    expect(page.get_by_text("证书已撤销")).to_be_visible()
    wait_idle(page)
    row = rows(page).first
    expect(row.locator("[data-test=row-revoked]")).to_be_visible()
    expect(row.locator("[data-test=row-revoke]")).to_have_count(0)
    expect(row.locator("[data-test=row-reissue]")).to_have_count(0)

    # Its responsible person sees the row but is offered no revocation.
    signer = ui_factory("teo_signer", "/certificates")
    open_tab(signer.page, "ISSUED")
    search(signer.page, candidate_no=candidate_no)
    expect(rows(signer.page).first.locator("[data-test=row-revoked]")).to_be_visible()
    expect(signer.page.locator("[data-test=row-revoke]")).to_have_count(0)
