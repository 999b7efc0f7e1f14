"""The demo's visits over the past year: follow-ups of 高血压/糖尿病/严重精神障碍 patients about
every 90 days (a few overdue), the 年度体检 of most people 65+, and care calls (关怀) to lone and
dependent elders every two to five weeks (a few not visited for 45 days or more, a very few never).

Every visit's ``next_due_on`` is what the visit service would propose (``health.visits``): +90 days
after a follow-up, +1 year after a yearly check, + the not-visited days after a care call. A lapsed
resident's lapse is their latest visit: nothing is recorded after it."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from chang_shan.db.models import HealthVisit
from chang_shan.demo import health_plan as H
from chang_shan.demo.sampling import _random_day
from chang_shan.health.codes import FOLLOW_UP_CODES, FOLLOW_UP_DAYS, YEARLY_CHECK_AGE
from chang_shan.maintenance.stats import shift_years

if TYPE_CHECKING:
    from chang_shan.demo.health import _Staff
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object

NOTHING = date(1900, 1, 1)  # ``lapsed_on`` of a resident who must have no visit at all


def _clip(value: float, lo: float, hi: float) -> float:
    return min(hi, max(lo, value))


class _Measures:
    """A person's usual blood pressure and fasting glucose; each visit varies around them."""

    def __init__(self, rng: random.Random, r: H._Resident) -> None:
        self.rng = rng
        if H.HYPERTENSION in r.diseases:
            self.systolic, self.diastolic = rng.gauss(138, 11), rng.gauss(84, 6)
        else:
            self.systolic, self.diastolic = rng.gauss(122, 8), rng.gauss(76, 5)
        self.diabetic = H.DIABETES in r.diseases
        self.glucose = rng.gauss(7.6, 1.2) if self.diabetic else rng.gauss(5.3, 0.35)

    def pressure(self) -> tuple[int, int]:
        systolic = round(_clip(self.systolic + self.rng.gauss(0, 7), 96, 198))
        diastolic = round(_clip(self.diastolic + self.rng.gauss(0, 5), 56, min(114, systolic - 22)))
        return systolic, diastolic

    def glucose_tenths(self) -> int:
        if self.diabetic:
            return round(_clip(self.glucose + self.rng.gauss(0, 0.8), 4.6, 16.8) * 10)
        return round(_clip(self.glucose + self.rng.gauss(0, 0.25), 4.2, 6.3) * 10)


