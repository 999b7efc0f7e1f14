"""The demo's party network (四级网络): 社区党委, a 党支部 per grid, 24 党小组, the members living in
the 161 党员家庭户, posts, a year of monthly study days with attendance.

The 党小组 cover the high-rise buildings by stair units (building 1 in three groups, every other
building in two) and the 平房区 in one: 23 + 1 = 24, each under the 党支部 of its grid. Members are
residents 在册 of exactly the households the residents step tagged 党员家庭户 (one, sometimes two
per household), so the tag agrees with the ledger as ``party.households`` keeps it; a few more
members have died or moved out since (已故, 已转出: they make no household a 党员家庭户). Some
members are probationary (joined within the year), a few have their organisation relationship
elsewhere (在社区外, 流动党员 living here) or are 口袋党员, and two pocket members were found and
brought back. Posts: the 党委's 书记, 副书记 and 委员, each 党支部's 书记 and 委员, each 党小组's 组长.
Political birthdays fall all over the year (a cluster on 1 July). Each 党支部 held a study day on
the 15th of each of the last twelve months; about 85 % attended, absences were followed up a few
days later — the latest ones, and a few older ones, not yet (the today list's 主题党日缺席待跟进).

Drawn from its own random stream (seed, community, "party"), so the other demo data stays as it
was.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from chang_shan.db.models import (
    HouseholdTag,
    PartyMember,
    PartyMemberEvent,
    PartyOrg,
    PartyPost,
    PartyStudyAttendance,
    PartyStudyDay,
)
from chang_shan.demo.households import _HouseholdPlan, _Person
from chang_shan.demo.layout import BUILDINGS, GRID_NUMERALS
from chang_shan.demo.residents import PARTY_HOUSEHOLD_TAG
from chang_shan.demo.sampling import _random_day
from chang_shan.safety.dates import years_after

if TYPE_CHECKING:
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object

COMMUNITY = "长山花园社区"
# Unit ranges of each building's 党小组 (building 1: three groups; the others: two).
GROUP_UNITS = {1: ((1, 2), (3, 4), (5, 5)), 2: ((1, 3), (4, 5)), 11: ((1, 2), (3, 3))}
DEFAULT_GROUP_UNITS = ((1, 2), (3, 4))
PROBATIONARY, OUTSIDE, POCKET, FOUND, DEAD, MOVED = 4, 5, 3, 2, 3, 2
OUTSIDE_PLACES = ("长春市宽城区教育局机关党委", "中国一汽集团有限公司某分厂党委", "长春市第二医院党委",
                  "吉林大学某学院党委", "长春市公交集团党委", "宽城区团山街道机关党委")
TOPICS = ("学习贯彻党的二十届三中全会精神", "重温入党誓词", "学习《中国共产党纪律处分条例》", "清明祭扫革命烈士墓",
          "“七一”主题党日：党员政治生日集体过", "学习《中国共产党章程》", "安全生产和防汛知识学习",
          "为老服务志愿活动", "垃圾分类宣传进楼院", "冬季供暖和防火安全入户宣传", "观看党史教育纪录片",
          "年终组织生活会和民主评议党员")
PLACES = ("社区党群服务中心", "社区党群服务中心会议室", "{grid}党群服务站")
ABSENCES = (("外出", 30), ("生病住院", 25), ("在外地子女家", 20), ("工作冲突", 15), ("", 10))
FOLLOW_UPS = ("谈心谈话，已补学", "电话沟通，已发送学习资料", "上门送学", "已参加下次补学")
FOLLOW_DELAYS = (1, 2, 3, 3, 4, 5, 7, 10)
UNFOLLOWED_OLD = 3  # older absences nobody followed up


def _group_plan() -> list[tuple[int, tuple[int, int] | None]]:
    """(building number, unit range) of every 党小组; (0, None) the 平房区'."""
    plan = [(number, units) for number, *_ in BUILDINGS for units in GROUP_UNITS.get(number, DEFAULT_GROUP_UNITS)]
    return [*plan, (0, None)]


