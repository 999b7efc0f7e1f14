"""Service request dialogs: 受理新请求 / 修改 (the request itself), and the steps of its life —
接单/转派 (to a worker, a volunteer team or a resident), 办结, 回访 and 重新打开.

Each writes one journaled action through ``service_requests.requests``, so 编辑→撤销 can take it
back. The services check everything as they write (nothing is written when they refuse): their
messages appear under the field concerned; a request changed meanwhile by someone else
(``expected_version``) is told in the banner at the top.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from chang_shan.db.models.services import CHANNELS, SATISFACTION
from chang_shan.errors import ValidationError
from chang_shan.service_requests import requests
from chang_shan.service_requests.shapes import Assignee, RequestInput
from chang_shan.settings import get_setting
from chang_shan.ui.dialogs.actions import UNDO_HINT, _ActionDialog
from chang_shan.ui.dialogs.health_fields import RadioRow, heading, left_aligned
from chang_shan.ui.forms import DateField, FormDialog, HouseholdPicker, ValidatedForm
from chang_shan.ui.forms.fields import format_date, set_combo_data
from chang_shan.ui.forms.resident_search import ResidentSearch
from chang_shan.volunteers.queries import team_names

if TYPE_CHECKING:
    from chang_shan.db.database import Database
    from chang_shan.service_requests.shapes import RequestDetail, WorkerOption

DUE_SETTING = "services.default_due_days"
# The services' field names → the rows of these dialogs.
WHO_KEYS = ("resident_id", "household_id")
DATE_KEYS = ("on",)
ASSIGNEE_KINDS = (("worker", "工作人员"), ("team", "志愿服务队"), ("person", "居民"))


@contextmanager
def renamed(rows: dict[str, tuple[str, ...]]) -> Iterator[None]:
    """A service's ``ValidationError`` with its keys renamed to the dialog's rows."""
    try:
        yield
    except ValidationError as exc:
        names = {key: row for row, keys in rows.items() for key in keys}
        errors: dict[str, str] = {}
        for key, message in exc.errors.items():
            row = names.get(key, key)
            errors[row] = f"{errors[row]}；{message}" if row in errors and message not in errors[row] else message
        raise ValidationError(errors) from None


def summary(detail: RequestDetail) -> str:
    """编号 12　理发　王淑芬　上门理发，行动不便"""
    row = detail.row
    content = " ".join(row.content.split())
    short = content if len(content) <= 24 else f"{content[:24]}…"
    return f"编号 {row.id}　{row.category}　{row.for_name}　{short}"


def show_page(pages: QStackedWidget, index: int) -> None:
    """Show one page; the stack is as tall as that page, not as the tallest one."""
    for i in range(pages.count()):
        policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
        pages.widget(i).setSizePolicy(policy, policy)
    pages.setCurrentIndex(index)
    pages.updateGeometry()


def _text_box(name: str, placeholder: str, lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setObjectName(name)
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


# --- 受理 and 修改 ---------------------------------------------------------------------------------


class WhoField(QWidget):
    """Whom the request is for: a resident (found by name) or a whole household (picked by
    building, unit and room)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person_button = QRadioButton("居民")
        self.person_button.setObjectName("forPerson")
        self.household_button = QRadioButton("整户")
        self.household_button.setObjectName("forHousehold")
        self.group = QButtonGroup(self)
        self.group.addButton(self.person_button)
        self.group.addButton(self.household_button)
        self.person = ResidentSearch(db, placeholder="按姓名、拼音首字母或住址查找居民", rows=5, parent=self)
        self.household = HouseholdPicker(db, parent=self)
        self.household.setObjectName("householdPicker")
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.person)
        self.pages.addWidget(self.household)
        choice = QHBoxLayout()
        choice.setContentsMargins(0, 0, 0, 0)
        choice.addWidget(self.person_button)
        choice.addWidget(self.household_button)
        choice.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(choice)
        layout.addWidget(self.pages)
        self.person_button.toggled.connect(lambda on: show_page(self.pages, 0 if on else 1))
        self.person_button.setChecked(True)

    def for_household(self) -> bool:
        return self.household_button.isChecked()

    def ids(self) -> tuple[int | None, int | None]:
        """(resident id, household id) as the service takes them."""
        if self.for_household():
            return None, self.household.household_id()
        return self.person.resident_id(), None

    def name(self) -> str:
        if self.for_household():
            room = self.household.household.currentText().split("　")[0]
            return self.household.place.address(room)
        return self.person.resident_name()

    def show_request(self, detail: RequestDetail) -> None:
        row = detail.row
        if row.resident_id is not None:
            self.person.show_person(row.resident_id, row.for_name, "　".join(p for p in (row.for_name, row.address) if p))
        elif row.household_id is not None:
            self.household_button.setChecked(True)
            self.household.select(row.household_id)


