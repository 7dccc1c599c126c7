"""The verifiable credential by clicking: the candidate saves it from 我的证书, anyone checks it on the
public page (uploaded, or pasted and changed), and every verdict lists the two sign-offs."""
from playwright.sync_api import expect


def test_candidate_saves_a_credential_and_anyone_verifies_it(ui_factory, tmp_path):
    student = ui_factory("student", "/my")
    page = student.page
    card = page.locator("[data-test=my-cert]").first
    expect(card).to_be_visible()
    with page.expect_download() as download:
        card.locator("[data-test=my-cert-credential]").click()
    assert download.value.suggested_filename.endswith(".jwt")
    token = open(download.value.path()).read()
    assert token.startswith("eyJ") and token.count(".") == 2
    (tmp_path / "credential.jwt").write_text(token)

    card.locator("[data-test=my-cert-verify]").click()           # the QR code's page offers it too
    result = page.locator("[data-test=verify-result]")
    expect(result).to_contain_text("培训评价组织负责人签发")
    expect(result).to_contain_text("考核站点负责人签发")
    with page.expect_download() as again:
        page.locator("[data-test=verify-download-credential]").click()
    assert again.value.suggested_filename == download.value.suggested_filename

    public = ui_factory(mobile=True)
    public.page.goto(student.base + "/verify")
    public.page.locator("[data-test=verify-tab-credential]").click()
    public.page.locator(".cred-upload input[type=file]").set_input_files(tmp_path / "credential.jwt")
    public.page.locator("[data-test=verify-credential-submit]").click()
    outcome = public.page.locator("[data-test=verify-credential-result]")
    expect(outcome).to_contain_text("凭证有效")
    expect(outcome).to_contain_text("由平台根证书签发，可信")
    expect(outcome).to_contain_text("考核站点负责人签发")
    public.shot("20-verify-credential")

    head, body, sig = token.split(".")
    changed = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    public.page.locator("[data-test=verify-credential-text]").fill(f"{head}.{changed}.{sig}")
    expect(outcome).to_have_count(0)
    public.page.locator("[data-test=verify-credential-submit]").click()
    expect(outcome).to_contain_text("凭证已被改动")
