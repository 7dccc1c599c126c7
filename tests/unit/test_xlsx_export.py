"""An export is declared as columns (a title and a getter each): the sheet has their titles and a row
per item, numbered when asked, with cells a spreadsheet would run as a formula kept as text."""
from chalicelib import sheets
from chalicelib.services import xlsx

COLUMNS = [("姓名", lambda p: p["name"]), ("备注", lambda p: p.get("note") or "无")]


def test_a_sheet_is_built_from_its_columns():
    data = xlsx.build(COLUMNS, [{"name": "张明", "note": "=1+1"}, {"name": "李华"}], numbered=True)
    rows = sheets.read_rows(data, ["序号", "姓名", "备注"])
    assert rows == [(2, {"序号": 1, "姓名": "张明", "备注": "=1+1"}), (3, {"序号": 2, "姓名": "李华", "备注": "无"})]


def test_without_items_the_sheet_is_its_title_row():
    rows = sheets.read_rows(xlsx.build([("姓名", None)], []), ["姓名"])
    assert rows == []
