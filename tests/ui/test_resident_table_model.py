"""The resident table model on its own (no view): ids from SQL, rows fetched lazily by page."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, Qt

from chang_shan.population import query
from chang_shan.population.query import ResidentFilter
from chang_shan.ui.models.resident_table import COLUMNS, ID_ROLE, SORT_ROLE, ResidentTableModel

pytestmark = pytest.mark.gui

HEADERS = ["姓名", "性别", "年龄", "身份证号", "电话", "与户主关系", "住址", "人群类别", "状态"]


def column(name: str) -> int:
    return HEADERS.index(name)


def loaded(db, filt: ResidentFilter | None = None) -> ResidentTableModel:  # noqa: ANN001
    model = ResidentTableModel(db)
    model.set_filter(filt or ResidentFilter())
    return model


def row_named(model: ResidentTableModel, name: str) -> int:
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == name:
            return row
    raise AssertionError(f"{name} not in the table")


def test_shape_and_headers(db, town) -> None:  # noqa: ANN001
    model = loaded(db)
    assert model.rowCount() == town.active  # 孙迁走 has moved out: hidden by default
    assert model.columnCount() == len(HEADERS)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == HEADERS
    assert model.rowCount(model.index(0, 0)) == 0  # a table: no children
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsSelectable
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable


def test_display_text_and_masking(db, town) -> None:  # noqa: ANN001
    model = loaded(db)
    row = row_named(model, "张立春")
    text = [model.index(row, c).data() for c in range(model.columnCount())]
    today = date.today()
    age = today.year - 1950 - ((today.month, today.day) < (3, 12))
    assert text[column("性别")] == "男"
    assert text[column("年龄")] == str(age)
    assert text[column("身份证号")] == "220103********" + text[column("身份证号")][-4:]
    assert "19500312" not in text[column("身份证号")]  # the birth date part is masked
    assert text[column("电话")] == "138****0001"
    assert text[column("与户主关系")] == "户主"
    assert text[column("住址")] == "3号楼1单元101"
    assert text[column("状态")] == "在册"
    assert model.index(row, 0).data(ID_ROLE) == town.ids["张立春"]
    assert model.index(row, column("年龄")).data(SORT_ROLE) == age
    # The full number never leaves the model, in any role.
    full = "22010319500312011"
    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SORT_ROLE):
        for c in range(model.columnCount()):
            assert full not in str(model.index(row, c).data(role))
    groups = model.index(row_named(model, "王淑芬"), column("人群类别")).data()
    assert groups == "独居"


def test_rare_character_name_round_trips(db, town) -> None:  # noqa: ANN001
    model = loaded(db, ResidentFilter(text="𠀀"))
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "张𠀀春"
    assert model.index(0, 0).data() == "\u5f20\U00020000\u6625"


def test_sort_requeries_in_sql(db, town) -> None:  # noqa: ANN001
    calls = []

    def runner(job, done):  # noqa: ANN001, ANN202
        calls.append(job)
        with db.reader() as session:
            done(job(session))

    model = ResidentTableModel(db, runner=runner)
    model.set_filter(ResidentFilter())
    assert len(calls) == 2  # the first page, then the rest
    model.sort(column("年龄"), Qt.SortOrder.DescendingOrder)
    assert len(calls) == 4  # a new id query, not a sort in Python
    assert (model.sort_key, model.descending) == ("age", True)
    with db.reader() as session:
        assert model.ids == query.resident_ids(session, ResidentFilter(), sort="age", descending=True)
    ages = [model.index(r, column("年龄")).data(SORT_ROLE) for r in range(model.rowCount())]
    assert ages == sorted(ages, reverse=True)
    assert model.index(0, 0).data() == "王淑芬"  # born 1940, the oldest
    model.sort(column("年龄"), Qt.SortOrder.AscendingOrder)
    assert model.index(0, 0).data() == "刘明"  # born 2010
    model.sort(column("人群类别"), Qt.SortOrder.AscendingOrder)  # not sortable: ignored
    assert len(calls) == 6 and model.sort_key == "age"


def test_rows_are_fetched_lazily_in_pages(db, town, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(ResidentTableModel, "PAGE", 2)
    monkeypatch.setattr(ResidentTableModel, "MAX_PAGES", 2)
    fetched: list[list[int]] = []
    real = query.resident_rows

    def counting(session, ids):  # noqa: ANN001, ANN202
        fetched.append(list(ids))
        return real(session, ids)

    monkeypatch.setattr(query, "resident_rows", counting)
    model = loaded(db)
    assert model.rowCount() == town.active
    assert fetched == [model.ids[0:2]]  # only the first page came with the query
    model.index(0, 0).data()
    model.index(1, 3).data()
    assert len(fetched) == 1 and model.fetches == 0  # painted from the cache
    model.index(5, 0).data()
    assert fetched[-1] == model.ids[4:6] and model.fetches == 1
    model.index(3, 0).data()
    assert model.cached_pages == 2  # the oldest page was dropped
    model.index(0, 0).data()
    assert fetched[-1] == model.ids[0:2]  # … so it is fetched again
    assert model.fetches == 3


def deferred(db, pending: list):  # noqa: ANN001, ANN201
    """A runner that queries at once but delivers only when the test calls what it put in ``pending``."""

    def run(job, done):  # noqa: ANN001, ANN202
        with db.reader() as session:
            result = job(session)
        pending.append(lambda: done(result))

    return run


def test_first_page_shows_before_the_full_list(db, town, qtbot, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(ResidentTableModel, "PAGE", 3)
    pending = []
    model = ResidentTableModel(db, runner=deferred(db, pending))
    seen, resets, inserted = [], [], []
    model.loaded.connect(seen.append)
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.set_filter(ResidentFilter())
    assert len(pending) == 2
    pending[0]()  # the first page: rows painted at once
    assert model.rowCount() == 3 and not model.complete and seen == []
    assert model.index(0, 0).data() == "李桂兰" and model.fetches == 0
    pending[1]()  # the rest is appended below, without a reset
    assert model.rowCount() == town.active and model.complete
    assert resets == [1] and inserted == [(3, town.active - 1)]
    assert seen == [town.active]


def test_a_short_result_needs_one_query(db, town) -> None:  # noqa: ANN001
    jobs = []

    def runner(job, done):  # noqa: ANN001, ANN202
        with db.reader() as session:
            result = job(session)
        jobs.append(result)
        done(result)

    model = ResidentTableModel(db, runner=runner)
    model.set_filter(ResidentFilter(text="王淑芬"))
    assert model.rowCount() == 1 and model.complete
    assert jobs[1] is None  # the second step saw the first page was everything


def test_filter_and_inactive(db, town) -> None:  # noqa: ANN001
    model = loaded(db, ResidentFilter(text="zlc"))
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["张立春"]
    model.set_filter(ResidentFilter(include_inactive=True))
    assert model.rowCount() == town.active + 1
    row = row_named(model, "孙迁走")
    assert model.index(row, column("状态")).data() == "已迁出"
    assert model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole) is not None  # greyed
    assert model.index(row_named(model, "张伟"), 0).data(Qt.ItemDataRole.ForegroundRole) is None
    model.set_filter(ResidentFilter(household_id=town.h101))
    assert sorted(model.index(r, 0).data() for r in range(model.rowCount())) == sorted(["张立春", "李桂兰", "张伟"])


def test_stale_query_results_are_dropped(db, town) -> None:  # noqa: ANN001
    pending = []
    model = ResidentTableModel(db, runner=deferred(db, pending))
    seen = []
    model.loaded.connect(seen.append)
    model.set_filter(ResidentFilter(text="zlc"))
    model.set_filter(ResidentFilter())
    assert len(pending) == 4  # two steps each
    pending[2]()  # the newer query answers first …
    pending[3]()
    pending[0]()  # … then the older one, which must not overwrite it
    pending[1]()
    assert model.rowCount() == town.active
    assert seen == [town.active]


def test_row_of_and_invalidate(db, town, qtbot) -> None:  # noqa: ANN001
    model = loaded(db)
    row = model.row_of(town.ids["张伟"])
    assert row is not None and model.resident_id(row) == town.ids["张伟"]
    assert model.row_of(999999) is None
    assert model.resident_id(-1) is None and model.resident_id(model.rowCount()) is None
    model.index(0, 0).data()
    with qtbot.waitSignal(model.dataChanged):
        model.invalidate_rows()
    assert model.cached_pages == 0
    assert model.data(QModelIndex()) is None
    assert len(COLUMNS) == model.columnCount()
