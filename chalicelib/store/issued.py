"""The certificate files issued (the ``issued`` port): each record's PDF versions, and the items that find
a record by its file's SHA-256 or by its certificate number. ``records.finish`` writes them."""
from .masterdata import to_dict
from .models import CertNumber, Entity, PdfHash, PdfVersion
from .records import get


def versions(rec_id: str) -> list[dict]:
    return [to_dict(v) for v in PdfVersion.query(f"REC#{rec_id}", Entity.sk.startswith("PDF#"))]


def by_pdf_hash(sha256: str) -> tuple[dict, int] | None:
    """The record a certificate file belongs to, and which version it is."""
    try:
        item = PdfHash.get(f"PDFHASH#{sha256}", "PDFHASH")
    except PdfHash.DoesNotExist:
        return None
    rec = get(item.record_id)
    return (rec, int(item.version)) if rec else None


def by_cert_no(cert_no: str) -> dict | None:
    try:
        record_id = CertNumber.get(f"CERTNO#{cert_no}", "CERTNO").record_id
    except CertNumber.DoesNotExist:
        record_id = "0" * 24        # read a record anyway: an unknown number costs what a known one does
    return get(record_id)
