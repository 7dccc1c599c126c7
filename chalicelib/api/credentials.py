"""Verifiable credentials: the credential of a certificate, its public download by the QR code's link,
verifying one, and the revocation status lists."""
from chalice import Blueprint, Response

from .. import lazy
from . import schemas
from .endpoint import client_ip, endpoint

credentials = lazy.module("chalicelib.services.credentials")
bp = Blueprint(__name__)


@endpoint(bp, "/records/{record_id}/credential", summary="The certificate's verifiable credential (vc+jwt)",
          tag="issuance")
def record_credential(record_id, principal):
    return credentials.for_record(principal, record_id)


@endpoint(bp, "/verify/{cert_no}/credential", summary="The verifiable credential, by the QR code's link",
          tag="verification", public=True, query={"code": {"type": "string"}})
def credential_by_code(cert_no, query):
    return credentials.for_code(cert_no, query.get("code", ""), client_ip(bp.current_request))


@endpoint(bp, "/verify/credential", "POST", summary="Verify a verifiable credential (vc+jwt)",
          tag="verification", public=True,
          body=schemas.obj({"jwt": {"type": "string", "minLength": 1, "maxLength": 65536}}, ["jwt"]))
def verify_credential(body):
    return credentials.verify(body["jwt"], client_ip(bp.current_request))


@endpoint(bp, "/status/{list_id}", summary="A credential revocation status list (BitstringStatusListCredential, "
          "vc+jwt)", tag="verification", public=True, media=lambda: credentials.MEDIA_TYPE)
def status_list(list_id):
    return Response(body=credentials.status_list(list_id), status_code=200,
                    headers={"Content-Type": credentials.MEDIA_TYPE, "Cache-Control": "max-age=60"})
