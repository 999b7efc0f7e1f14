"""The demo's 遗嘱库: about 210 wills that the registry's own rules accept, with chains,
revocations, oral wills and testators who died since."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from chang_shan.db.models import Resident, WillPerson, WillRegistration, WillWitness
from chang_shan.population import idnumber
from chang_shan.today.registry import build_today
from chang_shan.wills import registry
from chang_shan.wills.rules import WITNESSED_FORMS
from tests.demo.template import TODAY


def test_the_demo_registry(demo_db, demo) -> None:  # noqa: ANN001
    with demo_db.reader() as s:
        wills = list(s.scalars(select(WillRegistration).order_by(WillRegistration.id)))
        people = {r.id: r for r in s.scalars(select(Resident).where(
            Resident.id.in_({w.testator_id for w in wills})))}
        households = dict(s.execute(select(Resident.id, Resident.household_id)).all())
        names_by_household: dict[int, set[str]] = {}
        for rid, name, hid in s.execute(select(Resident.id, Resident.name, Resident.household_id)):
            names_by_household.setdefault(hid, set()).add(name)
        witnesses = list(s.scalars(select(WillWitness)))
        persons = list(s.scalars(select(WillPerson)))
        assert demo[1].wills == len(wills)
        assert 195 <= len(wills) <= 225
        forms = Counter(w.form for w in wills)
        assert forms["口头"] == 2 and 3 <= forms["录音录像"] <= 25
        assert all(forms[f] >= 25 for f in ("自书", "代书", "打印", "公证"))
        statuses = Counter(w.status for w in wills)
        assert statuses["已撤回"] == 5 and statuses["被新遗嘱取代"] >= 18 and statuses["已启用"] >= 4
        assert len({w.number for w in wills}) == len(wills)
        # every witnessed form has two witnesses, never of the testator's household, with valid IDs
        by_will: dict[int, list[WillWitness]] = {}
        for w in witnesses:
            by_will.setdefault(w.will_id, []).append(w)
            assert idnumber.is_valid(w.id_number)
        for will in wills:
            mine = by_will.get(will.id, [])
            assert (len(mine) == 2) == (will.form in WITNESSED_FORMS)
            home = names_by_household[households[will.testator_id]]
            assert not {w.name for w in mine} & home
        assert {p.role for p in persons} >= {"查看人", "提取人", "继承人"}
        # the 第1142条 chain as the services settle it: nothing changes
        for testator_id in {w.testator_id for w in wills}:
            assert registry.settle_chain(s, testator_id) == {}
        # the registry's own checks accept each valid will of a living testator
        for will in wills:
            if will.status == "有效" and people[will.testator_id].status == "在册":
                data = registry.will_input(s, will.id)
                assert registry.problems_by_field(s, data, will_id=will.id, today=TODAY) == {}, will.number
        oral = [w for w in wills if w.form == "口头"]
        assert sorted(w.emergency_over_on is None for w in oral) == [False, True]
        dead = [w for w in wills if people[w.testator_id].status == "已故"]
        assert all(w.registered_on < people[w.testator_id].died_on for w in dead)
        waiting = build_today(s, TODAY).section("will_viewers").items
        assert len(waiting) == 4 and all(i.target[0] == "will" for i in waiting)
        s.rollback()
