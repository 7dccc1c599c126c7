"""The public verification page for a file that was replaced: scanning its QR code, or uploading it, says
this file was replaced, by which version and when — never 证书有效 / 与平台存档一致."""
import requests
from playwright.sync_api import expect

from tests.integration.conftest import Api
from tests.integration.signoff import fresh_plan, ready, wait_for

from .test_issuance_ui import qr_link


def test_the_page_says_a_replaced_file_was_replaced(ui_factory, site, tmp_path):
    api = Api(site + "/api")
    (rid,) = ready(api, fresh_plan(api, per_site=1, sites=("bjtu",)))
    api.post("/records/issue", as_="teo", json={"record_ids": [rid], "method": "electronic"})
    assert wait_for(api, [rid], {"ISSUED", "STAMP_FAILED"}) == {rid: "ISSUED"}
    old = requests.get(api.get(f"/records/{rid}/certificate", as_="teo").json()["url"], timeout=10).content
    assert api.post("/records/reissue", as_="teo", json={"record_ids": [rid]}).json()["applied"] == [rid]
    link = qr_link(old, tmp_path)
    assert link.endswith("&v=1")
    public = ui_factory(mobile=True)

    # While the re-issue is being made, the file in hand is void and there is no current file to show.
    public.page.goto(link)
    result = public.page.locator("[data-test=verify-result]")
    expect(result.locator("[data-test=verify-file]")).to_contain_text("证书正在重新发放")
    expect(result).not_to_contain_text("现行文件")
    expect(result).not_to_contain_text("与平台存档一致")

    api.post("/records/issue", as_="teo", json={"record_ids": [rid], "method": "electronic"})
    assert wait_for(api, [rid], {"ISSUED", "STAMP_FAILED"}) == {rid: "ISSUED"}
    public.page.goto(link)
    result = public.page.locator("[data-test=verify-result]")
    expect(result).to_contain_text("此文件已被替换")
    expect(result.locator("[data-test=verify-file]")).to_contain_text("已作废")
    expect(result.locator("[data-test=verify-file]")).to_contain_text("被第 2 版替换")
    expect(result).to_contain_text("现行文件版本")
    expect(result).not_to_contain_text("与平台存档一致")
    expect(result).to_contain_text("有效（此文件已作废）")
    public.shot("12-verify-replaced-by-qr")

    public.page.goto(site + "/verify")
    public.page.locator("[data-test=verify-tab-pdf]").click()
    public.page.locator("[data-test=verify-pdf-upload] input[type=file]").set_input_files(tmp_path / "cert.pdf")
    public.page.locator("[data-test=verify-pdf-submit]").click()
    outcome = public.page.locator("[data-test=verify-pdf-result]")
    expect(outcome).to_contain_text("被第 2 版替换")
    expect(outcome.locator("[data-test=verify-file]")).to_contain_text("第 1 版")
    expect(outcome).to_contain_text("有效（此文件已作废）")
