"""The demo's service requests (便民服务) of the past twelve months, with the history of each.

About 120 requests a month (100–140), mostly for elders and most of all for lone elders, taken by
telephone, at the 百姓说事点, at the door or from the 网格员; handed to a volunteer team or to the
person's 单元长/楼栋长 (the 网格长 in the 平房区); finished, called back (回访) and rated. Old
requests are closed; the last days' are still 待办 or 处理中, a few of them overdue; a few were
handed on (转派) or reopened. Every step is an event, on the day it happened, written by the
community's workers — the same made-up workers who make the health visits (``health._Staff``).

The steps follow ``chang_shan.service_requests.requests``: its event texts, 待办 → 处理中 on the
first hand-over (``started_on``), a reopened request back to 处理中 with its completion and
call-back kept only in the events, ``version`` one more for every step after the first.

Everything is drawn from its own random stream (seed, community, "requests"), so the other tables
come out as they did before these existed.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from chang_shan.db.models import RoleAssignment, ServiceCategory, ServiceRequest, ServiceRequestEvent
from chang_shan.demo import services_plan as P
from chang_shan.demo.health import _Staff
from chang_shan.demo.households import _HouseholdPlan, _Person
from chang_shan.demo.sampling import _weighted
from chang_shan.maintenance.stats import shift_years

if TYPE_CHECKING:
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object


@dataclass
class _Asker:
    person: _Person
    plan: _HouseholdPlan
    kind: str  # a key of ``ASKER_WEIGHTS``


@dataclass
class _Taker:
    kind: str  # 'team' / 'person'
    team: str = ""
    resident_id: int | None = None
    label: str = ""


@dataclass
class _Story:
    """One request's steps, in order: (day, event kind, worker, text, assignee after the step)."""

    asker: _Asker
    household_only: bool
    category: str
    channel: str
    content: str
    received: date
    due: date
    steps: list[tuple[date, str, str, str, _Taker | None]] = field(default_factory=list)


class _Posts:
    """The current 单元长 (by unit), 楼栋长 (by building) and 网格长 (by grid) of one community,
    with the day each took the post."""

    def __init__(self, connection, households: list[_HouseholdPlan], grid_ids: list[int]) -> None:  # noqa: ANN001
        names = {p.id: p.name for plan in households for p in plan.people}
        ra = RoleAssignment.__table__
        rows = connection.execute(
            select(ra.c.role, ra.c.resident_id, ra.c.grid_id, ra.c.building_id, ra.c.unit_id, ra.c.start_on)
            .where(ra.c.end_on.is_(None), ra.c.resident_id.between(min(names), max(names)))
        ).all()
        self.holders: dict[tuple[str, int], tuple[int, str, date]] = {}
        for role, resident_id, grid_id, building_id, unit_id, start_on in rows:
            scope = unit_id or building_id or grid_id
            self.holders[(role, scope)] = (resident_id, names[resident_id], start_on)
        self.grid_ids = grid_ids

    def for_home(self, plan: _HouseholdPlan, asker_id: int | None, on: date) -> _Taker | None:
        """The post holder who looks after this home: 单元长, else 楼栋长, else 网格长."""
        d = plan.dwelling
        for key in (("单元长", d.unit_id), ("楼栋长", d.building_id), ("网格长", self.grid_ids[d.grid_index])):
            holder = self.holders.get(key)  # type: ignore[arg-type]
            if holder is not None and holder[0] != asker_id and holder[2] <= on:
                return _Taker("person", resident_id=holder[0], label=holder[1])
        return None


