"""Rows out to XLSX (openpyxl, write-only: rows go to disk as they come) and CSV (UTF-8 with a BOM,
so Excel opens Chinese text correctly).

Text stays text: ID numbers and phones are written as strings (with the text format in XLSX, so
an edit in Excel does not turn them into numbers), and a value that begins with ``=`` is a string
cell, never a formula. CSV has no cell types, so a value beginning with ``= + - @``, a tab or a
carriage return gets a leading apostrophe there (the usual defence against formula injection).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from chang_shan import __version__
from chang_shan.exports.ledgers import DATE, DECIMAL, INT, SECRET_ID, SECRET_PHONE, Col
from chang_shan.progress import Progress

FORMATS = (".xlsx", ".csv")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_EVERY = 200  # rows between progress reports


def _plain_text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def write_xlsx(path: Path, columns: Sequence[Col], rows: Iterable[list[object]], *, sheet: str, title: str,
               total: int, progress: Progress) -> int:
    workbook = Workbook(write_only=True)
    workbook.properties.creator = f"长山 chang-shan {__version__}"
    workbook.properties.title = title
    ws = workbook.create_sheet(sheet)
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    header = []
    for col in columns:
        cell = WriteOnlyCell(ws, col.title)
        cell.font, cell.fill, cell.alignment = bold, fill, Alignment(horizontal="center")
        header.append(cell)
    ws.append(header)
    text_columns = {i for i, col in enumerate(columns) if col.kind in (SECRET_ID, SECRET_PHONE)}
    date_columns = {i for i, col in enumerate(columns) if col.kind == DATE}
    written = 0
    for row in rows:
        out: list[object] = []
        for i, value in enumerate(row):
            if value is None or value == "":
                out.append(None)
            elif isinstance(value, str):
                value = _plain_text(value)
                if i in text_columns or value.startswith("="):
                    cell = WriteOnlyCell(ws, value)
                    cell.data_type = "s"  # a string, even when it looks like a formula
                    cell.number_format = "@"
                    out.append(cell)
                else:
                    out.append(value)
            elif i in date_columns and isinstance(value, date):
                cell = WriteOnlyCell(ws, value)
                cell.number_format = "yyyy-mm-dd"
                out.append(cell)
            elif isinstance(value, Decimal):
                out.append(float(value))
            else:
                out.append(value)
        ws.append(out)
        written += 1
        if written % _EVERY == 0:
            progress(written, total, "")
    workbook.save(path)
    progress(written, total, "")
    return written


def _csv_text(value: object, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if kind not in (INT, DECIMAL) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def write_csv(path: Path, columns: Sequence[Col], rows: Iterable[list[object]], *, total: int,
              progress: Progress) -> int:
    kinds = [col.kind for col in columns]
    written = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([col.title for col in columns])
        for row in rows:
            writer.writerow([_csv_text(value, kind) for value, kind in zip(row, kinds, strict=True)])
            written += 1
            if written % _EVERY == 0:
                progress(written, total, "")
    progress(written, total, "")
    return written
