"""Whose records a caller sees: a TEO's staff their TEO's, a college's staff their site's. Every use case
that reads one record by id goes through ``load``, so another tenant's record is simply not found (404)."""
from .. import ports
from ..domain.access import Principal
from ..domain.errors import Forbidden, NotFound
from ..domain.workflow import side_of


def scope_of(principal: Principal) -> tuple[str, str]:
    """(``teo`` or ``site``, the org id): whose records the caller sees."""
    side = side_of(principal.role)
    if side is None:
        raise Forbidden("当前账号的角色无权查看发证记录", code="role_forbidden")
    return side, principal.org_id


def in_scope(principal: Principal, rec: dict) -> bool:
    side, org = scope_of(principal)
    return rec["teo_id" if side == "teo" else "site_id"] == org


def load(principal: Principal, rec_id: str) -> dict:
    rec = ports.records.get(rec_id)
    if not rec or not in_scope(principal, rec):
        raise NotFound("发证记录不存在", code="record_not_found")
    return rec
