"""The demo's 包保制 and emergency contacts: most lone or dependent elders are looked after by the
单元长 of their unit, some by the 楼栋长 of their building, those of the 平房区 by the 网格长; a few
have nobody yet (the today list shows them). Most elders have one or two children as contacts."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import or_, select

from chang_shan.db.models import CareAssignment, Resident, ResidentContact, RoleAssignment
from chang_shan.demo import health_plan as H
from chang_shan.demo.households import _Family, _Person
from chang_shan.demo.identity import _mobile
from chang_shan.demo.sampling import _random_day
from chang_shan.health.codes import DEPENDENT_FROM
from chang_shan.maintenance.stats import shift_years

if TYPE_CHECKING:
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object

NEPHEWS = (("侄子", "1"), ("侄女", "2"), ("外甥", "1"), ("外甥女", "2"))


class _Post(NamedTuple):
    resident_id: int
    start_on: date
    end_on: date | None


class _Posts:
    """The 三长 of one community: unit → 单元长 (current and former), building → 楼栋长, grid → 网格长."""

    def __init__(self, connection, people: list[H._Resident]) -> None:  # noqa: ANN001 - a Connection
        ra = RoleAssignment.__table__
        units = sorted({r.plan.dwelling.unit_id for r in people if r.plan.dwelling.unit_id is not None})
        buildings = sorted({r.plan.dwelling.building_id for r in people})
        grids = sorted({r.grid_id for r in people})
        self.current: dict[tuple[str, int], _Post] = {}
        self.former: dict[int, _Post] = {}
        rows = connection.execute(
            select(ra.c.role, ra.c.resident_id, ra.c.grid_id, ra.c.building_id, ra.c.unit_id, ra.c.start_on,
                   ra.c.end_on)
            .where(or_(ra.c.unit_id.in_(units), ra.c.building_id.in_(buildings), ra.c.grid_id.in_(grids)))
            .order_by(ra.c.id)
        ).all()
        for role, resident_id, grid_id, building_id, unit_id, start_on, end_on in rows:
            scope = unit_id or building_id or grid_id
            post = _Post(resident_id, start_on, end_on)
            if end_on is None:
                self.current[(role, scope)] = post
            elif role == "单元长":
                self.former[unit_id] = post


class _CareMixin(_Base):
    def _care(self, rng: random.Random, people: list[H._Resident]) -> None:
        posts = _Posts(self.connection, people)
        by_id = {r.person.id: r for r in people}
        rows: list[dict[str, Any]] = []
        for r in people:
            r.target = r.age >= 60 and (r.lone or (r.self_care or 0) >= DEPENDENT_FROM)
            if not r.target:
                continue
            if rng.random() < H.CARE_WITHOUT_CARETAKER or not self._assign(rng, r, posts, by_id, rows):
                self.counts["without_caretaker"] += 1
        self._insert(CareAssignment.__table__, rows)
        self.counts["care_assignments"] += sum(1 for row in rows if row["end_on"] is None)
        self._contacts(rng, people)

    def _assign(self, rng: random.Random, r: H._Resident, posts: _Posts, by_id: dict[int, H._Resident],
                rows: list[dict[str, Any]]) -> bool:
        """The elder's caretaker (False when no post holder but the elder is at hand)."""
        d = r.plan.dwelling
        options: list[tuple[str, int]] = []
        if d.unit_id is not None:
            options = [("单元长", d.unit_id), ("楼栋长", d.building_id)]
            if rng.random() < 0.2:
                options.reverse()
        options.append(("网格长", r.grid_id))
        chosen = next(
            ((role, posts.current[(role, scope)]) for role, scope in options
             if (role, scope) in posts.current and posts.current[(role, scope)].resident_id != r.person.id),
            None,
        )
        if chosen is None:
            return False
        role, post = chosen
        person = r.person
        since = max(person.moved_in_on, shift_years(person.birth, 60), post.start_on)
        start = _random_day(rng, since, max(since, self.today - timedelta(days=7)))
        former = posts.former.get(d.unit_id) if role == "单元长" else None
        if former is not None and former.resident_id != person.id:
            earliest = max(person.moved_in_on, shift_years(person.birth, 60), former.start_on)
            if earliest < post.start_on - timedelta(days=30) and rng.random() < 0.7:
                # Looked after by the former 单元长 until the new one took over.
                rows.append(self._care_row(person.id, former.resident_id,
                                           _random_day(rng, earliest, post.start_on - timedelta(days=30)),
                                           post.start_on, "单元长换届，移交新任单元长"))
                start = post.start_on
        rows.append(self._care_row(person.id, post.resident_id, start, None, ""))
        r.caretaker = by_id[post.resident_id].person.name if post.resident_id in by_id else ""
        return True

    def _care_row(self, elder: int, caretaker: int, start: date, end: date | None, note: str) -> dict[str, Any]:
        return {"id": self._ids("care_assignment"), "elder_id": elder, "caretaker_id": caretaker,
                "start_on": start, "end_on": end, "note": note}

    # --- emergency contacts ----------------------------------------------------------------------

    def _contacts(self, rng: random.Random, people: list[H._Resident]) -> None:
        rows: list[dict[str, Any]] = []
        ids = [r.person.id for r in people]
        resident = Resident.__table__
        phones = dict(self.connection.execute(
            select(resident.c.id, resident.c.phone).where(resident.c.id.between(min(ids), max(ids)))
        ).all()) if ids else {}
        for r in people:
            if r.age < 60 or rng.random() >= H.CONTACT_SHARE:
                continue
            contacts = [
                (child.name, "儿子" if child.sex == "1" else "女儿",
                 phones[child.id] if phones.get(child.id, "").startswith("1") else _mobile(rng), "同住")
                for child in self._children_at_home(r)
            ][:1]
            wanted = 1 if rng.random() < 0.4 else 2
            while len(contacts) < wanted:
                contacts.append(self._relative(rng, r))
            for position, (name, relation, phone, note) in enumerate(contacts, start=1):
                rows.append({"id": self._ids("resident_contact"), "resident_id": r.person.id,
                             "position": position, "name": name, "relation": relation, "phone": phone,
                             "note": note})
        self._insert(ResidentContact.__table__, rows)
        self.counts["contacts"] += len(rows)

    def _children_at_home(self, r: H._Resident) -> list[_Person]:
        person = r.person
        others = [p for p in r.plan.people if p is not person and p.status == "在册" and p.age >= 18]
        if person.relation in ("02", "10", "11", "12"):
            return [p for p in others if p.relation[0] in "23" and p.relation not in ("28", "38")]
        if person.relation in ("51", "52"):
            return [p for p in others if p.relation == "02"]
        if person.relation in ("53", "54", "55", "56"):
            return [p for p in others if p.relation in ("10", "11", "12")]
        return []

    def _relative(self, rng: random.Random, r: H._Resident) -> tuple[str, str, str, str]:
        """A child living elsewhere (a nephew or niece for an elder who lost their only child)."""
        person = r.person
        family = _Family(rng, person.ethnicity)
        if "失独" in person.groups:
            relation, sex = rng.choice(NEPHEWS)
            surname = family.surname()
        else:
            sex = rng.choice("12")
            relation = "儿子" if sex == "1" else "女儿"
            husband = next((p for p in r.plan.people if p.sex == "1" and p.relation in ("02", "10", "11")
                            and p is not person), None)
            surname = person.surname if person.sex == "1" else (husband.surname if husband else family.surname())
        age = max(18, person.age - rng.randint(24, 36))
        name = self._name(rng, _Person(sex, age, "", surname, person.ethnicity))
        return name, relation, _mobile(rng), rng.choice(H.CONTACT_NOTES)
