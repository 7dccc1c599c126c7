"""The moves the end-to-end tests repeat, written as a user makes them: tabs, filters, ticks, the QR
dialog, and the signature drawn on the phone page."""
import re

from playwright.sync_api import Page, expect

from .conftest import Ui


def count(page: Page, status: str) -> int:
    return int(page.locator(f"[data-test=count-{status}]").inner_text())


def open_tab(page: Page, status: str) -> None:
    page.locator(f"[data-test=tab-{status}]").click()
    expect(page.locator(".records .el-loading-mask")).to_have_count(0)


def wait_idle(page: Page) -> None:
    expect(page.locator(".records .el-loading-mask")).to_have_count(0)


def search(page: Page, candidate_no: str = "", name: str = "") -> None:
    page.locator("[data-test=filter-no]").fill(candidate_no)
    page.locator("[data-test=filter-name]").fill(name)
    page.locator("[data-test=filter-search]").click()
    wait_idle(page)


def pick_college(page: Page, college: str) -> None:
    page.get_by_role("button", name="展开").click()
    page.locator("[data-test=filter-college]").click()
    page.get_by_role("option", name=college).click()
    page.locator("[data-test=filter-search]").click()
    wait_idle(page)


def rows(page: Page):
    return page.locator(".records .el-table__body tbody tr")


def tick(page: Page, n: int) -> list[str]:
    """Tick the first ``n`` rows; returns their candidate numbers."""
    picked = []
    for i in range(n):
        row = rows(page).nth(i)
        row.locator(".el-checkbox").first.click()
        picked.append(re.search(r"考生编号：(\d+)", row.inner_text()).group(1))
    return picked


def tick_all(page: Page) -> int:
    page.locator(".records .el-table__header .el-checkbox").click()
    return rows(page).count()


def draw_signature(page: Page) -> None:
    """A few strokes with the mouse on the signature canvas."""
    box = page.locator("[data-test=signature-canvas]").bounding_box()
    for stroke in range(3):
        page.mouse.move(box["x"] + 40 + stroke * 90, box["y"] + 60)
        page.mouse.down()
        for i in range(1, 12):
            page.mouse.move(box["x"] + 40 + stroke * 90 + i * 6, box["y"] + 60 + (i % 4) * 18)
        page.mouse.up()


def start_signing(page: Page, reject_reason: str | None = None) -> str:
    """In the open 签发 dialog: choose, generate the QR code, return the signing page's link."""
    dialog = page.locator("[data-test=sign-dialog]")
    if reject_reason is not None:
        dialog.locator("[data-test=sign-action-reject]").click()
        dialog.locator("[data-test=sign-reason]").fill(reject_reason)
    dialog.locator("[data-test=sign-start]").click()
    expect(dialog.locator("[data-test=sign-qr] svg")).to_be_visible()
    return dialog.locator("[data-test=sign-url]").inner_text()


def sign_on_phone(phone: Ui, url: str, signer: str, refuse_reason: str | None = None) -> str:
    """The responsible person opens the QR link on a phone, logs in, draws and confirms (or refuses)."""
    page = phone.page
    page.goto(url)
    page.locator("[data-test=sign-login-username], [data-test=signature-canvas]").first.wait_for()
    if page.locator("[data-test=sign-login-username]").is_visible():
        page.locator("[data-test=sign-login-username]").fill(signer)
        page.locator("[data-test=sign-login-password]").fill("demo1234")
        page.locator("[data-test=sign-login-submit]").click()
    expect(page.locator("[data-test=signature-canvas]")).to_be_visible()
    draw_signature(page)
    rejecting = refuse_reason is not None or page.locator("[data-test=sign-title]").inner_text() == "拒绝签发"
    if refuse_reason is not None:
        page.locator("[data-test=sign-refuse]").click()
        page.locator("[data-test=sign-refuse-reason]").fill(refuse_reason)
    # What the signer reads above the pad is what this signature will do.
    expect(page.locator("[data-test=sign-notice]")).to_contain_text("拒绝签发以上发证记录" if rejecting else "准确无误")
    page.locator("[data-test=sign-confirm]" if refuse_reason is None else "[data-test=sign-refuse-submit]").click()
    done = page.locator("[data-test=sign-done]")
    expect(done).to_be_visible()
    return done.inner_text()


def finish_signing(page: Page, expected_title: str) -> None:
    dialog = page.locator("[data-test=sign-dialog]")
    expect(dialog.locator("[data-test=sign-status]")).to_contain_text(expected_title)
    expect(dialog.locator("[data-test=sign-qr]")).to_have_count(0)          # a used code is taken away
    dialog.locator("[data-test=sign-close]").click()
    wait_idle(page)
