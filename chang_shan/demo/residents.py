"""Residents: household plans for the dwellings, the showcase names, and the rows for
households, residents, groups, tags and their movements."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, update

from chang_shan.codes import HEAD_RELATION
from chang_shan.db.models import Household, HouseholdTag, Movement, Resident, ResidentGroup
from chang_shan.demo import names as N
from chang_shan.demo.households import (
    ETHNICITIES,
    TEMPLATE_COUNTS,
    _TEMPLATES,
    _Family,
    _HouseholdPlan,
    _Person,
)
from chang_shan.demo.identity import _employment, _IdentityMixin
from chang_shan.demo.layout import _Dwelling
from chang_shan.demo.sampling import _birth_for_age, _generation, _later_day, _random_day, _weighted
from chang_shan.population.pinyin import sort_key

if TYPE_CHECKING:
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object

PARTY_HOUSEHOLD_TAG = "党员家庭户"
PARTY_HOUSEHOLDS = 161


class _ResidentsMixin(_IdentityMixin, _Base):
    def _households(self, rng: random.Random, dwellings: list[_Dwelling]):  # noqa: ANN202
        kinds = [kind for kind, count in TEMPLATE_COUNTS for _ in range(count)]
        assert len(kinds) == len(dwellings), (len(kinds), len(dwellings))
        rng.shuffle(kinds)
        households = []
        for dwelling, kind in zip(dwellings, kinds, strict=True):
            ethnicity = _weighted(rng, ETHNICITIES)
            people = _TEMPLATES[kind](_Family(rng, ethnicity))
            households.append(_HouseholdPlan(dwelling, kind, people, ethnicity))
        return households

    def _apply_special_names(self, rng: random.Random, households: list, index: int) -> None:
        """The two names with "·" (as tenants) and a few rare-character names in every community."""
        tenants = [h for h in households if h.kind == "tenants"]
        for plan, (name, sex, ethnicity, region, age) in zip(tenants, N.DOT_NAMES, strict=False):
            person = _Person(sex, age, HEAD_RELATION, "", ethnicity, given=name, region=region,
                             residence_type="流动")
            plan.people = [person]
            plan.ethnicity = ethnicity
        taken: set[int] = set()
        lone = [h.people[0] for h in households if h.kind == "lone_elder" and len(h.people) == 1]
        for surname, ethnicity in N.SHOWCASE_SURNAMES:
            options = [p for p in lone if p.ethnicity == ethnicity and id(p) not in taken] or [
                p for p in lone if id(p) not in taken
            ]
            person = rng.choice(options)
            person.surname = surname
            person.ethnicity = ethnicity
            taken.add(id(person))
        singles = [
            h.people[0] for h in households
            if h.kind == "single" and h.people[0].sex == "1" and h.people[0].age >= 31
        ]
        person = rng.choice(singles)
        person.surname, person.given = N.SHOWCASE_NAME
        person.ethnicity = "01"
        taken.add(id(person))
        candidates = [
            p for h in households for p in h.people
            if p.status == "在册" and p.ethnicity == "01" and id(p) not in taken
        ]
        for given, sex, generation in N.RARE_GIVEN:
            options = [
                p for p in candidates
                if p.sex == sex and _generation(p.age) == generation and id(p) not in taken
            ]
            person = rng.choice(options)
            person.given = given
            taken.add(id(person))

    def _write_people(self, rng: random.Random, households: list) -> None:
        today = self.today
        hh_rows, resident_rows, group_rows, tag_rows, movement_rows = [], [], [], [], []
        heads: list[dict[str, int]] = []
        eligible_party: list[int] = []
        for plan in households:
            dwelling = plan.dwelling
            hid = self._ids("household")
            plan.id = hid
            residence = "流动" if plan.kind == "tenants" else _weighted(
                rng, (("户籍", 85), ("常住", 8), ("人户分离", 7))
            )
            since = _random_day(rng, date(dwelling.year_built, 6, 1), today - timedelta(days=60))
            if plan.kind == "tenants":
                since = _random_day(rng, today - timedelta(days=6 * 365), today - timedelta(days=30))
            family_region = self._region(rng, plan.ethnicity, residence)
            head_person = plan.people[0]
            for person in plan.people:
                person.id = self._ids("resident")
                person.birth = _birth_for_age(rng, today, person.age)
                person.moved_in_on = max(since, person.birth)
                person.name = self._name(rng, person)
                region = person.region or (
                    family_region if rng.random() < 0.75 else self._region(rng, person.ethnicity, residence)
                )
                # People who died or moved out keep their last household (as the services do).
                if person.status == "已故":
                    person.died_on = _later_day(rng, person.moved_in_on, today)
                elif person.status == "已迁出":
                    person.moved_out_on = _later_day(rng, person.moved_in_on, today)
                phone = self._phone(rng, person.age)
                resident_rows.append(
                    {
                        "id": person.id, "household_id": hid,
                        "id_number": self._id_number(rng, region, person.birth, person.sex),
                        "name": person.name, "name_pinyin": sort_key(person.name), "sex_code": person.sex,
                        "birth_date": person.birth, "ethnicity_code": person.ethnicity,
                        "relation_code": person.relation, "phone": phone,
                        "residence_type": person.residence_type or residence,
                        "employment": _employment(rng, person.age, person.sex, person.status),
                        "status": person.status, "moved_in_on": person.moved_in_on,
                        "moved_out_on": person.moved_out_on, "died_on": person.died_on,
                        "note": "", "created_at": self.now, "updated_at": self.now, "version": 1,
                    }
                )
                movement_rows.append(
                    self._movement(person.id, "登记", person.moved_in_on, to_household=hid,
                                   note="出生登记" if person.moved_in_on == person.birth else "")
                )
                if person.died_on:
                    movement_rows.append(self._movement(person.id, "死亡", person.died_on, from_household=hid))
                    self.counts["deceased"] += 1
                elif person.moved_out_on:
                    movement_rows.append(
                        self._movement(person.id, "迁出", person.moved_out_on, from_household=hid,
                                       note=rng.choice(("迁往外地子女处", "购房迁出", "工作调动")))
                    )
                    self.counts["moved_out"] += 1
                else:
                    self.counts["residents"] += 1
                    if person.birth <= self.sixty_cutoff:
                        self.counts["aged_60_plus"] += 1
                        if "独居" in person.groups:
                            self.counts["lone_elders"] += 1
                    for group in sorted(person.groups):
                        group_rows.append({"resident_id": person.id, "group": group})
                if phone and not plan.phone and person.status == "在册":
                    plan.phone = phone
                self.counts["residents_total"] += 1
            # A widow(er) who became 户主 when the former head died.
            for person in plan.people:
                if person.took_over_as_head:
                    late = next(p for p in plan.people if p.status == "已故")
                    on = min(late.died_on + timedelta(days=rng.randint(7, 60)), today)
                    movement_rows.append(
                        self._movement(person.id, "变更户主", on, from_household=hid, to_household=hid,
                                       note=f"原户主：{late.name}（已故）")
                    )
            hh_rows.append(
                {
                    "id": hid, "building_id": dwelling.building_id, "unit_id": dwelling.unit_id,
                    "room": dwelling.room, "area_m2": dwelling.area, "head_id": None,
                    "phone": plan.phone, "note": "", "created_at": self.now, "dissolved_on": None, "version": 1,
                }
            )
            heads.append({"hid": hid, "head": head_person.id})
            tags = set(plan.tags)
            if plan.kind == "tenants":
                tags.add("出租户")
            if any("低保" in p.groups for p in plan.people if p.status == "在册"):
                tags.add("困难户")
            for tag in sorted(tags):
                tag_rows.append({"household_id": hid, "tag": tag})
            if plan.kind != "tenants" and any(
                p.age >= 22 and p.status == "在册" for p in plan.people
            ):
                eligible_party.append(hid)
        for hid in sorted(rng.sample(eligible_party, PARTY_HOUSEHOLDS)):
            tag_rows.append({"household_id": hid, "tag": PARTY_HOUSEHOLD_TAG})
        self.counts["party_households"] += PARTY_HOUSEHOLDS

        self._insert(Household.__table__, hh_rows)
        self._insert(Resident.__table__, resident_rows)
        hh = Household.__table__
        self.connection.execute(
            update(hh).where(hh.c.id == bindparam("hid")).values(head_id=bindparam("head")), heads
        )
        self._insert(ResidentGroup.__table__, group_rows)
        self._insert(HouseholdTag.__table__, tag_rows)
        self._insert(Movement.__table__, movement_rows)
        self.counts["households"] += len(hh_rows)
