"""Residents and households out to XLSX and CSV: masking, reveal, permissions, audit, rare
characters, formula cells, and bad input that writes nothing. Real files, read back with
openpyxl and csv."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from chang_shan.db.database import Database
from chang_shan.errors import DomainError, NotFound, PermissionDenied
from chang_shan.exports import export_ledger
from chang_shan.progress import Cancelled
from tests.exports.people import (
    FORMULA_NOTE, FULL_IDS, FULL_PHONES, RARE_ID, RARE_NAME, RARE_PHONE, ZHANG_PHONE, Town, as_user, build_town,
    events, masked_id, masked_phone,
)
from tests.population.community import LI_ID, WANG_ID, ZHANG_ID


@pytest.fixture
def town(db: Database) -> Town:
    return build_town(db)


def xlsx_rows(path: Path) -> list[dict[str, object]]:
    sheet = load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    # read-only mode leaves out empty cells at the end of a row
    return [dict(zip(header, (*row, *[None] * (len(header) - len(row))), strict=True)) for row in rows[1:]]


def csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def raw_text(path: Path) -> str:
    """Everything in the file as text (an XLSX is a zip of XML parts)."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as archive:
            return "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    return path.read_text(encoding="utf-8-sig")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_residents_are_masked_by_default(db: Database, town: Town, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"居民.{suffix}"
    result = export_ledger(db, "residents", out)
    assert result.rows == 5 and not result.revealed
    rows = xlsx_rows(out) if suffix == "xlsx" else csv_rows(out)
    by_name = {row["姓名"]: row for row in rows}
    assert by_name["张立春"]["身份证号"] == masked_id(ZHANG_ID) == ZHANG_ID[:6] + "********" + ZHANG_ID[-4:]
    assert by_name["张立春"]["联系电话"] == masked_phone(ZHANG_PHONE) == "138****0001"
    assert by_name[RARE_NAME]["身份证号"] == masked_id(RARE_ID)
    assert by_name[RARE_NAME]["联系电话"] == "139****5678"
    text = raw_text(out)
    for secret in (*FULL_IDS, *FULL_PHONES):
        assert secret not in text
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_reveal_writes_full_values_for_a_worker(db: Database, town: Town, tmp_path: Path, suffix: str) -> None:
    as_user(db, "worker")
    out = tmp_path / f"residents.{suffix}"
    result = export_ledger(db, "residents", out, reveal=True)
    assert result.revealed
    rows = xlsx_rows(out) if suffix == "xlsx" else csv_rows(out)
    by_name = {row["姓名"]: row for row in rows}
    assert by_name["张立春"]["身份证号"] == ZHANG_ID
    assert by_name["张立春"]["联系电话"] == ZHANG_PHONE
    assert by_name[RARE_NAME]["身份证号"] == RARE_ID
    assert by_name[RARE_NAME]["联系电话"] == RARE_PHONE
    text = raw_text(out)
    assert masked_id(ZHANG_ID) not in text and "****" not in text


