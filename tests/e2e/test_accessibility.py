"""Usable by everyone: axe-core (web/node_modules, a dev dependency of the UI) runs on every main screen,
at desktop and phone size, and any serious or critical violation fails."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

AXE = (Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js")

# (who, where, what shows the screen has loaded)
SCREENS = [
    (None, "/login", "button"),
    (None, "/verify", "[data-test=verify-tab-pdf]"),
    ("teo", "/certificates", ".records .el-table__body tbody tr, [data-test=record-card]"),
    ("college", "/certificates", ".records .el-table__body tbody tr, [data-test=record-card]"),
    ("teo", "/org/teo", "[data-test=org-table] tbody tr"),
    ("admin", "/org/college", "[data-test=org-table] tbody tr"),
    ("admin", "/admin/import", "[data-test=import-kind-colleges]"),
    ("admin", "/admin/seals", "[data-test=seal-apps-table]"),
    ("student", "/my", "[data-test=my-certificates]"),
]


RUN_AXE = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ` +
                v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' ' + n.html.slice(0, 90)).join(' | '))"""


def serious_violations(page) -> list[str]:
    # Colours are judged at rest, not halfway through a fade-in.
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important; }")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE)


@pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "phone"])
@pytest.mark.parametrize("who,path,ready", SCREENS, ids=[f"{w or 'public'}{p}" for w, p, _ in SCREENS])
def test_no_serious_accessibility_violations(ui_factory, who, path, ready, mobile):
    assert AXE.is_file(), "axe-core is missing: cd web && npm install"
    ui = ui_factory(who, path, mobile=mobile)
    page = ui.page
    if who is None:
        page.goto(ui.base + path)
    expect(page.locator(ready).first).to_be_attached()
    expect(page.locator(".el-loading-mask")).to_have_count(0)
    assert serious_violations(page) == []
