"""Master-data values (F10) beyond tests/unit/test_masterdata_rows.py: each parser's accepted forms and
refusals, and the row-level refusals of a kind or a row that is not one."""
import pytest

from chalicelib.domain import masterdata as md
from chalicelib.domain.errors import InvalidInput


@pytest.mark.parametrize("parse, value, expected", [
    (md.name, None, ""), (md.name, 2021.0, "2021"), (md.name, "  王伟 ", "王伟"),
    (md.levels, ["高级", "初级", "初级"], ["初级", "高级"]), (md.levels, "中级；初级", ["初级", "中级"]),
    (md.codes, "bjtu, ncut，bjtu", ["bjtu", "ncut"]),
    (md.flag, True, True), (md.flag, "Yes", True), (md.flag, "无", False), (md.flag, "", False),
    (md.exam_year, 2021.0, 2021), (md.exam_year, " 2100 ", 2100),
    (md.exam_outcome, "不合格", False), (md.exam_outcome, "合格", True), (md.exam_outcome, False, False),
    (md.score, "", None), (md.score, 0, 0.0), (md.score, "99.5", 99.5),
    (md.mobile, "", ""), (md.email, "a.b@example.cn", "a.b@example.cn"),
])
def test_accepted_values_are_normalised(parse, value, expected):
    assert parse(value) == expected


@pytest.mark.parametrize("parse, value, message", [
    (md.name, "王\u0000伟", "不能包含控制字符"), (md.name, "名" * 101, "不能超过100个字符"),
    (md.level, "特级", "应为初级、中级、高级之一"),
    (md.levels, " ，、", "至少填写一个等级（初级、中级、高级）"), (md.codes, [], "至少填写一个代码"),
    (md.flag, "也许", "应为“是”或“否”"),
    (md.exam_year, True, "应为四位年份，如2021"), (md.exam_year, "1999", "应为2000至2100之间的年份"),
    (md.exam_outcome, "缺考", "应为“已通过”或“未通过”"),
    (md.score, "六十", "应为0至100之间的数字"), (md.score, "-1", "应为0至100之间的数字"),
    (md.student_type, "学生", "应为社会考生或院校考生"),
])
def test_refused_values_say_what_is_expected(parse, value, message):
    with pytest.raises(ValueError) as refused:
        parse(value)
    assert str(refused.value) == message


@pytest.mark.parametrize("kind, raw, code", [("teachers", {}, "unknown_kind"), ("orgs", ["o1", "机构"], "invalid_row")])
def test_an_unknown_kind_or_a_row_that_is_not_an_object_is_refused(kind, raw, code):
    with pytest.raises(InvalidInput) as refused:
        md.parse_row(kind, raw)
    assert refused.value.code == code


def test_a_single_problem_names_its_field_and_optional_fields_take_their_default():
    with pytest.raises(InvalidInput) as refused:
        md.parse_row("results", {"candidate_no": "1" * 26, "plan_id": "p", "level": "初级", "site_id": "s",
                                 "passed": "缺考"})
    assert refused.value.details == {"field": "passed"}
    row = md.parse_row("results", {"考生编号": "1" * 26, "考试计划代码": "p", "证书等级": "初级", "考核站点代码": "s",
                                   "考核状态": "未通过", "成绩": "  "})
    assert (row["passed"], row["score"]) == (False, None)


def test_the_titles_of_a_kind_and_the_required_ones():
    assert md.titles("results") == ["考生编号", "考试计划代码", "证书等级", "考核站点代码", "考核状态", "成绩"]
    assert md.required_titles("results") == md.titles("results")[:-1]
    assert md.required_titles("candidates") == ["考生编号", "学生类型", "所属院校代码"]
