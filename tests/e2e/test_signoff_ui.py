"""The manual's sections 3.1–3.5 by clicking: generate, both sign-offs on the phone page, reject and re-sign."""
import re

from playwright.sync_api import expect

from .flows import (
    count,
    draw_signature,
    finish_signing,
    open_tab,
    pick_college,
    rows,
    search,
    sign_on_phone,
    start_signing,
    tick,
    tick_all,
)


def test_the_generate_dialog_counts_failed_candidates_apart_and_levels_are_checkboxes(ui_factory):
    page = ui_factory("teo", "/certificates").page
    page.locator("[data-test=toolbar-generate]").click()
    dialog = page.locator("[data-test=generate-dialog]")
    expect(dialog.locator("[data-test=gen-year]")).to_contain_text("2021")
    dialog.locator("[data-test=gen-plan]").click()
    page.get_by_role("option", name="0907测试勿动").click()
    summary = dialog.locator("[data-test=gen-summary]")
    expect(summary).to_contain_text("未通过考核")
    every = summary.inner_text()
    total, issuable, incomplete, failed = (int(n) for n in re.findall(
        r"共(\d+)人，可发证(\d+)人，(\d+)人信息不完善，(\d+)人未通过考核", every)[0])
    assert total == issuable + incomplete + failed, every
    levels = dialog.locator("[data-test=gen-levels] .el-checkbox")
    expect(levels).to_have_count(3)                                 # 初级 中级 高级, several may be ticked
    levels.nth(0).click()
    levels.nth(1).click()
    expect(summary).not_to_have_text(every)
    some = int(re.search(r"共(\d+)人", summary.inner_text()).group(1))
    assert 0 < some < total


def test_generate_then_both_parties_sign_on_their_phones(ui_factory):
    teo = ui_factory("teo", "/certificates")
    page = teo.page
    expect(page.locator("[data-test=system-name]")).to_have_text("培训评价组织业务系统")
    expect(rows(page).first).to_be_visible()
    teo.shot("01-certificates-teo")

    # 获取待发证记录: the live 待发证人数 line, then 确认生成 adds exactly the issuable candidates.
    open_tab(page, "TEO_PENDING")
    pending = count(page, "TEO_PENDING")
    page.locator("[data-test=toolbar-generate]").click()
    dialog = page.locator("[data-test=generate-dialog]")
    dialog.locator("[data-test=gen-plan]").click()
    page.get_by_role("option", name="测试证书发放上链").click()
    summary = dialog.locator("[data-test=gen-summary]")
    expect(summary).to_contain_text("可发证")
    issuable = int(summary.inner_text().split("可发证")[1].split("人")[0])
    assert issuable > 0
    teo.shot("02-generate-dialog")
    sent = []
    page.on("request", lambda r: sent.append(r) if r.method == "POST" and r.url.endswith("/api/records/generate")
            else None)
    expect(dialog.locator("[data-test=gen-confirm]")).to_have_text("确认生成发证记录")
    dialog.locator("[data-test=gen-confirm]").dblclick()          # a double click still generates once
    expect(page.get_by_text(f"已生成{issuable}条待发证记录")).to_be_visible()
    assert len(sent) == 1
    expect(page.locator("[data-test=count-TEO_PENDING]")).to_have_text(str(pending + issuable))

    # 批量确认签发 over two rows of 北京交通大学; the TEO's responsible person signs on a phone.
    pick_college(page, "北京交通大学")          # the counts follow the filters
    pending, site_pending = count(page, "TEO_PENDING"), count(page, "SITE_PENDING")
    chosen = tick(page, 2)
    page.locator("[data-test=toolbar-batch_sign]").click()
    url = start_signing(page)
    teo.shot("03-sign-qr")
    phone = ui_factory(mobile=True)
    assert "签发成功" in sign_on_phone(phone, url, "teo_signer")
    phone.shot("04-phone-signed")
    finish_signing(page, "签发完成")
    expect(page.locator("[data-test=count-SITE_PENDING]")).to_have_text(str(site_pending + 2))
    expect(page.locator("[data-test=count-TEO_PENDING]")).to_have_text(str(pending - 2))

    # The college sees them in 考核站点待签发 and its responsible person signs too.
    college = ui_factory("college", "/certificates")
    cpage = college.page
    expect(cpage.locator("[data-test=system-name]")).to_have_text("试点院校业务系统")
    open_tab(cpage, "SITE_PENDING")
    search(cpage, candidate_no=chosen[0])
    ready = count(cpage, "READY")
    n = tick_all(cpage)
    assert n >= 1
    college.shot("05-certificates-college")
    cpage.locator("[data-test=toolbar-batch_sign]").click()
    url = start_signing(cpage)
    sign_on_phone(ui_factory(mobile=True), url, "college_signer")
    finish_signing(cpage, "签发完成")
    expect(cpage.locator("[data-test=count-READY]")).to_have_text(str(ready + n))


