"""Export (F8): the current tab under its filters as an xlsx with every column the list shows, ID numbers
masked, cells a spreadsheet would run as a formula neutralised; read back from the fake file store."""
import pytest

from chalicelib import ports
from chalicelib.domain.errors import Forbidden, InvalidInput
from chalicelib.domain.filters import RecordFilter
from chalicelib.services import audit, certificates, exports, records
from devstack import demo

from ._issued_helpers import ADMIN, COLLEGE2, TEO, as_dicts, key_of, sheet_rows, stamped_world

TITLES = ("序号", "考生编号", "考生姓名", "身份证号", "学生类型", "所属院校", "证书名称", "证书等级", "颁证机构",
          "证书编号", "发证时间", "发证方式", "考试计划", "考核站点", "考核状态", "颁证状态", "原因")


@pytest.fixture
def issued():
    with stamped_world() as made:
        yield made


def test_the_export_holds_the_tabs_rows_in_list_order_with_every_column(issued):
    flt = RecordFilter(status="ISSUED")
    answer = exports.export(TEO, flt)
    listed = records.matching(TEO, flt)
    assert (answer["count"], answer["filename"]) == (len(listed), "发证记录.xlsx") and listed
    assert key_of(answer["url"]).startswith(f"exports/{demo.TEO}/")
    rows = sheet_rows(issued, answer)
    assert rows[0] == TITLES
    got = as_dicts(rows)
    assert [r["序号"] for r in got] == list(range(1, len(listed) + 1))
    assert [r["考生编号"] for r in got] == [r["candidate_no"] for r in listed]
    first = ports.records.get(listed[0]["id"])
    assert got[0]["证书编号"] == first["cert_no"] and got[0]["发证时间"] == first["award_date"]
    assert got[0]["身份证号"] == first["id_number"][:3] + "*" * 9 + first["id_number"][-4:]
    assert {r["颁证状态"] for r in got} == {"完成发放"} and {r["考核状态"] for r in got} == {"已通过"}
    assert sorted({r["发证方式"] for r in got}) == ["电子证书", "纸质证书"]
    assert {r["考核站点"] for r in got} == {"北方工业大学"} and {r["颁证机构"] for r in got} == {"中物联物流"}


def test_a_revoked_certificate_is_exported_as_such_with_the_reason(issued):
    rid = records.matching(TEO, RecordFilter(status="ISSUED"))[0]["id"]
    certificates.revoke(TEO, rid, "证书信息有误")
    got = as_dicts(sheet_rows(issued, exports.export(COLLEGE2, RecordFilter(status="ISSUED", revoked=True))))
    assert [(r["颁证状态"], r["原因"]) for r in got] == [("完成发放（已撤销）", "证书信息有误")]


def test_a_refusal_reason_and_an_unissued_record_leave_the_certificate_columns_empty(world):
    got = as_dicts(sheet_rows(world.fakes, exports.export(TEO, RecordFilter(status="SITE_REJECTED"))))
    assert len(got) == 2 and {r["原因"] for r in got} == {"考生现场签到信息与报名信息不一致"}
    assert {(r["证书编号"], r["发证时间"], r["发证方式"]) for r in got} == {(None, None, None)}


def test_each_side_exports_only_its_own_records(world):
    teo = exports.export(TEO, RecordFilter())
    site = as_dicts(sheet_rows(world.fakes, exports.export(COLLEGE2, RecordFilter())))
    assert teo["count"] == 53 and len(site) == 37
    assert {r["考核站点"] for r in site} == {"北方工业大学"}
    with pytest.raises(Forbidden):
        exports.export(ADMIN, RecordFilter())


def test_cells_a_spreadsheet_would_run_are_neutralised(world):
    rec = ports.records.get(records.matching(TEO, RecordFilter(status="TEO_PENDING"))[0]["id"])
    rogue = '=HYPERLINK("http://x","点我")'
    world.fakes.records.apply([ports.Change(rec, rec["status"], {"candidate_name": rogue}, audit.event(TEO, "edit"))])
    got = as_dicts(sheet_rows(world.fakes, exports.export(TEO, RecordFilter(candidate_no=rec["candidate_no"],
                                                                           plan_id=rec["plan_id"]))))
    assert [r["考生姓名"] for r in got] == ["'" + rogue]


def test_an_export_over_the_limit_is_refused_and_nothing_is_written(world, monkeypatch):
    monkeypatch.setattr(exports, "MAX_ROWS", 52)
    with pytest.raises(InvalidInput) as refused:
        exports.export(TEO, RecordFilter())
    assert refused.value.code == "too_many_records" and "52" in refused.value.message
    assert exports.export(TEO, RecordFilter(status="TEO_PENDING"))["count"] == 22
    assert len([k for k in world.fakes.files.objects if k.startswith("exports/")]) == 1