class RequestDialog(FormDialog):
    """``RequestDialog(db)`` takes a new request; ``RequestDialog(db, detail=...)`` corrects one
    that is still open. ``saved_id`` is the request's id."""

    def __init__(self, db: Database, *, detail: RequestDetail | None = None, parent: QWidget | None = None) -> None:
        super().__init__(db, title="受理服务请求" if detail is None else "修改服务请求",
                         save_text="受理" if detail is None else "保存", parent=parent)
        self.detail = detail
        self._loading = True
        current = detail.row.category_id if detail is not None else None
        with db.reader() as session:
            self.categories = [c for c in requests.categories(session, include_inactive=True)
                               if c.active or c.id == current]
            self.due_days = int(get_setting(session, DUE_SETTING))
        self.header = heading("受理服务请求" if detail is None else f"修改　{summary(detail)}")
        self.body.addWidget(self.header)
        self._build()
        self._load()
        self._loading = False
        self._initial = self.current_input()
        self.setMinimumWidth(760)
        (self.who.person.search if detail is None else self.content_edit).setFocus()

    def _build(self) -> None:
        form = self.use_form(ValidatedForm())
        self.who = WhoField(self.db, self)
        self.who.setObjectName("who")
        form.add_row("who", "服务对象", self.who, required=True, focus=self.who.person.search,
                     watch=[self.who.person.list, self.who.household.household], highlight=self.who.pages)
        self.who.person.chosen.connect(lambda: self.field_changed("who"))
        self.who.household.household_changed.connect(lambda: self.field_changed("who"))

        self.category_combo = QComboBox()
        self.category_combo.setObjectName("category")
        for category in self.categories:
            self.category_combo.addItem(category.name if category.active else f"{category.name}（已停用）", category.id)
        form.add_row("category_id", "服务类别", self.category_combo, required=True)
        self.category_combo.currentIndexChanged.connect(lambda: self.field_changed("category_id"))

        self.channel_row = RadioRow([(c, c) for c in CHANNELS])
        self.channel_row.setObjectName("channel")
        form.add_row("channel", "受理渠道", self.channel_row, focus=self.channel_row.focus_target(),
                     watch=self.channel_row.buttons.values())

        self.content_edit = _text_box("content", "居民需要什么，如 上门理发，老人行动不便", 3)
        form.add_row("content", "需求内容", self.content_edit, required=True)
        self.content_edit.textChanged.connect(lambda: self.field_changed("content"))

        metrics = self.fontMetrics()
        width = metrics.horizontalAdvance("0000-00-00") + 3 * metrics.horizontalAdvance("中")
        self.received_edit = DateField(popup_year=date.today().year)
        self.received_edit.setObjectName("received_on")
        self.received_edit.setFixedWidth(width)
        form.add_row("received_on", "受理日期", left_aligned(self.received_edit), required=True,
                     focus=self.received_edit, highlight=self.received_edit)
        self.received_edit.dateChanged.connect(self._received_changed)

        self.due_edit = DateField(popup_year=date.today().year, maximum=date.today() + timedelta(days=366 * 2))
        self.due_edit.setObjectName("due_on")
        self.due_edit.setFixedWidth(width)
        form.add_row("due_on", "应办日期", left_aligned(self.due_edit), required=True, focus=self.due_edit,
                     highlight=self.due_edit)
        self.due_edit.dateChanged.connect(self._due_edited)
        self.body.addWidget(form, 1)

    def _load(self) -> None:
        detail = self.detail
        if detail is None:
            self.channel_row.set_code(CHANNELS[0])
            self.received_edit.set_value(date.today())
            self._auto_due = True
            self._propose_due()
            return
        row = detail.row
        self.who.show_request(detail)
        set_combo_data(self.category_combo, row.category_id)
        self.channel_row.set_code(row.channel)
        self.content_edit.setPlainText(row.content)
        self.received_edit.set_value(row.received_on)
        self.due_edit.set_value(row.due_on)
        self._auto_due = False

    # -- the due date follows the received date until the user sets it ---------------------------
    _proposing = False

    def _received_changed(self) -> None:
        self.field_changed("received_on")
        if not self._loading:
            self._propose_due()

    def _propose_due(self) -> None:
        received = self.received_edit.value()
        if not self._auto_due or received is None:
            return
        self._proposing = True
        try:
            self.due_edit.set_value(received + timedelta(days=self.due_days))
        finally:
            self._proposing = False
        self.form.set_hint("due_on", f"受理后 {self.due_days} 天（按设置自动填入，可修改）。")  # type: ignore[union-attr]

    def _due_edited(self) -> None:
        if not self._loading and not self._proposing:
            self._auto_due = False
            self.form.set_hint("due_on", "")  # type: ignore[union-attr]
        self.field_changed("due_on")

    # -- the service -----------------------------------------------------------------------------
    def current_input(self) -> RequestInput:
        resident_id, household_id = self.who.ids()
        return RequestInput(
            resident_id=resident_id, household_id=household_id, category_id=self.category_combo.currentData(),
            channel=self.channel_row.code(), content=self.content_edit.toPlainText().strip(),
            received_on=self.received_edit.value(), due_on=self.due_edit.value(),
        )

    def is_dirty(self) -> bool:
        return not self._loading and self.current_input() != self._initial

    def collect_errors(self) -> dict[str, str]:
        # Only the choice the service cannot be called without; it checks the rest as it writes.
        resident_id, household_id = self.who.ids()
        if resident_id is None and household_id is None:
            return {"who": "请选择整户。" if self.who.for_household() else "请查找并选择一位居民。"}
        return {}

    def write(self) -> int | None:
        data = self.current_input()
        with renamed({"who": WHO_KEYS}):
            if self.detail is None:
                with self.db.transaction(f"受理服务请求 {self.who.name()}") as session:
                    return requests.create_request(session, data).row.id
            row = self.detail.row
            if self.is_dirty():
                with self.db.transaction(f"修改服务请求 {row.for_name}") as session:
                    requests.update_request(session, row.id, data, expected_version=row.version)
            return row.id


