"""Fixtures for the window's tests: a small community built through the services, the operations
worker, and message boxes that record instead of blocking (an offscreen run has nobody to click)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest
from PySide6.QtWidgets import QApplication

from chang_shan.db.database import Database
from chang_shan.population import households, idnumber, places, residents, roles
from tests.population.community import party_household

KUANCHENG = "220103"


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_gui_thread() -> Iterator[None]:
    """As in the program (chang_shan/ui/gc_guard.py): no automatic collection while a test runs
    (it could start on the database worker, or while the worker runs, and crash PySide); the test's
    garbage is collected on this thread once its worker has stopped."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        if enabled:
            gc.enable()


def id_number(born: date, serial: int, region: str = KUANCHENG) -> str:
    """A checksum-valid 18-digit number (odd serial = male)."""
    first17 = f"{region}{born:%Y%m%d}{serial:03d}"
    return first17 + idnumber.check_digit(first17)


@dataclass
class Town:
    """What ``town`` built: ids by short name, and how many residents are 在册."""

    ids: dict[str, int] = field(default_factory=dict)
    active: int = 0
    grid1: int = 0
    grid2: int = 0
    building3: int = 0
    unit1: int = 0
    unit2: int = 0
    low_rise: int = 0
    h101: int = 0
    h301: int = 0
    house: int = 0


# name, household key, relation code, birth date, serial, phone, groups
PEOPLE = (
    ("张立春", "h101", "02", date(1950, 3, 12), 11, "13804310001", ()),
    ("李桂兰", "h101", "12", date(1952, 8, 30), 22, "", ()),
    ("张伟", "h101", "20", date(1978, 1, 5), 33, "13904310033", ()),
    ("王淑芬", "h301", "02", date(1940, 11, 2), 44, "", ("独居",)),
    ("张𠀀春", "h302", "02", date(1961, 6, 1), 55, "13604310055", ()),
    ("刘明", "house", "02", date(2010, 2, 3), 67, "", ()),
    ("赵德胜", "house", "10", date(1985, 9, 9), 77, "", ("退役军人",)),
)


def build_town(db: Database) -> Town:
    town = Town()
    with db.transaction("建立测试社区") as s:
        town.grid1 = places.create_grid(s, code="01", name="第一网格")
        town.grid2 = places.create_grid(s, code="02", name="第二网格")
        town.building3 = places.create_building(s, grid_id=town.grid1, name="3")
        town.unit1 = places.create_unit(s, building_id=town.building3, name="1")
        town.unit2 = places.create_unit(s, building_id=town.building3, name="2")
        town.low_rise = places.create_building(s, grid_id=town.grid2, name="平房区", kind="平房区")
        new = households.HouseholdInput
        town.h101 = households.create_household(s, new(town.building3, town.unit1, "101", "52.5", ))
        town.h301 = households.create_household(s, new(town.building3, town.unit2, "301", "61.2"))
        h302 = households.create_household(s, new(town.building3, town.unit2, "302", "61.2"))
        town.house = households.create_household(s, new(town.low_rise, None, "长山路12号", "80"))
        homes = {"h101": town.h101, "h301": town.h301, "h302": h302, "house": town.house}
        for name, home, relation, born, serial, phone, groups in PEOPLE:
            town.ids[name] = residents.register_resident(
                s,
                residents.ResidentInput(name=name, id_number=id_number(born, serial), relation_code=relation,
                                        phone=phone, groups=list(groups), household_id=homes[home]),
                on_date=date(2020, 5, 1),
            )
        party_household(s, town.grid1, town.ids["张立春"])  # 101 is a 党员家庭户
        roles.assign_role(s, town.ids["张伟"], "单元长", town.unit1, start_on=date(2021, 1, 1))
        roles.assign_role(s, town.ids["赵德胜"], "网格长", town.grid1, start_on=date(2021, 1, 1))
        # Someone who left: hidden unless 含已迁出/已故 is ticked.
        town.ids["孙迁走"] = residents.register_resident(
            s,
            residents.ResidentInput(name="孙迁走", id_number=id_number(date(1990, 4, 4), 99), relation_code="20",
                                    household_id=town.house),
            on_date=date(2020, 5, 1),
        )
    with db.transaction("登记迁出 孙迁走") as s:
        residents.move_out(s, town.ids["孙迁走"], on_date=date(2024, 1, 1))
    town.active = len(PEOPLE)
    return town


@pytest.fixture
def town(db: Database) -> Town:
    return build_town(db)


@dataclass
class Boxes:
    """Message boxes and questions the code under test showed (instead of blocking)."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)  # kind, title, text
    answer: bool = True
    asked: list[str] = field(default_factory=list)

    def texts(self) -> str:
        return "\n".join(f"{title}：{text}" for _kind, title, text in self.shown)


@pytest.fixture(autouse=True)
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    from chang_shan.ui import ops

    record = Boxes()

    def message_box(_parent, kind, title, text, _details):  # noqa: ANN001, ANN202
        record.shown.append((kind, title, text))

    def ask(_parent, _title, text):  # noqa: ANN001, ANN202
        record.asked.append(text)
        return record.answer

    monkeypatch.setattr(ops, "message_box", message_box)
    monkeypatch.setattr(ops, "ask", ask)
    monkeypatch.setenv("CHANG_SHAN_NO_DEMO", "1")
    return record


@pytest.fixture
def operations(qapp, db: Database) -> Iterator:  # noqa: ANN001
    from chang_shan.ui.ops import Operations

    ops = Operations(db)
    try:
        yield ops
    finally:
        ops.shutdown()
        qapp.processEvents()


def shown(qtbot, dialog):  # noqa: ANN001, ANN201
    """Show ``dialog`` (closed without asking at the end of the test) and wait until it is the active
    window, as a user would meet it."""
    qtbot.addWidget(dialog, before_close_func=lambda d: d.close_without_asking())
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


class FakeDialog:
    """Stands in for a dialog of ``chang_shan.ui.dialogs``: records how it was opened, then
    runs ``on_exec`` (which may save through the services) and answers Accepted or Rejected."""

    opened: list[tuple[str, tuple, dict]] = []
    accept = True
    on_exec = None
    saved_id = None

    def __init__(self, db, *args, parent=None, **kwargs):  # noqa: ANN001
        self.db = db
        FakeDialog.opened.append((type(self).__name__, args, kwargs))

    def exec(self) -> int:
        from PySide6.QtWidgets import QDialog

        if FakeDialog.on_exec is not None:
            FakeDialog.on_exec(self)
        return QDialog.DialogCode.Accepted if FakeDialog.accept else QDialog.DialogCode.Rejected

    def deleteLater(self) -> None:  # noqa: N802 - Qt's name
        pass


@pytest.fixture
def fake_dialogs(monkeypatch: pytest.MonkeyPatch) -> type[FakeDialog]:
    from chang_shan.ui.widgets import resident_actions

    FakeDialog.opened = []
    FakeDialog.accept = True
    FakeDialog.on_exec = None
    FakeDialog.saved_id = None
    classes = {name: type(name, (FakeDialog,), {}) for name in (
        "ResidentDialog", "HouseholdDialog", "MoveResidentDialog", "MoveOutDialog", "DeathDialog",
        "ChangeHeadDialog",
    )}
    monkeypatch.setattr(resident_actions, "dialog_class", lambda name: classes.get(name))
    return FakeDialog
