"""The demo's 遗嘱库: about 210 registered wills per community, as ``chang_shan.wills.registry``
would have recorded them since the registry opened six years ago.

Testators are elders (62 and over) 在册, and a dozen who have died since registering: most of
those wills 已启用 with the viewers notified, the four latest deaths still waiting for the
notification (the today list's 遗嘱：通知查看人). Forms are mostly 自书, 代书, 打印 and 公证, a few
录音录像, and two 口头 wills: one made in a recent emergency, one whose emergency ended and that a
later 代书 will superseded. Some testators registered two or three wills (the chain of 第1142条:
each earlier one 被新遗嘱取代 by the next), a few revoked theirs (已撤回). Witnesses of the
witnessed forms are two neighbours of the same building (or grid) — never someone of the
testator's household — with their own ID numbers; viewers and collectors are the testator's
children (from the household, or living elsewhere), sometimes listed as heirs too.

Drawn from its own random stream (seed, community, "wills"), so the other demo data stays as it
was.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select, update

from chang_shan.db.models import Resident
from chang_shan.db.models.wills import WillPerson, WillRegistration, WillWitness
from chang_shan.demo.households import _Family, _HouseholdPlan, _Person
from chang_shan.demo.identity import _mobile
from chang_shan.demo.sampling import _random_day, _weighted
from chang_shan.safety.dates import years_after
from chang_shan.wills.rules import CHILD, SPOUSE, relation_to_testator

if TYPE_CHECKING:
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object

LIVING_TESTATORS, DEAD_TESTATORS, AWAITING = 178, 12, 4
CHAINS = {2: 16, 3: 3}  # testators with two / three registered wills
REVOKED = 5
FORMS = (("自书", 30), ("代书", 25), ("打印", 22), ("公证", 18), ("录音录像", 5))
REGISTRY_YEARS = 6
REGISTRAR = "admin"  # the demo administrator (builder.DEMO_ADMIN_USER)
NOTARIES = ("长春市长春公证处", "长春市北方公证处", "长春市国信公证处")
CAPACITY = ("登记时神志清楚，对答切题", "本人到社区登记，精神状态良好", "由子女陪同到社区，本人意识清楚、表达清晰",
            "上门登记，本人卧床但意识清楚、能清楚表达意愿")
EMERGENCIES = ("突发脑梗住院，医生下病危通知", "心衰加重住院抢救", "术前病危，在医院病床前订立")
REVOCATION = ("本人到社区声明撤回", "本人书面声明撤回，原件已取回", "本人表示要重新订立，先行撤回")
WITNESSED = ("代书", "打印", "录音录像", "口头")


@dataclass
class _Will:
    testator: _Person
    plan: _HouseholdPlan
    form: str
    made: date
    registered: date
    status: str = "有效"
    later: _Will | None = None
    witnesses: list[tuple[str, str, str, str]] = field(default_factory=list)  # name, id, relation, phone
    persons: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # role, name, relation, id, phone
    extra: dict[str, Any] = field(default_factory=dict)
    id: int = 0


class _WillsMixin(_Base):
    def _wills(self, index: int, households: list[_HouseholdPlan]) -> None:
        rng = random.Random(f"chang-shan-demo/{self.seed}/{index}/wills")
        opened = years_after(self.today, -REGISTRY_YEARS)
        facts = self._resident_facts([p.id for plan in households for p in plan.people])
        living = [(plan, p) for plan in households for p in plan.people if p.status == "在册" and p.age >= 62]
        dead = [(plan, p) for plan in households for p in plan.people
                if p.status == "已故" and p.age >= 62 and p.died_on and p.died_on > opened + timedelta(days=120)]
        chosen_dead = sorted(rng.sample(dead, min(DEAD_TESTATORS, len(dead))), key=lambda pp: pp[1].died_on)
        chosen_living = rng.sample(living, min(LIVING_TESTATORS, len(living)))
        wills: list[_Will] = []
        counts = [k for k, n in CHAINS.items() for _ in range(n)]
        for n, (plan, person) in enumerate(chosen_living[2:]):
            wills += self._testator_wills(rng, plan, person, counts[n] if n < len(counts) else 1, opened)
        for plan, person in chosen_dead:
            wills += self._testator_wills(rng, plan, person, 1, opened)
        wills += self._oral_wills(rng, chosen_living[:2], opened)
        self._revoke(rng, [w for w in wills if w.later is None and w.status == "有效" and w.testator.status == "在册"
                           and w.form != "口头"])
        self._after_death(rng, [w for w in wills if w.testator.status == "已故"])
        neighbours = self._neighbours(households, facts)
        for w in wills:
            self._people_of(rng, w, neighbours, facts)
        self._write_wills(rng, wills)

    # --- the wills of one testator ---------------------------------------------------------------

    def _testator_wills(self, rng: random.Random, plan: _HouseholdPlan, person: _Person, count: int,
                        opened: date) -> list[_Will]:
        assert person.birth is not None
        last = (person.died_on - timedelta(days=40)) if person.died_on else self.today - timedelta(days=3)
        first = max(years_after(person.birth, 60), opened - timedelta(days=3 * 365), person.moved_in_on or opened)
        if last <= first:
            return []
        made = sorted({_random_day(rng, first, last) for _ in range(count)})
        wills = []
        for day in made:
            registered = min(max(day, opened) + timedelta(days=rng.choice((0, 0, 1, 3, 7, 14, 30))), last)
            wills.append(_Will(person, plan, _weighted(rng, FORMS), day, max(registered, day)))
        for earlier, later in zip(wills, wills[1:]):
            earlier.status, earlier.later = "被新遗嘱取代", later
        return wills

    def _oral_wills(self, rng: random.Random, elders: list[tuple[_HouseholdPlan, _Person]], opened: date) -> list[_Will]:
        """One oral will in a recent emergency; one whose emergency ended, superseded by a 代书 will."""
        wills = []
        for n, (plan, person) in enumerate(elders):
            note = {"emergency_note": rng.choice(EMERGENCIES)}
            if n == 0:
                made = self.today - timedelta(days=rng.randint(10, 50))
                wills.append(_Will(person, plan, "口头", made, made + timedelta(days=2), extra=note))
                continue
            made = _random_day(rng, opened + timedelta(days=200), self.today - timedelta(days=200))
            over = made + timedelta(days=rng.randint(20, 60))
            oral = _Will(person, plan, "口头", made, made + timedelta(days=1), extra={**note, "emergency_over_on": over})
            written = _Will(person, plan, "代书", over + timedelta(days=rng.randint(7, 40)), over + timedelta(days=45))
            oral.status, oral.later = "被新遗嘱取代", written
            wills += [oral, written]
        return wills

    def _revoke(self, rng: random.Random, candidates: list[_Will]) -> None:
        for w in rng.sample(candidates, min(REVOKED, len(candidates))):
            last = self.today - timedelta(days=1)
            w.status = "已撤回"
            w.extra.update(revoked_on=_random_day(rng, min(w.registered + timedelta(days=60), last), last),
                           revocation_note=rng.choice(REVOCATION))

    def _after_death(self, rng: random.Random, wills: list[_Will]) -> None:
        """The latest deaths wait for the viewers' notification; the others were notified and the
        will 已启用."""
        valid = sorted((w for w in wills if w.status == "有效"), key=lambda w: w.testator.died_on)
        for w in valid[:max(0, len(valid) - AWAITING)]:
            died = w.testator.died_on
            assert died is not None
            notified = min(died + timedelta(days=rng.randint(1, 10)), self.today)
            w.status = "已启用"
            w.extra.update(viewers_notified_on=notified,
                           activated_on=min(notified + timedelta(days=rng.randint(0, 20)), self.today))

    # --- witnesses and persons -------------------------------------------------------------------

    def _resident_facts(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        """resident id → (ID number, phone), as written."""
        found: dict[int, tuple[str, str]] = {}
        for start in range(0, len(ids), 900):
            rows = self.connection.execute(
                select(Resident.id, Resident.id_number, Resident.phone).where(Resident.id.in_(ids[start:start + 900])))
            found.update({r.id: (r.id_number or "", r.phone or "") for r in rows})
        return found

    def _neighbours(self, households: list[_HouseholdPlan],
                    facts: dict[int, tuple[str, str]]) -> dict[tuple[str, int], list[tuple[_Person, int]]]:
        """('building', id) / ('grid', index) → adults 30–72 在册 with an ID number, and their household."""
        found: dict[tuple[str, int], list[tuple[_Person, int]]] = {}
        for plan in households:
            for p in plan.people:
                if p.status == "在册" and 30 <= p.age <= 72 and facts.get(p.id, ("", ""))[0]:
                    found.setdefault(("building", plan.dwelling.building_id), []).append((p, plan.id))
                    found.setdefault(("grid", plan.dwelling.grid_index), []).append((p, plan.id))
        return found

    def _people_of(self, rng: random.Random, w: _Will, neighbours: dict, facts: dict[int, tuple[str, str]]) -> None:
        if w.form in WITNESSED:
            d = w.plan.dwelling
            pool = [(p, hid) for p, hid in neighbours.get(("building", d.building_id), [])
                    if hid != w.plan.id and p.moved_in_on and p.moved_in_on <= w.made]
            if len(pool) < 2:
                pool = [(p, hid) for p, hid in neighbours.get(("grid", d.grid_index), [])
                        if hid != w.plan.id and p.moved_in_on and p.moved_in_on <= w.made]
            for p, _hid in rng.sample(pool, 2):
                number, phone = facts[p.id]
                w.witnesses.append((p.name, number, rng.choice(("邻居", "邻居", "楼栋长", "朋友")), phone))
        children = [p for p in w.plan.people if p is not w.testator and p.status == "在册"
                    and relation_to_testator(w.testator.relation, p.relation) == CHILD and p.age >= 18]
        spouse = next((p for p in w.plan.people if p is not w.testator and p.status == "在册"
                       and relation_to_testator(w.testator.relation, p.relation) == SPOUSE), None)
        viewers: list[tuple[str, str, str, str]] = []  # name, relation, id, phone
        for child in children[:2]:
            number, phone = facts[child.id]
            viewers.append((child.name, "儿子" if child.sex == "1" else "女儿", number if rng.random() < 0.5 else "", phone))
        while len(viewers) < rng.choice((1, 1, 2)):  # children living elsewhere
            sex = rng.choice("12")
            person = _Person(sex, max(30, w.testator.age - rng.randint(24, 34)), "", w.testator.surname, "01")
            viewers.append((self._name(rng, person), "儿子" if sex == "1" else "女儿", "", _mobile(rng)))
        for name, relation, number, phone in viewers:
            w.persons.append(("查看人", name, relation, number, phone))
        if rng.random() < 0.6:
            name, relation, number, phone = viewers[0]
            w.persons.append(("提取人", name, relation, number, phone))
        if rng.random() < 0.3:
            heirs = ([(spouse.name, "配偶", *facts[spouse.id])] if spouse else []) + [v for v in viewers]
            for name, relation, number, phone in heirs:
                w.persons.append(("继承人", name, relation, number, phone))
        if rng.random() < 0.05:
            legatee = _Person(rng.choice("12"), rng.randint(30, 55), "", _Family(rng, "01").surname(), "01")
            w.persons.append(("受遗赠人", self._name(rng, legatee), rng.choice(("侄女", "保姆", "邻居")), "", _mobile(rng)))
        if rng.random() < 0.4:
            w.extra.update(executor_name=viewers[0][0], executor_phone=viewers[0][3])

    # --- rows ------------------------------------------------------------------------------------

    def _custody(self, rng: random.Random, w: _Will, n: int) -> dict[str, Any]:
        if w.form == "公证":
            year = w.made.year
            office = rng.choice(NOTARIES)
            custody = {"notary_office": office, "notary_certificate": f"（{year}）吉长证民字第{rng.randint(1000, 9999)}号"}
            if rng.random() < 0.6:
                return {**custody, "custody_kind": "公证处"}
        else:
            custody = {}
        if rng.random() < 0.2 and w.persons:
            _role, name, relation, *_ = w.persons[0]
            return {**custody, "custody_kind": "家属保管", "custody_note": f"{relation}{name}保管"}
        return {**custody, "custody_kind": "档案柜", "cabinet": f"{'ABC'[n % 3]}-{n // 90 + 1:02d}",
                "file_number": f"{n + 1:04d}"}

    def _write_wills(self, rng: random.Random, wills: list[_Will]) -> None:
        wills.sort(key=lambda w: (w.registered, w.made, w.testator.id))
        sequence: dict[int, int] = getattr(self, "_will_sequence", {})
        self._will_sequence = sequence
        rows, witnesses, persons = [], [], []
        for n, w in enumerate(wills):
            w.id = self._ids("will_registration")
            sequence[w.registered.year] = sequence.get(w.registered.year, 0) + 1
            row = {
                "id": w.id, "number": f"YZ{w.registered.year}-{sequence[w.registered.year]:04d}",
                "testator_id": w.testator.id, "form": w.form, "made_on": w.made, "registered_on": w.registered,
                "registered_by": REGISTRAR, "executor_name": "", "executor_phone": "", "custody_kind": "档案柜",
                "cabinet": "", "file_number": "", "custody_note": "", "notary_office": "", "notary_certificate": "",
                "capacity_note": rng.choice(CAPACITY), "emergency_note": "", "emergency_over_on": None,
                "checks_confirmed": True, "status": w.status, "superseded_by_id": None, "revoked_on": None,
                "revocation_note": "", "activated_on": None, "viewers_notified_on": None, "note": "",
                "created_at": self.now, "updated_at": self.now, "version": 1,
            }
            row.update(self._custody(rng, w, len(rows)))
            row.update(w.extra)
            rows.append(row)
            for i, (name, number, relation, phone) in enumerate(w.witnesses):
                witnesses.append({"id": self._ids("will_witness"), "will_id": w.id, "position": i, "name": name,
                                  "id_number": number, "relation": relation, "phone": phone,
                                  "not_heir_confirmed": True, "no_interest_confirmed": True, "capacity_confirmed": True})
            positions: dict[str, int] = {}
            for role, name, relation, number, phone in w.persons:
                positions[role] = positions.get(role, -1) + 1
                persons.append({"id": self._ids("will_person"), "will_id": w.id, "role": role,
                                "position": positions[role], "name": name, "relation": relation,
                                "id_number": number, "phone": phone})
        self._insert(WillRegistration.__table__, rows)
        links = [{"will": w.id, "later": w.later.id} for w in wills if w.later is not None]
        if links:
            table = WillRegistration.__table__
            self.connection.execute(
                update(table).where(table.c.id == bindparam("will")).values(superseded_by_id=bindparam("later")), links)
        self._insert(WillWitness.__table__, witnesses)
        self._insert(WillPerson.__table__, persons)
        self.counts["wills"] += len(rows)
