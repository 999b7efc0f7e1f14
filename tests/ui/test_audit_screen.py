"""The audit screen: filters (person, record, user, dates, kind), paging as the table scrolls,
one entry in full, and the export (the file's content, masked, and the export itself audited)."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from chang_shan.accounts import users
from chang_shan.accounts.permissions import SYSTEM
from chang_shan.accounts.signin import sign_in
from chang_shan.audit.events import record_event
from chang_shan.db.models import ChangeSet
from chang_shan.population import residents, reveal
from chang_shan.ui.screens import audit as audit_module
from chang_shan.ui.screens.audit import AuditScreen

pytestmark = pytest.mark.gui

PASSWORD = "chang-shan-2024"


@pytest.fixture
def trail(db, town):  # noqa: ANN001, ANN201
    """Accounts and a few entries: lina reveals 张伟's ID number and changes 李桂兰's phone; the
    administrator is signed in on ``db``."""
    with db.transaction("账户", actor=SYSTEM) as s:
        users.create_user(s, "boss", PASSWORD, "管理员", display_name="张主任")
        users.create_user(s, "lina", PASSWORD, "社区工作者", display_name="李娜")
    db.actor = None
    sign_in(db, "lina", PASSWORD)
    with db.transaction("查看完整身份证号") as s:
        reveal.reveal_id_number(s, town.ids["张伟"])
    with db.transaction("修改居民 李桂兰") as s:
        data = residents.resident_detail(s, town.ids["李桂兰"]).as_input()
        data.phone = "13912345678"
        residents.update_resident(s, town.ids["李桂兰"], data)
    db.actor = None
    sign_in(db, "boss", PASSWORD)
    return town


@pytest.fixture
def screen(qtbot, operations, trail) -> AuditScreen:  # noqa: ANN001
    widget = AuditScreen(operations)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    widget.start()
    qtbot.waitUntil(lambda: operations.idle and widget.model.rowCount() > 0)
    return widget


def shown(screen: AuditScreen, column: int) -> list[str]:
    model = screen.model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def settle(qtbot, screen: AuditScreen) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: screen.ops.idle and not screen.model._fetching)


def test_the_trail_newest_first_with_every_column(screen) -> None:  # noqa: ANN001
    actions = shown(screen, 3)
    assert actions[0] == "登录：boss"
    assert "修改居民 李桂兰" in actions and "查看完整身份证号 张伟" in actions
    row = actions.index("修改居民 李桂兰")
    assert shown(screen, 1)[row] == "lina" and shown(screen, 2)[row] == "修改数据"
    assert shown(screen, 4)[row] == "李桂兰"
    summary = shown(screen, 5)[row]
    assert "电话" in summary and "139****5678" in summary and "13912345678" not in summary
    assert screen.count_label.text().startswith(f"共 {screen.model.total} 条记录")


def test_filter_by_user_and_kind(qtbot, screen) -> None:  # noqa: ANN001
    screen.user_combo.setCurrentIndex(screen.user_combo.findData("lina"))
    screen.apply()
    settle(qtbot, screen)
    assert set(shown(screen, 1)) == {"lina"}
    screen.kind_combo.setCurrentIndex(screen.kind_combo.findText("查看完整信息"))
    screen.apply()
    settle(qtbot, screen)
    assert shown(screen, 3) == ["查看完整身份证号 张伟"]
    assert "共 1 条记录" in screen.count_label.text()
    screen.clear_filters()
    settle(qtbot, screen)
    assert screen.model.rowCount() == screen.model.total > 3


def test_filter_by_person_name(qtbot, screen, trail) -> None:  # noqa: ANN001
    screen.person_edit.setText("李桂兰")
    screen.apply()
    settle(qtbot, screen)
    assert screen.person_combo.isVisible() and screen.person_combo.currentData() == trail.ids["李桂兰"]
    # her own entries, and the one that registered the whole test community (several people)
    assert set(shown(screen, 4)) == {"李桂兰", ""}
    assert set(shown(screen, 3)) == {"修改居民 李桂兰", "建立测试社区"}
    screen.person_edit.setText("查无此人")
    screen._person_edited("")
    screen.apply()
    settle(qtbot, screen)
    assert screen.model.rowCount() == 0
    assert screen.count_label.text() == "没有找到与“查无此人”相符的居民。"


def test_filter_by_record_and_dates(qtbot, screen, trail) -> None:  # noqa: ANN001
    screen.record_table.setCurrentIndex(screen.record_table.findData("resident"))
    screen.record_id.setText(str(trail.ids["张伟"]))
    screen.apply()
    settle(qtbot, screen)
    assert set(shown(screen, 3)) == {"查看完整身份证号 张伟", "建立测试社区"}
    screen.record_id.clear()
    screen.date_to.set_value(date.today() - timedelta(days=1))  # everything here happened today
    screen.apply()
    settle(qtbot, screen)
    assert screen.model.rowCount() == 0
    screen.date_from.set_value(date.today())
    screen.date_to.set_value(None)
    screen.apply()
    settle(qtbot, screen)
    assert screen.model.rowCount() > 0


def test_pages_are_fetched_as_the_table_scrolls(qtbot, db, screen) -> None:  # noqa: ANN001
    with db.transaction("测试") as s:
        for n in range(450):
            record_event(s, "print", f"打印 第 {n} 份")
    screen.apply()
    settle(qtbot, screen)
    total = screen.model.total
    assert total > 450 and screen.model.rowCount() == audit_module.PAGE
    screen.table.scrollToBottom()
    qtbot.waitUntil(lambda: screen.model.rowCount() >= 2 * audit_module.PAGE)
    while screen.model.canFetchMore():
        screen.model.fetchMore()
        settle(qtbot, screen)
    assert screen.model.rowCount() == total
    ids = [row.id for row in screen.model.rows]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == total


def test_an_entry_in_full(qtbot, screen, monkeypatch) -> None:  # noqa: ANN001
    opened = []
    monkeypatch.setattr(audit_module.AuditEntryDialog, "exec", lambda self: opened.append(self) or 0)
    row = shown(screen, 3).index("修改居民 李桂兰")
    index = screen.model.index(row, 3)
    screen.table.activated.emit(index)
    (dialog,) = opened
    assert dialog.values["用户"] == "lina" and dialog.values["操作"] == "修改居民 李桂兰"
    assert dialog.values["居民"].startswith("李桂兰（#")
    assert "139****5678" in dialog.summary.toPlainText()


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_writes_the_filtered_trail(qtbot, db, screen, tmp_path, monkeypatch, boxes, suffix) -> None:  # noqa: ANN001, E501
    target = tmp_path / f"审计记录.{suffix}"
    monkeypatch.setattr(audit_module, "choose_export_path", lambda _parent, _name: str(target))
    screen.user_combo.setCurrentIndex(screen.user_combo.findData("lina"))
    screen.apply()
    settle(qtbot, screen)
    expected = screen.model.total
    screen.export_button.click()
    qtbot.waitUntil(lambda: bool(boxes.shown), timeout=10000)
    assert boxes.shown[-1][1] == "导出完成" and str(target) in boxes.shown[-1][2]
    if suffix == "csv":
        with target.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
    else:
        import openpyxl

        sheet = openpyxl.load_workbook(target, read_only=True).active
        rows = [[("" if v is None else str(v)) for v in r] for r in sheet.iter_rows(values_only=True)]
        rows = rows[next(i for i, r in enumerate(rows) if r[:3] == ["编号", "时间", "用户"]):]
    header, body = rows[0], [r for r in rows[1:] if any(r)]
    assert header[:7] == ["编号", "时间", "用户", "类别", "操作", "居民", "内容"]
    assert len(body) == expected and {r[2] for r in body} == {"lina"}
    text = "\n".join(",".join(r) for r in body)
    assert "修改居民 李桂兰" in text and "139****5678" in text and "13912345678" not in text
    with db.reader() as s:
        exports = list(s.scalars(select(ChangeSet).where(ChangeSet.kind == "export")))
    assert len(exports) == 1 and exports[0].user_name == "boss"
    assert exports[0].detail["rows"] == expected
    settle(qtbot, screen)


def test_export_cancelled_in_the_file_dialog_writes_nothing(qtbot, db, screen, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(audit_module, "choose_export_path", lambda _parent, _name: "")
    screen.export_button.click()
    assert screen.ops.idle
    with db.reader() as s:
        assert s.scalars(select(ChangeSet).where(ChangeSet.kind == "export")).first() is None


def test_an_undone_change_is_marked_in_full(qtbot, db, screen) -> None:  # noqa: ANN001
    from chang_shan.population import undo

    with db.transaction("撤销：修改居民 李桂兰") as s:
        undo.undo_last(s)
    screen.apply()
    settle(qtbot, screen)
    qtbot.waitUntil(lambda: "撤销：修改居民 李桂兰" in shown(screen, 3))
    kind = shown(screen, 2)[shown(screen, 3).index("修改居民 李桂兰")]
    assert kind == "修改数据（已撤销）"
    # the 类别 column holds it without cutting it to 修改数据（已…
    metrics = screen.table.fontMetrics()
    assert screen.table.columnWidth(2) >= metrics.horizontalAdvance(kind) + metrics.horizontalAdvance("中") // 2
