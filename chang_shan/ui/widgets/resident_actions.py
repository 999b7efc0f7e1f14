"""The actions of the 万家数据库 screen (新增居民, 编辑, 迁到其他户 …) and the dialogs they open.

The dialogs live in ``chang_shan.ui.dialogs`` and save through the services themselves; after one
is accepted the screen is told (``saved``) so the table, tree and undo menu refresh. While a dialog
is not there yet, its action says so instead of failing.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QWidget

from chang_shan.ui import ops as ops_module

if TYPE_CHECKING:
    from chang_shan.db.database import Database
    from chang_shan.ui.models.place_tree import Place


@dataclass(frozen=True)
class Selection:
    """What the screen has selected when an action is triggered."""

    resident_id: int | None = None
    resident_name: str = ""
    resident_active: bool = True
    household_id: int | None = None
    place: Place | None = None


def dialog_class(name: str) -> type | None:
    """``chang_shan.ui.dialogs.<name>``, wherever in that package it is defined; None if not yet."""
    try:
        package = importlib.import_module("chang_shan.ui.dialogs")
    except ImportError:
        return None
    found = getattr(package, name, None)
    if found is not None:
        return found
    for info in pkgutil.iter_modules(getattr(package, "__path__", [])):
        try:
            module = importlib.import_module(f"chang_shan.ui.dialogs.{info.name}")
        except ImportError:
            continue
        found = getattr(module, name, None)
        if found is not None:
            return found
    return None


class ResidentActions(QObject):
    saved = Signal(str, object)  # action name, the record to select afterwards (resident id or None)

    def __init__(self, db: Database, selection: Callable[[], Selection], parent: QWidget) -> None:
        super().__init__(parent)
        self._db = db
        self._selection = selection
        self._parent = parent

        def action(text: str, slot: Callable[[], None], tip: str, shortcut: str | None = None) -> QAction:
            act = QAction(text, parent)
            act.setToolTip(tip)
            act.setStatusTip(tip)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(slot)
            return act

        self.new_resident = action("新增居民", self.on_new_resident, "在选中的户（或任选一户）登记一位新居民（Ctrl+N）")
        self.edit = action("编辑", self.on_edit, "修改选中居民的信息（回车或双击也可以）")
        self.move = action("迁到其他户", self.on_move, "把选中的居民转到本社区的另一户")
        self.move_out = action("迁出", self.on_move_out, "登记选中的居民迁出本社区（记录保留）")
        self.death = action("死亡登记", self.on_death, "登记选中的居民死亡（记录保留）")
        self.contacts = action("紧急联系人", self.on_contacts, "查看、修改选中居民的紧急联系人（按拨打顺序，最多 5 位）")
        self.household = action("户信息", self.on_household, "查看、修改选中居民所在的户")
        self.change_head = action("变更户主", self.on_change_head, "更换该户的户主")
        self.new_household = action("新增户", self.on_new_household, "在选中的楼栋或单元新增一户")
        self.update_enabled()

    @property
    def all(self) -> list[QAction]:
        return [self.new_resident, self.edit, self.move, self.move_out, self.death,
                self.contacts, self.household, self.change_head, self.new_household]

    def update_enabled(self) -> None:
        sel = self._selection()
        has_resident = sel.resident_id is not None
        active = has_resident and sel.resident_active
        self.edit.setEnabled(has_resident)
        self.contacts.setEnabled(has_resident)
        for act in (self.move, self.move_out, self.death):
            act.setEnabled(active)
        self.household.setEnabled(sel.household_id is not None)
        self.change_head.setEnabled(sel.household_id is not None)

    # --- the dialogs ----------------------------------------------------------------------------

    def _open(self, name: str, action: str, *args: Any, select: int | None = None, select_saved: bool = False,
              **kwargs: Any) -> bool:
        """Open dialog ``name``; once it saved, select ``select`` (or the dialog's ``saved_id``)."""
        cls = dialog_class(name)
        if cls is None:
            ops_module.message_box(self._parent, "information", "尚未开放",
                                   f"“{action}”窗口正在制作中，将在后续版本提供。", "")
            return False
        try:
            dialog = cls(self._db, *args, parent=self._parent, **kwargs)
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
        except Exception as exc:  # noqa: BLE001 - shown to the user, never swallowed
            ops_module.show_error(self._parent, exc)
            return False
        if accepted:
            saved_id = getattr(dialog, "saved_id", None) if select_saved else None
            self.saved.emit(action, select if select is not None else saved_id)
        dialog.deleteLater()
        return accepted

    def open_resident(self, resident_id: int) -> bool:
        return self._open("ResidentDialog", "修改居民", resident_id=resident_id, select=resident_id)

    def on_new_resident(self) -> None:
        sel = self._selection()
        household_id = sel.household_id
        if sel.place is not None and sel.place.kind == "household":
            household_id = sel.place.household_id
        self._open("ResidentDialog", "新增居民", household_id=household_id, select_saved=True)

    def on_edit(self) -> None:
        sel = self._selection()
        if sel.resident_id is not None:
            self.open_resident(sel.resident_id)

    def on_move(self) -> None:
        sel = self._selection()
        if sel.resident_id is not None:
            self._open("MoveResidentDialog", "迁到其他户", sel.resident_id, select=sel.resident_id)

    def on_move_out(self) -> None:
        sel = self._selection()
        if sel.resident_id is not None:
            self._open("MoveOutDialog", "迁出", sel.resident_id, select=sel.resident_id)

    def on_death(self) -> None:
        sel = self._selection()
        if sel.resident_id is not None:
            self._open("DeathDialog", "死亡登记", sel.resident_id, select=sel.resident_id)

    def on_contacts(self) -> None:
        sel = self._selection()
        if sel.resident_id is not None:
            self._open("ContactsDialog", "修改紧急联系人", sel.resident_id, select=sel.resident_id)

    def on_household(self) -> None:
        sel = self._selection()
        if sel.household_id is not None:
            self._open("HouseholdDialog", "修改户", household_id=sel.household_id, select=sel.resident_id)

    def on_change_head(self) -> None:
        sel = self._selection()
        if sel.household_id is not None:
            self._open("ChangeHeadDialog", "变更户主", sel.household_id, select=sel.resident_id)

    def on_new_household(self) -> None:
        sel = self._selection()
        place = sel.place
        building_id = place.building_id if place is not None else None
        unit_id = place.unit_id if place is not None else None
        self._open("HouseholdDialog", "新增户", building_id=building_id, unit_id=unit_id)
