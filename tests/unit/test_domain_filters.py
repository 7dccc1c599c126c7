"""The record list's filters and pages as the query string or a JSON ``filter`` gives them: what each
value becomes, which records and tab counters it matches, and every refusal naming its field."""
import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.filters import ALL, RecordFilter, parse_filter, parse_page

NO = "1" * 26
REC = {"status": "ISSUED", "exam_year": 2021, "candidate_no": NO, "candidate_name": "林𠇔平",
       "certificate_id": "xxhyy", "level": "中级", "site_id": "bjtu", "college_id": "ncut", "plan_id": "p2109"}
BUCKET = {"exam_year": "2021", "certificate_id": "xxhyy", "level": "中级", "site_id": "bjtu", "plan_id": "p2109"}


def test_values_are_parsed_and_empty_ones_mean_any():
    assert parse_filter(None) == parse_filter({}) == RecordFilter()
    assert parse_filter({"status": " ISSUED ", "exam_year": "2021", "candidate_no": NO, "candidate_name": " 林 ",
                         "certificate_id": "xxhyy", "level": "中级", "college_id": "bjtu", "plan_id": "p2109",
                         "revoked": "True"}) == RecordFilter(
        status="ISSUED", exam_year=2021, candidate_no=NO, candidate_name="林", certificate_id="xxhyy", level="中级",
        college_id="bjtu", plan_id="p2109", revoked=True)
    assert parse_filter({"status": "", "exam_year": None, "revoked": "false"}) == RecordFilter(revoked=False)
    assert parse_filter({"status": "ALL"}).status == ALL


@pytest.mark.parametrize("raw, field, message", [
    ({"status": "NOPE"}, "status", "颁证状态应为 ALL 或 TEO_PENDING、TEO_REJECTED、SITE_PENDING、SITE_REJECTED、"
                                   "READY、GENERATING、STAMP_FAILED、ISSUED"),
    ({"exam_year": "abc"}, "exam_year", "考试年度应为四位年份，如2021"),
    ({"exam_year": "1999"}, "exam_year", "考试年度应为2000至2100之间的年份"),
    ({"candidate_no": "1101"}, "candidate_no", "考生编号应为26位数字"),          # not 考生编号考生编号…
    ({"candidate_name": "名" * 51}, "candidate_name", "考生姓名不能超过50个字符"),
    ({"candidate_name": "a\u200bb"}, "candidate_name", "考生姓名不能包含控制字符"),
    ({"level": "特级"}, "level", "等级应为初级、中级、高级之一"),
    ({"plan_id": "有 空格"}, "plan_id", "考试计划只能由字母、数字、下划线、点和连字符组成，且不超过64个字符"),
    ({"revoked": "maybe"}, "revoked", "撤销状态应为 true 或 false"),
])
def test_a_bad_value_is_refused_naming_its_field(raw, field, message):
    with pytest.raises(InvalidInput) as refused:
        parse_filter(raw)
    assert (refused.value.code, refused.value.details, refused.value.message) == ("invalid_filter", {"field": field},
                                                                                  message)


@pytest.mark.parametrize("raw, message", [
    (["status"], "filter 应为对象"),
    ({"status": "ALL", "teo_id": "zwl", "page": 1}, "不支持的筛选条件：page、teo_id"),
])
def test_a_filter_that_is_not_an_object_of_known_keys_is_refused(raw, message):
    with pytest.raises(InvalidInput) as refused:
        parse_filter(raw)
    assert (refused.value.code, refused.value.message) == ("invalid_filter", message)


@pytest.mark.parametrize("flt, matches", [
    (RecordFilter(), True), (RecordFilter(status="ISSUED"), True), (RecordFilter(status="READY"), False),
    (RecordFilter(exam_year=2021), True), (RecordFilter(exam_year=2022), False),
    (RecordFilter(candidate_no=NO), True), (RecordFilter(candidate_no="2" * 26), False),
    (RecordFilter(candidate_name="𠇔"), True), (RecordFilter(candidate_name="王"), False),
    (RecordFilter(certificate_id="jkgl"), False), (RecordFilter(level="初级"), False),
    (RecordFilter(college_id="bjtu"), True),      # the assessment site, not the candidate's own college
    (RecordFilter(college_id="ncut"), False), (RecordFilter(plan_id="p0907"), False),
])
def test_a_record_matches_every_condition_given(flt, matches):
    assert flt.matches(REC) is matches


def test_the_status_may_be_left_out_of_matching():
    assert RecordFilter(status="READY").matches(REC, with_status=False)
    assert not RecordFilter(candidate_name="王").matches({**REC, "candidate_name": None})


@pytest.mark.parametrize("flt, matches", [
    (RecordFilter(), True), (RecordFilter(status="READY"), True),       # a counter holds every status
    (RecordFilter(exam_year=2021, certificate_id="xxhyy", level="中级", college_id="bjtu", plan_id="p2109"), True),
    (RecordFilter(exam_year=2022), False), (RecordFilter(certificate_id="jkgl"), False),
    (RecordFilter(level="高级"), False), (RecordFilter(college_id="ncut"), False),
    (RecordFilter(plan_id="p0907"), False),
])
def test_a_tab_counter_matches_by_its_bucket(flt, matches):
    assert flt.matches_bucket(BUCKET) is matches


@pytest.mark.parametrize("flt, finer", [
    (RecordFilter(status="ISSUED", exam_year=2021, certificate_id="c", level="中级", college_id="s", plan_id="p"),
     False),
    (RecordFilter(candidate_no=NO), True), (RecordFilter(candidate_name="林"), True),
    (RecordFilter(revoked=False), True), (RecordFilter(revoked=True), True),
])
def test_a_filter_is_finer_than_the_counters_when_they_cannot_answer_it(flt, finer):
    assert flt.finer is finer


@pytest.mark.parametrize("raw, page", [({}, (1, 10)), ({"page": "3", "page_size": "50"}, (3, 50)),
                                       ({"page": 100000, "page_size": 100}, (100000, 100)),
                                       ({"page": None, "page_size": ""}, (1, 10))])
def test_a_page_and_its_size(raw, page):
    assert parse_page(raw) == page


@pytest.mark.parametrize("raw, message", [
    ({"page": "x"}, "page 和 page_size 应为整数"), ({"page_size": [10]}, "page 和 page_size 应为整数"),
    ({"page": "-1"}, "page 应为不小于1的整数"), ({"page": 100001}, "page 应为不小于1的整数"),
    ({"page_size": 15}, "page_size 应为 10/20/50/100 之一"),
])
def test_a_bad_page_is_refused(raw, message):
    with pytest.raises(InvalidInput) as refused:
        parse_page(raw)
    assert (refused.value.code, refused.value.message) == ("invalid_page", message)
