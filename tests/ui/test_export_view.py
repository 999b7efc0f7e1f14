"""导出… (Ctrl+Shift+E) on the ledger screens: the file holds what the screen's filters pick, written
on the worker, masked unless the user asked for full numbers (and may), the export audited; no
action for an account without 导出数据; a cancelled file dialog writes nothing. Real widgets
offscreen, real files read back with openpyxl and csv."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QWidget
from sqlalchemy import select

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.models import ChangeSet
from chang_shan.service_requests import requests
from chang_shan.service_requests.shapes import RequestFilter, RequestInput
from chang_shan.ui.models.place_tree import Place
from chang_shan.ui.screens.badges import BadgesScreen
from chang_shan.ui.screens.health import HealthScreen
from chang_shan.ui.screens.population import PopulationScreen
from chang_shan.ui.screens.wills import WillsScreen
from chang_shan.ui.widgets import export_view as export_module
from chang_shan.ui.widgets.requests_tab import RequestsTab
from tests.ui.conftest import id_number
from tests.ui.signed_in import sign_in_as

pytestmark = pytest.mark.gui


@pytest.fixture
def target(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, object]:
    """The file the (replaced) file dialog answers with; ``path`` None: the user cancelled."""
    chosen: dict[str, object] = {"path": tmp_path / "导出.xlsx", "titles": []}

    def choose(_parent, title, suggested):  # noqa: ANN001, ANN202
        chosen["titles"].append((title, suggested))  # type: ignore[union-attr]
        return str(chosen["path"]) if chosen["path"] else ""

    monkeypatch.setattr(export_module, "choose_export_path", choose)
    return chosen


def open_screen(qtbot, screen):  # noqa: ANN001, ANN201
    qtbot.addWidget(screen)
    screen.resize(1300, 750)
    screen.show()
    screen.start()
    return screen


def exported(qtbot, boxes, operations) -> str:  # noqa: ANN001
    """Wait for the export to finish; its 导出完成 line."""
    qtbot.waitUntil(lambda: any(title == "导出完成" for _k, title, _t in boxes.shown) and operations.idle,
                    timeout=15000)
    return next(text for _k, title, text in boxes.shown if title == "导出完成")


def rows_of(path: Path) -> list[dict]:
    if path.suffix == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))
    sheet = load_workbook(path).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)
    return [dict(zip(header, values, strict=True)) for values in sheet.iter_rows(min_row=2, values_only=True)]


def export_events(db) -> list[ChangeSet]:  # noqa: ANN001
    with db.reader() as s:
        found = list(s.scalars(select(ChangeSet).where(ChangeSet.kind == "export").order_by(ChangeSet.id)))
        s.expunge_all()
        return found


def population(qtbot, operations, town) -> PopulationScreen:  # noqa: ANN001
    screen = open_screen(qtbot, PopulationScreen(operations))
    qtbot.waitUntil(lambda: screen.model.rowCount() == town.active and operations.idle)
    return screen


def table_names(screen: PopulationScreen) -> list[str]:
    return [screen.model.index(r, 0).data() for r in range(screen.model.rowCount())]


def test_the_shortcut_exports_the_filtered_table_masked(qtbot, db, operations, town, boxes, target) -> None:  # noqa: ANN001
    screen = population(qtbot, operations, town)
    screen.filters.search.setText("张")
    qtbot.waitUntil(lambda: operations.idle and not screen.filters._debounce.isActive()
                    and screen.model.rowCount() == 3)
    shown = table_names(screen)
    boxes.answer = False  # 导出完整号码? no
    screen.activateWindow()
    screen.table.setFocus()
    qtbot.waitUntil(screen.table.hasFocus)
    qtbot.keyClick(screen.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    line = exported(qtbot, boxes, operations)
    assert "3 行" in line and str(target["path"]) in line
    rows = rows_of(target["path"])  # type: ignore[arg-type]
    assert [row["姓名"] for row in rows] == shown  # the table's order
    assert {row["姓名"] for row in rows} == {"张立春", "张伟", "张𠀀春"}
    zhang = next(row for row in rows if row["姓名"] == "张立春")
    full = id_number(date(1950, 3, 12), 11)
    assert zhang["身份证号"] == full[:6] + "*" * 8 + full[-4:] and zhang["联系电话"] == "138****0001"
    assert len(boxes.asked) == 1  # the system may reveal: it was asked, and said no
    [event] = export_events(db)
    assert event.detail["view"] == "residents" and event.detail["filters"]["text"] is True
    assert event.detail["revealed"] is False and event.detail["rows"] == 3


def test_a_place_and_full_numbers_when_asked_for(qtbot, db, operations, town, boxes, target, tmp_path) -> None:  # noqa: ANN001
    screen = population(qtbot, operations, town)
    qtbot.waitUntil(lambda: screen.tree_model.index_of(Place("grid", town.grid2)).isValid())
    screen.tree.setCurrentIndex(screen.tree_model.index_of(Place("grid", town.grid2)))
    qtbot.waitUntil(lambda: operations.idle and screen.model.rowCount() == 2)
    target["path"] = tmp_path / "第二网格.csv"
    boxes.answer = True
    screen.export_action.trigger()
    exported(qtbot, boxes, operations)
    rows = rows_of(target["path"])  # type: ignore[arg-type]
    assert {row["姓名"] for row in rows} == {"刘明", "赵德胜"}
    assert {row["身份证号"] for row in rows} == {id_number(date(2010, 2, 3), 67), id_number(date(1985, 9, 9), 77)}
    assert export_events(db)[-1].detail["revealed"] is True


def test_no_action_without_the_export_permission(qtbot, db, operations, town, boxes, target) -> None:  # noqa: ANN001
    sign_in_as(db, "viewer", "只读", health=True)
    screen = population(qtbot, operations, town)
    assert not screen.export_action.isVisible()
    assert screen.export_view() is None and target["titles"] == []
    health = open_screen(qtbot, HealthScreen(operations))
    assert not health.export_action.isVisible() and health.export_button.isHidden()


def test_a_cancelled_file_dialog_writes_nothing(qtbot, db, operations, town, boxes, target) -> None:  # noqa: ANN001
    screen = population(qtbot, operations, town)
    target["path"] = None
    assert screen.export_view() is None
    assert operations.idle and export_events(db) == [] and boxes.shown == []


def test_health_list_exports_everyone_the_search_picks(qtbot, db, operations, town, boxes, target) -> None:  # noqa: ANN001
    screen = open_screen(qtbot, HealthScreen(operations))
    qtbot.waitUntil(lambda: operations.idle and screen.people.rowCount() > 0)
    screen.search.setText("张")
    qtbot.waitUntil(lambda: operations.idle and not screen._debounce.isActive() and screen.people.rowCount() == 3)
    listed = [screen.people.item(r, 0).text() for r in range(screen.people.rowCount())]
    boxes.answer = False
    screen.export_action.trigger()
    exported(qtbot, boxes, operations)
    rows = rows_of(target["path"])  # type: ignore[arg-type]
    assert [row["姓名"] for row in rows] == listed
    assert {row["健康档案"] for row in rows} == {"无"}
    assert target["titles"][0][0] == "导出居民健康库"  # type: ignore[index]


def test_requests_tab_exports_its_status_filter(qtbot, db, operations, town, boxes, target) -> None:  # noqa: ANN001
    with db.transaction("受理", actor=SYSTEM) as s:
        for name, content in (("张立春", "=1+1 理发"), ("王淑芬", "送餐")):
            requests.create_request(s, RequestInput(resident_id=town.ids[name], category_id=1, content=content))
    with db.transaction("办结", actor=SYSTEM) as s:
        first = requests.list_requests(s, RequestFilter(text="送餐"))[0]
        requests.complete_request(s, first.id, "送到了", expected_version=first.version)
    tab = open_screen(qtbot, RequestsTab(operations))
    qtbot.waitUntil(lambda: operations.idle and len(tab.model.rows) == 2)
    tab.chips["待办"].setChecked(True)
    qtbot.waitUntil(lambda: operations.idle and len(tab.model.rows) == 1)
    tab.export_action.trigger()
    exported(qtbot, boxes, operations)
    [row] = rows_of(target["path"])  # type: ignore[arg-type]
    assert (row["服务对象"], row["内容"], row["状态"]) == ("张立春", "=1+1 理发", "待办")
    assert boxes.asked == []  # no ID numbers in this list: nothing to ask


def test_badges_and_wills_export_their_filters(qtbot, db, operations, town, boxes, target, tmp_path) -> None:  # noqa: ANN001
    badges = open_screen(qtbot, BadgesScreen(operations))
    qtbot.waitUntil(lambda: operations.idle and badges.model.rowCount() > 0 and badges.grid.count() == 3)
    badges.grid.setCurrentIndex(badges.grid.findData(town.grid1))
    qtbot.waitUntil(lambda: operations.idle and {r.name for r in badges.model.rows} == {"张立春", "李桂兰", "王淑芬", "张𠀀春"})
    badges.export_action.trigger()
    exported(qtbot, boxes, operations)
    assert {row["姓名"] for row in rows_of(target["path"])} == {"张立春", "李桂兰", "王淑芬", "张𠀀春"}  # type: ignore[arg-type]

    boxes.shown.clear()
    target["path"] = tmp_path / "遗嘱.csv"
    wills = open_screen(qtbot, WillsScreen(operations))
    qtbot.waitUntil(lambda: operations.idle and wills.count.text().startswith("共"))
    wills.status_filter.setCurrentIndex(wills.status_filter.findData("有效"))
    wills.export_action.trigger()
    exported(qtbot, boxes, operations)
    assert rows_of(target["path"]) == []  # type: ignore[arg-type]
    assert next(csv.reader(open(target["path"], encoding="utf-8-sig")))[:2] == ["登记号", "立遗嘱人"]  # type: ignore[arg-type]
    assert export_events(db)[-1].detail["filters"] == {"status": "有效"}


def test_one_shortcut_each_on_the_screens(qtbot, operations, town) -> None:  # noqa: ANN001
    """Ctrl+Shift+E is 导出… and nothing else on each screen (two actions on one key stay silent)."""
    health = HealthScreen(operations)
    for screen in (PopulationScreen(operations), health, RequestsTab(operations), BadgesScreen(operations),
                   WillsScreen(operations)):
        qtbot.addWidget(screen)
        keys = [act.shortcut() for act in QWidget.actions(screen) if not act.shortcut().isEmpty()]
        assert keys.count(QKeySequence("Ctrl+Shift+E")) == 1, type(screen).__name__
        assert len(keys) == len(set(keys)), type(screen).__name__
        assert screen.export_action.text() == "导出…" and screen.export_action.isVisible()
    assert not health.export_button.isHidden()  # the 居民健康库 has no toolbar: its own button
