"""Compact JWS, ES256, signed by a KMS key: how credentials are secured (VC-JOSE-COSE, media type
``application/vc+jwt``), with ``x5c`` carrying the signer's certificate and the platform CA; and checking
one against the platform CA alone (a certificate the token brings is never trusted by itself)."""
import base64
import json

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

from . import kms, pki
from .domain.encoding import b64url, unb64url
from .ports import TokenMalformed

MAX_CHARS = 64 * 1024


def _x5c(pem: str) -> str:
    der = x509.load_pem_x509_certificate(pem.encode()).public_bytes(serialization.Encoding.DER)
    return base64.b64encode(der).decode()       # x5c is standard base64, not base64url (RFC 7515)


def sign(claims: dict, key_id: str, chain_pems: list[str], typ: str = "vc+jwt") -> str:
    header = {"alg": "ES256", "typ": typ, "cty": "vc", "x5c": [_x5c(p) for p in chain_pems]}
    signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                     b64url(json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode()))
    r, s = utils.decode_dss_signature(kms.sign(key_id, signing_input.encode()))
    return signing_input + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def check(token: str) -> dict:
    """``{header, claims, signer (x509.Certificate), chained, valid}``: whether the signer's certificate
    (``x5c[0]``) was issued by the platform CA, and whether the signature over the token holds."""
    token = (token or "").strip()
    parts = token.split(".")
    if len(token) > MAX_CHARS or len(parts) != 3:
        raise TokenMalformed("不是JWS格式的凭证")
    try:
        header = json.loads(unb64url(parts[0]))
        signature = unb64url(parts[2])
        signer = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    except (ValueError, KeyError, IndexError, TypeError):
        raise TokenMalformed("凭证无法解析") from None
    if not isinstance(header, dict) or header.get("alg") != "ES256":
        raise TokenMalformed("凭证的签名算法不是ES256")
    try:         # a payload damaged beyond JSON is still a credential of ours, altered: its signature says so
        claims = json.loads(unb64url(parts[1]))
    except ValueError:
        claims = None
    claims = claims if isinstance(claims, dict) else {}
    root = x509.load_pem_x509_certificate(pki.ca_pem().encode())
    try:
        signer.verify_directly_issued_by(root)
        chained = True
    except (ValueError, TypeError, InvalidSignature):
        chained = False
    valid = False
    try:
        public = signer.public_key()
        if len(signature) == 64 and isinstance(public, ec.EllipticCurvePublicKey):
            der = utils.encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                             int.from_bytes(signature[32:], "big"))
            public.verify(der, f"{parts[0]}.{parts[1]}".encode(), ec.ECDSA(hashes.SHA256()))
            valid = True
    except (InvalidSignature, UnsupportedAlgorithm, ValueError):
        pass
    return {"header": header, "claims": claims, "signer": signer, "chained": chained, "valid": valid}