class _ServicesMixin(_Base):
    def _service_requests(self, index: int, households: list[_HouseholdPlan], grid_ids: list[int]) -> None:
        rng = random.Random(f"chang-shan-demo/{self.seed}/{index}/requests")
        # The community's workers, as the health visits name them (the first draws of that stream).
        staff = _Staff(random.Random(f"chang-shan-demo/{self.seed}/{index}/health"), self._name)
        categories = self._service_categories()
        posts = _Posts(self.connection, households, grid_ids)
        askers = self._askers(households)
        cumulative = list(accumulate(P.ASKER_WEIGHTS[a.kind] for a in askers))
        stories = []
        for day in self._request_days(rng):
            asker = askers[bisect(cumulative, rng.random() * cumulative[-1])]
            while asker.person.moved_in_on > day:
                asker = askers[bisect(cumulative, rng.random() * cumulative[-1])]
            stories.append(self._story(rng, asker, day, staff, posts))
        self._write_requests(rng, stories, categories)

    # --- who and when ----------------------------------------------------------------------------

    def _service_categories(self) -> dict[str, int]:
        """Category name → id: the built-in ones and the office's own (added once per build)."""
        table = ServiceCategory.__table__
        found = dict(self.connection.execute(select(table.c.name, table.c.id)).all())
        missing = [name for name in P.OFFICE_CATEGORIES if name not in found]
        if missing:
            last = self.connection.scalar(select(func.max(table.c.position))) or 0
            rows = [{"id": self._ids("service_category"), "name": name, "position": last + i, "builtin": False,
                     "active": True} for i, name in enumerate(missing, start=1)]
            self._insert(table, rows)
            found.update((row["name"], row["id"]) for row in rows)
        return found

    def _askers(self, households: list[_HouseholdPlan]) -> list[_Asker]:
        eighty = shift_years(self.today, -80)
        askers = []
        for plan in households:
            for person in plan.people:
                if person.status != "在册" or person.age < 18:
                    continue
                if person.birth > self.sixty_cutoff:
                    kind = "adult"
                elif "独居" in person.groups:
                    kind = "lone_80" if person.birth <= eighty else "lone"
                else:
                    kind = "elder_80" if person.birth <= eighty else "elder"
                askers.append(_Asker(person, plan, kind))
        return askers

    def _request_days(self, rng: random.Random) -> list[date]:
        """The day of every request of the past year: 100–140 in a whole month (fewer at weekends),
        a part month pro rata."""
        first, days = shift_years(self.today, -1) + timedelta(days=1), []
        month_start = first.replace(day=1)
        while month_start <= self.today:
            next_month = (month_start + timedelta(days=32)).replace(day=1)
            whole = (next_month - month_start).days
            in_window = [month_start + timedelta(days=i) for i in range(whole)
                         if first <= month_start + timedelta(days=i) <= self.today]
            target = min(140, max(100, round(P.MONTHLY_REQUESTS * P.SEASON[month_start.month] + rng.gauss(0, 5))))
            count = round(target * len(in_window) / whole)
            weights = [P.WEEKEND_WEIGHT if d.weekday() >= 5 else 1.0 for d in in_window]
            days += sorted(rng.choices(in_window, weights, k=count))
            month_start = next_month
        return days

    # --- one request's life --------------------------------------------------------------------

    def _story(self, rng: random.Random, asker: _Asker, received: date, staff: _Staff, posts: _Posts) -> _Story:
        category = _weighted(rng, P.CATEGORY_WEIGHTS)
        while asker.kind == "adult" and category in ("配餐", "理发", "洗澡", "陪诊"):
            category = _weighted(rng, P.CATEGORY_WEIGHTS)
        channel = _weighted(rng, P.CHANNELS)
        content, result = rng.choice(P.WORK[category])
        due = received + timedelta(days=_weighted(rng, P.DUE_DAYS.get(category, P.DUE_DAYS["default"])))
        grid_index = asker.plan.dwelling.grid_index
        desk = staff.worker_of_grid(rng, grid_index) if channel == "网格员" else rng.choice(staff.workers)
        story = _Story(asker, rng.random() < P.HOUSEHOLD_ONLY.get(category, 0.0), category, channel, content,
                       received, due)
        story.steps.append((received, "受理", desk, f"受理：{category}（{channel}），应于 {due:%Y-%m-%d} 前办结", None))
        if rng.random() < P.UNASSIGNED:
            done = received + timedelta(days=rng.randint(0, 1))
            story.steps.append((done, "完成", desk, f"完成：{P.SETTLED_AT_ONCE}", None))
            self._revisit(rng, story, done, staff, grid_index)
            return story
        taken = received + timedelta(days=_weighted(rng, P.TAKEN_AFTER))
        lo, hi = P.WORK_DAYS[category]
        done = min(taken + timedelta(days=rng.randint(lo, hi)), max(due, taken))
        roll = rng.random()
        if roll < P.STALLED:
            if rng.random() < P.STALLED_UNTAKEN:
                taken = received + timedelta(days=rng.randint(4, 30))
            done = max(due, taken) + timedelta(days=rng.randint(6, 40))
        elif roll < P.STALLED + P.LATE:
            done = max(due, taken) + timedelta(days=rng.randint(1, 5))
        taker = self._taker(rng, category, asker, taken, posts)
        story.steps.append((taken, "接单", desk, f"接单：{taker.label}", taker))
        if rng.random() < P.TRANSFERRED:
            other = self._other_taker(rng, category, asker, taken, posts, taker)
            if other is not None:
                on = taken + timedelta(days=rng.randint(0, max(0, (done - taken).days)))
                note = rng.choice(P.TRANSFER_NOTES)
                story.steps.append((on, "转派", rng.choice(staff.workers),
                                    f"转派：{taker.label} → {other.label}" + (f"（{note}）" if note else ""), other))
                taker = other
        story.steps.append((done, "完成", staff.worker_of_grid(rng, grid_index), f"完成：{result}", taker))
        reopen = rng.random() < P.REOPENED
        revisited = self._revisit(rng, story, done, staff, grid_index, unhappy=reopen)
        if reopen:
            on = (revisited or done) + timedelta(days=rng.randint(0, 3))
            reasons = P.REOPEN_REASONS.get(category, P.REOPEN_REASONS["default"])
            story.steps.append((on, "重新打开", staff.worker_of_grid(rng, grid_index),
                                f"重新打开（第 1 次）：{rng.choice(reasons)}", taker))
            again = on + timedelta(days=rng.randint(0, 3))
            story.steps.append((again, "完成", staff.worker_of_grid(rng, grid_index), f"完成：再次处理，{result}",
                                taker))
            self._revisit(rng, story, again, staff, grid_index, settled=True)
        return story

    def _revisit(self, rng: random.Random, story: _Story, done: date, staff: _Staff, grid_index: int, *,
                 unhappy: bool = False, settled: bool = False) -> date | None:
        """The call-back a few days after completion (none for the few that were missed)."""
        if not unhappy and rng.random() < P.NEVER_REVISITED:
            return None
        on = done + timedelta(days=rng.randint(1, 6))
        if unhappy:
            satisfaction = "不满意"
        elif settled:
            satisfaction = _weighted(rng, (("满意", 70), ("基本满意", 30)))
        else:
            satisfaction = _weighted(rng, P.SATISFACTION)
        note = rng.choice(P.REVISIT_NOTES[satisfaction])
        story.steps.append((on, "回访", staff.worker_of_grid(rng, grid_index),
                            f"回访：{satisfaction}" + (f"；{note}" if note else ""), None))
        return on

    def _taker(self, rng: random.Random, category: str, asker: _Asker, on: date, posts: _Posts) -> _Taker:
        if rng.random() < P.TO_POST_HOLDER.get(category, 0.0):
            holder = posts.for_home(asker.plan, asker.person.id, on)
            if holder is not None:
                return holder
        team = rng.choice(P.TEAMS[category])
        return _Taker("team", team=team, label=team)

    def _other_taker(self, rng: random.Random, category: str, asker: _Asker, on: date, posts: _Posts,
                     taker: _Taker) -> _Taker | None:
        """Someone else for a 转派: another team of the category, the post holder, or the 助老服务队."""
        options = [t for t in P.TEAMS[category] if t != taker.team] or (
            ["助老服务队"] if taker.team != "助老服务队" else [])
        holder = posts.for_home(asker.plan, asker.person.id, on)
        if holder is not None and holder.resident_id != taker.resident_id and rng.random() < 0.5:
            return holder
        if not options:
            return None
        team = rng.choice(options)
        return _Taker("team", team=team, label=team)

    # --- rows ----------------------------------------------------------------------------------

    def _write_requests(self, rng: random.Random, stories: list[_Story], categories: dict[str, int]) -> None:
        requests, events = [], []
        for story in stories:
            request, story_events = self._request_rows(rng, story, categories)
            requests.append(request)
            events += story_events
        requests.sort(key=lambda row: row["created_at"])
        for row in requests:
            new_id = self._ids("service_request")
            for event in row.pop("_events"):
                event["request_id"] = new_id
            row["id"] = new_id
        events.sort(key=lambda row: (row["recorded_at"], row["request_id"]))
        for event in events:
            event["id"] = self._ids("service_request_event")
        self._insert(ServiceRequest.__table__, requests)
        self._insert(ServiceRequestEvent.__table__, events)
        self.counts["service_requests"] += len(requests)
        self.counts["open_requests"] += sum(1 for row in requests if row["status"] in ("待办", "处理中"))

    def _request_rows(self, rng: random.Random, story: _Story,
                      categories: dict[str, int]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The request as it stands today and its events up to today (later steps have not happened)."""
        row: dict[str, Any] = {
            "resident_id": None if story.household_only else story.asker.person.id,
            "household_id": story.asker.plan.id, "category_id": categories[story.category],
            "channel": story.channel, "content": story.content, "received_on": story.received,
            "due_on": story.due, "status": "待办", "assignee_kind": None, "assignee_user_id": None,
            "assignee_team": "", "assignee_resident_id": None, "started_on": None, "completed_on": None,
            "result": "", "revisited_on": None, "satisfaction": None, "revisit_note": "", "reopened": 0,
            "created_by": story.steps[0][2], "created_at": None, "version": 0,
        }
        events: list[dict[str, Any]] = []
        last: datetime | None = None
        for on, kind, worker, text, taker in story.steps:
            if on > self.today:
                break
            recorded = datetime.combine(on, time(rng.randint(0, 8), rng.randrange(60)))  # 08:00–16:59 in 长春
            if last is not None and recorded <= last:
                recorded = last + timedelta(minutes=rng.randint(3, 40))
            last = recorded
            events.append({"on_date": on, "kind": kind, "user_name": worker, "text": text, "recorded_at": recorded})
            self._apply_step(row, on, kind, text, taker)
        row["created_at"] = events[0]["recorded_at"]
        row["version"] = len(events)
        row["_events"] = events
        return row, events

    @staticmethod
    def _apply_step(row: dict[str, Any], on: date, kind: str, text: str, taker: _Taker | None) -> None:
        if kind in ("接单", "转派"):
            assert taker is not None
            row.update(assignee_kind=taker.kind, assignee_team=taker.team, assignee_resident_id=taker.resident_id)
            if row["status"] == "待办":
                row.update(status="处理中", started_on=on)
        elif kind == "完成":
            row.update(status="已完成", completed_on=on, result=text.removeprefix("完成："))
        elif kind == "回访":
            satisfaction, _, note = text.removeprefix("回访：").partition("；")
            row.update(status="已回访", revisited_on=on, satisfaction=satisfaction, revisit_note=note)
        elif kind == "重新打开":
            row.update(status="处理中" if row["assignee_kind"] else "待办", completed_on=None, result="",
                       revisited_on=None, satisfaction=None, revisit_note="")
            row["reopened"] += 1