# --- the steps -------------------------------------------------------------------------------------


class _StepDialog(_ActionDialog):
    """One step of a request's life; the header says which request."""

    def __init__(self, db: Database, detail: RequestDetail, *, title: str, save_text: str,
                 parent: QWidget | None) -> None:
        super().__init__(db, title=title, save_text=save_text, parent=parent)
        self.detail = detail
        self.row = detail.row
        self.header.setText(summary(detail))
        self.header.setToolTip(detail.row.content)

    def is_dirty(self) -> bool:
        return False  # a line or two, nothing worth a "discard?" question

    def action_name(self, verb: str) -> str:
        return f"{verb}服务请求 {self.row.for_name}"


class AssigneePicker(QWidget):
    """Who takes a request: a worker's account, a volunteer team (by name) or a resident."""

    def __init__(self, db: Database, workers: list[WorkerOption], *, me: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind_row = RadioRow(ASSIGNEE_KINDS)
        self.kind_row.setObjectName("assigneeKind")
        self.worker_combo = QComboBox()
        self.worker_combo.setObjectName("worker")
        self.worker_combo.addItem("请选择工作人员", None)
        for worker in workers:
            self.worker_combo.addItem(worker.label, worker.user_id)
        if me is not None:
            set_combo_data(self.worker_combo, me)
        # The teams of the volunteer ledger (党建与志愿者 → 志愿服务队); a name typed by hand is
        # accepted only if a request already carries it (written before the ledger existed).
        self.team_combo = QComboBox()
        self.team_combo.setObjectName("teamChoice")
        self.team_combo.setEditable(True)
        self.team_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        with db.reader() as session:
            self.team_combo.addItems(team_names(session))
        self.team_combo.setCurrentIndex(-1)
        self.team_edit = self.team_combo.lineEdit()
        self.team_edit.setObjectName("team")
        self.team_edit.setMaxLength(50)
        self.team_edit.setPlaceholderText("选择志愿服务队，如 家政服务队")
        self.team_combo.setToolTip("服务队来自“党建与志愿者 → 志愿服务队”台账")
        self.person = ResidentSearch(db, placeholder="按姓名查找办理的居民（如 楼栋长、志愿者）", rows=4, parent=self)
        self.pages = QStackedWidget(self)
        for page in (_top(self.worker_combo), _top(self.team_combo), self.person):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kind_row)
        layout.addWidget(self.pages)
        self.kind_row.changed.connect(self._kind_changed)
        self.kind_row.set_code("worker")

    def _kind_changed(self) -> None:
        show_page(self.pages, [code for code, _label in ASSIGNEE_KINDS].index(self.kind_row.code()))

    def assignee(self) -> Assignee | None:
        kind = self.kind_row.code()
        if kind == "worker" and self.worker_combo.currentData() is not None:
            return Assignee("worker", user_id=self.worker_combo.currentData())
        if kind == "team" and self.team_edit.text().strip():
            return Assignee("team", team=self.team_edit.text().strip())
        if kind == "person" and self.person.resident_id() is not None:
            return Assignee("person", resident_id=self.person.resident_id())
        return None

    def label(self) -> str:
        kind = self.kind_row.code()
        if self.assignee() is None:
            return ""
        if kind == "worker":
            return self.worker_combo.currentText()
        return self.team_edit.text().strip() if kind == "team" else self.person.resident_name()

    def missing(self) -> str:
        return {"worker": "请选择工作人员。", "team": "请填写服务队名称。",
                "person": "请查找并选择办理的居民。"}[self.kind_row.code()] if self.assignee() is None else ""


