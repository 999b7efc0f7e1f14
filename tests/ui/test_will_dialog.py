"""The will registration dialog and the step dialogs driven from the 遗嘱库 screen with qtbot on a
real database: the Civil Code checks shown live (witnesses for a 代书 will, a son of the household
refused as witness under 第1140条, the three confirmations, 口头 and 公证), 保存 refused while any
remains, registration and supersession (第1142条), correcting a registration without losing the
masked numbers, 撤回, 紧急情况已消除, death → 启用 → 已通知查看人, and undo. Chinese goes in with
setText() (qtbot.keyClicks aborts on non-ASCII, DESIGN.md)."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.models import ChangeSet
from chang_shan.db.models.wills import WillRegistration, WillWitness
from chang_shan.population import residents, undo
from chang_shan.ui.dialogs.will import ALL_CLEAR, WillDialog
from chang_shan.ui.dialogs.will_steps import ActivateDialog, EmergencyOverDialog, NotifiedDialog, RevokeDialog
from chang_shan.ui.forms.fields import qdate
from chang_shan.ui.screens import wills as wills_screen
from chang_shan.ui.screens.wills import WillsScreen
from chang_shan.ui.widgets import canteen_print
from tests.ui.test_wills_screen import open_screen, select_will
from tests.ui.will_desk import (  # noqa: F401 (will_desk: a fixture)
    FRIEND_ID,
    NEIGHBOUR_ID,
    WillDesk,
    as_user,
    register,
    will_desk,
    will_input,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def screen(qtbot, operations, db, will_desk: WillDesk) -> WillsScreen:  # noqa: ANN001
    as_user(db, "clerk")
    return open_screen(qtbot, operations)


def saved(qtbot, screen: WillsScreen, dialog) -> None:  # noqa: ANN001
    """Click the dialog's button; wait until it closed and the screen shows the will again."""
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.dialog is None)
    qtbot.waitUntil(lambda: screen.ops.idle and screen.current_detail() is not None)


def wills_of(db, testator_id: int) -> list[tuple[str, str, str]]:  # noqa: ANN001
    with db.reader(actor=SYSTEM) as s:
        return [(w.number, w.form, w.status) for w in s.scalars(
            select(WillRegistration).where(WillRegistration.testator_id == testator_id).order_by(WillRegistration.id))]


def choose_testator(dialog: WillDialog, text: str) -> None:
    dialog.testator.search.setText(text)
    dialog.testator.search_now()


def fill_witness(dialog: WillDialog, row: int, name: str, number: str = "", *, confirm: bool = True) -> None:
    table = dialog.witnesses
    table.set_text(row, 0, name)
    table.set_text(row, 1, number)
    table.set_text(row, 2, "邻居")
    if confirm:
        table.confirm_all(row)


