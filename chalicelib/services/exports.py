"""Export (批量导出发证记录, F8): the current tab under the current filters as an xlsx, every column the
list shows. ID numbers are masked for every role (no exporting role needs them in full)."""
from .. import ports
from ..domain import idcard
from ..domain.access import Principal
from ..domain.errors import InvalidInput
from ..domain.filters import RecordFilter
from ..domain.workflow import LABELS, METHODS, Status
from . import records, xlsx

MAX_ROWS = 20000
COLUMNS = [
    ("考生编号", lambda r: r["candidate_no"]),
    ("考生姓名", lambda r: r["candidate_name"]),
    ("身份证号", lambda r: idcard.mask(r["id_number"])),
    ("学生类型", lambda r: r["student_type"]),
    ("所属院校", lambda r: r["college_name"]),
    ("证书名称", lambda r: r["certificate_name"]),
    ("证书等级", lambda r: r["level"]),
    ("颁证机构", lambda r: r["teo_name"]),
    ("证书编号", lambda r: r.get("cert_no") or ""),
    ("发证时间", lambda r: r.get("award_date") or ""),
    ("发证方式", lambda r: METHODS.get(r.get("method"), "")),
    ("考试计划", lambda r: r["plan_name"]),
    ("考核站点", lambda r: r["site_name"]),
    ("考核状态", lambda r: "已通过"),
    ("颁证状态", lambda r: LABELS[Status(r["status"])] + ("（已撤销）" if r.get("revoked") else "")),
    ("原因", lambda r: r.get("revoked_reason") or r.get("reason") or ""),
]


def export(principal: Principal, flt: RecordFilter) -> dict:
    listed = records.matching(principal, flt)
    if len(listed) > MAX_ROWS:
        raise InvalidInput(f"一次最多导出{MAX_ROWS}条记录，请缩小筛选范围", code="too_many_records")
    full = {r["id"]: r for r in ports.records.get_many(r["id"] for r in listed)}
    rows = [full[r["id"]] for r in listed if r["id"] in full]
    name = "发证记录.xlsx"
    return xlsx.publish(xlsx.temporary_key("exports/", principal.org_id, name), name, COLUMNS, rows, "发证记录",
                        numbered=True)
