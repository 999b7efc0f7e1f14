"""Opening a workbook to import: refuse what is not a plain .xlsx with one clear message, read the
sheets with openpyxl in read-only mode (defusedxml installed guards it against XML bombs), and
find the merged cells, which read-only openpyxl does not expose, in the sheet XML itself.

Refused before any row is read: a missing or empty file, an old .xls, a password-protected
(encrypted) workbook, a macro workbook (.xlsm, or one renamed .xlsx), anything else renamed .xlsx.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeTree
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.workbook.workbook import Workbook

from chang_shan.errors import DomainError

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary container (.xls, encrypted .xlsx)
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlsb")
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class MergedRange:
    ref: str  # A5:A7
    min_col: int
    min_row: int
    max_col: int
    max_row: int


def check_file(path: Path) -> None:
    """Refuse, with one clear message each, the files an import cannot read."""
    name = path.name
    if not path.exists():
        raise DomainError(f"找不到文件：{path}")
    if path.is_dir():
        raise DomainError(f"{name} 是文件夹，请选择一个 Excel 文件（.xlsx）。")
    size = path.stat().st_size
    if size == 0:
        raise DomainError(f"文件 {name} 是空的（0 字节），没有可导入的内容。")
    with path.open("rb") as handle:
        head = handle.read(8)
        if head == _OLE_MAGIC:
            handle.seek(0)
            if _contains(handle, _ENCRYPTED):
                raise DomainError(
                    f"工作簿 {name} 设有打开密码（已加密），程序无法读取。请在 Excel 中打开它，"
                    "取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后保存，再导入。"
                )
            raise DomainError(
                f"{name} 是旧版 Excel 97-2003 工作簿（.xls）。请在 Excel 中“另存为”Excel 工作簿（.xlsx）后再导入。"
            )
    if path.suffix.lower() == ".csv":
        raise DomainError(f"{name} 是 CSV 文件。请在 Excel 中“另存为”Excel 工作簿（.xlsx）后再导入。")
    if not zipfile.is_zipfile(path):
        raise DomainError(
            f"{name} 不是 Excel 工作簿（.xlsx）：文件内容不是 Excel 格式，可能是改了扩展名的其他文件。"
        )
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise DomainError(f"{name} 不是 Excel 工作簿（.xlsx）：它是压缩包或其他 Office 文件，请选择 Excel 工作簿。")
        types = archive.read("[Content_Types].xml")
    if (path.suffix.lower() in _MACRO_SUFFIXES or "xl/vbaProject.bin" in names
            or b"macroEnabled" in types or b"xl/vbaProject" in types):
        raise DomainError(
            f"{name} 是含宏的工作簿（.xlsm），为安全起见不导入。请在 Excel 中“另存为”"
            "Excel 工作簿（.xlsx，不含宏）后再导入。"
        )


def _contains(handle, needle: bytes) -> bool:  # noqa: ANN001 - a binary file
    tail = b""
    while chunk := handle.read(_CHUNK):
        if needle in tail + chunk:
            return True
        tail = chunk[-len(needle):]
    return False


def open_workbook(path: Path) -> Workbook:
    check_file(path)
    try:
        return load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (zipfile.BadZipFile, KeyError, ParseError, DefusedXmlException, ValueError, TypeError) as exc:
        raise DomainError(f"工作簿 {path.name} 已损坏，无法读取（{type(exc).__name__}）。请在 Excel 中打开并另存一次再试。") from exc


def sheet_paths(path: Path) -> dict[str, str]:
    """Sheet name → the sheet's XML part inside the archive (from workbook.xml and its rels)."""
    with zipfile.ZipFile(path) as archive:
        workbook = SafeTree.fromstring(archive.read("xl/workbook.xml"))
        rels = SafeTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{{{_PKG_REL_NS}}}Relationship")}
    paths: dict[str, str] = {}
    for sheet in workbook.iter(f"{{{_MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"), "")
        if target:
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            paths[sheet.get("name", "")] = part
    return paths


def merged_ranges(path: Path, sheet: str) -> list[MergedRange]:
    """The sheet's merged ranges. The ``<mergeCells>`` element follows the rows in the sheet XML,
    so the part is scanned for it in chunks and only that element is parsed (with defusedxml);
    a sheet written unusually (a namespace prefix) is parsed whole, still with defusedxml."""
    part = sheet_paths(path).get(sheet)
    if part is None:
        return []
    with zipfile.ZipFile(path) as archive:
        fragment = _merge_fragment(archive, part)
        cells = []
        if fragment is not None:
            try:
                cells = [el for el in SafeTree.fromstring(fragment).iter() if el.tag.endswith("mergeCell")]
            except (ParseError, DefusedXmlException):
                fragment = _WHOLE
        if fragment is _WHOLE:
            with archive.open(part) as source:
                cells = [el for _, el in SafeTree.iterparse(source) if el.tag.endswith("}mergeCell")]
    ranges = []
    for cell in cells:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(cell.get("ref", ""))
        except (ValueError, TypeError):
            continue
        ranges.append(MergedRange(cell.get("ref", ""), min_col, min_row, max_col, max_row))  # type: ignore[arg-type]
    return ranges


_WHOLE = b"<whole/>"  # marker: parse the whole part


def _merge_fragment(archive: zipfile.ZipFile, part: str) -> bytes | None:
    """The ``<mergeCells>…</mergeCells>`` bytes, ``_WHOLE`` when the element is prefixed, None
    when the sheet has no merged cells."""
    keep = b""
    with archive.open(part) as source:
        while chunk := source.read(_CHUNK):
            data = keep + chunk
            at = data.find(b"<mergeCells")
            if at >= 0:
                rest = data[at:] + source.read()  # the element comes last: the rest is small
                end = rest.find(b"</mergeCells>")
                return rest[:end + len(b"</mergeCells>")] if end >= 0 else None
            if b":mergeCells" in data:
                return _WHOLE
            keep = data[-32:]
    return None


def iter_values(workbook: Workbook, sheet: str) -> Iterator[tuple[object, ...]]:
    ws = workbook[sheet]
    yield from ws.iter_rows(values_only=True)


def row_estimate(workbook: Workbook, sheet: str) -> int:
    """The sheet's row count from its dimension (0 when the writer left it out)."""
    try:
        return int(workbook[sheet].max_row or 0)
    except (TypeError, ValueError):
        return 0
