"""Every spreadsheet read or written goes through here (openpyxl).

Reading guards against zip bombs before openpyxl inflates anything; writing neutralises cells that a
spreadsheet program would execute as a formula, by an apostrophe that reading takes off again, so an
exported file imports back unchanged.
"""
import io
import zipfile
from typing import Any, Iterable

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .domain.errors import InvalidInput, TooLarge

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_ROWS = 20000
MAX_COLUMNS = 100
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPE = "'"


def read_rows(data: bytes, titles: list[str], required: Iterable[str] = ()) -> list[tuple[int, dict[str, Any]]]:
    """Rows of the first sheet as ``(row number, {title: value})``; the first row holds the titles.

    Columns are matched by title, so their order does not matter; unknown columns are ignored, and a
    missing ``required`` column refuses the file (rather than every row saying its cell is empty).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNCOMPRESSED:
                raise TooLarge("表格解压后过大，请拆分后分批导入", code="sheet_too_large")
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return _rows(book, titles, list(required))
    except (InvalidInput, TooLarge):
        raise
    except Exception:   # a damaged file fails in zipfile, in the XML parser or in openpyxl, in many ways
        raise InvalidInput("文件不是有效的xlsx表格，请使用Excel另存为.xlsx格式后上传", code="invalid_xlsx") from None


def _rows(book, titles: list[str], required: list[str]) -> list[tuple[int, dict[str, Any]]]:
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise InvalidInput("表格中没有工作表", code="invalid_xlsx")
        if (sheet.max_row or 0) > MAX_ROWS + 1 or (sheet.max_column or 0) > MAX_COLUMNS:
            raise TooLarge(f"表格过大：最多{MAX_ROWS}行、{MAX_COLUMNS}列，请拆分后分批导入", code="too_many_rows")
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        header = next(rows, None)
        if not header:
            raise InvalidInput("表格为空：第一行应为列标题", code="empty_sheet")
        names = [str(h).strip() if h is not None else "" for h in header]
        positions = {t: names.index(t) for t in titles if t in names}
        if not positions:
            raise InvalidInput("表格第一行应为列标题：" + "、".join(titles), code="missing_columns")
        if absent := [t for t in required if t not in positions]:
            unknown = [n for n in names if n and n not in titles]
            message = f"缺少必填列：{'、'.join(absent)}" + (f"；无法识别的列：{'、'.join(unknown)}" if unknown else "")
            raise InvalidInput(message, code="missing_columns", details={"missing": absent, "unknown": unknown})
        result = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_ROWS + 1:      # empty rows count too: a sparse sheet must not spin for long
                raise TooLarge(f"表格行数超过上限{MAX_ROWS}行，请拆分后分批导入", code="too_many_rows")
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            # A column the file lacks is left out, not read as empty: an import updates the columns it has.
            row = {t: _unescape(values[i]) if i < len(values) else None for t, i in positions.items()}
            result.append((number, row))
        return result
    finally:
        book.close()


def safe_cell(value: Any) -> Any:
    """Text that would start a formula is prefixed with an apostrophe, so it stays text; so is text that
    starts with an apostrophe itself, so that reading can take exactly one off (``_unescape``). Control
    characters, which xlsx cannot hold, are dropped."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(_FORMULA_START + (_ESCAPE,)):
            return _ESCAPE + value
    return value


def _unescape(value: Any) -> Any:
    """The inverse of ``safe_cell``: an exported "'+张明" imports as "+张明". (A spreadsheet program
    keeps an apostrophe typed by a person as a display prefix, outside the value.)"""
    if isinstance(value, str) and value.startswith(_ESCAPE):
        return value[1:]
    return value


def write(titles: list[str], rows: Iterable[Iterable[Any]], sheet_title: str = "Sheet1") -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title)
    sheet.append(titles)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
