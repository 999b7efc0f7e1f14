"""Workbooks for the import tests, written with openpyxl (normal mode, so merges and number
cells are real), and the state of the database to compare before and after."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from chang_shan.db.database import Database
from chang_shan.db.models import ChangeRow, ChangeSet, Household, Resident
from chang_shan.imports import ImportPlan, plan_import
from tests.population.community import KUANCHENG, id_number

HEADERS = ("姓名", "身份证号码", "性别", "出生日期", "民族", "与户主关系", "手机号", "楼号", "单元", "门牌号", "人员类型", "备注")
NEW_HEAD_ID = id_number(KUANCHENG, date(1960, 4, 1), 61)  # 赵志国, male
NEW_WIFE_ID = id_number(KUANCHENG, date(1962, 7, 9), 72)  # 孙秀英, female


def good_rows() -> list[list[object]]:
    """Two new residents of the empty flat 3号楼1单元102, written the way offices write them."""
    return [
        ["赵志国", NEW_HEAD_ID, "男", "1960-04-01", "汉族", "户主", "13904310061", "3号楼", "1单元", "102", "户籍", ""],
        ["孙秀英", NEW_WIFE_ID, "女", "1962.07.09", "满族", "妻", "", "3", "1", "102", "常住", "腿脚不便"],
    ]


def write_book(path: Path, rows: Sequence[Sequence[object]], *, headers: Sequence[str] = HEADERS,
               sheet: str = "居民", above: Sequence[Sequence[object]] = (), merges: Sequence[str] = ()) -> Path:
    """``above``: rows over the header (a title); ``merges``: ranges to merge after writing."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in above:
        ws.append(list(row))
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    for ref in merges:
        ws.merge_cells(ref)
    book.save(path)
    return path


def as_macro_workbook(source: Path, target: Path) -> Path:
    """``source`` with a VBA project and the macro-enabled content type, as Excel saves .xlsm."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            zout.writestr(item, data)
        zout.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not a real VBA project")
    return target


def ole_file(path: Path, *, encrypted: bool) -> Path:
    """The start of an OLE compound file as Excel writes .xls, or an encrypted .xlsx (whose
    directory names the ``EncryptedPackage`` stream)."""
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    body += ("EncryptedPackage" if encrypted else "Workbook").encode("utf-16-le") + b"\x00" * 1024
    path.write_bytes(body)
    return path


def plan(db: Database, path: Path, **options: object) -> ImportPlan:
    with db.reader() as session:
        return plan_import(session, path, **options)  # type: ignore[arg-type]


def problems(result: ImportPlan) -> list[tuple[int, str, str, str]]:
    return [(p.row, p.column, p.field, p.message) for p in result.problems]


def state(db: Database) -> tuple:
    """What an import could change: every resident and household row, and the journal's size."""
    with db.reader() as s:
        people = s.execute(select(Resident.__table__).order_by(Resident.id)).all()
        homes = s.execute(select(Household.__table__).order_by(Household.id)).all()
        journal = (s.scalar(select(func.count(ChangeSet.id))), s.scalar(select(func.count(ChangeRow.id))))
    return people, homes, journal
