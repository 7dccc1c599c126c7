"""The manual's sections 3.5–3.7 and the public side by clicking: issue, watch 证书生成中 reach 完成发放,
download one certificate and a batch, export, then verify the PDF as anyone would — by its QR code
(rasterised and scanned with zbar) and by uploading the file."""
import io
import re
import subprocess
import zipfile

import requests
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
    expect(outcome.locator("[data-test=verify-signature]")).to_contain_text("有效，所签内容未被改动")
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


def candidate_no_of(base: str, username: str) -> str:
    token = requests.post(base + "/api/auth/login", json={"username": username, "password": "demo1234"},
                          timeout=10).json()["token"]
    return requests.get(base + "/api/me", headers={"Authorization": "Bearer " + token}, timeout=10).json()[
        "candidate_no"]


def test_reissue_sends_a_certificate_back_to_ready(ui_factory):
    teo = ui_factory("teo", "/certificates")
    page = teo.page
    open_tab(page, "ISSUED")
    # Not the demo student's: 我的证书 and later tests need those certificates.
    other = rows(page).filter(has_not_text=candidate_no_of(teo.base, "student")).first
    candidate_no = re.search(r"考生编号：(\d+)", other.inner_text()).group(1)
    search(page, candidate_no=candidate_no)
    ready, issued = count(page, "READY"), count(page, "ISSUED")
    page.locator("[data-test=toolbar-batch_reissue]").click()      # nothing ticked: the whole (filtered) tab
    expect(page.locator(".el-message-box")).to_contain_text(f"全部 {issued} 条记录")
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("证书已进入证书待发放状态")).to_be_visible()   # asked once, not twice
    expect(page.locator(".el-message-box")).to_have_count(0)
    wait_idle(page)
    expect(page.locator("[data-test=count-READY]")).to_have_text(str(ready + issued))


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


def test_a_revoked_certificate_is_marked_filtered_apart_and_its_holder_cannot_download_it(ui_factory):
    student = ui_factory("student", "/my")
    card = student.page.locator("[data-test=my-cert]").first
    expect(card).to_be_visible()
    cert_no = card.locator("[data-test=my-cert-no]").inner_text()

    teo = ui_factory("teo", "/certificates")
    page = teo.page
    open_tab(page, "ISSUED")
    search(page, candidate_no=candidate_no_of(teo.base, "student"))
    row = rows(page).filter(has_text=cert_no)
    row.locator("[data-test=row-view]").click()
    page.locator("[data-test=detail-revoke]").click()
    page.locator(".el-message-box textarea").fill("证书信息有误")
    page.get_by_role("button", name="确认撤销").click()
    expect(page.locator("[data-test=detail-revoked]")).to_be_visible()
    page.keyboard.press("Escape")
    expect(row.locator("[data-test=row-revoked]")).to_be_visible()
    # Staff are told before the file is given.
    row.locator("[data-test=row-download]").click()
    expect(page.locator(".el-message-box")).to_contain_text("该证书已撤销")
    page.get_by_role("button", name="取消").click()
    # 完成发放 filters revoked apart.
    search(page)
    page.locator("[data-test=filter-revoked]").click()
    page.get_by_role("option", name="已撤销").click()
    page.locator("[data-test=filter-search]").click()
    wait_idle(page)
    expect(page.locator("[data-test=count-ISSUED]")).to_have_text(str(rows(page).count()))
    for text in rows(page).all_inner_texts():
        assert "已撤销" in text, text

    # The holder sees it revoked, with the reason, and no download.
    student.page.reload()
    card = student.page.locator("[data-test=my-cert]").filter(has_text=cert_no)
    expect(card.locator("[data-test=my-cert-status]")).to_have_text("已撤销")
    expect(card).to_contain_text("证书信息有误")
    expect(card.locator("[data-test=my-cert-download]")).to_have_count(0)


def test_a_paper_certificate_is_offered_as_a_print_file(ui_factory):
    teo = ui_factory("teo", "/certificates")
    page = teo.page
    page.goto(teo.base + "/certificates?tab=ISSUED&size=50")
    paper = rows(page).filter(has_text="发证方式：纸质证书").first
    expect(paper.locator("[data-test=row-download]")).to_have_text("下载打印文件")
    expect(paper.locator("[data-test=row-site]")).to_have_text(            # 考核站点 as the manual writes it
        "北方工业大学 - X信息化应用职业技能等级证书（中级）考核站点")
    expect(rows(page).filter(has_text="发证方式：电子证书").first.locator("[data-test=row-download]")).to_have_text(
        "下载电子证书")
    paper.locator("[data-test=row-view]").click()
    expect(page.locator("[data-test=detail-download]")).to_have_text("下载打印文件")


def test_the_filters_live_in_the_address_and_back_returns_to_the_previous_search(ui_factory):
    teo = ui_factory("teo", "/certificates")
    page = teo.page
    wait_idle(page)
    search(page, name="王")
    expect(page).to_have_url(re.compile(r"candidate_name=%E7%8E%8B"))
    narrowed = count(page, "ALL")
    search(page, name="")
    expect(page).not_to_have_url(re.compile(r"candidate_name="))
    assert count(page, "ALL") > narrowed
    page.go_back()
    expect(page.locator("[data-test=filter-name]")).to_have_value("王")
    expect(page.locator("[data-test=count-ALL]")).to_have_text(str(narrowed))
    page.reload()                                            # and a reload keeps it
    expect(page.locator("[data-test=filter-name]")).to_have_value("王")


def test_the_tab_counts_keep_their_values_while_the_list_loads(ui_factory):
    page = ui_factory("teo", "/certificates").page
    wait_idle(page)
    tabs = ("ALL", "READY", "ISSUED", "STAMP_FAILED")
    before = {s: page.locator(f"[data-test=count-{s}]").inner_text() for s in tabs}
    held = []
    pattern = re.compile(r".*/api/records\?.*")
    page.route(pattern, lambda route: held.append(route))        # the list answers only when we say so
    page.locator("[data-test=tab-ISSUED]").click()
    expect(page.locator(".records .el-loading-mask")).to_have_count(1)
    page.wait_for_timeout(300)
    assert held, "the list request was not made"
    assert {s: page.locator(f"[data-test=count-{s}]").inner_text() for s in tabs} == before   # never 0 meanwhile
    page.unroute(pattern)                                           # lets the held request through
    wait_idle(page)
    assert count(page, "ISSUED") == int(before["ISSUED"])
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
