"""Finding one resident by name, pinyin initials or address: a search line over a short list of
what the population search (``population.query``) finds. ``chosen`` fires whenever the picked
person changes; the first one found is picked — never the ``current`` one (marked as such, e.g.
the caretaker now), and ``exclude`` (e.g. the elder themself) is never offered. A subclass shows
something of its own while nothing is typed (``show_empty``: suggestions, say)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from chang_shan.population import query

if TYPE_CHECKING:
    from chang_shan.db.database import Database

DEBOUNCE_MS = 150
LIMIT = 30
ID_ROLE = Qt.ItemDataRole.UserRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1


class ResidentSearch(QWidget):
    chosen = Signal()

    def __init__(self, db: Database, *, placeholder: str = "按姓名、拼音首字母或住址查找居民",
                 empty_caption: str = "请在上面输入姓名查找。", rows: int = 6, exclude: tuple[int, ...] = (),
                 current_id: int | None = None, current_note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.empty_caption = empty_caption
        self.exclude = set(exclude)
        self.current_id = current_id
        self.current_note = current_note
        self.search = QLineEdit(self)
        self.search.setObjectName("residentSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(placeholder)
        self.caption = QLabel(empty_caption, self)
        self.caption.setObjectName("residentCaption")
        self.caption.setProperty("formRole", "hint")
        self.list = QListWidget(self)
        self.list.setObjectName("residentList")
        self.list.setMinimumHeight(self.fontMetrics().height() * rows)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.caption)
        layout.addWidget(self.list, 1)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self.search_now)
        self.list.currentItemChanged.connect(lambda *_args: self.chosen.emit())

    def fill(self, entries: list[tuple[int, str, str]]) -> None:
        """(resident id, name, shown text) in order; the first one not current is picked."""
        self.list.blockSignals(True)
        self.list.clear()
        picked = None
        for resident_id, name, text in entries:
            current = resident_id == self.current_id
            item = QListWidgetItem(f"{text}　（{self.current_note}）" if current and self.current_note else text)
            item.setData(ID_ROLE, resident_id)
            item.setData(NAME_ROLE, name)
            self.list.addItem(item)
            if picked is None and not current:
                picked = item
        self.list.setCurrentItem(picked)
        self.list.blockSignals(False)
        self.chosen.emit()

    def show_empty(self) -> None:
        """What the list shows while nothing is typed."""
        self.caption.setText(self.empty_caption)
        self.fill([])

    def search_now(self) -> None:
        self._debounce.stop()
        text = self.search.text().strip()
        if not text:
            self.show_empty()
            return
        with self.db.reader() as session:
            found = query.resident_ids(session, query.ResidentFilter(text=text), limit=LIMIT + 1 + len(self.exclude))
            ids = [i for i in found if i not in self.exclude]
            rows = query.resident_rows(session, ids[:LIMIT])
        more = f"（只列出前 {LIMIT} 位，请输入更完整的姓名）" if len(ids) > LIMIT else ""
        self.caption.setText(f"找到的居民{more}：" if rows else f"没有找到“{text}”。")
        self.fill([(r.id, r.name, "　".join(p for p in (r.name, f"{r.age} 岁" if r.age is not None else "",
                                                          r.address) if p)) for r in rows])

    def show_person(self, resident_id: int, name: str, text: str) -> None:
        """Start with this person picked (a form opened on an existing record)."""
        self.caption.setText("已选：")
        self.fill([(resident_id, name, text)])

    @property
    def pending(self) -> bool:
        return self._debounce.isActive()

    def resident_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def resident_name(self) -> str:
        item = self.list.currentItem()
        return item.data(NAME_ROLE) if item is not None else ""

    def choose(self, resident_id: int) -> bool:
        for row in range(self.list.count()):
            if self.list.item(row).data(ID_ROLE) == resident_id:
                self.list.setCurrentRow(row)
                return True
        return False
