"""Checking the seal of a PDF someone uploads (verify by upload), with work bounded by the file's size.

The file is hostile until proven otherwise, so its PDF structure is never parsed and none of its streams
is decoded: a signature is located by what signing itself writes, the ``/ByteRange`` of the signed bytes
and, in the hole it leaves, the ``<hex>`` of the CMS signature (a signer must write both uncompressed, to
fill them in after the fact). So an object-stream bomb decodes to nothing, and a file of a million tiny
objects costs one pass of a regular expression and one SHA-256.

Trust comes from the platform CA alone: the signer's certificate must be issued by it directly, as every
TEO's seal certificate is (the platform's PKI has no intermediates). Certificates the file brings are
never used to build a chain, so a lattice of them (W per level, D levels: W^D paths for a chain builder)
costs nothing; a signature bringing more than MAX_EMBEDDED_CERTS, or larger than MAX_SIGNATURE_BYTES, is
not examined at all, and the answer says why.
"""
import datetime as dt
import hashlib
import re

MAX_EMBEDDED_CERTS = 8                 # ours carry two: the TEO's and the platform CA's
MAX_SIGNATURE_BYTES = 64 * 1024        # ours reserve 8 KB
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d{1,10})\s+(\d{1,10})\s+(\d{1,10})\s+(\d{1,10})\s*\]")
_DIGESTS = {"sha256", "sha384", "sha512"}
# pyHanko writes the colon octal-escaped: (D\07220261130061145Z).
_SIGNING_TIME = re.compile(rb"/M\s*\(D(?::|\\072)(\d{14})(?:Z|([+-])(\d{2})'?(\d{2})?'?)?[^)]{0,8}\)")

TOO_LARGE = "签名数据过大，不是本平台签发的证书，未予查验"
TOO_MANY_CERTS = "签名中附带的证书过多（{}个），不是本平台签发的证书，未予查验"
NOT_OURS = "签名证书不是由平台根证书签发的电子公章证书"
EXPIRED = "签名证书不在有效期内"
BROKEN = "签名无效或签名后文件被改动"


def _answer(signed=False, intact=False, trusted=False, whole=False, signer=None, reason=None,
            examined=True, serial=None, signed_at=None) -> dict:
    return {"signed": signed, "intact": intact, "trusted": trusted, "covers_whole_file": whole,
            "signer": signer, "reason": reason, "examined": examined, "serial": serial, "signed_at": signed_at}


def _refused(reason: str) -> dict:
    """A signature beyond a bound: not examined, so nothing is said about it but why."""
    return _answer(signed=True, reason=reason, examined=False)


def inspect(pdf: bytes, ca_pem: str) -> dict:
    """Whether the PDF carries a signature, whether the signed bytes are intact, and whether the signer's
    certificate was issued by the platform CA (``ca_pem``); who signed; ``reason``, in Chinese, when the
    seal is not trusted; ``examined`` false when a bound stopped the check (``reason`` says which).
    Never raises for a malformed file."""
    found = _BYTE_RANGE.search(pdf)
    if not found:
        return _answer()
    start, first, second, length = map(int, found.groups())
    hole = pdf[start + first:second]
    if not (start + first <= second and second + length <= len(pdf) and hole[:1] == b"<" and hole[-1:] == b">"):
        return _answer(signed=True, reason=BROKEN)
    if len(hole) > 2 * MAX_SIGNATURE_BYTES + 2:
        return _refused(TOO_LARGE)
    try:
        signed_data = _signed_data(bytes.fromhex(hole[1:-1].decode("ascii")))
        certificates = len(signed_data["certificates"] or ())
        if certificates > MAX_EMBEDDED_CERTS:
            return _refused(TOO_MANY_CERTS.format(certificates))
        signer = _signer_cert(signed_data)
        org = signer.subject.native.get("organization_name")
        intact = _integral(signed_data, signer, pdf, (start, start + first), (second, second + length))
    except Exception:       # not hex, not DER, not CMS, no signer certificate: in many ways
        return _answer(signed=True, reason=BROKEN)
    whole = start == 0 and second + length == len(pdf)
    problem = _untrusted(signer.dump(), ca_pem) if intact else BROKEN
    dictionary = pdf[max(0, found.start() - 4096):start + first] + pdf[second:second + 4096]
    return _answer(True, intact, problem is None, whole, org, problem, serial=format(signer.serial_number, "x"),
                   signed_at=_signing_time(dictionary))


def _signing_time(dictionary: bytes) -> str | None:
    """The signature dictionary's ``/M`` (PAdES keeps the signing time there, not in the CMS): the
    signer's claim, ISO 8601, or None when absent or malformed."""
    found = _SIGNING_TIME.search(dictionary)
    if not found:
        return None
    stamp, sign, hours, minutes = found.groups()
    try:
        at = dt.datetime.strptime(stamp.decode(), "%Y%m%d%H%M%S")
    except ValueError:
        return None
    offset = dt.timedelta(hours=int(hours or 0), minutes=int(minutes or 0)) * (-1 if sign == b"-" else 1)
    return at.replace(tzinfo=dt.timezone(offset)).isoformat()


def _signed_data(der: bytes):
    from asn1crypto import cms
    info = cms.ContentInfo.load(der)        # the reserved space after the DER is zeros: ignored
    if info["content_type"].native != "signed_data":
        raise ValueError("not a CMS signature")
    return info["content"]


def _signer_cert(signed_data):
    from pyhanko.sign.general import extract_certificate_info
    return extract_certificate_info(signed_data).signer_cert


def _integral(signed_data, signer, pdf: bytes, *ranges: tuple[int, int]) -> bool:
    """The signed byte ranges hash to the signed digest, and the signature over it verifies with the
    signer's key (no trust decided here)."""
    from pyhanko.sign.general import extract_signer_info
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity
    info = extract_signer_info(signed_data)
    algorithm = info["digest_algorithm"]["algorithm"].native
    if algorithm not in _DIGESTS:
        return False
    digest = hashlib.new(algorithm)
    view = memoryview(pdf)
    for begin, end in ranges:
        digest.update(view[begin:end])
    intact, valid = validate_sig_integrity(info, signer, "data", digest.digest())
    return bool(intact and valid)


def _untrusted(cert_der: bytes, ca_pem: str) -> str | None:
    """Why this certificate is not a TEO's seal certificate from the platform CA, or None when it is:
    issued directly by the CA (its signature checks with the CA's key) and valid today."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    cert = x509.load_der_x509_certificate(cert_der)
    try:
        cert.verify_directly_issued_by(x509.load_pem_x509_certificate(ca_pem.encode()))
    except (ValueError, TypeError, InvalidSignature):
        return NOT_OURS
    if not cert.not_valid_before_utc <= dt.datetime.now(dt.timezone.utc) <= cert.not_valid_after_utc:
        return EXPIRED
    return None
