"""F3 (生成待发证记录) on the demo: who of a plan may be issued a certificate and why not, the two name
lists as xlsx, and generating the records, existing ones left exactly as they are."""
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib import ports
from chalicelib.domain.errors import Forbidden, InvalidInput, NotFound
from chalicelib.domain.filters import RecordFilter
from chalicelib.services import generation, records
from chalicelib.services import masterdata as masterdata_service
from devstack import demo

from ._issued_helpers import ADMIN, COLLEGE, TEO, TEO2, as_dicts, key_of, sheet_rows

PSL = {"exam_year": 2021, "plan_id": "psl", "certificate_id": "xxhyy"}       # not generated in the demo
P0907 = {"exam_year": 2021, "plan_id": "p0907", "certificate_id": "xxhyy"}
P0908 = {"exam_year": 2021, "plan_id": "p0908", "certificate_id": "jkgl"}     # requires a photo


def _split(answer: dict) -> tuple:
    return tuple(answer[k] for k in ("issuable", "failed", "site_disabled", "incomplete"))


@pytest.mark.parametrize("body, expected, summary", [
    (PSL, (23, 16, 3, 0, 4, 0), "共23人，可发证16人，4人信息不完善，3人未通过考核"),
    (P0907, (23, 19, 3, 0, 1, 19), "共23人，可发证19人，1人信息不完善，3人未通过考核"),
    ({**P0907, "level": "初级"}, (8, 7, 1, 0, 0, 7), "共8人，可发证7人，1人未通过考核"),
    ({**P0907, "levels": ["初级", "高级"]}, (15, 13, 2, 0, 0, 13), "共15人，可发证13人，2人未通过考核"),
    ({"exam_year": 2021, "plan_id": "p2109", "certificate_id": "xxhyy", "college_id": demo.NCUT},
     (24, 20, 3, 0, 1, 20), "共24人，可发证20人，1人信息不完善，3人未通过考核"),
], ids=["psl", "p0907", "p0907-one-level", "p0907-two-levels", "p2109-one-site"])
def test_preview_counts_each_candidate_once_and_the_records_already_made(world, body, expected, summary):
    answer = generation.preview(TEO, body)
    total, issuable, failed, disabled, incomplete, existing = expected
    assert (answer["total"], *_split(answer), answer["existing"]) == expected
    assert answer["not_issuable"] == failed + disabled + incomplete == total - issuable
    assert answer["summary"] == summary


def test_generate_makes_pending_records_once_and_leaves_existing_ones_as_they_are(world):
    before = records.counts(TEO, RecordFilter())
    made = generation.generate(TEO, PSL)
    assert (made["created"], made["existing"], made["failed"], made["incomplete"]) == (16, 0, 3, 4)
    assert made["summary"] == "已生成16条待发证记录，4人信息不完善，3人未通过考核"
    after = records.counts(TEO, RecordFilter())
    assert after["TEO_PENDING"] == before["TEO_PENDING"] + 16 and after["ALL"] == before["ALL"] + 16
    rec = ports.records.get(made["created_ids"][0])
    assert (rec["status"], rec["version"], rec["signed"], rec["created_by"]) == ("TEO_PENDING", 1, False, "teo")
    assert (rec["site_name"], rec["college_name"], rec["teo_name"]) == ("武汉体育学院", "武汉体育学院", "中物联物流")
    assert (rec["plan_name"], rec["certificate_name"], rec["level"]) == (
        "测试证书发放上链", "信息化应用职业技能等级证书", "中级")
    assert rec["created_at"] == ports.clock.now_iso()
    assert [(e["action"], e["to_status"], e["actor"]) for e in ports.records.events(rec["id"])] == [
        ("generate", "TEO_PENDING", "teo")]

    again = generation.generate(TEO, PSL)
    assert (again["created"], again["existing"], again["created_ids"]) == (0, 16, [])
    assert again["summary"] == "已生成0条待发证记录，16人已有发证记录，4人信息不完善，3人未通过考核"
    assert records.counts(TEO, RecordFilter()) == after
    assert generation.preview(TEO, PSL)["existing"] == 16


def test_generating_again_changes_no_record_already_signed_off(world):
    signed = {r["id"]: ports.records.get(r["id"]) for r in records.matching(TEO, RecordFilter(plan_id="p2109"))}
    assert {r["status"] for r in signed.values()} >= {"READY", "GENERATING", "SITE_REJECTED"}
    again = generation.generate(TEO, {"exam_year": 2021, "plan_id": "p2109", "certificate_id": "xxhyy"})
    assert (again["created"], again["existing"]) == (0, len(signed))
    assert {i: ports.records.get(i) for i in signed} == signed


def test_a_deleted_record_is_generated_again(world):
    pending = records.matching(TEO, RecordFilter(status="TEO_PENDING", plan_id="p0907"))[0]
    records.delete(TEO, pending["id"])
    again = generation.generate(TEO, P0907)
    assert again["created_ids"] == [pending["id"]] and again["existing"] == 18


def test_candidates_examined_at_a_disabled_site_are_counted_apart_from_the_failed(world):
    masterdata_service.set_college_status(ADMIN, demo.WIPE, "disabled")
    answer = generation.preview(TEO, PSL)
    # The passed (the incomplete too) count as 考核站点已停用; the failed stay 未通过.
    assert _split(answer) == (0, 3, 20, 0)
    assert answer["summary"] == "共23人，可发证0人，3人未通过考核，20人考核站点已停用"
    rows = as_dicts(sheet_rows(world.fakes, generation.lists(TEO, PSL, "not_issuable")))
    assert sum("考核站点已停用" in r["不可发证原因"] for r in rows) == 23
    assert generation.generate(TEO, PSL)["created"] == 0


