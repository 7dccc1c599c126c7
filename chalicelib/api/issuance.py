"""Issue and re-issue (发放 / 重新发放), certificate downloads, the candidate's space, public verification."""
from chalice import Blueprint

from .. import lazy
from ..domain.access import ORG_ROLES, roles_of
from ..domain.filters import parse_filter
from ..domain.workflow import METHODS
from . import schemas
from .endpoint import client_ip, endpoint
from .signing import BATCH_TARGET

certificates = lazy.module("chalicelib.services.certificates")
downloads = lazy.module("chalicelib.services.downloads")
exports = lazy.module("chalicelib.services.exports")
issuance = lazy.module("chalicelib.services.issuance")
bp = Blueprint(__name__)

_ISSUE = {**schemas.obj({**BATCH_TARGET, "method": {"enum": list(METHODS)}}, ["method"]),
          "oneOf": [{"required": ["record_ids"]}, {"required": ["filter"]}]}
_TARGET = {**schemas.obj(BATCH_TARGET), "oneOf": [{"required": ["record_ids"]}, {"required": ["filter"]}]}


@endpoint(bp, "/records/issue", "POST", summary="Issue READY records as electronic or paper certificates",
          tag="issuance", roles=lambda: roles_of(issuance.issue), body=_ISSUE, status=202)
def issue(principal, body):
    return issuance.issue(principal, body.get("record_ids"), body.get("filter"), body["method"])


@endpoint(bp, "/records/issue/check", "POST", summary="What issuing these records would lack (e-seal, stamps)",
          tag="issuance", roles=lambda: roles_of(issuance.check), body=_ISSUE)
def issue_check(principal, body):
    return issuance.check(principal, body.get("record_ids"), body.get("filter"), body["method"])


@endpoint(bp, "/records/reissue", "POST", summary="Send ISSUED or STAMP_FAILED records back to READY",
          tag="issuance", roles=lambda: roles_of(issuance.reissue), body=_TARGET)
def reissue(principal, body):
    return issuance.reissue(principal, body.get("record_ids"), body.get("filter"))


@endpoint(bp, "/records/{record_id}/certificate", summary="A short-lived download link of the current PDF",
          tag="issuance")
def certificate_link(record_id, principal):
    return certificates.download(principal, record_id)


_DOWNLOAD = {**schemas.obj({**BATCH_TARGET, "include_revoked": {"type": "boolean"}}),
             "oneOf": [{"required": ["record_ids"]}, {"required": ["filter"]}]}


@endpoint(bp, "/downloads", "POST", summary="Start a ZIP of many certificates with an xlsx manifest (revoked "
          "ones only with include_revoked); the same set again within minutes answers the same job",
          tag="issuance", roles=lambda: roles_of(downloads.start), body=_DOWNLOAD, status=202)
def start_download(principal, body):
    return downloads.start(principal, body.get("record_ids"), body.get("filter"), body.get("include_revoked", False))


@endpoint(bp, "/downloads/{job_id}", summary="A batch download's progress, then its link", tag="issuance",
          roles=lambda: roles_of(downloads.view))
def download_status(job_id, principal):
    return downloads.view(principal, job_id)


@endpoint(bp, "/exports", "POST", summary="The tab under its filters as an xlsx (ID numbers masked)",
          tag="issuance", roles=tuple(ORG_ROLES), body=schemas.obj({"filter": BATCH_TARGET["filter"]}))
def export_records(principal, body):
    return exports.export(principal, parse_filter(body.get("filter")))


@endpoint(bp, "/my/certificates", summary="The candidate's own certificates (学生个人空间)", tag="issuance",
          roles=lambda: roles_of(certificates.mine))
def my_certificates(principal):
    return {"items": certificates.mine(principal)}


@endpoint(bp, "/verify", summary="Verify a certificate by number and ID number", tag="verification",
          public=True, query={"cert_no": {"type": "string"}, "id_no": {"type": "string"}})
def verify(query):
    return certificates.verify_by_id(query.get("cert_no", ""), query.get("id_no", ""), client_ip(bp.current_request))


@endpoint(bp, "/verify/{cert_no}", summary="Verify a certificate from the link in its QR code",
          tag="verification", public=True, query={"code": {"type": "string"}, "v": {"type": "string"}})
def verify_by_code(cert_no, query):
    return certificates.verify_by_code(cert_no, query.get("code", ""), client_ip(bp.current_request), query.get("v"))
