"""A value only the server refuses is shown under the form field it names (error.details.field), not only in
the passing message (issue 16, item 8)."""
from playwright.sync_api import expect


def field_error(dialog, test_id):
    item = dialog.locator(".el-form-item", has=dialog.page.locator(f"[data-test={test_id}]"))
    return item.locator(".el-form-item__error")


def test_a_contact_email_the_server_refuses_shows_under_its_field(ui_factory):
    page = ui_factory("college", "/org/college").page
    page.locator("[data-test=org-edit]").first.click()
    dialog = page.locator("[data-test=org-edit-dialog]")
    dialog.locator("[data-test=contact-email]").fill("office@例子.中国")     # the form's own check lets it through
    dialog.locator("[data-test=stamp-save]").click()
    expect(field_error(dialog, "contact-email")).to_contain_text("邮箱格式错误")
    expect(field_error(dialog, "contact-phone")).to_have_count(0)
    expect(dialog).to_be_visible()                                      # nothing saved, the dialog stays

    dialog.locator("[data-test=contact-email]").fill("office3@bjtu.example.cn")
    dialog.locator("[data-test=stamp-save]").click()
    expect(page.get_by_text("保存成功", exact=True)).to_be_visible()
    expect(page.locator("[data-test=org-table]")).to_contain_text("office3@bjtu.example.cn")
