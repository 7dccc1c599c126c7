"""The PKI: every signing key lives in KMS (nothing private in the table or Secrets Manager), the CA signs
through KMS, and revoking an e-seal reaches the CRL, verification by upload and the next approval."""
import json

import boto3
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from chalicelib import config
from tests.documents import blank_pdf

from .signoff import fresh_plan, ready, wait_for
from .test_eseal_api import b64, ca, issued, reapprove, validate
from .test_issuance_api import fetch_pdf, issue

# What a private key looks like in PEM, or base64 DER (PKCS#8 and SEC1 P-256 keys).
PRIVATE_MARKS = ("PRIVATE KEY", "MIGHAgEAMBMGByqGSM49", "MHcCAQEE")


def _crl(api) -> x509.CertificateRevocationList:
    r = api.get("/ca.crl")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(r.content)
    root = x509.load_pem_x509_certificate(api.get("/ca.pem").content)
    assert crl.is_signature_valid(root.public_key()) and crl.issuer == root.subject
    return crl


def _seal_cert(serial: str) -> x509.Certificate:
    from chalicelib import pki
    return x509.load_pem_x509_certificate(pki.seal(serial)["cert_pem"].encode())


def _kms_public_key(key: str) -> bytes:
    return boto3.client("kms").get_public_key(KeyId=key)["PublicKey"]


def _spki(cert: x509.Certificate) -> bytes:
    return cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def test_no_private_key_exists_outside_kms(api):
    issued(api)            # the CA and 中物联物流's seal are in use
    table = boto3.client("dynamodb").get_paginator("scan").paginate(TableName=config.table_name())
    items = [json.dumps(item, ensure_ascii=False) for page in table for item in page["Items"]]
    assert items and not [i for i in items if any(mark in i for mark in PRIVATE_MARKS)]
    sm = boto3.client("secretsmanager")
    for secret in sm.list_secrets()["SecretList"]:
        value = sm.get_secret_value(SecretId=secret["ARN"]).get("SecretString", "")
        assert not any(mark in value for mark in PRIVATE_MARKS), secret["Name"]
    # The CA certificate and the seal's are over KMS keys, which sign inside KMS.
    root = x509.load_pem_x509_certificate(api.get("/ca.pem").content)
    assert _spki(root) == _kms_public_key(f"alias/{config.key_prefix()}/ca")
    from chalicelib import pki
    from chalicelib.store import masterdata
    seal = pki.seal(masterdata.get("orgs", id="zwl")["seal_serial"])
    assert _spki(_seal_cert(seal["serial"])) == _kms_public_key(seal["key_id"])
    spec = boto3.client("kms").describe_key(KeyId=seal["key_id"])["KeyMetadata"]
    assert spec["KeySpec"] == "ECC_NIST_P256" and spec["KeyUsage"] == "SIGN_VERIFY"


def test_a_revoked_seal_reaches_the_crl_and_verification_and_reapproval_makes_a_new_key(api):
    from chalicelib import pades_seal, pki
    from chalicelib.store import masterdata
    rid = issued(api)
    _, before = fetch_pdf(api, rid)
    old = masterdata.get("orgs", id="zwl")["seal_serial"]
    points = _seal_cert(old).extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert points[0].full_name[0].value == f"{config.public_base_url()}/api/ca.crl"
    first = _crl(api)
    assert first.get_revoked_certificate_by_serial_number(int(old, 16)) is None

    r = api.post("/admin/orgs/zwl/seal/revoke", as_="admin", json={"reason": "签名密钥疑似泄露"})
    assert r.status_code == 200 and r.json()["reason"] == "签名密钥疑似泄露"
    shown = api.get("/orgs/zwl/seal-application", as_="teo").json()
    assert shown["seal_status"] == "revoked" and shown["seal_revoked_reason"] == "签名密钥疑似泄露"
    after = _crl(api)
    assert after.get_revoked_certificate_by_serial_number(int(old, 16)) is not None
    number = after.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    assert number > first.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number

    # A certificate sealed before the revocation still verifies; a file sealed afterwards with the old key
    # (moto, unlike KMS, still signs with a disabled key: it stands for a key that leaked) does not.
    assert validate(before, ca(api)).bottom_line
    assert api.post("/verify/pdf", json={"pdf_base64": b64(before)}).json()["result"] == "genuine"
    forged = pades_seal.sign(blank_pdf(), old)
    out = api.post("/verify/pdf", json={"pdf_base64": b64(forged)}).json()
    assert out["result"] == "revoked_seal" and out["signature"]["trusted"] and "吊销" in out["result_label"]

    # Approval again: a new KMS key and certificate; new certificates are sealed with them.
    reapprove(api)
    new = masterdata.get("orgs", id="zwl")["seal_serial"]
    assert new != old and pki.seal(new)["key_id"] != pki.seal(old)["key_id"]
    assert api.get("/orgs/zwl/seal-application", as_="teo").json()["seal_revoked_reason"] is None
    plan = fresh_plan(api, per_site=1, sites=("bjtu",))
    (rid2,) = ready(api, plan)
    issue(api, [rid2])
    assert wait_for(api, [rid2], {"ISSUED", "STAMP_FAILED"}) == {rid2: "ISSUED"}
    _, pdf = fetch_pdf(api, rid2)
    status = validate(pdf, ca(api))
    assert status.bottom_line and format(status.signing_cert.serial_number, "x") == new
    assert validate(before, ca(api)).bottom_line

