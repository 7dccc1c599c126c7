"""Checking a credential never fails on what a stranger sends: anything not a JWS of ours is refused as
malformed, a JWS signed by a key outside the platform's PKI is not trusted."""
import base64
import datetime as dt
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.x509.oid import NameOID

from chalicelib import jws
from chalicelib.domain.encoding import b64url
from chalicelib.ports import TokenMalformed


def _b64(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c.d", "!!!.e30.AA", _b64([1]) + ".e30.AA",
                                   _b64({"alg": "ES256"}) + ".e30.AA",
                                   _b64({"alg": "ES256", "x5c": {"a": 1}}) + ".e30.AA",
                                   _b64({"alg": "ES256", "x5c": [12]}) + ".e30.AA",
                                   _b64({"alg": "ES256", "x5c": ["bm90IGEgY2VydA=="]}) + ".e30.AA",
                                   "x" * (jws.MAX_CHARS + 1)])
def test_what_is_not_a_jws_of_ours_is_malformed(token):
    with pytest.raises(TokenMalformed):
        jws.check(token)


def test_a_stranger_signed_jws_is_not_trusted(monkeypatch):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "stranger")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    other = ec.generate_private_key(ec.SECP256R1())
    root = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(other.public_key())
            .serial_number(2).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .sign(other, hashes.SHA256()))
    monkeypatch.setattr(jws.pki, "ca_pem", lambda: root.public_bytes(serialization.Encoding.PEM).decode())
    header = {"alg": "ES256", "typ": "vc+jwt",
              "x5c": [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]}
    signing_input = f"{_b64(header)}.{_b64({'id': 'x'})}"
    r, s = utils.decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    token = signing_input + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    checked = jws.check(token)
    assert checked["valid"] and not checked["chained"] and checked["claims"] == {"id": "x"}
    assert not jws.check(token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB"))["valid"]
