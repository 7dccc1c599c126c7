"""Export (批量导出发证记录, F8): the current tab under the current filters as an xlsx, every column the
list shows. ID numbers are masked for every role (no exporting role needs them in full); cells are
written through ``sheets``, which neutralises anything a spreadsheet would run as a formula."""
import uuid

from .. import files, lazy
from ..domain import idcard
from ..domain.access import Principal
from ..domain.errors import InvalidInput
from ..domain.filters import RecordFilter
from ..domain.workflow import LABELS, METHODS, Status
from ..store import records as store
from . import records

sheets = lazy.module("chalicelib.sheets")     # openpyxl: only the xlsx paths load it

MAX_ROWS = 20000
TITLES = ["序号", "考生编号", "考生姓名", "身份证号", "学生类型", "所属院校", "证书名称", "证书等级", "颁证机构",
          "证书编号", "发证时间", "发证方式", "考试计划", "考核站点", "考核状态", "颁证状态", "原因"]


def export(principal: Principal, flt: RecordFilter) -> dict:
    listed = records.matching(principal, flt)
    if len(listed) > MAX_ROWS:
        raise InvalidInput(f"一次最多导出{MAX_ROWS}条记录，请缩小筛选范围", code="too_many_records")
    full = {r["id"]: r for r in store.get_many(r["id"] for r in listed)}
    rows = []
    for n, rec in enumerate((full[r["id"]] for r in listed if r["id"] in full), start=1):
        rows.append([n, rec["candidate_no"], rec["candidate_name"], idcard.mask(rec["id_number"]),
                     rec["student_type"], rec["college_name"], rec["certificate_name"], rec["level"],
                     rec["teo_name"], rec.get("cert_no") or "", rec.get("award_date") or "",
                     METHODS.get(rec.get("method"), ""), rec["plan_name"], rec["site_name"], "已通过",
                     LABELS[Status(rec["status"])] + ("（已撤销）" if rec.get("revoked") else ""),
                     rec.get("revoked_reason") or rec.get("reason") or ""])
    name = "发证记录.xlsx"
    key = f"exports/{principal.org_id}/{uuid.uuid4().hex}/{name}"
    files.put(key, sheets.write(TITLES, rows, "发证记录"), sheets.CONTENT_TYPE)
    return {"url": files.link(key, filename=name), "count": len(rows), "filename": name}
