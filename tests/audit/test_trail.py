"""The audit trail as the administrator reads it: filters, readable masked summaries, export, chain."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text

from chang_shan.audit import trail
from chang_shan.db import journal
from chang_shan.db.models import Household, Resident
from chang_shan.db.models.journal import ChangeSet
from chang_shan.errors import DomainError, PermissionDenied, ValidationError
from tests.audit.conftest import Office
from tests.population.community import LI_ID, WANG_ID, ZHANG_ID

FULL_ID = re.compile(r"\d{17}[\dX]")
FULL_MOBILE = re.compile(r"1[3-9]\d{9}")
NEW_PHONE = "13912345678"


def _edit_zhang(office: Office) -> None:
    """As the administrator: a new phone, a note with an ID number and a health term."""
    with office.db.transaction("修改居民 张立春") as s:
        zhang = s.get(Resident, office.town.zhang)
        zhang.phone = NEW_PHONE
        zhang.note = f"代办：邻居 {WANG_ID} 来电 13700001111，患高血压"


def _all_text(row: trail.AuditRow) -> str:
    return " ".join(str(v) for v in (row.user, row.kind_label, row.action, row.resident_name, row.summary))


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["社区工作者", "网格员", "只读"])
def test_only_administrators_read_export_or_verify_the_trail(office: Office, role: str, tmp_path: Path) -> None:
    actor = office.others[role]
    with office.db.reader(actor=actor) as s:
        for call in (lambda: trail.list_entries(s), lambda: trail.count_entries(s), lambda: trail.verify_chain(s),
                     lambda: trail.user_names(s)):
            with pytest.raises(PermissionDenied, match="查看审计记录"):
                call()
    with office.db.transaction("导出审计记录", actor=actor) as s, pytest.raises(PermissionDenied):
        trail.export_entries(s, tmp_path / "trail.csv")
    assert not (tmp_path / "trail.csv").exists()


def test_nobody_signed_in_reads_nothing(office: Office) -> None:
    office.db.actor = None
    with office.db.reader() as s, pytest.raises(PermissionDenied, match="请先登录"):
        trail.list_entries(s)


def test_administrator_reads_every_kind_of_entry(office: Office) -> None:
    _edit_zhang(office)
    with office.db.reader() as s:
        rows = trail.list_entries(s)
        assert trail.count_entries(s) == len(rows) > 5
    kinds = {r.kind for r in rows}
    assert {"change", "account", "login"} <= kinds
    assert [r.id for r in rows] == sorted((r.id for r in rows), reverse=True)  # newest first
    newest = rows[0]
    assert newest.user == "boss" and newest.kind_label == "修改数据" and newest.action == "修改居民 张立春"
    assert newest.resident_id == office.town.zhang and newest.resident_name == "张立春"
    assert abs((newest.at - datetime.now()).total_seconds()) < 120  # local time, naive
    accounts = [r for r in rows if r.kind == "account"]
    assert any("账户：worker" in r.summary and "角色：社区工作者" in r.summary and "健康库：是" in r.summary
               for r in accounts)


# --- summaries ---------------------------------------------------------------------------------


def test_change_summary_names_fields_in_chinese_and_masks_numbers(office: Office) -> None:
    _edit_zhang(office)
    with office.db.reader() as s:
        row = trail.list_entries(s, limit=1)[0]
    assert "居民 张立春：" in row.summary
    assert "电话：138****0001 → 139****5678" in row.summary
    assert "备注：（空） → " in row.summary
    assert WANG_ID[:6] + "********" + WANG_ID[-4:] in row.summary
    assert "137****1111" in row.summary
    for everything in (_all_text(row),):
        assert not FULL_ID.search(everything) and not FULL_MOBILE.search(everything)
        assert "高血压" not in everything and "[健康信息]" in everything  # no health permission


def test_an_administrator_with_the_health_permission_sees_health_terms(office: Office) -> None:
    _edit_zhang(office)
    with office.db.reader(actor=office.doctor_admin) as s:
        row = trail.list_entries(s, limit=1)[0]
    assert "高血压" in row.summary
    assert not FULL_ID.search(row.summary) and not FULL_MOBILE.search(row.summary)


def test_registrations_show_masked_id_numbers_and_code_labels(office: Office) -> None:
    with office.db.reader() as s:
        rows = trail.list_entries(s, resident_id=office.town.li)
    text_ = " ".join(_all_text(r) for r in rows)
    assert "新增居民 李桂兰" in text_ and "身份证号码 " + LI_ID[:6] + "********" + LI_ID[-4:] in text_
    assert "性别 女" in text_ and "与户主关系 妻" in text_
    assert LI_ID not in text_ and not FULL_ID.search(text_)


def test_undo_is_labelled_and_the_undone_action_marked(office: Office) -> None:
    _edit_zhang(office)
    with office.db.transaction("撤销") as s:
        journal.undo_last(s, user_name="boss")
    with office.db.reader() as s:
        undo, target = trail.list_entries(s, limit=2)
        assert trail.count_entries(s, kinds=["undo"]) == 1
    assert undo.kind_label == "撤销" and undo.undoes_id == target.id and undo.action == "撤销：修改居民 张立春"
    assert target.undone and not undo.undone
    assert "电话：139****5678 → 138****0001" in undo.summary


# --- filters -----------------------------------------------------------------------------------


def test_filter_by_person_record_user_kind_and_date(office: Office) -> None:
    _edit_zhang(office)
    with office.db.transaction("修改户", actor=office.doctor_admin) as s:
        s.get(Household, office.town.h301).note = "楼道灯坏了"
    with office.db.reader() as s:
        zhang = trail.list_entries(s, resident_id=office.town.zhang)
        assert zhang and all(r.resident_id in (office.town.zhang, None) or "张立春" in r.summary for r in zhang)
        assert any(r.action == "修改居民 张立春" for r in zhang)
        assert not any(r.action == "修改户" for r in zhang)
        wang = trail.list_entries(s, resident_id=office.town.wang)
        assert not any(r.action == "修改居民 张立春" for r in wang)

        household = trail.list_entries(s, record=("household", office.town.h301))
        assert household[0].action == "修改户" and household[0].summary == "住户 #%d：备注：（空） → 楼道灯坏了" % office.town.h301
        assert trail.count_entries(s, record=("household", office.town.h301)) == len(household) == 2  # created, edited
        assert trail.count_entries(s, record=("resident", office.town.zhang)) >= 2
        assert trail.count_entries(s, record=("resident_group", {"resident_id": office.town.wang, "group": "独居"})) == 1

        by_doc = trail.list_entries(s, user_name="doc")
        assert {r.kind for r in by_doc} == {"change", "login"} and all(r.user == "doc" for r in by_doc)

        logins = trail.list_entries(s, kinds=["login"])
        assert logins and {r.kind_label for r in logins} == {"登录"}
        assert trail.count_entries(s, kinds=["login", "account"]) == len(logins) + trail.count_entries(s, kinds=["account"])
        with pytest.raises(ValidationError, match="未知的审计记录类别"):
            trail.list_entries(s, kinds=["nonsense"])

        today = date.today()
        assert trail.count_entries(s, date_from=today, date_to=today) == trail.count_entries(s)
        assert trail.count_entries(s, date_to=today - timedelta(days=1)) == 0
        assert trail.count_entries(s, date_from=today + timedelta(days=1)) == 0


def test_paging(office: Office) -> None:
    with office.db.reader() as s:
        total = trail.count_entries(s)
        everything = [r.id for r in trail.list_entries(s, limit=1000)]
        pages = [r.id for offset in range(0, total, 3) for r in trail.list_entries(s, limit=3, offset=offset)]
    assert len(everything) == total and pages == everything


# --- export ------------------------------------------------------------------------------------


def _exports(office: Office) -> list[ChangeSet]:
    with office.db.reader() as s:
        return list(s.scalars(select(ChangeSet).where(ChangeSet.kind == "export")))


def test_csv_export_is_masked_excel_ready_and_audited(office: Office, tmp_path: Path) -> None:
    _edit_zhang(office)
    target = tmp_path / "审计.csv"
    with office.db.transaction("导出审计记录") as s:
        written = trail.export_entries(s, target, resident_id=office.town.zhang)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the Chinese correctly
    content = raw.decode("utf-8-sig")
    rows = list(csv.reader(content.splitlines()))
    assert rows[0] == ["编号", "时间", "用户", "类别", "操作", "居民", "内容"]
    assert len(rows) - 1 == written >= 2
    assert rows[1][4] == "修改居民 张立春" and "139****5678" in rows[1][6]
    assert not FULL_ID.search(content) and not FULL_MOBILE.search(content)
    assert ZHANG_ID not in content and "高血压" not in content
    (event,) = _exports(office)
    assert event.user_name == "boss" and event.action == f"导出审计记录（{written} 条，CSV）"
    assert event.detail["rows"] == written and event.detail["filters"] == {"resident_id": office.town.zhang}
    with office.db.reader() as s:
        newest = trail.list_entries(s, limit=1)[0]
    assert newest.kind_label == "导出" and "文件：审计.csv" in newest.summary and "台账：audit" in newest.summary


def test_xlsx_export(office: Office, tmp_path: Path) -> None:
    _edit_zhang(office)
    target = tmp_path / "trail.xlsx"
    with office.db.transaction("导出审计记录") as s:
        written = trail.export_entries(s, target, kinds=["change"], date_from=date.today())
    sheet = load_workbook(target, read_only=True)["审计记录"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == ["编号", "时间", "用户", "类别", "操作", "居民", "内容"]
    assert len(values) - 1 == written and all(v[3] in ("修改数据", "撤销") for v in values[1:])
    flat = " ".join(str(c) for row in values for c in row if c is not None)
    assert not FULL_ID.search(flat) and not FULL_MOBILE.search(flat)
    (event,) = _exports(office)
    assert event.detail["filters"] == {"kinds": ["change"], "date_from": date.today().isoformat()}


def test_a_failed_export_leaves_no_file_and_no_entry(office: Office, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(DomainError, match="不支持的文件类型"):
        with office.db.transaction("导出审计记录") as s:
            trail.export_entries(s, out / "trail.pdf")
    with pytest.raises(DomainError, match="不存在"):
        with office.db.transaction("导出审计记录") as s:
            trail.export_entries(s, tmp_path / "missing" / "trail.csv")
    target = out / "trail.csv"
    with pytest.raises(RuntimeError):
        with office.db.transaction("导出审计记录") as s:
            trail.export_entries(s, target)
            assert target.exists()
            raise RuntimeError("the caller's transaction fails after the export")
    assert not target.exists()
    assert list(out.iterdir()) == []
    assert _exports(office) == []


# --- the chain ---------------------------------------------------------------------------------


def test_verify_chain(office: Office) -> None:
    _edit_zhang(office)
    with office.db.reader() as s:
        count, problems = trail.verify_chain(s)
        assert count == trail.count_entries(s) and problems == []
    with office.db.engine.begin() as connection:
        connection.execute(text("UPDATE change_set SET user_name = 'someone' WHERE action = '修改居民 张立春'"))
    with office.db.reader() as s:
        _count, problems = trail.verify_chain(s)
    assert len(problems) == 1 and "内容被改动过" in problems[0].message


def test_dates_are_local_days(office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    import time as clock

    from sqlalchemy import update

    from chang_shan.audit.events import record_event

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    clock.tzset()
    try:
        with office.db.transaction("打印") as s:
            entry = record_event(s, "print", "打印防走失二维码")
            # 17:30 UTC on 1 January is 01:30 on 2 January in Changchun.
            s.execute(update(ChangeSet).where(ChangeSet.id == entry).values(at=datetime(2026, 1, 1, 17, 30)))
        with office.db.reader() as s:
            assert trail.count_entries(s, kinds=["print"], date_from=date(2026, 1, 2), date_to=date(2026, 1, 2)) == 1
            assert trail.count_entries(s, kinds=["print"], date_to=date(2026, 1, 1)) == 0
            (row,) = trail.list_entries(s, kinds=["print"])
            assert row.at == datetime(2026, 1, 2, 1, 30)
            assert trail.verify_chain(s)[1] == []  # the time was set before the entry was sealed
    finally:
        monkeypatch.undo()
        clock.tzset()


def test_event_details_name_fields_and_grids_in_chinese(db) -> None:  # noqa: ANN001
    from chang_shan.audit.events import record_event
    from chang_shan.db.models import Grid

    with db.transaction("建网格") as session:
        session.add(Grid(code="07", name="第七网格"))
    with db.transaction("查看") as session:
        grid_id = session.scalar(select(Grid.id).where(Grid.code == "07"))
        record_event(session, "reveal", "查看完整电话 某人", detail={"field": "phone"})
        record_event(session, "account", "新建账户 x（网格员）", detail={"user": "x", "grids": [grid_id]})
    with db.reader() as session:
        summaries = [row.summary for row in trail.list_entries(session, kinds=["reveal", "account"])]
    assert "字段：电话" in summaries[1] and "phone" not in summaries[1]
    assert "网格：第七网格" in summaries[0]


def test_a_changed_setting_reads_in_words(office: Office) -> None:
    from chang_shan.settings import set_setting

    with office.db.transaction("修改设置") as s:
        set_setting(s, "today.not_visited_days", 45)
    with office.db.reader() as s:
        newest = trail.list_entries(s, limit=1)[0]
    assert newest.action == "修改设置 久未走访提醒天数：30 天 → 45 天"
    assert newest.summary == "设置：久未走访提醒天数，30 → 45"  # not key：today.not_visited_days
