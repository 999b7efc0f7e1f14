"""What a check of ``chang-shan check`` is given and what it yields.

A check is a function of a ``CheckContext`` (the read-only session, the day the check runs, and
labels for records that never show a full ID number) that yields ``Problem``s. The checks live in
``check`` (people, households, posts, the search index, the audit trail), ``health_checks`` (the
居民健康库) and ``care_checks`` (包保 and emergency contacts); ``check.CHECKS`` lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.db.models import Building, Household, Resident, Unit
from chang_shan.population import idnumber
from chang_shan.population.addresses import household_address

ACTIVE = "在册"
MAX_LISTED = 50  # problems listed per check; the rest are counted


@dataclass(frozen=True)
class Problem:
    check: str  # the check's key, e.g. "household_head"
    message: str  # one line in Chinese, without full ID numbers
    table: str | None = None
    record_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.check, "message": self.message, "table": self.table, "id": self.record_id}


@dataclass
class CheckContext:
    session: Session
    today: date
    _residents: dict[int, str] = field(default_factory=dict)
    _households: dict[int, str] = field(default_factory=dict)

    @property
    def sqlite(self) -> bool:
        return self.session.get_bind().dialect.name == "sqlite"

    def resident(self, resident_id: int) -> str:
        """``居民 #12 王秀英（220103********1234）``."""
        if resident_id not in self._residents:
            row = self.session.execute(
                select(Resident.name, Resident.id_number).where(Resident.id == resident_id)
            ).first()
            if row is None:
                self._residents[resident_id] = f"居民 #{resident_id}（记录不存在）"
            else:
                masked = idnumber.mask(row.id_number)
                self._residents[resident_id] = (
                    f"居民 #{resident_id} {row.name}" + (f"（{masked}）" if masked else "")
                )
        return self._residents[resident_id]

    def household(self, household_id: int) -> str:
        """``户 #7 3号楼2单元301``."""
        if household_id not in self._households:
            row = self.session.execute(
                select(Household.room, Building.name, Building.kind, Unit.name.label("unit"))
                .join(Building, Building.id == Household.building_id, isouter=True)
                .join(Unit, Unit.id == Household.unit_id, isouter=True)
                .where(Household.id == household_id)
            ).first()
            if row is None:
                label = f"户 #{household_id}（记录不存在）"
            elif row.name is None:
                label = f"户 #{household_id} {row.room}"
            else:
                label = f"户 #{household_id} {household_address(row.name, row.unit, row.room, row.kind)}"
            self._households[household_id] = label
        return self._households[household_id]


CheckFunction = Callable[[CheckContext], Iterable[Problem]]