def test_xlsx_cells_keep_ids_as_text_and_never_hold_a_formula(db: Database, town: Town, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    export_ledger(db, "residents", out, reveal=True)
    sheet = load_workbook(out).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    id_col, phone_col, note_col = header.index("身份证号"), header.index("联系电话"), header.index("备注")
    for row in sheet.iter_rows(min_row=2):
        assert row[id_col].data_type == "s" and row[id_col].number_format == "@"
        for cell in row:
            assert cell.data_type != "f", f"formula cell {cell.coordinate}: {cell.value!r}"
    notes = [row[note_col].value for row in sheet.iter_rows(min_row=2)]
    assert FORMULA_NOTE in notes  # kept as it was typed, as text
    phones = [row[phone_col].value for row in sheet.iter_rows(min_row=2) if row[phone_col].value]
    assert sorted(phones) == sorted([ZHANG_PHONE, RARE_PHONE])
    assert all(isinstance(p, str) for p in phones)


def test_csv_neutralises_formula_text(db: Database, town: Town, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    export_ledger(db, "residents", out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    notes = [row["备注"] for row in csv_rows(out) if row["备注"]]
    assert notes == ["'" + FORMULA_NOTE]


def test_rare_characters_survive_both_formats(db: Database, town: Town, tmp_path: Path) -> None:
    export_ledger(db, "residents", tmp_path / "r.xlsx")
    export_ledger(db, "residents", tmp_path / "r.csv")
    assert RARE_NAME in [row["姓名"] for row in xlsx_rows(tmp_path / "r.xlsx")]
    assert RARE_NAME in [row["姓名"] for row in csv_rows(tmp_path / "r.csv")]
    assert "\U00020000" in (tmp_path / "r.csv").read_text(encoding="utf-8-sig")


def test_residents_columns_carry_codes_beside_labels_and_address_order(db: Database, town: Town, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    export_ledger(db, "residents", out)
    rows = xlsx_rows(out)
    assert [row["姓名"] for row in rows] == ["张立春", "李桂兰", "张伟", "王淑芬", RARE_NAME]  # head first
    zhang = rows[0]
    assert (zhang["性别"], zhang["性别代码"]) == ("男", "1")
    assert (zhang["与户主关系"], zhang["与户主关系代码"]) == ("户主", "02")
    assert (zhang["民族"], zhang["民族代码"]) == ("汉族", "01")
    assert zhang["住址"] == "3号楼1单元101" and zhang["网格"] == "第一网格"
    assert zhang["出生日期"].date().isoformat() == "1950-03-12"
    assert rows[3]["特殊人群"] == "独居"


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_households_masked_and_revealed(db: Database, town: Town, tmp_path: Path, suffix: str) -> None:
    masked, revealed = tmp_path / f"h.{suffix}", tmp_path / f"h-full.{suffix}"
    assert export_ledger(db, "households", masked).rows == 4
    export_ledger(db, "households", revealed, reveal=True)
    read = xlsx_rows if suffix == "xlsx" else csv_rows
    first = read(masked)[0]
    assert first["户主"] == "张立春"
    assert first["户主身份证号"] == masked_id(ZHANG_ID)
    assert first["联系电话"] == "138****0001"
    assert str(first["在册人数"]) == "3"
    assert first["标签"] == "党员家庭户"
    for secret in (ZHANG_ID, WANG_ID, RARE_ID, ZHANG_PHONE, RARE_PHONE):
        assert secret not in raw_text(masked)
    full = read(revealed)
    assert full[0]["户主身份证号"] == ZHANG_ID
    assert RARE_ID in raw_text(revealed) and RARE_NAME in raw_text(revealed)


def test_every_export_is_audited_without_values(db: Database, town: Town, tmp_path: Path) -> None:
    as_user(db, "worker")
    export_ledger(db, "residents", tmp_path / "a.xlsx")
    export_ledger(db, "households", tmp_path / "b.csv", reveal=True)
    logged = events(db, "export")
    assert [e.user_name for e in logged] == ["worker", "worker"]
    first, second = (e.detail for e in logged)
    assert first == {"ledger": "residents", "rows": 5, "file": str(tmp_path / "a.xlsx"), "format": "xlsx",
                     "revealed": False, "grid": None, "scope": "全部网格", "include_inactive": False}
    assert second["ledger"] == "households" and second["rows"] == 4 and second["revealed"] is True
    assert second["format"] == "csv" and second["file"].endswith("b.csv")
    text = " ".join(f"{e.action} {e.detail}" for e in logged)
    for secret in (*FULL_IDS, *FULL_PHONES, masked_id(ZHANG_ID)):
        assert secret not in text
    assert "含完整身份证号和电话" in logged[1].action


def test_read_only_user_may_not_export(db: Database, town: Town, tmp_path: Path) -> None:
    as_user(db, "reader")
    out = tmp_path / "r.xlsx"
    with pytest.raises(PermissionDenied, match="导出数据"):
        export_ledger(db, "residents", out)
    assert not out.exists() and leftovers(tmp_path) == []
    assert events(db, "export") == []


def test_grid_worker_may_not_reveal(db: Database, town: Town, tmp_path: Path) -> None:
    as_user(db, "gridder")
    out = tmp_path / "r.csv"
    with pytest.raises(PermissionDenied, match="查看完整身份证号和电话"):
        export_ledger(db, "residents", out, reveal=True)
    assert not out.exists() and leftovers(tmp_path) == []
    assert events(db, "export") == []


def test_grid_worker_exports_only_their_grid(db: Database, town: Town, tmp_path: Path) -> None:
    as_user(db, "gridder")
    out = tmp_path / "r.csv"
    result = export_ledger(db, "residents", out)
    names = [row["姓名"] for row in csv_rows(out)]
    assert names == ["张立春", "李桂兰", "张伟", "王淑芬"]  # not the 平房区 house of grid 02
    assert result.scope == "第一网格"
    with pytest.raises(PermissionDenied, match="不在您负责的范围内"):
        export_ledger(db, "households", tmp_path / "h.csv", grid="02")
    assert not (tmp_path / "h.csv").exists()


def test_grid_option_limits_rows(db: Database, town: Town, tmp_path: Path) -> None:
    out = tmp_path / "g2.xlsx"
    result = export_ledger(db, "residents", out, grid="02")
    assert [row["姓名"] for row in xlsx_rows(out)] == [RARE_NAME]
    assert result.scope == "第二网格"
    assert events(db, "export")[-1].detail["grid"] == "02"
    with pytest.raises(NotFound, match="没有编号为 99 的网格"):
        export_ledger(db, "residents", tmp_path / "x.xlsx", grid="99")
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize(
    ("ledger", "name", "message"),
    [
        ("people", "r.xlsx", "没有名为 people 的台账"),
        ("residents", "r.xls", "不支持的文件类型 .xls"),
        ("residents", "r.pdf", "不支持的文件类型 .pdf"),
        ("residents", "r", "不支持的文件类型"),
        ("residents", "missing-folder/r.xlsx", "不存在"),
    ],
)
def test_bad_input_writes_nothing(db: Database, town: Town, tmp_path: Path, ledger: str, name: str,
                                  message: str) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(DomainError, match=message):
        export_ledger(db, ledger, tmp_path / name)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert events(db, "export") == []


def test_a_path_through_a_file_is_refused(db: Database, town: Town, tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(DomainError):
        export_ledger(db, "residents", blocker / "r.xlsx")


def test_cancel_leaves_no_file_and_no_audit(db: Database, town: Town, tmp_path: Path) -> None:
    old = tmp_path / "r.csv"
    old.write_text("older export", encoding="utf-8")

    def cancel(done: int, total: int, text: str = "") -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        export_ledger(db, "residents", old, progress=cancel)
    assert old.read_text(encoding="utf-8") == "older export"  # the old file is untouched
    assert leftovers(tmp_path) == []
    assert events(db, "export") == []


def test_progress_is_reported(db: Database, town: Town, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    export_ledger(db, "residents", tmp_path / "r.xlsx", progress=lambda d, t, text="": seen.append((d, t)))
    assert seen[-1] == (5, 5)


def test_inactive_residents_only_on_request(db: Database, town: Town, tmp_path: Path) -> None:
    from chang_shan.db.models import Resident

    with db.transaction("迁出") as s:
        s.get(Resident, town.community.li).status = "已迁出"
    assert export_ledger(db, "residents", tmp_path / "a.csv").rows == 4
    assert export_ledger(db, "residents", tmp_path / "b.csv", include_inactive=True).rows == 5
    assert LI_ID not in raw_text(tmp_path / "b.csv")
