"""End-to-end tests: the stack exactly as `make run` starts it (a subprocess, demo data, the built UI)
driven through headless Chromium by Playwright. Screenshots of the main screens land in
``test-artifacts/screenshots``."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from devstack import aws

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("SKILLCERT_CHROMIUM", "/usr/bin/chromium")
# As root and without a network, Chromium needs these to start quietly (no sandbox, no background calls).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage"]
PASSWORD = "demo1234"
# Stamping and polling run on the real (slow, serialised) moto stack: give the UI time to catch up.
expect.set_options(timeout=30_000)


# Package scope: the stack and the browser close before other suites run (Playwright's sync API keeps an
# asyncio loop running in this thread, where pyHanko's asyncio.run() would then fail).
@pytest.fixture(scope="package")
def site():
    """`python -m devstack` on free ports; yields the base URL once the API answers."""
    if not (ROOT / "web" / "dist" / "index.html").is_file():
        pytest.fail("web/dist is missing: build the UI first (make install builds it)")
    port, moto_port = aws.free_port(), aws.free_port()
    env = {**os.environ, "SKILLCERT_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    log = open(ROOT / "test-artifacts" / "e2e-stack.log", "w") if _artifacts() else subprocess.DEVNULL
    proc = subprocess.Popen([sys.executable, "-m", "devstack", "--port", str(port), "--moto-port", str(moto_port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail("the stack exited; see test-artifacts/e2e-stack.log")
        try:
            if requests.get(base + "/api/health", timeout=2).ok and _demo_ready(base):
                break
        except requests.RequestException:
            pass
        time.sleep(1)
    else:
        proc.terminate()
        pytest.fail("the stack did not start within 180 s")
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def _artifacts() -> bool:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):           # this run's screenshots only
        old.unlink()
    return True


def _demo_ready(base: str) -> bool:
    """The demo's own issuing has finished: nothing left in 证书生成中."""
    token = requests.post(base + "/api/auth/login", json={"username": "teo", "password": PASSWORD}, timeout=5)
    if not token.ok:
        return False
    counts = requests.get(base + "/api/records", headers={"Authorization": "Bearer " + token.json()["token"]},
                          timeout=30).json()["counts"]
    return counts["ISSUED"] > 0 and counts["GENERATING"] == 0


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Ui:
    """One signed-in browser context: ``ui.page``, plus the few moves every test repeats."""

    def __init__(self, browser, base: str, mobile: bool = False) -> None:
        options = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True} if mobile \
            else {"viewport": {"width": 1440, "height": 900}}
        self.context = browser.new_context(locale="zh-CN", accept_downloads=True, **options)
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        self.base = base

    def login(self, username: str, path: str = "/") -> "Ui":
        page = self.page
        page.goto(self.base + "/login?redirect=" + path)
        page.get_by_placeholder("请输入账号").fill(username)
        page.get_by_placeholder("请输入密码").fill(PASSWORD)
        page.get_by_role("button", name="登 录").click()
        page.wait_for_url(lambda url: "/login" not in url)
        return self

    def shot(self, name: str) -> None:
        """A screenshot of the screen at rest: fades and loading masks still running are finished first."""
        expect(self.page.locator(".el-loading-mask")).to_have_count(0)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, animations="disabled")

    def close(self) -> None:
        self.context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.failed_call = True
    return report


@pytest.fixture
def ui_factory(browser, site, request):
    made: list[Ui] = []

    def make(username: str | None = None, path: str = "/", mobile: bool = False) -> Ui:
        ui = Ui(browser, site, mobile)
        made.append(ui)
        return ui.login(username, path) if username else ui

    yield make
    for i, ui in enumerate(made):
        if getattr(request.node, "failed_call", False):      # what each browser showed when the test failed
            ui.shot(f"failed-{request.node.name}-{i}")
        ui.close()
