"""The organisation page's 查看 and 编辑 dialogs (components of their own): the details shown, and the letter of
authorisation that ticks the agreement when signed."""
from playwright.sync_api import expect


def test_a_college_views_its_details_and_signs_the_letter(ui_factory):
    page = ui_factory("college", "/org/college").page
    name = page.locator("[data-test=org-name]").first.inner_text()
    page.locator("[data-test=org-view]").first.click()
    view = page.locator("[data-test=org-view-dialog]")
    expect(view).to_contain_text(name)
    expect(view).to_contain_text("考核站点负责人（电子签章）")
    view.get_by_role("button", name="关闭", exact=True).click()
    expect(view).to_be_hidden()

    page.locator("[data-test=org-edit]").first.click()
    edit = page.locator("[data-test=org-edit-dialog]")
    expect(edit.locator("[data-test=stamp-agree] input")).not_to_be_checked()
    edit.locator("[data-test=stamp-letter]").click()
    letter = page.get_by_role("dialog", name="电子签章使用授权委托书")
    expect(letter).to_contain_text(f"本单位（{name}）")
    letter.get_by_role("button", name="同意并签署").click()
    expect(letter).to_be_hidden()
    expect(edit.locator("[data-test=stamp-agree] input")).to_be_checked()