def test_reject_with_a_reason_then_sign_again(ui_factory):
    teo = ui_factory("teo", "/certificates")
    page = teo.page
    open_tab(page, "TEO_PENDING")
    candidate_no = rows(page).first.inner_text().split("考生编号：")[1].split()[0]
    search(page, candidate_no=candidate_no)
    rejected, pending = count(page, "TEO_REJECTED"), count(page, "TEO_PENDING")
    first = rows(page).first
    first.locator("[data-test=row-sign]").click()
    url = start_signing(page, reject_reason="成绩有误，需与院校核对")
    assert "已拒绝签发" in sign_on_phone(ui_factory(mobile=True), url, "teo_signer")
    finish_signing(page, "已拒绝签发")
    expect(page.locator("[data-test=count-TEO_REJECTED]")).to_have_text(str(rejected + 1))
    expect(page.locator("[data-test=count-TEO_PENDING]")).to_have_text(str(pending - 1))

    # 培训评价组织拒绝签发 shows the reason; 重新签发 only confirms (manual 3.2).
    open_tab(page, "TEO_REJECTED")
    row = rows(page).filter(has_text="成绩有误，需与院校核对").first
    expect(row).to_be_visible()
    teo.shot("06-teo-rejected")
    site_pending = count(page, "SITE_PENDING")
    row.locator("[data-test=row-resign]").click()
    expect(page.locator("[data-test=sign-action-reject]")).to_have_count(0)
    url = start_signing(page)
    sign_on_phone(ui_factory(mobile=True), url, "teo_signer")
    finish_signing(page, "签发完成")
    expect(page.locator("[data-test=count-SITE_PENDING]")).to_have_text(str(site_pending + 1))
    expect(page.locator("[data-test=count-TEO_REJECTED]")).to_have_text(str(rejected))

    # The record's 查看 shows the whole story as a timeline.
    open_tab(page, "SITE_PENDING")
    search(page, candidate_no=candidate_no)
    rows(page).first.locator("[data-test=row-view]").click()
    timeline = page.locator("[data-test=detail-timeline]")
    expect(timeline).to_contain_text("培训评价组织拒绝签发")
    expect(timeline).to_contain_text("理由：成绩有误，需与院校核对")
    expect(timeline).to_contain_text("培训评价组织确认签发")
    expect(timeline).to_contain_text("中物联物流 发证机构负责人")        # who signed, by name
    teo.shot("07-record-detail")


def test_the_signer_can_refuse_on_the_phone(ui_factory):
    college = ui_factory("college", "/certificates")
    page = college.page
    open_tab(page, "SITE_PENDING")
    rejected = count(page, "SITE_REJECTED")
    rows(page).first.locator("[data-test=row-sign]").click()
    url = start_signing(page)
    phone = ui_factory(mobile=True)
    assert "已拒绝签发" in sign_on_phone(phone, url, "college_signer", refuse_reason="考生照片不符")
    finish_signing(page, "负责人拒绝签发")
    expect(page.locator("[data-test=count-SITE_REJECTED]")).to_have_text(str(rejected + 1))

    # The same QR code cannot be used twice.
    phone.page.reload()
    expect(phone.page.locator("[data-test=sign-done]")).to_be_visible()
    expect(phone.page.locator("[data-test=sign-confirm]")).to_have_count(0)


INK = """() => { const c = document.querySelector('[data-test=signature-canvas]');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n }"""


def test_the_drawn_signature_survives_the_phone_turning(ui_factory):
    teo = ui_factory("teo", "/certificates")
    page = teo.page
    open_tab(page, "TEO_PENDING")
    picked = tick(page, 7)
    page.locator("[data-test=toolbar-batch_sign]").click()
    url = start_signing(page)
    phone = ui_factory(mobile=True)
    p = phone.page
    p.goto(url)
    p.locator("[data-test=sign-login-username]").fill("teo_signer")
    p.locator("[data-test=sign-login-password]").fill("demo1234")
    p.locator("[data-test=sign-login-submit]").click()
    expect(p.locator("[data-test=signature-canvas]")).to_be_visible()
    # The signer sees every record the signature covers (not the first five names), with certificate and plan.
    listed = p.locator("[data-test=sign-records] li")
    expect(listed).to_have_count(len(picked))
    expect(listed.first).to_contain_text("职业技能等级证书（")
    draw_signature(p)
    assert p.evaluate(INK) > 0
    width = "document.querySelector('[data-test=signature-canvas]').width"
    portrait = p.evaluate(width)
    p.set_viewport_size({"width": 844, "height": 390})            # turned to landscape: the pad is resized
    p.wait_for_function(f"{width} > {portrait}")
    assert p.evaluate(INK) > 0, "the signature was wiped by the resize"
    p.set_viewport_size({"width": 390, "height": 800})            # and back, the toolbar collapsing
    p.wait_for_function(f"{width} == {portrait}")
    assert p.evaluate(INK) > 0, "the signature was wiped by the resize"
    p.locator("[data-test=sign-confirm]").click()
    expect(p.locator("[data-test=sign-done]")).to_contain_text("签发成功")
    finish_signing(page, "签发完成")
