"""Documents the tests seal, upload and verify: made here, so every test means the same by "a blank PDF"."""
import io

from pypdf import PdfWriter


def blank_pdf() -> bytes:
    """A one-page PDF nobody issued (sealed by a test, it stands for a forgery)."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
