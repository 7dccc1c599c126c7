import pytest

from chalicelib.domain import masterdata as md
from chalicelib.domain.errors import InvalidInput


def test_row_by_column_titles_is_parsed_and_normalised():
    row = md.parse_row("certificates", {"证书代码": "xxhyy", "证书名称": " 信息化应用职业技能等级证书 ",
                                        "颁证机构代码": "zwl", "证书等级": "高级，初级", "需要照片": "是"})
    assert row == {"id": "xxhyy", "name": "信息化应用职业技能等级证书", "org_id": "zwl",
                   "levels": ["初级", "高级"], "requires_photo": True, "template": "default"}


def test_every_problem_of_a_row_is_reported_at_once():
    with pytest.raises(InvalidInput) as exc:
        md.parse_row("candidates", {"考生编号": "123", "身份证号": "110105194912310021", "学生类型": "学生"})
    message = exc.value.message
    assert "考生编号：考生编号应为26位数字" in message
    assert "身份证号：校验位错误" in message
    assert "学生类型：应为社会考生或院校考生" in message
    assert "所属院校代码不能为空" in message


@pytest.mark.parametrize("kind, field, value, fragment", [
    ("orgs", "contact_phone", "1234567", "手机号"),
    ("orgs", "contact_email", "a@b", "邮箱"),
    ("plans", "exam_year", "二〇二一", "年份"),
    ("results", "passed", "maybe", "已通过"),
    ("results", "score", "101", "0至100"),
    ("orgs", "id", "有空格 的代码", "字母"),
])
def test_bad_values_are_refused_with_the_field_named(kind, field, value, fragment):
    base = {"orgs": {"id": "o1", "name": "机构"},
            "plans": {"id": "p", "name": "n", "certificate_id": "c", "levels": "初级", "site_ids": "s"},
            "results": {"candidate_no": "1" * 26, "plan_id": "p", "level": "初级", "site_id": "s", "passed": "已通过"}}
    with pytest.raises(InvalidInput) as exc:
        md.parse_row(kind, {**base[kind], field: value})
    assert fragment in exc.value.message


def test_incomplete_personal_information_is_named():
    assert md.personal_info_problems({"name": "", "id_number": "", "has_photo": False}, requires_photo=True) == [
        "考生姓名缺失", "身份证号缺失", "缺少考生照片"]
    assert md.personal_info_problems({"name": "王堃", "id_number": "11010519491231002X"}, requires_photo=False) == []