def test_registering_a_dictated_will_with_the_checks_live(qtbot, screen: WillsScreen, will_desk: WillDesk,  # noqa: ANN001
                                                          db, boxes) -> None:
    town = will_desk.town
    notarised = register(db, will_input(town, form="公证", made=date(2024, 3, 1), notary_office="长春市长春公证处",
                                        notary_certificate="(2024)吉长证民字第88号"))
    screen.reload()
    qtbot.waitUntil(lambda: screen.ops.idle and screen.model.rowCount() == 1)
    assert screen.new_action.isEnabled()
    dialog = screen.new_will()
    assert isinstance(dialog, WillDialog) and dialog.isVisible() and dialog.windowTitle() == "登记遗嘱"
    # An empty form: the rules are listed at once, but no field is red before it is visited.
    problems = dialog.problem_lines()
    assert "请选择立遗嘱人（在册居民）。" in problems
    assert any(p.startswith("请填写立遗嘱日期") for p in problems)
    assert any("勾选“已核对”" in p for p in problems)
    assert dialog.form.errors_shown() == {}
    assert dialog.registered_edit.value() == date.today()
    assert dialog.form.hint_text("form").startswith("遗嘱人亲笔书写")  # 自书, 第1134条
    assert not dialog.emergency_edit.isEnabled() and not dialog.certificate_edit.isEnabled()
    assert dialog.cabinet_edit.isEnabled() and not dialog.notary_office_edit.isEnabled()

    choose_testator(dialog, "张立春")
    assert dialog.testator.resident_name() == "张立春"
    dialog.form_combo.setCurrentIndex(dialog.form_combo.findData("代书"))
    assert dialog.form_combo.currentText() == "代书遗嘱（民法典第1135条）"
    assert "两个以上见证人" in dialog.form.hint_text("form")
    assert dialog.witnesses.table.rowCount() == 2  # the two lines the article asks for
    dialog.made_edit.setDate(qdate(date(2025, 4, 1)))
    dialog.cabinet_edit.setText("A-03")
    dialog.file_edit.setText("0013")
    dialog.check_now()
    assert any("代书遗嘱（民法典第1135条）应当有两个以上见证人" in p for p in dialog.problem_lines())

    # The son of the household as a witness: refused under 第1140条, his line painted.
    fill_witness(dialog, 0, "张伟")
    fill_witness(dialog, 1, "钱秀云", FRIEND_ID, confirm=False)
    dialog.check_now()
    lines = dialog.problem_lines()
    assert any(p.startswith("见证人张伟与立遗嘱人同户，是立遗嘱人的子女") and "第1140条" in p for p in lines)
    assert any(p.startswith("请向见证人钱秀云核实并勾选") for p in lines)
    painted = dialog.witnesses.table.item(0, 0).background().color().name()
    assert painted == "#fdecea"
    assert dialog.witnesses.table.item(1, 4).background().color().name() == "#fdecea"  # a confirmation missing
    assert dialog.witnesses.table.item(1, 0).background().color().name() != "#fdecea"

    # 保存 is refused while anything remains: every message under its field, nothing written.
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and len(wills_of(db, town.zhang)) == 1
    shown = dialog.form.errors_shown()
    assert "张伟" in shown["witnesses"] and "钱秀云" in shown["witnesses"]
    assert "勾选“已核对”" in shown["checks_confirmed"]
    assert dialog.banner_text().startswith("有 ")

    fill_witness(dialog, 0, "赵大勇", NEIGHBOUR_ID)
    dialog.witnesses.confirm_all(1)
    dialog.checks_box.setChecked(True)
    dialog.capacity_edit.setPlainText("神志清楚，对答切题")
    dialog.persons.add_line()
    dialog.persons.set_role(0, "提取人")
    dialog.persons.set_text(0, 1, "张伟")
    dialog.persons.set_text(0, 2, "儿子")
    assert dialog.check_now() == {}
    assert dialog.problems.text() == ALL_CLEAR and dialog.form.errors_shown() == {}
    saved(qtbot, screen, dialog)

    assert wills_of(db, town.zhang) == [("YZ2024-0001", "公证", "被新遗嘱取代"),
                                        (f"YZ{date.today().year}-0001" if date.today().year != 2024 else "YZ2024-0002",
                                         "代书", "有效")]
    assert screen.current_will_id() == dialog.saved_id
    panel = screen.detail_panel
    assert panel.values["form"].text() == "代书（第1135条）"
    assert [r[0] for r in panel.rows_of(panel.witnesses)] == ["赵大勇", "钱秀云"]
    assert panel.rows_of(panel.persons) == [("提取人", "张伟", "儿子", "", "")]
    assert panel.values["registrar"].text() == "刘文书"
    # What the registration changed is told: the notarised will is superseded (第1142条).
    assert any("已被这份遗嘱取代" in text and "第1142条" in text for _k, _t, text in boxes.shown)
    assert screen.model.index(screen.model.row_of(notarised), 6).data() == "被新遗嘱取代"


def test_oral_and_notarised_forms_open_their_fields(qtbot, screen: WillsScreen, will_desk: WillDesk) -> None:  # noqa: ANN001
    dialog = screen.new_will()
    choose_testator(dialog, "王淑芬")
    dialog.form_combo.setCurrentIndex(dialog.form_combo.findData("口头"))
    assert dialog.emergency_edit.isEnabled()
    dialog.check_now()
    assert any("口头遗嘱只能在危急情况下订立" in p for p in dialog.problem_lines())
    dialog.emergency_edit.setText("突发脑梗住院")
    dialog.check_now()
    assert not any("危急情况下订立" in p for p in dialog.problem_lines())
    dialog.form_combo.setCurrentIndex(dialog.form_combo.findData("公证"))
    assert not dialog.emergency_edit.isEnabled() and dialog.current_input().emergency_note == ""
    assert dialog.certificate_edit.isEnabled() and dialog.notary_office_edit.isEnabled()
    dialog.check_now()
    assert any("请填写公证书编号" in p for p in dialog.problem_lines())
    dialog.custody_row.set_code("家属保管")
    assert not dialog.cabinet_edit.isEnabled() and dialog.custody_note_edit.isEnabled()
    dialog.check_now()
    assert any("由谁保管" in p for p in dialog.problem_lines())
    dialog.custody_row.set_code("公证处")
    assert dialog.notary_office_edit.isEnabled() and dialog.current_input().cabinet == ""