class _PartyMixin(_Base):
    def _party(self, index: int, households: list[Any], grid_ids: list[int], building_ids: list[int],
               unit_ids: list[int]) -> None:
        rng = random.Random(f"chang-shan-demo/{self.seed}/{index}/party")
        prefix = "" if index == 0 else f"{index + 1}区"
        by_id = {plan.id: plan for plan in households}
        tag = HouseholdTag.__table__
        tagged = sorted(self.connection.scalars(select(tag.c.household_id).where(
            tag.c.tag == PARTY_HOUSEHOLD_TAG, tag.c.household_id.between(min(by_id), max(by_id)))))
        orgs, group_of, branches = self._party_orgs(index, prefix, households, grid_ids, building_ids, unit_ids)
        members = self._party_members(rng, [by_id[h] for h in tagged], households, group_of)
        self._party_posts(rng, orgs, members)
        self._party_study(rng, branches, members, orgs)

    # --- the organisations ---------------------------------------------------------------------

    def _party_orgs(self, index: int, prefix: str, households: list[_HouseholdPlan], grid_ids: list[int],
                    building_ids: list[int], unit_ids: list[int]):  # noqa: ANN202 - internal tuple
        founded = date(2004, 7, 1)
        rows: list[dict[str, Any]] = []

        def org(level: str, name: str, parent: int | None, **place: Any) -> int:
            oid = self._ids("party_org")
            rows.append({"id": oid, "parent_id": parent, "level": level, "name": name, "grid_id": place.get("grid"),
                         "building_id": place.get("building"), "unit_id": place.get("unit"),
                         "sort_key": index * 1000 + len(rows), "founded_on": founded, "dissolved_on": None,
                         "note": "", "version": 1})
            return oid

        committee = org("党委", f"{prefix}{COMMUNITY}党委", None)
        branches = [org("党支部", f"{prefix}第{GRID_NUMERALS[g]}网格党支部", committee, grid=gid)
                    for g, gid in enumerate(grid_ids)]
        # building number → (building id, grid index, unit ids in order)
        buildings: dict[int, tuple[int, int, list[int]]] = {}
        for plan in households:
            d = plan.dwelling
            number = d.building_number or 0
            building_id, grid_index, units = buildings.setdefault(number, (d.building_id, d.grid_index, []))
            if d.unit_id is not None and d.unit_id not in units:
                units.append(d.unit_id)
        group_of: dict[tuple[int, int], int] = {}  # (building number, unit index or 0) → group id
        for number, units in _group_plan():
            building_id, grid_index, unit_list = buildings[number]
            parent = branches[grid_index]
            if units is None:
                group = org("党小组", f"{prefix}平房区党小组", parent, grid=grid_ids[grid_index], building=building_id)
                group_of[(0, 0)] = group
                continue
            first, last = units
            label = f"{first}单元" if first == last else f"{first}—{last}单元"
            unit = sorted(unit_list)[first - 1] if first == last else None
            group = org("党小组", f"{prefix}{number}号楼{label}党小组", parent, grid=grid_ids[grid_index],
                        building=building_id, unit=unit)
            for u in range(first, last + 1):
                group_of[(number, u)] = group
        self._insert(PartyOrg.__table__, rows)
        self.counts["party_orgs"] += len(rows)
        self.counts["party_groups"] += sum(r["level"] == "党小组" for r in rows)
        return rows, group_of, branches

    # --- the members ---------------------------------------------------------------------------

    def _party_joined(self, rng: random.Random, person: _Person, latest: date) -> date:
        """A political birthday: joined between 18 and about 40, before ``latest``."""
        assert person.birth is not None
        first = years_after(person.birth, 18)
        last = min(latest, years_after(person.birth, rng.choice((25, 30, 35, 40, 45))))
        if last <= first:
            last = latest
        day = _random_day(rng, first, max(first, last))
        if rng.random() < 0.1 and date(day.year, 7, 1) >= first and date(day.year, 7, 1) <= latest:
            day = date(day.year, 7, 1)  # many joined on the party's birthday
        return day

    def _party_members(self, rng: random.Random, tagged: list[_HouseholdPlan], households: list[_HouseholdPlan],
                       group_of: dict[tuple[int, int], int]) -> list[dict[str, Any]]:
        today = self.today
        year_ago = today - timedelta(days=365)
        members: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []

        def group(plan: _HouseholdPlan) -> int:
            d = plan.dwelling
            return group_of[(d.building_number or 0, d.unit_index or 0)]

        def add(plan: _HouseholdPlan, person: _Person, joined: date, **extra: Any) -> dict[str, Any]:
            full_on = extra.pop("full_on", years_after(joined, 1) + timedelta(days=rng.randint(0, 20)))
            row = {"id": self._ids("party_member"), "resident_id": person.id, "org_id": group(plan),
                   "joined_on": joined, "kind": "正式党员", "full_on": full_on, "org_relation": "在本社区",
                   "relation_place": "", "status": "在册", "status_on": None, "phone": "", "note": "",
                   "created_at": self.now, "version": 1, "_age": person.age}
            row.update(extra)
            members.append(row)
            return row

        for plan in tagged:
            adults = [p for p in plan.people if p.status == "在册" and p.age >= 22]
            chosen = rng.sample(adults, 2 if len(adults) > 1 and rng.random() < 0.25 else 1)
            for person in chosen:
                add(plan, person, self._party_joined(rng, person, year_ago - timedelta(days=30)))
        living = list(members)
        # Probationary members: joined within the last year (young enough to be plausible).
        young = [m for m in living if 22 <= m["_age"] <= 45] or living
        for m in rng.sample(young, min(PROBATIONARY, len(young))):
            m.update(joined_on=_random_day(rng, today - timedelta(days=330), today - timedelta(days=20)),
                     kind="预备党员", full_on=None)
        regular = [m for m in living if m["kind"] == "正式党员"]
        special = rng.sample(regular, min(OUTSIDE + POCKET + FOUND, len(regular)))
        for m in special[:OUTSIDE]:
            m.update(org_relation="在社区外", relation_place=rng.choice(OUTSIDE_PLACES),
                     note="流动党员，组织关系在工作单位")
        for m in special[OUTSIDE:OUTSIDE + POCKET]:
            m.update(org_relation="口袋党员", note="组织关系介绍信未转出，正在联系原党组织")
        found = special[OUTSIDE + POCKET:]
        # Members who died or moved out since: history only.
        gone = [(plan, p) for plan in households for p in plan.people
                if p.status in ("已故", "已迁出") and p.birth is not None
                and years_after(p.birth, 20) < (p.died_on or p.moved_out_on or today) - timedelta(days=400)]
        dead = [(plan, p) for plan, p in gone if p.status == "已故"]
        moved = [(plan, p) for plan, p in gone if p.status == "已迁出"]
        for plan, person in rng.sample(dead, min(DEAD, len(dead))) + rng.sample(moved, min(MOVED, len(moved))):
            left = person.died_on or person.moved_out_on
            assert left is not None
            status = "已故" if person.died_on else "已转出"
            row = add(plan, person, self._party_joined(rng, person, left - timedelta(days=400)), status=status,
                      status_on=left)
            note = "万家数据库登记死亡" if person.died_on else "随子女迁居外地，组织关系转往迁入地社区党组织"
            events.append(self._party_event(row["id"], "去世" if person.died_on else "转出", left, note))
        for m in members:
            events.append(self._party_event(m["id"], "入党", m["joined_on"], ""))
            if m["full_on"] is not None:
                events.append(self._party_event(m["id"], "转正", m["full_on"], ""))
        for m in found:
            on = _random_day(rng, max(m["full_on"], today - timedelta(days=700)), today - timedelta(days=60))
            events.append(self._party_event(m["id"], "找回口袋党员", on, "入户走访时发现，已将组织关系转入本社区"))
        self._insert(PartyMember.__table__, [{k: v for k, v in m.items() if k != "_age"} for m in members])
        events.sort(key=lambda e: (e["member_id"], e["on_date"]))
        for e in events:
            e["id"] = self._ids("party_member_event")
        self._insert(PartyMemberEvent.__table__, events)
        self.counts["party_members"] += sum(m["status"] == "在册" for m in members)
        return members

    def _party_event(self, member_id: int, kind: str, on: date, note: str) -> dict[str, Any]:
        return {"id": 0, "member_id": member_id, "kind": kind, "on_date": on, "note": note, "recorded_by": "admin",
                "created_at": self.now}

    # --- posts ---------------------------------------------------------------------------------

    def _party_posts(self, rng: random.Random, orgs: list[dict[str, Any]], members: list[dict[str, Any]]) -> None:
        today = self.today
        parent = {o["id"]: o["parent_id"] for o in orgs}
        level = {o["id"]: o["level"] for o in orgs}

        def ancestors(org_id: int) -> list[int]:
            found = [org_id]
            while parent[found[-1]] is not None:
                found.append(parent[found[-1]])  # type: ignore[arg-type]
            return found

        under: dict[int, list[dict[str, Any]]] = {o["id"]: [] for o in orgs}
        for m in members:
            if m["status"] == "在册" and m["kind"] == "正式党员" and m["org_relation"] == "在本社区":
                for oid in ancestors(m["org_id"]):
                    under[oid].append(m)
        rows: list[dict[str, Any]] = []
        taken: set[int] = set()
        elected = date(today.year - 2, 6, 28)  # the last 换届

        def hold(org_id: int, post: str, count: int = 1) -> None:
            able = [m for m in under[org_id] if m["id"] not in taken and m["_age"] <= 75]
            able.sort(key=lambda m: m["id"])
            for m in rng.sample(able, min(count, len(able))):
                taken.add(m["id"])
                start = max(elected, m["full_on"] or m["joined_on"])
                rows.append({"id": self._ids("party_post"), "org_id": org_id, "member_id": m["id"], "post": post,
                             "start_on": start, "end_on": None})

        for o in orgs:
            if level[o["id"]] == "党小组":
                hold(o["id"], "组长")
        for o in orgs:
            if level[o["id"]] == "党支部":
                hold(o["id"], "书记")
                hold(o["id"], "委员", rng.choice((1, 2)))
        committee = next(o["id"] for o in orgs if o["level"] == "党委")
        hold(committee, "书记")
        hold(committee, "副书记")
        hold(committee, "委员", 3)
        self._insert(PartyPost.__table__, rows)

    # --- study days ----------------------------------------------------------------------------

    def _party_study(self, rng: random.Random, branches: list[int], members: list[dict[str, Any]],
                     orgs: list[dict[str, Any]]) -> None:
        today = self.today
        branch_of = {o["id"]: (o["parent_id"] if o["level"] == "党小组" else o["id"]) for o in orgs}
        names = {o["id"]: o["name"] for o in orgs}
        days = []
        year, month = today.year, today.month
        for _ in range(12):
            held = date(year, month, 15)
            if held <= today:
                days.append(held)
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        while len(days) < 12:  # before the 15th: the twelve months before this one
            days.append(date(year, month, 15))
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        days.sort()
        day_rows, lines = [], []
        unfollowed = []
        for held in days:
            topic = TOPICS[(held.month - 1) % len(TOPICS)]
            for branch in branches:
                present_members = [
                    m for m in members
                    if branch_of[m["org_id"]] == branch and m["joined_on"] <= held
                    and (m["status"] == "在册" or m["status_on"] > held)
                ]
                if not present_members:
                    continue
                day_id = self._ids("party_study_day")
                grid = names[branch].removesuffix("党支部")
                day_rows.append({"id": day_id, "org_id": branch, "held_on": held, "topic": topic,
                                 "place": rng.choice(PLACES).format(grid=grid), "note": "", "recorded_by": "admin"})
                for m in present_members:
                    chance = 0.7 if m["_age"] >= 80 else 0.89
                    line = {"study_day_id": day_id, "member_id": m["id"], "present": True, "absence_reason": "",
                            "followed_up_on": None, "follow_up_note": ""}
                    if rng.random() >= chance:
                        reason = rng.choices([r for r, _ in ABSENCES], [w for _, w in ABSENCES])[0]
                        followed = held + timedelta(days=rng.choice(FOLLOW_DELAYS))
                        line.update(present=False, absence_reason=reason)
                        if followed <= today:
                            line.update(followed_up_on=followed, follow_up_note=rng.choice(FOLLOW_UPS))
                            if m["status"] == "在册" and held < today - timedelta(days=60):
                                unfollowed.append(line)
                    lines.append(line)
        for line in rng.sample(unfollowed, min(UNFOLLOWED_OLD, len(unfollowed))):
            line.update(followed_up_on=None, follow_up_note="")
        self._insert(PartyStudyDay.__table__, day_rows)
        self._insert(PartyStudyAttendance.__table__, lines)
        self.counts["study_days"] += len(day_rows)