class _VisitsMixin(_Base):
    def _visits(self, rng: random.Random, people: list[H._Resident], staff: _Staff) -> None:
        rows: list[dict[str, Any]] = []
        measures: dict[int, _Measures] = {}

        def measure(r: H._Resident) -> _Measures:
            if r.person.id not in measures:
                measures[r.person.id] = _Measures(rng, r)
            return measures[r.person.id]

        patients = [r for r in people if r.profile and r.follow_up]
        outside_care = sum(1 for r in patients if not r.target)
        overdue = H.FOLLOW_UP_OVERDUE * len(patients) / outside_care if outside_care else 0.0
        for r in patients:
            self._follow_ups(rng, r, staff, measure(r), rows, lapse=not r.target and rng.random() < overdue)
        from chang_shan.settings import SETTINGS  # (not at import: the login dialog imports the builder)

        care_days = int(SETTINGS["today.not_visited_days"].default)
        targets = [r for r in people if r.target]
        for r in targets:
            roll = rng.random()
            lapse = None
            if not r.follow_up and roll < H.CARE_NEVER_VISITED:
                r.lapsed_on = NOTHING
                continue
            if not r.follow_up and roll < H.CARE_NEVER_VISITED + H.CARE_NOT_VISITED:
                lapse = self.today - timedelta(days=rng.randint(46, 100))
            self._care_calls(rng, r, staff, measure(r), rows, lapse, care_days)
        # Checks happen through the year: in its first eight months fewer have been done so far.
        season = min(1.0, (self.today - date(self.today.year, 1, 1)).days / 240)
        for r in people:
            if r.profile and r.age >= YEARLY_CHECK_AGE and rng.random() < H.YEARLY_CHECK_SHARE * season:
                self._yearly_checks(rng, r, staff, measure(r), rows)
        rows.sort(key=lambda row: (row["visited_on"], row["resident_id"], row["purpose"]))
        for row in rows:
            row["id"] = self._ids("health_visit")
        self._insert(HealthVisit.__table__, rows)
        self.counts["health_visits"] += len(rows)

    def _visit(self, rng: random.Random, r: H._Resident, on: date, purpose: str, kind: str, visitor: str,
               next_due: date | None, notes: str, pressure: tuple[int, int] | None = None,
               glucose: int | None = None) -> dict[str, Any]:
        recorded = datetime.combine(on, time(rng.randint(0, 8), rng.randrange(60)))  # 08:00–16:59 in 长春
        return {
            "resident_id": r.person.id, "visited_on": on, "kind": kind, "purpose": purpose, "visitor": visitor,
            "systolic": pressure[0] if pressure else None, "diastolic": pressure[1] if pressure else None,
            "glucose_tenths": glucose, "notes": notes, "next_due_on": next_due, "recorded_at": recorded,
        }

    def _series(self, rng: random.Random, first: date, last: date, gap: tuple[int, int]) -> list[date]:
        """Visit days from ``last`` back to ``first``, ``gap`` days apart (oldest first)."""
        days = []
        day = last
        while day >= first:
            days.append(day)
            day -= timedelta(days=rng.randint(*gap))
        return days[::-1]

    def _follow_ups(self, rng: random.Random, r: H._Resident, staff: _Staff, m: _Measures,
                    rows: list[dict[str, Any]], *, lapse: bool) -> None:
        diagnosed = min(on for code, on in r.diseases.items() if code in FOLLOW_UP_CODES)
        first = max(self.today - timedelta(days=364), diagnosed)
        if lapse:
            last = self.today - timedelta(days=rng.randint(FOLLOW_UP_DAYS + 5, 200))
        else:
            last = self.today - timedelta(days=rng.randint(0, FOLLOW_UP_DAYS - 5))
        if last < first:
            last = first if not lapse else NOTHING
        days = self._series(rng, first, last, (80, 95)) if last != NOTHING else []
        if lapse:
            r.lapsed_on = days[-1] if days else NOTHING
        grid = r.plan.dwelling.grid_index
        for on in days:
            home = rng.random() < 0.75
            visitor = r.doctor[0] if r.doctor and rng.random() < 0.8 else staff.worker_of_grid(rng, grid)
            pressure = m.pressure() if home else None
            glucose = m.glucose_tenths() if home and m.diabetic else None
            rows.append(self._visit(rng, r, on, "随访", "上门" if home else "电话", visitor,
                                    on + timedelta(days=FOLLOW_UP_DAYS),
                                    self._follow_up_note(rng, r, pressure, glucose), pressure, glucose))

    def _follow_up_note(self, rng: random.Random, r: H._Resident, pressure: tuple[int, int] | None,
                        glucose: int | None) -> str:
        if pressure is None:
            return "电话随访，自述无不适，按时服药"
        notes = []
        if H.HYPERTENSION in r.diseases:
            high = pressure[0] >= 140 or pressure[1] >= 90
            notes.append("血压控制不满意，嘱低盐饮食、规律服药，两周后复测" if high else "血压控制满意，继续目前治疗")
        if glucose is not None:
            notes.append("空腹血糖偏高，建议控制饮食并复查" if glucose >= 70 else "空腹血糖控制良好")
        if H.MENTAL in r.diseases:
            notes.append(rng.choice(("病情稳定，按时服药", "家属监护到位，病情稳定")))
        return "；".join(notes)

    def _care_calls(self, rng: random.Random, r: H._Resident, staff: _Staff, m: _Measures,
                    rows: list[dict[str, Any]], lapse: date | None, care_days: int) -> None:
        person = r.person
        first = max(self.today - timedelta(days=364), person.moved_in_on, shift_years(person.birth, 60))
        last = lapse or self.today - timedelta(days=rng.randint(0, 27))
        days = self._series(rng, first, last, (14, 35)) if last >= first else [first]
        if lapse:
            r.lapsed_on = days[-1]
        grid = r.plan.dwelling.grid_index
        for on in days:
            home = rng.random() < 0.55
            visitor = r.caretaker if r.caretaker and rng.random() < 0.5 else staff.worker_of_grid(rng, grid)
            pressure = m.pressure() if home and rng.random() < 0.25 else None
            notes = rng.choice(H.CARE_NOTES_HOME if home else H.CARE_NOTES_PHONE)
            rows.append(self._visit(rng, r, on, "关怀", "上门" if home else "电话", visitor,
                                    on + timedelta(days=care_days), notes, pressure))

    def _yearly_checks(self, rng: random.Random, r: H._Resident, staff: _Staff, m: _Measures,
                       rows: list[dict[str, Any]]) -> None:
        """This year's check (before a lapsed resident's last visit) and, for some, last year's."""
        person = r.person
        year = self.today.year
        sixty_five = shift_years(person.birth, YEARLY_CHECK_AGE)
        latest = self.today if r.lapsed_on is None else r.lapsed_on - timedelta(days=1)
        first = max(date(year, 1, 1), sixty_five)
        if latest < first:
            return
        doctor = (r.doctor or rng.choice(staff.doctors))[0]
        days = [_random_day(rng, first, latest)]
        earlier = max(date(year - 1, 3, 1), sixty_five)
        if rng.random() < 0.6 and earlier <= date(year - 1, 10, 31):
            days.insert(0, _random_day(rng, earlier, date(year - 1, 10, 31)))
        for on in days:
            rows.append(self._visit(rng, r, on, "年度体检", "上门", doctor, shift_years(on, 1),
                                    H.YEARLY_CHECK_NOTE, m.pressure(), m.glucose_tenths()))
