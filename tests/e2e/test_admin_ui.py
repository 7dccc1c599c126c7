"""The manual's sections 1 and 2 and the platform's own screens by clicking: upload a stamp, apply for the
e-seal and have it approved, import master data with bad rows, the candidate's space, and login errors."""
import io
import re

from openpyxl import load_workbook
from PIL import Image, ImageDraw
from playwright.sync_api import expect


def stamp_png(path, size=(140, 50)):
    """A transparent rectangular name stamp, as the rules ask."""
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(img).rectangle([3, 3, size[0] - 4, size[1] - 4], outline=(200, 0, 0, 255), width=4)
    img.save(path)
    return path


def test_login_shows_the_api_error_in_words(ui_factory):
    ui = ui_factory()
    page = ui.page
    page.goto(ui.base + "/login")
    page.get_by_placeholder("请输入账号").fill("teo")
    page.get_by_placeholder("请输入密码").fill("wrong-password")
    page.get_by_role("button", name="登 录").click()
    expect(page.get_by_text("用户名或密码错误")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login"))
    ui.shot("00-login-error")


def test_teo_uploads_a_stamp_and_a_wrong_one_is_refused(ui_factory, tmp_path):
    teo = ui_factory("teo", "/org/teo")
    page = teo.page
    page.locator("[data-test=org-edit]").first.click()
    dialog = page.locator("[data-test=org-edit-dialog]")
    expect(dialog.locator("[data-test=stamp-rules]")).to_contain_text("140*50")

    # A square image for a rectangular stamp: refused, with the sizes named.
    upload = dialog.locator("[data-test=stamp-upload] input[type=file]")
    upload.set_input_files(stamp_png(tmp_path / "sq.png", (95, 95)))
    dialog.locator("[data-test=stamp-agree]").click()
    dialog.locator("[data-test=stamp-save]").click()
    expect(page.locator(".el-message--error")).to_contain_text("95")
    teo.shot("13-stamp-refused")

    upload.set_input_files(stamp_png(tmp_path / "ok.png"))
    dialog.locator("[data-test=stamp-save]").click()
    expect(page.get_by_text("保存成功，电子签章已更新")).to_be_visible()
    teo.shot("14-org-teo")


def test_a_contact_change_saves_without_the_stamp_agreement(ui_factory):
    page = ui_factory("college", "/org/college").page
    page.locator("[data-test=org-edit]").first.click()
    dialog = page.locator("[data-test=org-edit-dialog]")
    dialog.locator("[data-test=contact-email]").fill("office2@bjtu.example.cn")
    dialog.locator("[data-test=stamp-save]").click()                   # no stamp chosen, the letter unticked
    expect(page.get_by_text("保存成功", exact=True)).to_be_visible()
    expect(page.locator("[data-test=org-table]")).to_contain_text("office2@bjtu.example.cn")


def test_admin_disables_a_college_whose_candidates_generation_then_skips(ui_factory):
    admin = ui_factory("admin", "/org/college")
    page = admin.page
    table = page.locator("[data-test=org-table]")
    expect(table).to_contain_text("武汉体育学院")
    n = len(table.locator("tbody tr").all())
    expect(page.locator("[data-test=org-total]")).to_have_text(f"全部({n})")
    row = table.locator("tbody tr").filter(has_text="武汉体育学院")
    expect(row.locator("[data-test=college-status]")).to_have_text("启用")
    row.locator("[data-test=college-disable]").click()
    page.get_by_role("button", name="确定").click()
    expect(row.locator("[data-test=college-status]")).to_have_text("停用")
    page.locator("[data-test=org-expand]").click()                  # 展开: filter by 院校状态
    page.locator("[data-test=college-status-filter]").click()
    page.get_by_role("option", name="停用").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    admin.shot("21-colleges-status")

    teo = ui_factory("teo", "/certificates").page
    teo.locator("[data-test=toolbar-generate]").click()
    dialog = teo.locator("[data-test=generate-dialog]")
    expect(dialog.locator("[data-test=gen-year]")).to_contain_text("2021")
    dialog.locator("[data-test=gen-plan]").click()
    teo.get_by_role("option", name="测试证书发放上链").click()
    expect(dialog.locator("[data-test=gen-summary]")).to_contain_text("考核站点已停用")
    expect(dialog.locator("[data-test=gen-summary]")).to_contain_text("可发证0人")

    page.get_by_role("button", name="重置").click()
    row.locator("[data-test=college-enable]").click()
    page.get_by_role("button", name="确定").click()
    expect(row.locator("[data-test=college-status]")).to_have_text("启用")


def test_a_college_exports_its_information(ui_factory):
    page = ui_factory("college", "/org/college").page
    with page.expect_download() as download:
        page.locator("[data-test=org-export]").click()                   # 批量导出院校信息
    assert download.value.suggested_filename == "试点院校信息.xlsx"
    rows = list(load_workbook(io.BytesIO(download.value.path().read_bytes())).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("院校代码", "院校名称") and [r[1] for r in rows[1:]] == ["北京交通大学"]


def test_seal_application_approved_by_the_admin(ui_factory):
    teo2 = ui_factory("teo2", "/org/teo")
    page = teo2.page
    page.locator("[data-test=seal-apply-open]").click()
    dialog = page.locator("[data-test=seal-apply-dialog]")
    expect(dialog.locator("[data-test=seal-authority]")).to_have_text("平台电子认证服务")   # the setting's default
    dialog.locator("[data-test=seal-legal]").fill("李强")
    dialog.locator("[data-test=seal-contact]").fill("王敏")
    dialog.locator("[data-test=seal-phone]").fill("13911112222")
    teo2.shot("15-seal-apply")
    dialog.locator("[data-test=seal-apply-submit]").click()
    expect(page.get_by_text("申请已提交，请等待受理单位审核")).to_be_visible()

    admin = ui_factory("admin", "/admin/seals")
    apage = admin.page
    row = apage.locator("[data-test=seal-apps-table] tbody tr").filter(has_text="中科信培").first
    expect(row.locator("[data-test=seal-app-status]")).to_have_text("待审核")
    expect(row).to_contain_text("中科信培 业务员")                      # people by name, not login
    expect(row).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"))    # the one date format
    row.locator("[data-test=seal-approve]").click()
    apage.locator("[data-test=seal-approve-confirm]").click()
    apage.locator("[data-test=seal-tab-approved]").click()
    row = apage.locator("[data-test=seal-apps-table] tbody tr").filter(has_text="中科信培").first
    expect(row.locator("[data-test=seal-app-status]")).to_have_text("已通过")
    admin.shot("16-seal-approvals")

    # The TEO's page follows the decision by itself, without a reload.
    expect(page.locator("[data-test=org-seal-status]").first).to_have_text("已生效")


def test_admin_import_lists_each_bad_row(ui_factory, tmp_path):
    admin = ui_factory("admin", "/admin/import")
    page = admin.page
    page.locator("[data-test=import-kind-colleges]").click()
    columns = page.locator("[data-test=import-columns]")
    expect(columns).to_contain_text("院校代码")
    expect(columns).not_to_contain_text("机构代码")
    titles = [t.replace("*", "").strip() for t in page.locator("[data-test=import-columns] .el-tag").all_inner_texts()]
    assert titles[:2] == ["院校代码", "院校名称"], titles
    with page.expect_download() as download:                  # 下载导入模板, then fill it in
        page.locator("[data-test=import-template]").click()
    assert download.value.suggested_filename == "试点院校导入模板.xlsx"
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet = book.active
    assert [c.value for c in sheet[1]] == titles
    sheet.append(["e2e1", "端到端测试学院", "张三", "13800000000", "a@b.cn"][:len(titles)])
    sheet.append(["e2e2", "坏手机号学院", "李四", "123", "c@d.cn"][:len(titles)])
    path = tmp_path / "colleges.xlsx"
    book.save(path)
    page.locator("[data-test=import-upload] input[type=file]").set_input_files(path)
    page.locator("[data-test=import-submit]").click()
    errors = page.locator("[data-test=import-errors] tbody tr")
    expect(errors).to_have_count(1)                           # only the bad row, by its number in the sheet
    expect(errors.first).to_contain_text("3")
    expect(errors.first).to_contain_text("手机号")
    expect(page.locator("[data-test=import-imported]")).to_have_text("0")   # all or nothing by default
    admin.shot("17-import-errors")
    page.locator("[data-test=import-mode-valid]").click()
    page.locator("[data-test=import-submit]").click()
    expect(page.locator("[data-test=import-imported]")).to_have_text("1")


def test_candidate_downloads_own_certificate(ui_factory):
    student = ui_factory("student", "/my")
    page = student.page
    expect(page.locator("[data-test=system-name]")).to_have_text("学生个人空间")
    card = page.locator("[data-test=my-cert]").first
    expect(card).to_be_visible()
    with page.expect_download() as download:
        card.locator("[data-test=my-cert-download]").click()
    assert open(download.value.path(), "rb").read(4) == b"%PDF"
    student.shot("18-my-certificates")
    expect(page.get_by_role("menubar")).not_to_contain_text("证书发放管理")
    card.locator("[data-test=my-cert-verify]").click()          # 查验 shows the verdict at once
    expect(page.locator("[data-test=verify-result]")).to_contain_text("证书有效")


def test_the_candidates_space_fits_a_phone(ui_factory):
    phone = ui_factory("student", "/my", mobile=True)
    page = phone.page
    card = page.locator("[data-test=my-cert]").first
    expect(card).to_be_visible()
    width = page.viewport_size["width"]
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)      # no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    phone.shot("19-my-certificates-phone")
    page.locator("[data-test=menu-open]").click()                               # the menu is a drawer
    expect(page.locator("[data-test=menu-drawer]")).to_contain_text("我的证书")


def test_the_records_list_on_a_phone_is_cards(ui_factory):
    phone = ui_factory("teo", "/certificates", mobile=True)
    page = phone.page
    cards = page.locator("[data-test=record-card]")
    expect(cards.first).to_be_visible()
    expect(page.locator("[data-test=records-table]")).to_have_count(0)
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width          # no sideways scrolling
    box = cards.first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)
    expect(cards.first.locator("[data-test=row-status]")).to_be_visible()
    cards.first.locator("[data-test=row-view]").click()
    expect(page.locator("[data-test=detail-timeline]")).to_be_visible()
    phone.shot("22-records-cards-phone")


def test_staff_screens_and_dialogs_fit_a_phone(ui_factory):
    phone = ui_factory("teo", "/certificates", mobile=True)
    page = phone.page
    width = page.viewport_size["width"]
    page.locator("[data-test=toolbar-generate]").click()
    dialog = page.locator("[data-test=generate-dialog]")
    for part in (dialog, dialog.locator("[data-test=gen-confirm]")):
        box = part.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)
    phone.shot("20-generate-dialog-phone")
    pager = page.locator(".el-pagination").bounding_box()
    assert pager["x"] >= 0 and pager["x"] + pager["width"] <= width, (pager, width)
    page.keyboard.press("Escape")
    page.goto(phone.base + "/certificates?tab=ISSUED")            # the last tab is scrolled into sight
    active = page.locator(".status-tabs .el-tabs__item.is-active")
    expect(active).to_contain_text("完成发放")
    page.wait_for_function("""() => { const r = document.querySelector('.status-tabs .el-tabs__item.is-active')
      .getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth }""")