def test_correcting_a_registration_keeps_the_masked_numbers(qtbot, screen: WillsScreen, will_desk: WillDesk,  # noqa: ANN001
                                                            db) -> None:
    will_id = register(db, will_input(will_desk.town))
    screen.reload()
    qtbot.waitUntil(lambda: screen.ops.idle and screen.model.rowCount() == 1)
    select_will(qtbot, screen, will_id)
    dialog = screen.edit()
    assert isinstance(dialog, WillDialog) and dialog.windowTitle() == "修改遗嘱登记"
    assert dialog.testator.resident_name() == "张立春"
    masked = NEIGHBOUR_ID[:6] + "********" + NEIGHBOUR_ID[-4:]
    assert dialog.witnesses.text(0, 1) == masked  # never the full number on screen
    assert dialog.check_now() == {}  # unchanged masked values count as the stored ones
    dialog.note_edit.setPlainText("原件一式两份")
    saved(qtbot, screen, dialog)
    with db.reader(actor=SYSTEM) as s:
        assert s.get(WillRegistration, will_id).note == "原件一式两份"
        numbers = list(s.scalars(select(WillWitness.id_number).where(WillWitness.will_id == will_id)
                                 .order_by(WillWitness.position)))
    assert numbers == [NEIGHBOUR_ID, FRIEND_ID]
    assert screen.detail_panel.values["note"].text() == "原件一式两份"


def test_revoking_and_undoing(qtbot, screen: WillsScreen, will_desk: WillDesk, db) -> None:  # noqa: ANN001
    will_id = register(db, will_input(will_desk.town))
    screen.reload()
    qtbot.waitUntil(lambda: screen.ops.idle and screen.model.rowCount() == 1)
    select_will(qtbot, screen, will_id)
    assert screen.revoke_action.isEnabled() and not screen.activate_action.isEnabled()
    assert not screen.emergency_action.isEnabled()  # not an oral will
    dialog = screen.revoke()
    assert isinstance(dialog, RevokeDialog)
    assert dialog.header.text() == "YZ2024-0001　张立春　代书遗嘱（第1135条）　有效"
    dialog.note_edit.setText("本人到社区申请撤回，取回原件")
    assert "民法典第1142条" in dialog.confirmation()
    saved(qtbot, screen, dialog)
    assert wills_of(db, will_desk.town.zhang) == [("YZ2024-0001", "代书", "已撤回")]
    panel = screen.detail_panel
    assert panel.values["revoked"].text() == f"{date.today():%Y-%m-%d}　本人到社区申请撤回，取回原件"
    assert not screen.revoke_action.isEnabled() and not screen.edit_action.isEnabled()
    with db.transaction("撤销", actor=SYSTEM) as s:
        assert undo.undo_last(s) == "撤回遗嘱 YZ2024-0001 张立春"
    assert wills_of(db, will_desk.town.zhang) == [("YZ2024-0001", "代书", "有效")]


def test_an_oral_will_after_the_emergency(qtbot, screen: WillsScreen, will_desk: WillDesk, db) -> None:  # noqa: ANN001
    will_id = register(db, will_input(will_desk.town, testator="wang", form="口头", emergency_note="病危住院"))
    screen.reload()
    qtbot.waitUntil(lambda: screen.ops.idle and screen.model.rowCount() == 1)
    select_will(qtbot, screen, will_id)
    assert screen.emergency_action.isEnabled()
    dialog = screen.emergency_over()
    assert isinstance(dialog, EmergencyOverDialog)
    assert dialog.form.hint_text("on_date") == "当时的危急情况：病危住院"
    saved(qtbot, screen, dialog)
    row = screen.model.row_of(will_id)
    assert "口头遗嘱已无效" in screen.model.index(row, 8).data()
    assert screen.model.index(row, 8).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#b3261e"
    assert "此口头遗嘱无效（民法典第1138条）" in screen.detail_panel.warnings.text()
    assert not screen.emergency_action.isEnabled()


