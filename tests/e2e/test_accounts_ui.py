"""修改密码 and 退出 from the header for any signed-in user, and the admin's 账号管理: each withdraws the
older tokens, which the API then refuses (issue 14, item 6)."""
import re
import uuid

import requests
from playwright.sync_api import expect

from .conftest import PASSWORD

NEW_PASSWORD = "Newpass-2024"


def api_token(base: str, username: str, password: str = PASSWORD) -> str:
    r = requests.post(base + "/api/auth/login", json={"username": username, "password": password}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["token"]


def me(base: str, token: str) -> int:
    return requests.get(base + "/api/me", headers={"Authorization": "Bearer " + token}, timeout=10).status_code


def new_account(base: str) -> str:
    username = "e2e-" + uuid.uuid4().hex[:8]
    r = requests.post(base + "/api/admin/users", headers={"Authorization": "Bearer " + api_token(base, "admin")},
                      json={"username": username, "password": PASSWORD, "role": "college", "org_id": "ncut",
                            "display_name": "测试业务员"}, timeout=10)
    assert r.status_code == 201, r.text
    return username


def user_menu(page, item: str) -> None:
    page.locator("[data-test=user-menu]").click()
    page.locator(f"[data-test={item}]").click()


def test_change_password_then_log_out(ui_factory, site):
    username = new_account(site)
    ui = ui_factory(username, "/certificates")
    page = ui.page
    elsewhere = api_token(site, username)                     # the same account signed in on another device
    before = page.evaluate("localStorage.getItem('skillcert.token')")

    user_menu(page, "change-password")
    dialog = page.locator("[data-test=password-dialog]")
    dialog.locator("[data-test=password-old]").fill("wrong-pass-1")
    dialog.locator("[data-test=password-new]").fill("short")
    dialog.locator("[data-test=password-confirm]").fill("short")
    dialog.locator("[data-test=password-save]").click()
    expect(dialog).to_contain_text("密码长度为8~128位")             # caught before a round trip
    dialog.locator("[data-test=password-new]").fill(NEW_PASSWORD)
    dialog.locator("[data-test=password-confirm]").fill(NEW_PASSWORD)
    dialog.locator("[data-test=password-save]").click()
    expect(page.locator(".el-message--error")).to_contain_text("原密码不正确")
    ui.shot("40-change-password")
    dialog.locator("[data-test=password-old]").fill(PASSWORD)
    dialog.locator("[data-test=password-save]").click()
    expect(page.get_by_text("密码已修改，其他设备上的登录已失效")).to_be_visible()
    expect(dialog).to_be_hidden()

    assert me(site, before) == 401 and me(site, elsewhere) == 401       # the older tokens are withdrawn
    after = page.evaluate("localStorage.getItem('skillcert.token')")
    assert after != before and me(site, after) == 200
    page.reload()                                                        # this browser carries on
    expect(page.locator("[data-test=page-title]")).to_have_text("证书发放管理")

    user_menu(page, "logout")                                            # 退出
    page.wait_for_url(re.compile(r"/login"))
    assert me(site, after) == 401
    page.goto(site + "/certificates")
    page.wait_for_url(re.compile(r"/login"))

    page.get_by_placeholder("请输入账号").fill(username)
    page.get_by_placeholder("请输入密码").fill(PASSWORD)
    page.get_by_role("button", name="登 录").click()
    expect(page.get_by_text("用户名或密码错误")).to_be_visible()
    page.get_by_placeholder("请输入密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="登 录").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_the_admin_deactivates_and_resets_an_account(ui_factory, site):
    username = new_account(site)
    token = api_token(site, username)
    admin = ui_factory("admin", "/admin/users")
    page = admin.page
    page.locator("[data-test=users-search]").fill(username)
    row = page.locator("[data-test=users-table] .el-table__body tr", has_text=username)
    expect(row.locator("[data-test=user-status]")).to_have_text("正常")
    row.locator("[data-test=user-deactivate]").click()
    page.locator(".el-message-box").get_by_role("button", name="确定").click()
    expect(row.locator("[data-test=user-status]")).to_have_text("已停用")
    admin.shot("41-users")
    assert me(site, token) == 401
    row.locator("[data-test=user-activate]").click()
    page.locator(".el-message-box").get_by_role("button", name="确定").click()
    expect(row.locator("[data-test=user-status]")).to_have_text("正常")

    token = api_token(site, username)
    row.locator("[data-test=user-reset]").click()
    dialog = page.locator("[data-test=reset-dialog]")
    dialog.locator("[data-test=reset-password]").fill(NEW_PASSWORD)
    dialog.locator("[data-test=reset-save]").click()
    expect(page.get_by_text(f"已重置账号 {username} 的密码")).to_be_visible()
    assert me(site, token) == 401
    assert me(site, api_token(site, username, NEW_PASSWORD)) == 200
