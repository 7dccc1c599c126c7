"""Every xlsx the service writes (exports, name lists, import templates, a ZIP's manifest) is built here
from declared columns, each a title and a getter of one item, so a new export is its columns plus one
call. Cells go through ``sheets``, which neutralises anything a spreadsheet would run as a formula."""
import uuid
from typing import Any, Callable, Iterable

from .. import lazy, ports

sheets = lazy.module("chalicelib.sheets")     # openpyxl: only the xlsx paths load it

Columns = list[tuple[str, Callable[[Any], Any]]]


def build(columns: Columns, items: Iterable[Any], sheet_title: str = "Sheet1", numbered: bool = False) -> bytes:
    """The sheet's bytes: a title row, then a row per item; ``numbered`` puts 序号 (1, 2, …) first."""
    first = ["序号"] if numbered else []
    titles = first + [title for title, _ in columns]
    rows = (([n] if numbered else []) + [get(item) for _, get in columns] for n, item in enumerate(items, start=1))
    return sheets.write(titles, rows, sheet_title)


def temporary_key(prefix: str, owner: str | None, filename: str) -> str:
    """A fresh key under one of the expiring prefixes (ports.files.PREFIXES), per owner."""
    return f"{prefix}{owner}/{uuid.uuid4().hex}/{filename}"


def publish(key: str, filename: str, columns: Columns, items: list, sheet_title: str = "Sheet1",
            numbered: bool = False) -> dict:
    """Store the sheet at ``key`` and answer what the routes return: a short-lived link that downloads as
    ``filename``, the row count and the filename."""
    ports.files.put(key, build(columns, items, sheet_title, numbered), sheets.CONTENT_TYPE)
    return {"url": ports.files.link(key, filename=filename), "count": len(items), "filename": filename}