def test_death_then_activate_then_notify(qtbot, screen: WillsScreen, will_desk: WillDesk, db) -> None:  # noqa: ANN001
    town = will_desk.town
    will_id = register(db, will_input(town))
    with db.transaction("登记死亡 张立春", actor=SYSTEM) as s:
        residents.record_death(s, town.zhang, on_date=date.today())
    screen.reload()
    qtbot.waitUntil(lambda: screen.ops.idle and screen.model.rowCount() == 1)
    select_will(qtbot, screen, will_id)
    assert "待通知查看人" in screen.model.index(0, 8).data() or "通知" in screen.model.index(0, 8).data()
    assert screen.activate_action.isEnabled() and screen.notified_action.isEnabled()
    dialog = screen.activate()
    assert isinstance(dialog, ActivateDialog)
    assert dialog.form.hint_text("on_date") == f"立遗嘱人于 {date.today():%Y-%m-%d} 去世。"
    saved(qtbot, screen, dialog)
    assert wills_of(db, town.zhang) == [("YZ2024-0001", "代书", "已启用")]
    assert not screen.activate_action.isEnabled() and screen.notified_action.isEnabled()
    dialog = screen.notified()
    assert isinstance(dialog, NotifiedDialog)
    assert dialog.form.hint_text("on_date") == "应通知：查看人 张伟（儿子） 139****0033"
    saved(qtbot, screen, dialog)
    assert not screen.notified_action.isEnabled()
    assert screen.detail_panel.values["notified"].text() == f"{date.today():%Y-%m-%d}"
    assert "通知" not in screen.model.index(0, 8).data()


def test_attachments_and_prints(qtbot, screen: WillsScreen, will_desk: WillDesk, db, monkeypatch,  # noqa: ANN001
                                tmp_path: Path) -> None:
    will_id = register(db, will_input(will_desk.town))
    screen.reload()
    qtbot.waitUntil(lambda: screen.ops.idle and screen.model.rowCount() == 1)
    select_will(qtbot, screen, will_id)
    scan = tmp_path / "遗嘱扫描.pdf"
    scan.write_bytes(b"%PDF-1.4 scan of the will")
    opened: list[Path] = []
    monkeypatch.setattr(wills_screen, "choose_attachment", lambda _parent: str(scan))
    monkeypatch.setattr(canteen_print, "open_file", opened.append)
    assert screen.add_attachment()
    qtbot.waitUntil(lambda: screen.ops.idle and screen.current_detail() is not None
                    and screen.detail_panel.attachments.rowCount() == 1)
    panel = screen.detail_panel
    assert panel.rows_of(panel.attachments)[0][:3] == ("扫描件", "遗嘱扫描.pdf", "25 B")
    panel.attachments.selectRow(0)
    assert panel.open_button.isEnabled()
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(opened) == 1)
    assert opened[0].read_bytes() == scan.read_bytes() and opened[0] != scan
    assert wills_screen.attachment_kind(Path("a.M4A")) == "录音" and wills_screen.attachment_kind(Path("b.mp4")) == "录像"

    out = tmp_path / "登记表.pdf"
    monkeypatch.setattr(canteen_print, "choose_pdf_path", lambda *_args: str(out))
    statuses: list[str] = []
    screen.statusChanged.connect(statuses.append)
    assert screen.print_form()
    qtbot.waitUntil(lambda: screen.ops.idle and len(opened) == 2)
    assert opened[1] == out and out.read_bytes().startswith(b"%PDF")
    assert statuses[-1].startswith("已生成遗嘱登记表（") and str(out) in statuses[-1]
    assert "YZ2024-0001" in pdf_text(out)
    for make, title, name in ((screen.print_receipt, "遗嘱登记回执", "回执.pdf"), (screen.print_book, "遗嘱库登记簿", "簿.pdf")):
        out = tmp_path / name
        assert make()
        qtbot.waitUntil(lambda out=out: screen.ops.idle and opened[-1] == out)
        assert statuses[-1].startswith(f"已生成{title}（") and "YZ2024-0001" in pdf_text(out)
    with db.reader(actor=SYSTEM) as s:  # each print is in the audit trail
        prints = list(s.scalars(select(ChangeSet.action).where(ChangeSet.kind == "print")))
    assert len(prints) == 3


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
