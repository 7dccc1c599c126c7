"""Master data: the scoped lists behind the filters and dialogs, profiles, and the admin's imports."""
from chalice import Blueprint

from ..domain import masterdata as md
from ..domain.access import Role, roles_of
from ..domain.errors import InvalidInput
from ..services import masterdata as service
from . import schemas
from .endpoint import endpoint

bp = Blueprint(__name__)


@endpoint(bp, "/orgs", summary="Training evaluation organisations in the caller's scope", tag="master data")
def list_orgs(principal):
    return {"items": service.list_kind(principal, "orgs")}


@endpoint(bp, "/colleges", summary="Pilot colleges (assessment sites) in the caller's scope", tag="master data")
def list_colleges(principal):
    return {"items": service.list_kind(principal, "colleges")}


def _exports(kind: str, title: str) -> None:
    @endpoint(bp, f"/{kind}/export", "POST", summary=f"{title}: the list as an xlsx (a presigned link)",
              tag="master data", body=schemas.obj({}), name=f"export_{kind}")
    def export(principal, body):
        return service.export_profiles(principal, kind)


_exports("orgs", "导出机构信息")
_exports("colleges", "批量导出院校信息")


@endpoint(bp, "/certificates", summary="Certificate types in the caller's scope", tag="master data")
def list_certificates(principal):
    return {"items": service.list_kind(principal, "certificates")}


@endpoint(bp, "/plans", summary="Exam plans in the caller's scope", tag="master data",
          query={"exam_year": {"type": "integer"}, "certificate_id": schemas.CODE})
def list_plans(principal, query):
    year = query.get("exam_year")
    if year is not None:
        try:
            year = md.exam_year(year)
        except ValueError as exc:
            raise InvalidInput(f"exam_year：{exc}", code="invalid_input") from None
    return {"items": service.list_kind(principal, "plans", exam_year=year,
                                       certificate_id=query.get("certificate_id") or None)}


_PROFILE = schemas.obj({"name": {"type": "string", "minLength": 1, "maxLength": 100}, **schemas.CONTACT})


def _profile_routes(kind: str, label: str) -> None:
    @endpoint(bp, f"/{kind}/{{org_id}}", summary=f"One {label}: profile and contact", tag="master data",
              name=f"get_{kind}_profile")
    def get_profile(org_id, principal):
        row = service.with_links(service.get_profile(principal, kind, org_id))
        return {**row, "status_events": service.college_status_events(org_id)} if kind == "colleges" else row

    @endpoint(bp, f"/{kind}/{{org_id}}", "PUT", summary=f"Update a {label}'s contact (admin: also its name)",
              tag="master data", body=_PROFILE, name=f"update_{kind}_profile")
    def update_profile(org_id, principal, body):
        return service.with_links(service.update_profile(principal, kind, org_id, body))


_profile_routes("orgs", "training evaluation organisation")
_profile_routes("colleges", "pilot college")


@endpoint(bp, "/admin/colleges/{college_id}/status", "PUT", summary="启用 or 停用 a pilot college (audited)",
          tag="admin", roles=(Role.ADMIN,), body=schemas.obj({"status": {"enum": list(service.COLLEGE_STATUS)}},
                                                          ["status"]))
def set_college_status(college_id, principal, body):
    return service.set_college_status(principal, college_id, body["status"])


@endpoint(bp, "/colleges/{org_id}/candidates", summary="Candidates of a college (ID numbers masked)",
          tag="master data", roles=roles_of(service.list_candidates))
def list_candidates(org_id, principal):
    return {"items": service.list_candidates(principal, org_id)}


_KIND = {"enum": list(md.KINDS)}
_IMPORT = schemas.obj({"file_base64": {"type": "string", "minLength": 1},
                       "mode": {"enum": list(service.IMPORT_MODES)}}, ["file_base64"])


@endpoint(bp, "/admin/import/{kind}", "POST", summary="Import an xlsx of orgs, colleges, certificates, plans, "
          "candidates or results", tag="admin", roles=(Role.ADMIN,), body=_IMPORT, max_body=8 * 1024 * 1024)
def import_master_data(kind, principal, body):
    return service.import_file(kind, body["file_base64"], body.get("mode", "all_or_nothing"))


@endpoint(bp, "/admin/master/{kind}", "POST", summary="Create or update one master-data row", tag="admin",
          roles=(Role.ADMIN,), body={"type": "object"}, status=200)
def upsert_master_data(kind, principal, body):
    return service.upsert(kind, body)


@endpoint(bp, "/admin/import/{kind}/template", summary="The column titles an import file of this kind needs",
          tag="admin", roles=(Role.ADMIN,))
def import_template(kind, principal):
    return {"kind": kind, "columns": [{"key": f.key, "title": f.title, "required": f.required}
                                      for f in service.kind_fields(kind)]}


@endpoint(bp, "/admin/import/{kind}/template-file", "POST", summary="An empty import file of this kind (xlsx "
          "with the column titles), as a presigned link", tag="admin", roles=(Role.ADMIN,), body=schemas.obj({}))
def import_template_file(kind, principal, body):
    return service.template_file(kind)
