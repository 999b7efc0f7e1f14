"""The place tree: 全部 → grid → building → unit → household, with resident counts.

Grids, buildings and units come from ``places.place_tree`` (a few hundred nodes even at street
scale). Households are loaded only when their unit (or a low-rise area) is expanded
(``places.households_in``), like ``fetchMore`` in qutebrowser's completion models.

Refreshing after a change keeps the tree in place when its shape is unchanged (only the counts
change), so the expanded branches and the selection stay where the user left them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel

from chang_shan.population.addresses import building_label, unit_label

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.population.places import GridNode, HouseholdSummary

PLACE_ROLE = Qt.ItemDataRole.UserRole + 1
_LOADING = "正在读取…"

Runner = Callable[[Callable[["Session"], Any], Callable[[Any], None]], None]


@dataclass(frozen=True)
class Place:
    """What a tree node stands for; the filter of the resident table follows from it."""

    kind: str  # "all" | "grid" | "building" | "unit" | "household"
    id: int | None = None
    grid_id: int | None = None
    building_id: int | None = None
    unit_id: int | None = None
    household_id: int | None = None

    @property
    def key(self) -> tuple[str, int | None]:
        return (self.kind, self.id)


ALL = Place("all")


def _count(residents: int) -> str:
    return f"（{residents:,}人）"


class PlaceTreeModel(QStandardItemModel):
    """``replacing`` is True while rows are being swapped out (a view's current index moves about
    then; ignore it); ``replaced`` fires afterwards so the view can put its selection back."""

    replaced = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.replacing = False
        self.setHorizontalHeaderLabels(["网格 / 楼栋 / 单元 / 户"])
        self._items: dict[tuple[str, int | None], QStandardItem] = {}
        self._shape: tuple = ()
        self._loaded_households: set[tuple[str, int | None]] = set()
        self._household_parents: set[tuple[str, int | None]] = set()
        self.runner: Runner | None = None
        root = self._item(ALL, "全部居民")
        self.appendRow(root)

    # --- building the tree --------------------------------------------------------------------

    def _item(self, place: Place, text: str) -> QStandardItem:
        item = QStandardItem(text)
        item.setEditable(False)
        item.setData(place, PLACE_ROLE)
        self._items[place.key] = item
        return item

    @staticmethod
    def _shape_of(grids: Sequence[GridNode]) -> tuple:
        return tuple(
            (g.id, tuple((b.id, b.kind, tuple(u.id for u in b.units)) for b in g.buildings)) for g in grids
        )

    def set_tree(self, grids: Sequence[GridNode]) -> None:
        shape = self._shape_of(grids)
        total = sum(g.residents for g in grids)
        if shape != self._shape:
            self.replacing = True
            try:
                self._rebuild(grids)
            finally:
                self.replacing = False
            self._shape = shape
            self.replaced.emit()
        else:
            self._update_counts(grids)
            self._reload_households()
        self._items[ALL.key].setText(f"全部居民{_count(total)}")

    def _rebuild(self, grids: Sequence[GridNode]) -> None:
        root = self._items[ALL.key]
        root.removeRows(0, root.rowCount())
        self._items = {ALL.key: root}
        self._loaded_households.clear()
        self._household_parents.clear()
        for grid in grids:
            g_item = self._item(Place("grid", grid.id, grid_id=grid.id), f"{grid.name}{_count(grid.residents)}")
            root.appendRow(g_item)
            for building in grid.buildings:
                b_place = Place("building", building.id, grid_id=grid.id, building_id=building.id)
                b_item = self._item(b_place, f"{building_label(building.name)}{_count(building.residents)}")
                g_item.appendRow(b_item)
                if building.units:
                    for unit in building.units:
                        u_place = Place("unit", unit.id, grid_id=grid.id, building_id=building.id, unit_id=unit.id)
                        u_item = self._item(u_place, f"{unit_label(unit.name)}{_count(unit.residents)}")
                        b_item.appendRow(u_item)
                        self._household_parents.add(u_place.key)
                        if unit.households:
                            u_item.appendRow(self._placeholder())
                else:
                    self._household_parents.add(b_place.key)
                    if building.households:
                        b_item.appendRow(self._placeholder())

    def _update_counts(self, grids: Sequence[GridNode]) -> None:
        for grid in grids:
            self._items[("grid", grid.id)].setText(f"{grid.name}{_count(grid.residents)}")
            for building in grid.buildings:
                b_item = self._items[("building", building.id)]
                b_item.setText(f"{building_label(building.name)}{_count(building.residents)}")
                if not building.units:
                    self._ensure_expandable(b_item, building.households)
                for unit in building.units:
                    u_item = self._items[("unit", unit.id)]
                    u_item.setText(f"{unit_label(unit.name)}{_count(unit.residents)}")
                    self._ensure_expandable(u_item, unit.households)

    def _ensure_expandable(self, item: QStandardItem, households: int) -> None:
        """A place that gained its first household gets the arrow to open it."""
        key = item.data(PLACE_ROLE).key
        if households and item.rowCount() == 0 and key not in self._loaded_households:
            item.appendRow(self._placeholder())

    @staticmethod
    def _placeholder() -> QStandardItem:
        item = QStandardItem(_LOADING)
        item.setEditable(False)
        item.setEnabled(False)
        return item

    # --- households, loaded on expand ---------------------------------------------------------

    def holds_households(self, index: QModelIndex) -> bool:
        """A unit, or a building without units (the low-rise area): its children are households."""
        return self.place(index).key in self._household_parents

    def load_households(self, index: QModelIndex) -> None:
        """Fill a unit (or a low-rise area) with its households, once, off the GUI thread."""
        place = self.place(index)
        if place.key in self._loaded_households or self.runner is None or not self.holds_households(index):
            return
        self._loaded_households.add(place.key)
        self._request_households(place)

    def _request_households(self, place: Place) -> None:
        from chang_shan.population import places

        assert self.runner is not None and place.building_id is not None

        def job(session: Session) -> list[HouseholdSummary]:
            return places.households_in(session, building_id=place.building_id, unit_id=place.unit_id)

        self.runner(job, lambda rows: self.set_households(place, rows))

    def set_households(self, place: Place, rows: Sequence[HouseholdSummary]) -> None:
        parent = self._items.get(place.key)
        if parent is None:
            return
        self._loaded_households.add(place.key)
        old = [parent.child(r).data(PLACE_ROLE) for r in range(parent.rowCount())]
        if [p.id for p in old if p is not None] == [h.id for h in rows] and len(old) == len(rows):
            for row, summary in enumerate(rows):  # the same households: new texts only
                self._describe(parent.child(row), summary)
            return
        self.replacing = True
        try:
            for gone in old:
                if gone is not None:
                    self._items.pop(gone.key, None)
            parent.removeRows(0, parent.rowCount())
            for summary in rows:
                h_place = Place("household", summary.id, grid_id=place.grid_id, building_id=place.building_id,
                                unit_id=place.unit_id, household_id=summary.id)
                item = self._item(h_place, "")
                self._describe(item, summary)
                parent.appendRow(item)
        finally:
            self.replacing = False
        self.replaced.emit()

    @staticmethod
    def _describe(item: QStandardItem, summary: HouseholdSummary) -> None:
        head = f" {summary.head_name}" if summary.head_name else " （无户主）"
        item.setText(f"{summary.room}{head}（{summary.members}人）")
        item.setToolTip(summary.address + ("　" + "、".join(summary.tags) if summary.tags else ""))

    def _reload_households(self) -> None:
        for key in list(self._loaded_households):
            item = self._items.get(key)
            if item is not None and self.runner is not None:
                self._request_households(item.data(PLACE_ROLE))

    # --- lookups ------------------------------------------------------------------------------

    def place(self, index: QModelIndex) -> Place:
        if not index.isValid():
            return ALL
        value = index.data(PLACE_ROLE)
        return value if isinstance(value, Place) else ALL

    def index_of(self, place: Place) -> QModelIndex:
        item = self._items.get(place.key)
        return item.index() if item is not None else QModelIndex()

    def all_index(self) -> QModelIndex:
        return self._items[ALL.key].index()