def _top(widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(widget)
    layout.addStretch(1)
    return box


class AssignDialog(_StepDialog):
    """接单 (a 待办 request gets someone) or 转派 (someone else takes it over)."""

    def __init__(self, db: Database, detail: RequestDetail, parent: QWidget | None = None) -> None:
        self.transfer = detail.row.assignee_kind is not None
        verb = "转派" if self.transfer else "派单"
        super().__init__(db, detail, title=verb, save_text=f"确认{verb}", parent=parent)
        actor = db.actor
        with db.reader() as session:
            workers = requests.workers(session)
        current_worker = self.row.assignee_user_id if self.row.assignee_kind == "worker" else None
        me = getattr(actor, "user_id", None)
        self.picker = AssigneePicker(db, workers, me=me if me != current_worker else None, parent=self)
        self.picker.setObjectName("assigneePicker")
        self.form.add_row("assignee", "办理人", self.picker, required=True,  # type: ignore[union-attr]
                          focus=self.picker.worker_combo, highlight=self.picker.pages,
                          watch=[self.picker.team_edit, self.picker.person.list])
        if self.transfer:
            self.form.set_hint("assignee", f"现在由 {self.row.assignee_label} 办理。")  # type: ignore[union-attr]
        self.note_edit = self.add_note_row("说明", "如 需要带理发工具、先电话联系家属")
        for signal in (self.picker.kind_row.changed, self.picker.worker_combo.currentIndexChanged,
                       self.picker.team_edit.textChanged, self.picker.person.chosen):
            signal.connect(self.update_confirmation)
            signal.connect(lambda *_args: self.field_changed("assignee"))
        self.setMinimumWidth(680)
        self.update_confirmation()
        self.picker.worker_combo.setFocus()

    def missing_choices(self) -> dict[str, str]:
        missing = self.picker.missing()
        return {"assignee": missing} if missing else {}

    def confirmation_text(self) -> str:
        label = self.picker.label()
        if not label:
            return self.picker.missing()
        if self.transfer:
            return f"确认由 {self.row.assignee_label} 转派给 {label}？{UNDO_HINT}"
        return f"确认派给 {label} 办理？状态将改为“处理中”。{UNDO_HINT}"

    def write(self) -> int | None:
        assignee = self.picker.assignee()
        assert assignee is not None  # missing_choices
        with self.db.transaction(self.action_name("转派" if self.transfer else "派单")) as session:
            requests.assign_request(session, self.row.id, assignee, expected_version=self.row.version,
                                    note=self.note_edit.text().strip())
        return self.row.id


class CompleteDialog(_StepDialog):
    """办结: the result is required; the request waits for its 回访."""

    def __init__(self, db: Database, detail: RequestDetail, parent: QWidget | None = None) -> None:
        super().__init__(db, detail, title="办结", save_text="确认办结", parent=parent)
        self.date_edit = self.add_date_row("办结日期")
        self.result_edit = _text_box("result", "办理结果，如 已上门理发，老人满意", 3)
        self.form.add_row("result", "办理结果", self.result_edit, required=True)  # type: ignore[union-attr]
        self.result_edit.textChanged.connect(lambda: self.field_changed("result"))
        if self.row.assignee_label:
            self.form.set_hint("on_date", f"办理人：{self.row.assignee_label}")  # type: ignore[union-attr]
        self.update_confirmation()
        self.result_edit.setFocus()

    def confirmation_text(self) -> str:
        return (f"确认这项请求已办结？办结后请按时回访。{UNDO_HINT}\n"
                f"办结日期：{self.date_edit.value():%Y年%m月%d日}")

    def write(self) -> int | None:
        with renamed({"on_date": DATE_KEYS}), self.db.transaction(self.action_name("办结")) as session:
            requests.complete_request(session, self.row.id, self.result_edit.toPlainText().strip(),
                                      expected_version=self.row.version, on=self.date_edit.value())
        return self.row.id


class RevisitDialog(_StepDialog):
    """回访: how satisfied the resident is, and what they said."""

    def __init__(self, db: Database, detail: RequestDetail, parent: QWidget | None = None) -> None:
        super().__init__(db, detail, title="回访", save_text="确认回访", parent=parent)
        self.date_edit = self.add_date_row("回访日期")
        self.satisfaction_row = RadioRow([(s, s) for s in SATISFACTION])
        self.satisfaction_row.setObjectName("satisfaction")
        self.form.add_row("satisfaction", "满意度", self.satisfaction_row, required=True,  # type: ignore[union-attr]
                          focus=self.satisfaction_row.focus_target(), watch=self.satisfaction_row.buttons.values())
        self.satisfaction_row.changed.connect(self.update_confirmation)
        self.satisfaction_row.changed.connect(lambda: self.field_changed("satisfaction"))
        self.note_edit = self.add_note_row("回访记录", "居民的意见和建议")
        if detail.result:
            self.form.set_hint("on_date", f"办理结果：{detail.result}")  # type: ignore[union-attr]
        self.update_confirmation()
        self.satisfaction_row.focus_target().setFocus()

    def missing_choices(self) -> dict[str, str]:
        return {} if self.satisfaction_row.code() else {"satisfaction": "请选择满意度。"}

    def confirmation_text(self) -> str:
        chosen = self.satisfaction_row.code()
        if not chosen:
            return "请选择居民的满意度。"
        return f"确认回访结果为“{chosen}”？{UNDO_HINT}\n回访日期：{self.date_edit.value():%Y年%m月%d日}"

    def write(self) -> int | None:
        with renamed({"on_date": DATE_KEYS}), self.db.transaction(self.action_name("回访")) as session:
            requests.record_revisit(session, self.row.id, self.satisfaction_row.code(), self.note_edit.text().strip(),
                                    expected_version=self.row.version, on=self.date_edit.value())
        return self.row.id


class ReopenDialog(_StepDialog):
    """重新打开: the request goes back to 处理中; the earlier result stays in its history."""

    def __init__(self, db: Database, detail: RequestDetail, parent: QWidget | None = None) -> None:
        super().__init__(db, detail, title="重新打开", save_text="确认重新打开", parent=parent)
        self.date_edit = self.add_date_row("日期")
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setMaxLength(200)
        self.reason_edit.setPlaceholderText("为什么要重新办理，如 热水器又坏了")
        self.form.add_row("reason", "原因", self.reason_edit, required=True)  # type: ignore[union-attr]
        self.reason_edit.textChanged.connect(lambda: self.field_changed("reason"))
        done = format_date(self.row.completed_on)
        self.form.set_hint("on_date", f"{done} 办结：{detail.result}" if done else "")  # type: ignore[union-attr]
        self.update_confirmation()
        self.reason_edit.setFocus()

    def confirmation_text(self) -> str:
        return (f"确认重新打开这项请求？状态将改回“处理中”，原来的办理结果留在办理记录里。{UNDO_HINT}\n"
                f"日期：{self.date_edit.value():%Y年%m月%d日}")

    def write(self) -> int | None:
        with renamed({"on_date": DATE_KEYS}), self.db.transaction(self.action_name("重新打开")) as session:
            requests.reopen_request(session, self.row.id, self.reason_edit.text().strip(),
                                    expected_version=self.row.version, on=self.date_edit.value())
        return self.row.id
