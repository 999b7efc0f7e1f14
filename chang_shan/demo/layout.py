"""The demo community's places: 10 grids, 11 high-rise buildings with their stair units and
flats, and the low-rise area (平房区) addressed by street and number."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from chang_shan.db.models import Building, Grid, Unit

if TYPE_CHECKING:
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object

GRID_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")

# Per community: (building number, grid index, units, floors, flats per floor, year built).
BUILDINGS: tuple[tuple[int, int, int, int, int, int], ...] = (
    (1, 0, 5, 16, 4, 1999),
    (2, 1, 5, 16, 4, 1999),
    (3, 2, 4, 18, 4, 2001),
    (4, 3, 4, 18, 4, 2001),
    (5, 4, 4, 17, 4, 2003),
    (6, 5, 4, 17, 4, 2003),
    (7, 6, 4, 16, 4, 2005),
    (8, 7, 4, 16, 4, 2005),
    (9, 8, 4, 11, 4, 1996),
    (10, 9, 4, 11, 4, 1996),
    (11, 9, 3, 11, 4, 1997),
)
BUILDINGS_WITH_LOUDONGZHANG = 10  # the 11th building's 楼栋长 post is vacant
LOW_RISE_GRID = 8
LOW_RISE_STREETS = (("长山路", 160), ("团山街", 120), ("长山一胡同", 60), ("长山二胡同", 60))
HIGH_RISE_HOUSEHOLDS = 2700  # of 2,756 flats; the rest stand empty and are not registered
LOW_RISE_HOUSEHOLDS = sum(n for _, n in LOW_RISE_STREETS)


@dataclass
class _Dwelling:
    building_id: int
    unit_id: int | None
    room: str
    area: Decimal
    year_built: int
    grid_index: int
    building_number: int | None  # None for the low-rise area
    unit_index: int | None



def _area(value: float) -> Decimal:
    return Decimal(f"{min(120.0, max(40.0, value)):.2f}")



class _LayoutMixin(_Base):
    """Writes one community's grids, buildings and units; returns the dwellings to fill."""

    def _places(self, index: int, rng: random.Random):  # noqa: ANN202 - internal tuple
        prefix = "" if index == 0 else f"{index + 1}区"
        grid_rows = []
        grid_ids = []
        for g in range(len(GRID_NUMERALS)):
            gid = self._ids("grid")
            grid_ids.append(gid)
            grid_rows.append(
                {
                    "id": gid, "code": f"{index + 1:02d}{g + 1:02d}",
                    "name": f"{prefix}第{GRID_NUMERALS[g]}网格", "note": "",
                }
            )
        self._insert(Grid.__table__, grid_rows)
        self.counts["grids"] += len(grid_rows)

        building_rows, unit_rows = [], []
        flats: list[_Dwelling] = []
        building_ids: dict[int, int] = {}
        unit_ids: dict[tuple[int, int], int] = {}
        for number, grid_index, units, floors, per_floor, year in BUILDINGS:
            bid = self._ids("building")
            building_ids[number] = bid
            building_rows.append(
                {
                    "id": bid, "grid_id": grid_ids[grid_index], "name": f"{number}号楼", "kind": "楼房",
                    "address": f"{prefix}长山花园{number}号楼（长山路{86 + 2 * number}号）",
                    "sort_key": number,
                }
            )
            base_area = rng.choice((48, 56, 62, 68, 75))
            for u in range(1, units + 1):
                uid = self._ids("unit")
                unit_ids[(number, u)] = uid
                unit_rows.append({"id": uid, "building_id": bid, "name": f"{u}单元", "sort_key": u})
                for floor in range(1, floors + 1):
                    for door in range(1, per_floor + 1):
                        area = base_area + (12 if door in (1, per_floor) else 0) + rng.uniform(-6, 8)
                        flats.append(
                            _Dwelling(
                                bid, uid, f"{floor}{door:02d}", _area(area), year, grid_index, number, u
                            )
                        )
        low_id = self._ids("building")
        building_rows.append(
            {
                "id": low_id, "grid_id": grid_ids[LOW_RISE_GRID], "name": "平房区", "kind": "平房区",
                "address": f"{prefix}长山路、团山街及长山一、二胡同", "sort_key": 100,
            }
        )
        self._insert(Building.__table__, building_rows)
        self._insert(Unit.__table__, unit_rows)
        self.counts["buildings"] += len(BUILDINGS)
        self.counts["low_rise_areas"] += 1
        self.counts["units"] += len(unit_rows)

        vacant = set(rng.sample(range(len(flats)), len(flats) - HIGH_RISE_HOUSEHOLDS))
        dwellings = [d for i, d in enumerate(flats) if i not in vacant]
        for street, count in LOW_RISE_STREETS:
            for n in range(1, count + 1):
                dwellings.append(
                    _Dwelling(
                        low_id, None, f"{street}{n}号", _area(rng.uniform(40, 82)),
                        rng.randint(1965, 1992), LOW_RISE_GRID, None, None,
                    )
                )
        return grid_ids, dwellings, building_ids, unit_ids
