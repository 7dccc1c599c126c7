"""Candidate photos by clicking: 照片导入 with a real ZIP and its per-file results, the thumbnails in
考生信息管理, and a college uploading one candidate's photo."""
from playwright.sync_api import expect

from devstack import demo

from ..photofiles import photo, zip_of


def demo_candidates(college: str) -> tuple[list[dict], list[dict]]:
    """(with a photo, without one) among the demo's candidates of ``college``."""
    good, invalid = demo.candidates()
    ours = [c for c in good + invalid if c["college_id"] == college]
    complete = {c["candidate_no"] for c in good if not demo.md.personal_info_problems(c, requires_photo=False)}
    return [c for c in ours if c["candidate_no"] in complete], [c for c in ours if c["candidate_no"] not in complete]


def test_admin_imports_a_zip_of_photos_and_sees_each_file(ui_factory, tmp_path):
    with_photo, _ = demo_candidates("bjtu")
    a, b = with_photo[:2]
    path = tmp_path / "2025考生照片.zip"
    path.write_bytes(zip_of([
        (f"照片/{a['candidate_no']}.jpg", photo((600, 800))),
        (f"照片/{b['id_number']}.png", photo((330, 440), fmt="PNG")),
        ("照片/51332220211630978726000001.jpg", photo()),           # no such candidate
        ("照片/横版.jpg", photo((800, 600))),
        (f"照片/{b['candidate_no']}.jpg", photo((800, 600))),       # landscape, and a second file for b
        ("说明.txt", b"notes"),
    ]))
    admin = ui_factory("admin", "/admin/import")
    page = admin.page
    box = page.locator("[data-test=photo-import]")
    expect(box.locator("[data-test=photo-rules]")).to_contain_text("295×413")
    box.locator("[data-test=photo-zip-upload] input[type=file]").set_input_files(path)
    box.locator("[data-test=photo-import-submit]").click()
    expect(box.locator("[data-test=photo-imported]")).to_have_text("1")
    expect(box.locator("[data-test=photo-failed]")).to_have_text("5")
    rows = box.locator("[data-test=photo-results] tbody tr")
    expect(rows).to_have_count(6)

    def row_of(name: str):
        return rows.filter(has=page.get_by_role("cell", name=name, exact=True))
    expect(row_of("照片/51332220211630978726000001.jpg")).to_contain_text("未找到考生编号")
    expect(row_of("照片/横版.jpg")).to_contain_text("文件名应为")
    expect(row_of(f"照片/{b['id_number']}.png")).to_contain_text("同一考生")
    expect(row_of("说明.txt")).to_contain_text("不是照片文件")
    done = row_of(f"照片/{a['candidate_no']}.jpg")
    expect(done).to_contain_text("成功")
    expect(done).to_contain_text(a["name"])
    rows.last.scroll_into_view_if_needed()
    admin.shot("30-photo-import")


def test_candidate_list_shows_thumbnails_and_a_college_uploads_a_photo(ui_factory, tmp_path):
    with_photo, without = demo_candidates("ncut")
    admin = ui_factory("admin", "/candidates")
    page = admin.page
    page.locator("[data-test=candidate-college]").click()
    page.get_by_role("option", name="北方工业大学").click()
    thumbs = page.locator("[data-test=candidate-table] [data-test=candidate-photo] img")
    expect(thumbs.first).to_be_visible()
    page.wait_for_function("() => [...document.querySelectorAll('[data-test=candidate-photo] img')]"
                           ".some((img) => img.complete && img.naturalWidth === 390)")
    admin.shot("31-candidates-photos")

    college = ui_factory("college2", "/candidates")
    page = college.page
    target = without[0]
    page.locator("[data-test=candidate-search]").fill(target["candidate_no"])
    row = page.locator("[data-test=candidate-table] tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("[data-test=candidate-no-photo]")).to_be_visible()
    row.locator("[data-test=candidate-photo-upload] input[type=file]").set_input_files(
        _write(tmp_path / "landscape.jpg", photo((800, 600))))
    expect(page.locator(".el-message--error")).to_contain_text("竖版")        # refused: what to fix
    row.locator("[data-test=candidate-photo-upload] input[type=file]").set_input_files(
        _write(tmp_path / "id.jpg", photo((413, 579))))
    expect(page.locator(".el-message--success")).to_be_visible()
    expect(row.locator("[data-test=candidate-photo] img")).to_be_visible()
    expect(row).to_contain_text("更换照片")
    assert with_photo      # the demo's others at this site had theirs already


def _write(path, data: bytes):
    path.write_bytes(data)
    return path
