"""The resident table: holds the sorted list of ids, fetches rows lazily in pages.

Like Anki's browser table model: the filter and the sort run in SQL (``query.resident_ids``) and
the model keeps only ids; ``data()`` looks a row up in a small page cache and fetches the page
(``query.resident_rows``) on a miss. Painting a cell is a dict lookup plus one formatter per
column (calibre's habit), never a query.

Re-querying goes through ``runner(job, done)``: synchronous by default (tests), the screen passes
one that runs ``job`` on the operations' worker thread. It takes two steps: the first page of ids
with its rows (``LIMIT``: milliseconds, so the table paints at once), then the full id list,
appended below without a reset. Results of a query that a newer one has overtaken are dropped.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.db.database import Database
    from chang_shan.population.query import ResidentFilter, ResidentRow

Index = QModelIndex | QPersistentModelIndex
Job = Callable[["Session"], list[int]]
Runner = Callable[[Job, Callable[[list[int]], None]], None]

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the resident's id
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # the raw value of the cell


@dataclass(frozen=True)
class Column:
    header: str
    sort_key: str | None  # one of query.SORT_KEYS; None = not sortable
    text: Callable[[Any], str]
    raw: Callable[[Any], Any]
    align_center: bool = False


def _age(row: Any) -> str:
    return "" if row.age is None else str(row.age)


COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", lambda r: r.name, lambda r: r.name),
    Column("性别", "sex", lambda r: r.sex, lambda r: r.sex, align_center=True),
    Column("年龄", "age", _age, lambda r: r.age, align_center=True),
    Column("身份证号", "id_number", lambda r: r.id_number_masked, lambda r: r.id_number_masked),
    Column("电话", "phone", lambda r: r.phone_masked, lambda r: r.phone_masked),
    Column("与户主关系", "relation", lambda r: r.relation, lambda r: r.relation),
    Column("住址", "address", lambda r: r.address, lambda r: r.address),
    Column("人群类别", None, lambda r: "、".join(r.groups), lambda r: tuple(r.groups)),
    Column("状态", "status", lambda r: r.status, lambda r: r.status, align_center=True),
)


_INACTIVE = QColor("#6b6b6b")  # moved out / deceased: greyed, still readable


def _sync_runner(db: Database) -> Runner:
    def run(job: Job, done: Callable[[list[int]], None]) -> None:
        with db.reader() as session:
            done(job(session))
    return run


class ResidentTableModel(QAbstractTableModel):
    PAGE = 100  # rows fetched per query
    MAX_PAGES = 30  # pages kept in the cache

    loaded = Signal(int)  # the ids were (re)queried: how many rows match

    def __init__(self, db: Database, *, runner: Runner | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner or _sync_runner(db)
        self._ids: list[int] = []
        self._positions: dict[int, int] | None = None
        self._pages: OrderedDict[int, dict[int, Any]] = OrderedDict()
        self._generation = 0
        self.filter: ResidentFilter | None = None
        self.sort_key = "name"
        self.descending = False
        self.sort_column = 0
        self.fetches = 0  # page queries made while painting (tests and benchmarks read it)
        self.complete = True  # False while the full id list is still being queried

    # --- querying ---------------------------------------------------------------------------

    def set_filter(self, filt: ResidentFilter) -> None:
        self.filter = filt
        self.refresh()

    def refresh(self) -> None:
        """Re-run the id query with the current filter and sort; the page cache is dropped.

        Two steps on the runner: the first page of ids with its rows (a ``LIMIT`` query, a few
        milliseconds even over 100,000 residents, so the table paints at once), then the full id
        list, appended below the rows already shown (no reset: selection and scroll stay).
        ``loaded`` fires after the second step.
        """
        from chang_shan.population import query

        filt = self.filter if self.filter is not None else query.ResidentFilter()
        sort, descending, page = self.sort_key, self.descending, self.PAGE
        self._generation += 1
        generation = self._generation
        short = []  # set on the worker when the first page already held everything

        def first(session: Session) -> tuple[list[int], list[Any]]:
            ids = query.resident_ids(session, filt, sort=sort, descending=descending, limit=page)
            if len(ids) < page:
                short.append(True)
            return ids, query.resident_rows(session, ids)

        def rest(session: Session) -> list[int] | None:
            if short:
                return None
            return query.resident_ids(session, filt, sort=sort, descending=descending)

        def first_done(result: tuple[list[int], list[Any]]) -> None:
            if generation == self._generation:
                self._show_first_page(*result)
                if len(result[0]) < page:  # that was everything: count it now
                    self._complete(None)

        def rest_done(ids: list[int] | None) -> None:
            if generation == self._generation and ids is not None:
                self._complete(ids)

        self.complete = False
        self._runner(first, first_done)
        self._runner(rest, rest_done)

    def _show_first_page(self, ids: list[int], rows: list[Any]) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._positions = None
        self._pages.clear()
        self._pages[0] = {row.id: row for row in rows}
        self.endResetModel()

    def _complete(self, ids: list[int] | None) -> None:
        if ids is not None:
            shown = len(self._ids)
            if ids[:shown] == self._ids and len(ids) >= shown:
                if len(ids) > shown:
                    self.beginInsertRows(QModelIndex(), shown, len(ids) - 1)
                    self._ids = list(ids)
                    self._positions = None
                    self.endInsertRows()
            else:  # the data changed between the two steps (a dialog saved): start afresh
                self.beginResetModel()
                self._ids = list(ids)
                self._positions = None
                self._pages.clear()
                self.endResetModel()
        self.complete = True
        self.loaded.emit(len(self._ids))

    def set_ids(self, ids: Sequence[int]) -> None:
        """Show exactly these ids (rows fetched when painted)."""
        self.beginResetModel()
        self._ids = list(ids)
        self._positions = None
        self._pages.clear()
        self.endResetModel()
        self.complete = True
        self.loaded.emit(len(self._ids))

    def invalidate_rows(self) -> None:
        """Rows changed but not the id list (an edit): refetch what is shown."""
        self._pages.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column].sort_key is None:
            return
        self.sort_column = column
        self.sort_key = COLUMNS[column].sort_key  # type: ignore[assignment]
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.refresh()

    # --- ids --------------------------------------------------------------------------------

    @property
    def ids(self) -> list[int]:
        return self._ids

    def resident_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, resident_id: int) -> int | None:
        if self._positions is None:
            self._positions = {rid: i for i, rid in enumerate(self._ids)}
        return self._positions.get(resident_id)

    def row_data(self, row: int) -> ResidentRow | None:
        """The fetched row (from the cache, fetching its page on a miss)."""
        if not 0 <= row < len(self._ids):
            return None
        page_no = row // self.PAGE
        page = self._pages.get(page_no)
        if page is None:
            page = self._fetch(page_no)
        else:
            self._pages.move_to_end(page_no)
        return page.get(self._ids[row])

    def _fetch(self, page_no: int) -> dict[int, Any]:
        from chang_shan.population import query

        wanted = self._ids[page_no * self.PAGE:(page_no + 1) * self.PAGE]
        with self._db.reader() as session:
            rows = query.resident_rows(session, wanted)
        self.fetches += 1
        page = {row.id: row for row in rows}
        self._pages[page_no] = page
        while len(self._pages) > self.MAX_PAGES:
            self._pages.popitem(last=False)
        return page

    @property
    def cached_pages(self) -> int:
        return len(self._pages)

    # --- Qt model ---------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section].header
            if role == Qt.ItemDataRole.ToolTipRole:
                return "点击按此列排序" if COLUMNS[section].sort_key else "此列不能排序"
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = COLUMNS[index.column()]
        if role == ID_ROLE:
            return self._ids[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.align_center:
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SORT_ROLE,
                        Qt.ItemDataRole.ForegroundRole):
            return None
        row = self.row_data(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == SORT_ROLE:
            return column.raw(row)
        if role == Qt.ItemDataRole.ForegroundRole:
            return _INACTIVE if row.status != "在册" else None
        if column.header in ("姓名", "住址", "人群类别"):
            return column.text(row)
        return None
