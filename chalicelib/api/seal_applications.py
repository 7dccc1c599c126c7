"""E-seal applications and decisions, revocation, verification by upload, and the platform CA."""
from chalice import Blueprint, Response

from .. import lazy
from ..domain.access import roles_of
from . import schemas
from .endpoint import client_ip, endpoint

certificates = lazy.module("chalicelib.services.certificates")
service = lazy.module("chalicelib.services.seal_applications")
pki = lazy.module("chalicelib.pki")
bp = Blueprint(__name__)

_APPLY = schemas.obj({"legal_representative": {"type": "string", "minLength": 1, "maxLength": 50},
                      "contact_name": {"type": "string", "minLength": 1, "maxLength": 50},
                      "contact_phone": {"type": "string", "minLength": 1, "maxLength": 20},
                      "seal_text": {"type": "string", "maxLength": 40}},
                     ["legal_representative", "contact_name", "contact_phone"])
_DECIDE = schemas.obj({"decision": {"enum": ["approve", "reject"]}, "reason": {"type": "string", "maxLength": 500},
                       "seal_image_base64": {"type": "string", "maxLength": 1_500_000}}, ["decision"])


@endpoint(bp, "/orgs/{org_id}/seal-application", "POST", summary="Apply for the TEO's e-seal (申请电子公章)",
          tag="e-seal", roles=lambda: roles_of(service.apply), body=_APPLY, status=201)
def apply_for_seal(org_id, principal, body):
    return service.apply(principal, org_id, body)


@endpoint(bp, "/orgs/{org_id}/seal-application", summary="The TEO's latest application and its seal's status",
          tag="e-seal", roles=lambda: roles_of(service.current))
def seal_application(org_id, principal):
    return service.current(principal, org_id)


@endpoint(bp, "/admin/seal-applications", summary="E-seal applications, newest first", tag="admin",
          roles=lambda: roles_of(service.pending))
def seal_applications(principal):
    return {"items": service.pending(principal)}


@endpoint(bp, "/admin/seal-applications/{app_id}/decision", "POST", summary="Approve or reject an application",
          tag="admin", roles=lambda: roles_of(service.decide), body=_DECIDE, max_body=2 * 1024 * 1024)
def decide_seal_application(app_id, principal, body):
    return service.decide(principal, app_id, body["decision"], body.get("reason"),
                                    body.get("seal_image_base64"))


@endpoint(bp, "/admin/orgs/{org_id}/seal/revoke", "POST", summary="Withdraw a TEO's e-seal", tag="admin",
          roles=lambda: roles_of(service.revoke_seal),
          body=schemas.obj({"reason": {"type": "string", "minLength": 1, "maxLength": 500}}, ["reason"]))
def revoke_seal(org_id, principal, body):
    return service.revoke_seal(principal, org_id, body["reason"])


@endpoint(bp, "/records/{record_id}/revoke", "POST", summary="Revoke an issued certificate", tag="issuance",
          roles=lambda: roles_of(certificates.revoke),
          body=schemas.obj({"reason": {"type": "string", "minLength": 1, "maxLength": 500}}, ["reason"]))
def revoke(record_id, principal, body):
    return certificates.revoke(principal, record_id, body["reason"])


@endpoint(bp, "/verify/pdf", "POST", summary="Verify a certificate PDF by upload", tag="verification",
          public=True, body=schemas.obj({"pdf_base64": {"type": "string", "minLength": 1}}, ["pdf_base64"]),
          max_body=6 * 1024 * 1024)
def verify_pdf(body):
    return certificates.verify_pdf(body["pdf_base64"], client_ip(bp.current_request))


@endpoint(bp, "/ca.pem", summary="The platform CA certificate (PEM), to validate seals offline",
          tag="verification", public=True, media="application/x-pem-file")
def ca_pem():
    return Response(body=pki.ca_pem(), status_code=200,
                    headers={"Content-Type": "application/x-pem-file",
                             "Content-Disposition": "attachment; filename=skillcert-ca.pem"})


@endpoint(bp, "/ca.crl", summary="The platform CA's certificate revocation list (DER): withdrawn e-seals",
          tag="verification", public=True, media="application/pkix-crl")
def ca_crl():
    return Response(body=pki.crl_der(), status_code=200,
                    headers={"Content-Type": "application/pkix-crl", "Cache-Control": "max-age=300",
                             "Content-Disposition": "attachment; filename=skillcert-ca.crl"})