def test_a_certificate_requiring_a_photo_refuses_a_candidate_without_one(world):
    issuable = as_dicts(sheet_rows(world.fakes, generation.lists(TEO, P0908, "issuable")))
    no_photo = issuable[0]["考生编号"]
    ports.master.set_fields("candidates", {"candidate_no": no_photo}, has_photo=False)
    answer = generation.preview(TEO, P0908)
    assert (answer["issuable"], answer["incomplete"]) == (len(issuable) - 1, 2)
    rows = {r["考生编号"]: r for r in as_dicts(sheet_rows(world.fakes, generation.lists(TEO, P0908, "not_issuable")))}
    assert rows[no_photo]["不可发证原因"] == "缺少考生照片" and rows[no_photo]["考证结果"] == "已通过"
    # The same candidate may still be issued a certificate that does not print a photo.
    body = {"exam_year": 2021, "plan_id": "p2109", "certificate_id": "xxhyy"}
    elsewhere = as_dicts(sheet_rows(world.fakes, generation.lists(TEO, body, "issuable")))
    assert no_photo in {r["考生编号"] for r in elsewhere}


def test_a_result_without_a_candidate_is_not_issuable_for_that_reason(world):
    stranger = "9" * 26
    ports.master.put("results", {"candidate_no": stranger, "plan_id": "psl", "level": "中级", "site_id": demo.WIPE,
                                 "passed": True, "score": 80.0})
    answer = generation.preview(TEO, PSL)
    assert (answer["total"], answer["incomplete"]) == (24, 5)
    rows = {r["考生编号"]: r for r in as_dicts(sheet_rows(world.fakes, generation.lists(TEO, PSL, "not_issuable")))}
    assert rows[stranger]["不可发证原因"] == "考生信息不存在" and rows[stranger]["考生姓名"] is None


def test_the_issuable_list_is_an_xlsx_of_whom_generate_makes_records_for(world):
    answer = generation.lists(TEO, PSL, "issuable")
    assert (answer["count"], answer["filename"]) == (16, "可发证名单.xlsx")
    assert key_of(answer["url"]).startswith("lists/zwl/")
    assert parse_qs(urlsplit(answer["url"]).query)["filename"] == ["可发证名单.xlsx"]
    rows = sheet_rows(world.fakes, answer)
    assert rows[0] == ("考生编号", "考生姓名", "身份证号", "学生类型", "所属院校", "证书名称", "证书等级", "考证结果")
    listed = as_dicts(rows)
    assert {r["考证结果"] for r in listed} == {"已通过"} and all(len(r["身份证号"]) == 18 for r in listed)
    made = generation.generate(TEO, PSL)["created_ids"]
    assert sorted(r["考生编号"] for r in listed) == sorted(ports.records.get(i)["candidate_no"] for i in made)


def test_the_not_issuable_list_gives_each_reason(world):
    answer = generation.lists(TEO, PSL, "not_issuable")
    assert (answer["count"], answer["filename"]) == (7, "不可发证名单.xlsx")
    rows = sheet_rows(world.fakes, answer)
    assert rows[0][-2:] == ("考证结果", "不可发证原因") and len(rows[0]) == 9
    listed = as_dicts(rows)
    assert {r["所属院校"] for r in listed} == {"武汉体育学院"}
    assert sorted(r["不可发证原因"] for r in listed) == sorted(
        ["身份证号校验位错误"] * 2 + ["考生姓名缺失", "身份证号缺失"] + ["考试未通过"] * 3)
    assert {r["考证结果"] for r in listed if r["不可发证原因"] == "考试未通过"} == {"未通过"}


@pytest.mark.parametrize("who, body, error, code", [
    (TEO2, PSL, NotFound, "certificate_not_found"),                 # another TEO's certificate
    (TEO, {**PSL, "certificate_id": "nope"}, NotFound, "certificate_not_found"),
    (TEO, {**PSL, "plan_id": "nope"}, NotFound, "plan_not_found"),
    (TEO, {**PSL, "plan_id": "p0908"}, NotFound, "plan_not_found"),       # a plan of another certificate
    (TEO, {**PSL, "exam_year": 2022}, InvalidInput, "plan_year_mismatch"),
    (TEO, {**PSL, "level": "初级"}, InvalidInput, "plan_level_mismatch"),
    (TEO, {**PSL, "levels": ["中级", "高级"]}, InvalidInput, "plan_level_mismatch"),
    (TEO, {**PSL, "college_id": demo.BJTU}, InvalidInput, "plan_site_mismatch"),
    (COLLEGE, PSL, Forbidden, "role_forbidden"),
])
@pytest.mark.parametrize("use_case", [generation.preview, generation.generate,
                                      lambda who, body: generation.lists(who, body, "issuable")])
def test_a_scope_that_does_not_hold_together_is_refused_and_nothing_is_made(world, use_case, who, body, error, code):
    before = records.counts(TEO, RecordFilter())
    with pytest.raises(error) as refused:
        use_case(who, body)
    assert refused.value.code == code
    assert records.counts(TEO, RecordFilter()) == before
    assert not [k for k in world.fakes.files.objects if k.startswith("lists/")]
