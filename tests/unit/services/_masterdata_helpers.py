"""What the master-data, account, photo and stamp tests share: the demo's callers, files as the API takes
them (base64), and the files the services wrote to the fake store, read back through the links they gave."""
import base64
import io
from urllib.parse import unquote, urlsplit

from openpyxl import Workbook, load_workbook

from chalicelib.domain import idcard
from chalicelib.domain.access import Principal, Role
from chalicelib.services import masterdata

from ._people import ADMIN, COLLEGE, COLLEGE2, COLLEGE2_SIGNER, COLLEGE_SIGNER, STUDENT, TEO, TEO2, TEO_SIGNER  # noqa: F401  (the tests import them from here)

WIPE = Principal("wipe-staff", Role.COLLEGE, "wipe")          # the demo has no account there


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def xlsx(titles: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    book.active.append(titles)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def linked_key(url: str) -> str:
    """The stored key behind a fake link (``memory://<key>?expires=...``)."""
    parts = urlsplit(url)
    assert parts.scheme == "memory", url
    return unquote(parts.netloc + parts.path)


def linked_rows(fakes, url: str) -> list[tuple]:
    """The rows of the xlsx a link points at."""
    data = fakes.files.read(linked_key(url))
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def new_candidate(n: int, college: str = "ncut", **fields) -> dict:
    """A candidate of the test's own (imported as the admin would), so no test depends on the demo's."""
    first17 = f"1101081999{n % 12 + 1:02d}{n % 28 + 1:02d}{700 + n:03d}"
    row = {"candidate_no": f"11010820250000{n:06d}{700000 + n:06d}", "name": f"测试考生{n}",
           "id_number": first17 + idcard.check_digit(first17), "student_type": "院校考生", "college_id": college,
           **fields}
    masterdata.upsert("candidates", row)
    return row
