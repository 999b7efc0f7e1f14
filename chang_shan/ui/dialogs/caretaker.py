"""包保 dialogs: 指定包保人 (a caretaker for an elder, from a start date) and 结束包保.

The caretaker is picked from the suggestions of ``care.assignments.suggested_caretakers`` (the
elder's 单元长, 楼栋长, 网格长, with how many elders each already looks after) or from anyone the
population search finds by name. Both dialogs write one journaled action, so 编辑→撤销 can take
it back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget

from chang_shan.care import assignments
from chang_shan.errors import ValidationError
from chang_shan.ui.dialogs.actions import UNDO_HINT, _ResidentActionDialog
from chang_shan.ui.forms.fields import format_date
from chang_shan.ui.forms.resident_search import ResidentSearch

if TYPE_CHECKING:
    from chang_shan.care.shapes import CareRow, CaretakerOption
    from chang_shan.db.database import Database


@contextmanager
def _date_field(key: str) -> Iterator[None]:
    """The service names the date ``key``; these dialogs show it in their ``on_date`` row."""
    try:
        yield
    except ValidationError as exc:
        raise ValidationError({("on_date" if k == key else k): m for k, m in exc.errors.items()}) from None


class CaretakerPicker(ResidentSearch):
    """The suggested caretakers, or (once something is typed) the residents the search finds.
    ``chosen`` fires whenever the picked person changes."""

    def __init__(self, db: Database, elder_id: int, suggestions: list[CaretakerOption], *,
                 current_id: int | None = None, parent: QWidget | None = None) -> None:
        # The caretaker now is marked, never picked by default; the elder is never offered.
        super().__init__(db, placeholder="按姓名、拼音首字母或住址查找其他居民", rows=8, exclude=(elder_id,),
                         current_id=current_id, current_note="现在的包保人", parent=parent)
        self.elder_id = elder_id
        self.suggestions = suggestions
        self.search.setObjectName("caretakerSearch")
        self.list.setObjectName("caretakerList")
        self.caption.setObjectName("caretakerCaption")
        self.show_empty()

    def show_empty(self) -> None:
        if self.suggestions:
            self.caption.setText("推荐（本单元的单元长、本楼的楼栋长、本网格的网格长）：")
        else:
            self.caption.setText("本单元、本楼、本网格还没有登记单元长、楼栋长或网格长；请在上面按姓名查找。")
        self.fill([(o.resident_id, o.name, f"{o.name}　{o.role}　已包保 {o.caring_for} 人") for o in self.suggestions])

    def caretaker_id(self) -> int | None:
        return self.resident_id()

    def caretaker_name(self) -> str:
        return self.resident_name()


class AssignCaretakerDialog(_ResidentActionDialog):
    """指定包保人 for ``elder_id``; the elder's current assignment (if any) ends on the start date."""

    def __init__(self, db: Database, elder_id: int, parent: QWidget | None = None) -> None:
        super().__init__(db, elder_id, title="指定包保人", save_text="确认指定", parent=parent)
        with db.reader() as session:
            self.current = assignments.caretaker_of(session, elder_id)
            suggestions = assignments.suggested_caretakers(session, elder_id)
        self.picker = CaretakerPicker(db, elder_id, suggestions,
                                      current_id=self.current.caretaker_id if self.current else None, parent=self)
        self.picker.setObjectName("caretakerPicker")
        self.form.add_row("caretaker_id", "包保人", self.picker, required=True,  # type: ignore[union-attr]
                          focus=self.picker.list, highlight=self.picker.list)
        self.picker.chosen.connect(self.update_confirmation)
        self.picker.chosen.connect(lambda: self.field_changed("caretaker_id"))
        self.date_edit = self.add_date_row("包保起始日期")
        self.date_edit.setObjectName("startOn")
        self.note_edit = self.add_note_row("备注", "如 每周上门一次、子女在外地")
        if self.current is not None:
            self.form.set_hint("caretaker_id", (  # type: ignore[union-attr]
                f"目前的包保人：{self.current.caretaker_name}（{format_date(self.current.start_on)} 起）。"
                "指定新的包保人后，原来的包保在起始日期那天结束。"))
        self.setMinimumWidth(680)
        self.update_confirmation()
        if self._inactive:
            self.disable(f"{self.detail.name}{self.detail.status}，不能再指定包保人。")
        self.picker.search.setFocus()

    def missing_choices(self) -> dict[str, str]:
        return {} if self.picker.caretaker_id() is not None else {"caretaker_id": "请选择包保人。"}

    def confirmation_text(self) -> str:
        name = self.picker.caretaker_name()
        if not name:
            return "请选择包保人。"
        text = f"确认由 {name} 包保 {self.detail.name}？{UNDO_HINT}\n包保起始日期：{self.date_edit.value():%Y年%m月%d日}"
        if self.current is not None:
            text += f"\n{self.current.caretaker_name} 的包保同日结束。"
        return text

    def write(self) -> int | None:
        caretaker_id = self.picker.caretaker_id()
        assert caretaker_id is not None  # missing_choices
        with _date_field("start_on"), self.db.transaction(f"指定包保人 {self.detail.name}") as session:
            row = assignments.assign_caretaker(session, self.resident_id, caretaker_id,
                                               self.date_edit.value(), self.note_edit.text())
        return row.id


class EndCareDialog(_ResidentActionDialog):
    """结束包保: the assignment keeps its history with an end date."""

    def __init__(self, db: Database, assignment: CareRow, parent: QWidget | None = None) -> None:
        super().__init__(db, assignment.elder_id, title="结束包保", save_text="确认结束", parent=parent)
        self.assignment = assignment
        roles = f"（{assignment.caretaker_roles}）" if assignment.caretaker_roles else ""
        self.caretaker_label = QLabel(f"{assignment.caretaker_name}{roles}，{format_date(assignment.start_on)} 起")
        self.caretaker_label.setObjectName("caretaker")
        self.form.add_row("caretaker", "包保人", self.caretaker_label)  # type: ignore[union-attr]
        self.date_edit = self.add_date_row("结束日期")
        self.date_edit.setObjectName("endOn")
        self.form.set_hint("on_date", "结束后此人会出现在“无包保人”的名单里，请尽快指定新的包保人。")  # type: ignore[union-attr]
        self.setMinimumWidth(600)
        self.update_confirmation()
        self.date_edit.setFocus()

    def confirmation_text(self) -> str:
        return (f"确认结束 {self.assignment.caretaker_name} 对 {self.detail.name} 的包保？{UNDO_HINT}\n"
                f"结束日期：{self.date_edit.value():%Y年%m月%d日}")

    def write(self) -> int | None:
        with _date_field("end_on"), self.db.transaction(f"结束包保 {self.detail.name}") as session:
            assignments.end_assignment(session, self.assignment.id, self.date_edit.value())
        return self.assignment.id
