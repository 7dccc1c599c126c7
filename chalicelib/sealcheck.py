"""Checking the seal of a PDF someone uploads (verify by upload), with bounded work.

The file is hostile until proven otherwise:
- Trust comes from the platform CA alone: the signer's certificate must be issued by it directly, as
  every TEO's seal certificate is (the platform's PKI has no intermediates). Certificates the file brings
  are never used to build a chain, so a lattice of them (W certificates per level, D levels: W^D paths
  for a chain builder to try) costs nothing; a file bringing more than MAX_EMBEDDED_CERTS is not
  examined at all. One path is checked, never more.
- Decoding is bounded: the whole document may decode to MAX_DECODED bytes (pyHanko's decode limits), so
  a bomb of compressed object streams stops there; at most MAX_CONCURRENT files are parsed at once per
  process, so many uploads at once cannot multiply that.
- pyHanko's difference analysis of later revisions is skipped (it would decode each revision afresh):
  the answer needs only the signed bytes intact and what the signature covers.
A file beyond a bound is answered with a reason at once.
"""
import datetime as dt
import io
import threading

from .domain.errors import TooManyRequests

MAX_DECODED = 16 * 1024 * 1024         # checking one of ours decodes nothing: its streams are not read
MAX_EMBEDDED_CERTS = 8                 # ours carry two: the TEO's and the platform CA's
MAX_REVISIONS = 8                      # ours have two: the page, then the signature
MAX_CONCURRENT = 2
WAIT_SECONDS = 20
_SLOTS = threading.BoundedSemaphore(MAX_CONCURRENT)

TOO_LARGE = f"文件解压后超过{MAX_DECODED // 1024 // 1024}MB，不是本平台签发的证书，未予查验"
TOO_MANY_CERTS = "签名中附带的证书过多（{}个），不是本平台签发的证书，未予查验"
TOO_MANY_REVISIONS = "文件经过多次增量修改（{}次），不是本平台签发的证书，未予查验"
NOT_OURS = "签名证书不是由平台根证书签发的电子公章证书"
EXPIRED = "签名证书不在有效期内"
BROKEN = "签名无效或签名后文件被改动"


def inspect(pdf: bytes, ca_pem: str) -> dict:
    """Whether the PDF carries a signature, whether the signed bytes are intact, and whether the signer's
    certificate was issued by the platform CA (``ca_pem``); who signed; ``reason``, in Chinese, when the
    seal is not trusted; ``examined`` false when a bound stopped the check (``reason`` says which).
    Never raises for a malformed PDF."""
    if not _SLOTS.acquire(timeout=WAIT_SECONDS):
        raise TooManyRequests("查验的文件较多，请稍后再试", code="verification_busy")
    try:
        return _inspect(pdf, ca_pem)
    finally:
        _SLOTS.release()


def _answer(signed=False, intact=False, trusted=False, whole=False, signer=None, reason=None,
            examined=True) -> dict:
    return {"signed": signed, "intact": intact, "trusted": trusted, "covers_whole_file": whole,
            "signer": signer, "reason": reason, "examined": examined}


def _refused(reason: str, signed: bool = False) -> dict:
    """A file beyond a bound: not examined, so nothing is said about its signature but why."""
    return _answer(signed=signed, reason=reason, examined=False)


def _inspect(pdf: bytes, ca_pem: str) -> dict:
    from pyhanko.pdf_utils.decode_limits import DecodeLimits, DocumentDecodeBudget
    from pyhanko.pdf_utils.misc import PdfDecodeLimitError
    from pyhanko.pdf_utils.reader import PdfFileReader
    limits = DecodeLimits(document_budget=DocumentDecodeBudget(base_allowance=MAX_DECODED, max_ratio=0))
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False, decode_limits=limits)
        revisions = reader.xrefs.total_revisions
        if revisions > MAX_REVISIONS:
            return _refused(TOO_MANY_REVISIONS.format(revisions))
        embedded = reader.embedded_signatures
    except PdfDecodeLimitError:
        return _refused(TOO_LARGE)
    except Exception:
        return _answer()
    if not embedded:
        return _answer()
    sig = embedded[0]
    try:
        certificates = len(sig.signed_data["certificates"] or ())
        if certificates > MAX_EMBEDDED_CERTS:
            return _refused(TOO_MANY_CERTS.format(certificates), signed=True)
        signer = sig.signer_cert
        org = signer.subject.native.get("organization_name")
        sig.compute_integrity_info(skip_diff=True)
        whole = sig.coverage is not None and sig.coverage.name == "ENTIRE_FILE"
        intact = _integral(sig)
    except PdfDecodeLimitError:
        return _refused(TOO_LARGE, signed=True)
    except Exception:
        return _answer(signed=True, reason=BROKEN)
    problem = _untrusted(signer.dump(), ca_pem) if intact else BROKEN
    return _answer(True, intact, problem is None, whole, org, problem)


def _integral(sig) -> bool:
    """The signed bytes hash to the signed digest, and the signature over it verifies with the signer's
    key (no trust decided here)."""
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity
    intact, valid = validate_sig_integrity(sig.signer_info, sig.signer_cert, "data", sig.compute_digest())
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
