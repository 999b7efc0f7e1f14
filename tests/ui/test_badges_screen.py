"""The 防走失卡 screen driven with qtbot on a real database: the register of the 60+ with their
badges, a changed phone putting a badge first in red as 需重印 (家属联系人), the filters, the
selected person's prints and consent, 重印所选 / 打印全部需重印 handing the print dialog the right
people, the consent and photo dialogs opened window-modal from here, the today list's ('badge',
id) and what a read-only user gets."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QDialog

from chang_shan.badges.shapes import BadgeChoice
from chang_shan.db.database import Database
from chang_shan.ui.forms.fields import ERROR_COLOUR
from chang_shan.ui.screens.badges import BadgesScreen
from tests.badges.office import RARE_NAME, TODAY, BadgeOffice
from tests.ui.badge_desk import badge_db, badge_office, badge_ops, phone_changed, printed  # noqa: F401

pytestmark = pytest.mark.gui


class FakePrintDialog(QDialog):
    """Stands in for the print dialog (tested on its own): records whom it was asked to print."""

    opened: list[BadgeChoice] = []

    def __init__(self, parent, ops, choice=None, *, today=None) -> None:  # noqa: ANN001
        assert today == TODAY
        super().__init__(parent)
        FakePrintDialog.opened.append(choice)


@pytest.fixture
def fake_print(monkeypatch: pytest.MonkeyPatch) -> type[FakePrintDialog]:
    FakePrintDialog.opened = []
    monkeypatch.setattr(BadgesScreen, "print_dialog_class", staticmethod(lambda: FakePrintDialog))
    return FakePrintDialog


def open_screen(qtbot, ops) -> BadgesScreen:  # noqa: ANN001
    screen = BadgesScreen(ops)
    screen.today = lambda: TODAY  # type: ignore[method-assign]
    qtbot.addWidget(screen)
    screen.resize(1300, 760)
    screen.show()
    screen.start()
    qtbot.waitUntil(lambda: ops.idle and screen.grid.count() > 1)
    return screen


def cells(screen: BadgesScreen) -> list[list[str]]:
    model = screen.model
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def names(screen: BadgesScreen) -> list[str]:
    return [row[1] for row in cells(screen)]


def settle(qtbot, screen: BadgesScreen) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: screen.ops.idle)


def select(qtbot, screen: BadgesScreen, *resident_ids: int) -> None:  # noqa: ANN001
    """Those rows selected (the first current), as Ctrl+click would."""
    flags = QItemSelectionModel.SelectionFlag
    for n, resident_id in enumerate(resident_ids):
        row = screen.model.row_of(resident_id)
        assert row is not None
        if n == 0:
            screen.select_only(row)
        else:
            screen.table.selectionModel().select(screen.model.index(row, 0), flags.Select | flags.Rows)
    settle(qtbot, screen)


def test_the_register_lists_the_60plus_not_yet_printed(qtbot, badge_ops, badge_office: BadgeOffice) -> None:  # noqa: ANN001, F811
    screen = open_screen(qtbot, badge_ops)
    assert sorted(names(screen)) == sorted(["张立春", "李桂兰", "王淑芬", RARE_NAME])  # living, 60+ on TODAY
    zhang = cells(screen)[screen.model.row_of(badge_office.zhang)]
    assert zhang == ["", "张立春", "75 岁", "3号楼1单元101", "未打印", "", "", ""]
    assert screen.count.text() == "共 4 人，需重印 0 人，未打印 4 人"
    assert [screen.grid.itemText(i) for i in range(screen.grid.count())] == ["全部网格", "第一网格", "第二网格"]
    assert not screen.reprint_action.isEnabled()  # nobody selected yet


def test_a_changed_phone_puts_the_badge_first_in_red(qtbot, badge_ops, badge_db: Database,  # noqa: ANN001, F811
                                                     badge_office: BadgeOffice) -> None:  # noqa: F811
    o = badge_office
    numbers = printed(badge_db, [o.zhang, o.li, o.wang])
    phone_changed(badge_db, o.zhang)
    screen = open_screen(qtbot, badge_ops)
    rows = cells(screen)
    assert rows[0] == [f"{numbers[o.zhang]:05d}", "张立春", "75 岁", "3号楼1单元101", "需重印", "1",
                       f"{date.today():%Y-%m-%d}", "家属联系人"]  # printed just now
    assert rows[1][1] == RARE_NAME and rows[1][4] == "未打印"  # then the one never printed
    assert {r[1]: r[4] for r in rows[2:]} == {"李桂兰": "已是最新", "王淑芬": "已是最新"}
    state = screen.model.index(0, 4)
    assert state.data(Qt.ItemDataRole.ForegroundRole).color().name() == ERROR_COLOUR
    assert state.data(Qt.ItemDataRole.DecorationRole) is not None
    assert "家属联系人" in state.data(Qt.ItemDataRole.ToolTipRole)
    assert screen.model.index(2, 4).data(Qt.ItemDataRole.ForegroundRole) is None  # up to date: plain
    assert screen.count.text() == "共 4 人，需重印 1 人，未打印 1 人"

    # filters: 需重印 only, then a grid, then a search text
    screen.state.setCurrentIndex(screen.state.findText("需重印"))
    qtbot.waitUntil(lambda: names(screen) == ["张立春"])
    screen.state.setCurrentIndex(0)
    screen.grid.setCurrentIndex(screen.grid.findText("第二网格"))
    qtbot.waitUntil(lambda: names(screen) == [RARE_NAME])
    screen.grid.setCurrentIndex(0)
    screen.search.setText("王")
    qtbot.waitUntil(lambda: names(screen) == ["王淑芬"])
    screen.search.setText(f"{numbers[o.li]:05d}")  # the badge number finds its owner
    qtbot.waitUntil(lambda: names(screen) == ["李桂兰"])


def test_the_selected_person_shows_prints_consent_and_photo(qtbot, badge_ops, badge_db: Database,  # noqa: ANN001, F811
                                                            badge_office: BadgeOffice) -> None:  # noqa: F811
    o = badge_office
    printed(badge_db, [o.zhang])
    printed(badge_db, [o.zhang])  # a second print of the same version
    screen = open_screen(qtbot, badge_ops)
    select(qtbot, screen, o.zhang)
    qtbot.waitUntil(lambda: screen.history_table.rowCount() == 2)
    assert screen.history_label.text() == "张立春的打印记录（2 次）"
    assert [screen.history_table.item(0, c).text() for c in (0, 2, 4)] == ["1", "A4 多枚", "PDF 文件"]
    text = screen.consent_text.text()
    assert text.startswith("卡上印：姓名、家属电话 2 位、社区电话、照片（尚无照片）")  # the office's defaults
    assert "未登记同意书" in text
    assert screen.photo.text() == "无照片"
    select(qtbot, screen, o.wang)
    qtbot.waitUntil(lambda: screen.history_label.text() == "王淑芬的防走失卡还没有打印过")
    assert screen.history_table.rowCount() == 0


def test_reprint_selected_hands_the_print_dialog_those_people(qtbot, badge_ops, badge_db: Database,  # noqa: ANN001, F811
                                                             badge_office: BadgeOffice, fake_print) -> None:  # noqa: ANN001, F811
    o = badge_office
    printed(badge_db, [o.zhang, o.li])
    phone_changed(badge_db, o.zhang)
    screen = open_screen(qtbot, badge_ops)
    select(qtbot, screen, o.li, o.zhang)
    assert screen.reprint_action.text() == "重印所选（2 人）"
    screen.activateWindow()
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # Ctrl+P
    assert fake_print.opened == [BadgeChoice(resident_ids=(o.zhang, o.li))]  # the register's order
    assert screen.dialog is not None and screen.dialog.isVisible()
    assert screen.dialog.windowModality() == Qt.WindowModality.WindowModal
    assert screen.reprint_selected() is None  # one dialog at a time
    screen.dialog.reject()
    qtbot.waitUntil(lambda: screen.dialog is None and badge_ops.idle)

    # 打印全部需重印: every stale badge; with a grid chosen, that grid's
    screen.print_stale_action.trigger()
    assert fake_print.opened[-1] == BadgeChoice(changed_since=True)
    screen.dialog.reject()
    screen.grid.setCurrentIndex(screen.grid.findText("第二网格"))
    settle(qtbot, screen)
    screen.print_stale_action.trigger()
    assert fake_print.opened[-1] == BadgeChoice(changed_since=True, grid="02")
    screen.dialog.reject()


def test_the_register_reloads_after_a_print_keeping_the_selection(qtbot, badge_ops, badge_db: Database,  # noqa: ANN001, F811
                                                                   badge_office: BadgeOffice, fake_print) -> None:  # noqa: ANN001, F811
    o = badge_office
    screen = open_screen(qtbot, badge_ops)
    select(qtbot, screen, o.wang)
    dialog = screen.reprint_selected()
    printed(badge_db, [o.wang])  # what the print dialog records
    dialog.accept()
    qtbot.waitUntil(lambda: badge_ops.idle and cells(screen)[screen.model.row_of(o.wang)][4] == "已是最新")
    assert screen.current_resident_id() == o.wang


def test_consent_and_photo_open_window_modal_and_refresh(qtbot, badge_ops, badge_office: BadgeOffice) -> None:  # noqa: ANN001, F811
    from chang_shan.ui.dialogs.badge_consent import BadgeConsentDialog
    from chang_shan.ui.dialogs.photo import PhotoDialog

    o = badge_office
    screen = open_screen(qtbot, badge_ops)
    select(qtbot, screen, o.li)
    dialog = screen.edit_consent()
    assert isinstance(dialog, BadgeConsentDialog) and dialog.windowModality() == Qt.WindowModality.WindowModal
    dialog.address_box.setChecked(True)
    dialog.given_by_edit.setText("儿子 张伟")
    with qtbot.waitSignal(badge_ops.changed):
        assert dialog.save()
    qtbot.waitUntil(lambda: badge_ops.idle and "同意人：儿子 张伟" in screen.consent_text.text())
    assert "住址" in screen.consent_text.text().splitlines()[0]
    assert screen.current_resident_id() == o.li
    photo = screen.edit_photo()
    assert isinstance(photo, PhotoDialog) and screen.dialog is photo
    photo.reject()
    qtbot.waitUntil(lambda: screen.dialog is None)


def test_the_today_item_opens_the_person_here(qtbot, badge_ops, badge_office: BadgeOffice) -> None:  # noqa: ANN001, F811
    from chang_shan.ui.main_window import MainWindow

    o = badge_office
    window = MainWindow(badge_ops)
    window.badges.today = lambda: TODAY  # type: ignore[method-assign]
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    assert [window.sidebar.item(i).text() for i in range(6)][4:] == ["便民档案库", "防走失卡"]
    window.open_record("badge", o.wang)
    assert window.current_screen is window.badges
    qtbot.waitUntil(lambda: badge_ops.idle and window.badges.current_resident_id() == o.wang)
    # hidden by a filter: the filters are cleared so that the person is listed, and selected
    window.badges.search.setText("张立春")
    qtbot.waitUntil(lambda: badge_ops.idle and names(window.badges) == ["张立春"])
    window.open_record("badge", o.li)
    qtbot.waitUntil(lambda: badge_ops.idle and window.badges.current_resident_id() == o.li)
    assert window.badges.search.text() == "" and window.badges.model.rowCount() == 4


def test_a_reader_gets_no_print_or_photo(qtbot, badge_db: Database, badge_office: BadgeOffice) -> None:  # noqa: ANN001, F811
    from chang_shan.ui.ops import Operations

    badge_db.actor = badge_office.actors["reader_h"]
    ops = Operations(badge_db)
    try:
        screen = open_screen(qtbot, ops)
        assert not screen.reprint_action.isVisible() and not screen.print_stale_action.isVisible()
        assert not screen.photo_action.isVisible() and screen.consent_action.isVisible()
        select(qtbot, screen, badge_office.zhang)
        assert screen.reprint_selected() is None and screen.edit_photo() is None
        dialog = screen.edit_consent()  # read-only
        assert dialog is not None and dialog.save_button.isHidden()
        dialog.reject()
    finally:
        ops.shutdown()
