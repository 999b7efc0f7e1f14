"""The steps of a registered will after it is made: 撤回 (the testator revokes it, 第1142条),
紧急情况已消除 (an oral will is void once the emergency is over, 第1138条), 启用 (after the
testator's death) and 已通知查看人. Each asks for the date (today by default), says what will
happen, and writes one journaled action (编辑→撤销 takes it back). Enter does not confirm here;
only the button does."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from chang_shan.ui.dialogs.actions import UNDO_HINT, _ActionDialog
from chang_shan.ui.dialogs.service_request import renamed
from chang_shan.wills import registry

if TYPE_CHECKING:
    from chang_shan.db.database import Database
    from chang_shan.wills.shapes import WillDetail

DATE_KEYS = {"on_date": ("on",)}  # the services' field names → the rows of these dialogs


class _WillStepDialog(_ActionDialog):
    """One step of a will's life; the header says which will."""

    VERB = ""

    def __init__(self, db: Database, detail: WillDetail, *, title: str, save_text: str, date_label: str,
                 parent: QWidget | None) -> None:
        super().__init__(db, title=title, save_text=save_text, parent=parent)
        self.detail = detail
        row = detail.row
        self.header.setText(f"{row.number}　{row.testator_name}　{row.form_text}　{row.status}")
        self.date_edit = self.add_date_row(date_label)

    def is_dirty(self) -> bool:
        return False  # a date and a line, nothing worth a "discard?" question

    def action_name(self) -> str:
        return f"{self.VERB}遗嘱 {self.detail.number} {self.detail.row.testator_name}"

    def day(self) -> str:
        return f"{self.date_edit.value():%Y年%m月%d日}"


class RevokeDialog(_WillStepDialog):
    VERB = "撤回"

    def __init__(self, db: Database, detail: WillDetail, parent: QWidget | None = None) -> None:
        super().__init__(db, detail, title="撤回遗嘱", save_text="确认撤回", date_label="撤回日期", parent=parent)
        self.note_edit = self.add_note_row("撤回说明", "如 立遗嘱人本人到社区申请撤回，并取回原件")
        self.note_edit.textChanged.connect(self.update_confirmation)
        self.update_confirmation()
        self.note_edit.setFocus()

    def confirmation_text(self) -> str:
        return (f"确认立遗嘱人{self.detail.row.testator_name}撤回遗嘱 {self.detail.number}？"
                f"撤回后这份遗嘱不再有效（民法典第1142条），登记和原件的保管记录都留在遗嘱链里。{UNDO_HINT}\n"
                f"撤回日期：{self.day()}")

    def write(self) -> int | None:
        with renamed(DATE_KEYS), self.db.transaction(self.action_name()) as session:
            registry.revoke_will(session, self.detail.id, on=self.date_edit.value(),
                                 note=self.note_edit.text().strip())
        return self.detail.id


class EmergencyOverDialog(_WillStepDialog):
    VERB = "紧急情况已消除"

    def __init__(self, db: Database, detail: WillDetail, parent: QWidget | None = None) -> None:
        super().__init__(db, detail, title="紧急情况已消除", save_text="确认", date_label="消除日期", parent=parent)
        if detail.emergency_note:
            self.form.set_hint("on_date", f"当时的危急情况：{detail.emergency_note}")  # type: ignore[union-attr]
        self.update_confirmation()

    def action_name(self) -> str:
        return f"口头遗嘱紧急情况已消除 {self.detail.number} {self.detail.row.testator_name}"

    def confirmation_text(self) -> str:
        return (f"危急情况消除后，立遗嘱人能够以书面或者录音录像形式立遗嘱的，所立的口头遗嘱无效（民法典第1138条）。"
                f"确认登记 {self.detail.row.testator_name} 的危急情况已于 {self.day()} 消除？"
                f"请提醒其另立遗嘱。{UNDO_HINT}")

    def write(self) -> int | None:
        with renamed(DATE_KEYS), self.db.transaction(self.action_name()) as session:
            registry.mark_emergency_over(session, self.detail.id, on=self.date_edit.value())
        return self.detail.id


class ActivateDialog(_WillStepDialog):
    VERB = "启用"

    def __init__(self, db: Database, detail: WillDetail, parent: QWidget | None = None) -> None:
        super().__init__(db, detail, title="启用遗嘱", save_text="确认启用", date_label="启用日期", parent=parent)
        died = detail.testator_died_on
        if died is not None:
            self.form.set_hint("on_date", f"立遗嘱人于 {died:%Y-%m-%d} 去世。")  # type: ignore[union-attr]
        self.update_confirmation()

    def confirmation_text(self) -> str:
        return (f"确认启用 {self.detail.row.testator_name} 的遗嘱 {self.detail.number}？"
                f"状态将改为“已启用”，查看人、提取人可按登记查看或提取原件。{UNDO_HINT}\n启用日期：{self.day()}")

    def write(self) -> int | None:
        with renamed(DATE_KEYS), self.db.transaction(self.action_name()) as session:
            registry.activate_will(session, self.detail.id, on=self.date_edit.value())
        return self.detail.id


class NotifiedDialog(_WillStepDialog):
    VERB = "已通知查看人"

    def __init__(self, db: Database, detail: WillDetail, parent: QWidget | None = None) -> None:
        super().__init__(db, detail, title="已通知查看人", save_text="确认", date_label="通知日期", parent=parent)
        named = [f"{p.role} {p.name}" + (f"（{p.relation}）" if p.relation else "") + (f" {p.phone}" if p.phone else "")
                 for p in detail.persons if p.role in ("查看人", "提取人")]
        self.form.set_hint("on_date", "应通知：" + "；".join(named) if named  # type: ignore[union-attr]
                           else "这份遗嘱没有登记查看人或提取人，请通知其家属。")
        self.update_confirmation()

    def action_name(self) -> str:
        return f"已通知遗嘱查看人 {self.detail.number} {self.detail.row.testator_name}"

    def confirmation_text(self) -> str:
        return (f"确认已于 {self.day()} 通知 {self.detail.row.testator_name} 的遗嘱查看人、提取人？"
                f"今日待办中的这一项随之消失。{UNDO_HINT}")

    def write(self) -> int | None:
        with renamed(DATE_KEYS), self.db.transaction(self.action_name()) as session:
            registry.record_viewers_notified(session, self.detail.id, on=self.date_edit.value())
        return self.detail.id
