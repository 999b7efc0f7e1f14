"""The demo's volunteers (红马甲): 12 teams with their 队长 and 副队长, about 800 volunteers — 400+
residents aged 18–75 (most of them in the 义务巡逻队, 400+ strong), students of the universities
nearby (大学生志愿服务信息档案: school, major, student number, year of enrolment) and staff of the
驻区单位 — and a year of service as ``volunteers.service_records`` records it: mostly 已确认, the
last week's partly still 待确认 (more than half of the last two days), a few 已退回.

The points bank: rules per kind of service (关爱老人 10 分/小时 since half a year, 8 before; 代购
5 分/次; 清雪 8 分/小时; 巡逻 5 分/小时 …), one ledger entry per confirmed service with the rule
in force on the day served, and redemptions at the counter on the 5th and the 20th of each month,
never more than a volunteer's balance or the goods in stock; every entry keeps the running
balance, the last one equals the volunteer's ``points_balance``.

The rules and the catalogue are the office's (written with the first community); each community's
goods are counted into the same stock. Drawn from its own random stream (seed, community,
"volunteers"), so the other demo data stays as it was.
"""

from __future__ import annotations

import random
from itertools import accumulate
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import update

from chang_shan.db.models.volunteers import (
    Volunteer,
    VolunteerPointEntry,
    VolunteerPointRule,
    VolunteerRedemption,
    VolunteerRedemptionLine,
    VolunteerRewardItem,
    VolunteerService,
    VolunteerTeam,
    VolunteerTeamMember,
)
from chang_shan.demo import names as N
from chang_shan.demo.households import _HouseholdPlan, _Person
from chang_shan.demo.identity import CHANGCHUN_REGIONS, OUTSIDE_REGIONS, _mobile
from chang_shan.demo.sampling import _random_day, _weighted
from chang_shan.maintenance.stats import shift_years

if TYPE_CHECKING:
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object

STAFF = "admin"  # the demo administrator enters and confirms the records
RESIDENTS, STUDENTS, UNIT_STAFF = 432, 320, 88  # registered; the graduates among the students have left
PATROL_RESIDENTS, PATROL_UNIT_STAFF = 360, 60
PENDING_DAYS = 7  # records of the last week are partly still waiting (more than half of the last two days)
RETURN_REASONS = ("服务时长含往返路途时间，请核减后重新提交", "服务内容填写不清，请补充服务对象和事项",
                  "同一天重复登记，请核对")

# (name, what it does, kinds of service it records: (kind, weight, hours low–high, contents))
TEAMS: tuple[tuple[str, str, tuple[tuple[str, float, float, float, tuple[str, ...]], ...]], ...] = (
    ("法律援助服务队", "法律咨询、代写文书、普法宣传", (
        ("法律咨询", 1, 1, 3, ("为{elder}解答赡养纠纷法律问题", "社区普法讲座：民法典继承编", "为居民解答租房合同问题",
                           "帮助{elder}代写法律援助申请")),)),
    ("纠纷调解服务队", "邻里纠纷、家庭矛盾调解", (
        ("纠纷调解", 1, 1, 3, ("调解{building}楼上楼下漏水纠纷", "调解邻里占用楼道纠纷", "调解家庭赡养矛盾",
                           "调解停车位纠纷")),)),
    ("家政服务队", "为独居、失能老人打扫卫生、拆洗被褥", (
        ("家政服务", 1, 1.5, 3, ("为{elder}打扫卫生、擦玻璃", "为{elder}拆洗被褥", "为{elder}整理房间、清理杂物")),)),
    ("医疗保健服务队", "测血压血糖、健康讲座、陪诊", (
        ("健康服务", 1, 1, 3, ("义诊：为老人测血压、血糖", "上门为{elder}测血压并讲解用药", "健康讲座：冬季心脑血管疾病预防",
                           "陪同{elder}到医院复查")),)),
    ("家电维修服务队", "上门修理家电、水电", (
        ("家电维修", 1, 0.5, 2, ("为{elder}修理电视机", "为{elder}更换灯泡、检修线路", "为{elder}修理洗衣机",
                           "为{elder}疏通下水")),)),
    ("义务巡逻队", "治安巡逻、消防安全检查", (
        ("巡逻", 1, 1.5, 3, ("{building}周边治安巡逻", "夜间治安巡逻", "楼道消防通道检查", "节日期间安全巡逻")),)),
    ("关爱老人服务队", "看望独居老人、陪伴聊天、代购代办", (
        ("关爱老人", 3, 1, 3, ("看望独居老人{elder}，陪伴聊天", "陪{elder}散步、读报", "为{elder}代办医保事务")),
        ("代购", 2, 0.5, 1.5, ("为{elder}代购米面油", "为{elder}代购药品", "为{elder}代购蔬菜水果")),
    )),
    ("助餐服务队", "乐龄食堂助餐、为独居老人送餐", (
        ("助餐送餐", 1, 1, 2, ("乐龄食堂午餐送餐（{building}）", "乐龄食堂帮厨、分餐", "为{elder}送餐上门")),)),
    ("清雪除冰服务队", "冬季清雪除冰，保障老人出行", (
        ("清雪", 1, 2, 4, ("{building}门前清雪除冰", "小区主路清雪", "为{elder}家门口清雪")),)),
    ("环境整治服务队", "清理楼道杂物、小广告，垃圾分类引导", (
        ("环境整治", 1, 1, 3, ("清理{building}楼道杂物", "清除小广告", "垃圾分类引导", "绿化带清理")),)),
    ("文化宣传服务队", "文艺演出、政策宣传、重阳节等节日活动", (
        ("文化宣传", 1, 1.5, 4, ("社区文艺演出排练", "重阳节敬老活动", "防诈骗宣传", "政策宣传入户发放资料")),)),
    ("大学生志愿服务队", "高校学生志愿服务：课业辅导、关爱老人、文化活动", (
        ("课业辅导", 2, 1.5, 3, ("为社区儿童课业辅导", "为{elder}讲解智能手机使用")),
        ("关爱老人", 2, 1.5, 3, ("看望独居老人{elder}，陪伴聊天", "陪{elder}包饺子、聊天")),
        ("文化宣传", 1, 2, 4, ("社区文化活动协助", "防诈骗宣传")),
    )),
)
PATROL, STUDENT_TEAM, SNOW = "义务巡逻队", "大学生志愿服务队", "清雪除冰服务队"
# Services a member of the team records in a year (mean), before their own activity factor.
PER_YEAR = {"义务巡逻队": 11, "关爱老人服务队": 14, "助餐服务队": 18, "清雪除冰服务队": 4, "大学生志愿服务队": 6}
PER_YEAR_DEFAULT = 6

# (kind, per hour, per service); 关爱老人 went up from 8 to 10 half a year ago.
RULES = (("关爱老人", 10, 0), ("代购", 0, 5), ("清雪", 8, 0), ("巡逻", 5, 0), ("助餐送餐", 6, 0), ("家政服务", 6, 0),
         ("家电维修", 5, 2), ("法律咨询", 8, 0), ("纠纷调解", 8, 0), ("健康服务", 6, 0), ("环境整治", 5, 0),
         ("文化宣传", 4, 0), ("课业辅导", 6, 0))
OLD_RULE = ("关爱老人", 8, 0)

# (name, unit, points, stock after each month's delivery); the rice cooker is bought once and runs out.
CATALOGUE = (("大米（5kg）", "袋", 50, 60), ("食用油（5L）", "桶", 60, 40), ("洗衣液（2kg）", "瓶", 25, 60),
             ("毛巾", "条", 10, 120), ("牙膏", "支", 8, 120), ("香皂", "块", 5, 150), ("挂面（1kg）", "袋", 8, 100),
             ("鸡蛋（30枚）", "盒", 30, 50), ("酱油", "瓶", 8, 80), ("保温杯", "个", 40, 30), ("雨伞", "把", 30, 30),
             ("电饭煲", "台", 200, 0))
ONE_OFF = {"电饭煲": 4}

UNIVERSITIES = (
    ("吉林大学", ("法学院 法学", "计算机科学与技术学院 软件工程", "临床医学院 临床医学", "文学院 汉语言文学",
              "经济学院 经济学")),
    ("长春理工大学", ("光电工程学院 光电信息科学与工程", "电子信息工程学院 通信工程", "机电工程学院 机械设计制造及其自动化")),
    ("东北师范大学", ("教育学部 学前教育", "文学院 汉语言文学", "政法学院 社会工作", "音乐学院 音乐学")),
    ("长春工业大学", ("化学工程学院 化学工程与工艺", "管理学院 工商管理")),
    ("吉林建筑大学", ("建筑与规划学院 城乡规划", "土木工程学院 土木工程")),
    ("长春中医药大学", ("针灸推拿学院 针灸推拿学", "护理学院 护理学")),
)
SKILLS = ("", "", "", "会理发", "懂电工", "会修家电", "医护背景", "会开车", "懂法律", "会书法", "会唱歌跳舞", "摄影")


def _hours(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(rng.randint(int(low * 2), int(high * 2))) / 2  # whole and half hours


def _points(per_hour: int, per_service: int, hours: Decimal) -> int:
    return int((per_hour * hours).quantize(Decimal(1), rounding=ROUND_HALF_UP)) + per_service


@dataclass(eq=False)
class _Vol:
    id: int
    kind: str
    name: str
    registered: date
    left: date | None = None
    person: _Person | None = None
    activity: float = 1.0
    redeems: bool = True
    earned: list[tuple[date, int, int]] = field(default_factory=list)  # (confirmed on, service id, points)


class _VolunteersMixin(_Base):
    def _volunteers(self, index: int, households: list[_HouseholdPlan]) -> None:
        rng = random.Random(f"chang-shan-demo/{self.seed}/{index}/volunteers")
        prefix = "" if index == 0 else f"{index + 1}区"
        window = shift_years(self.today, -1) + timedelta(days=1)
        if index == 0:
            self._volunteer_office()
        team_ids = self._volunteer_teams(prefix)
        vols, rows = self._volunteer_people(rng, households, index)
        memberships = self._volunteer_memberships(rng, vols, team_ids)
        elders = [(p, plan) for plan in households for p in plan.people
                  if p.status == "在册" and p.age >= 70 and "独居" in p.groups] or \
                 [(p, plan) for plan in households for p in plan.people if p.status == "在册"]
        services = self._volunteer_services(rng, vols, memberships, team_ids, elders, window)
        redemptions, lines = self._volunteer_redemptions(rng, vols, window)
        entries = self._volunteer_ledger(vols, redemptions)
        balances = {e["volunteer_id"]: e["balance_after"] for e in entries}
        for row in rows:
            row["points_balance"] = balances.get(row["id"], 0)
        self._insert(Volunteer.__table__, rows)
        self._insert(VolunteerTeamMember.__table__, memberships)
        self._insert(VolunteerService.__table__, services)
        self._insert(VolunteerRedemption.__table__, redemptions)
        self._insert(VolunteerRedemptionLine.__table__, lines)
        self._insert(VolunteerPointEntry.__table__, entries)
        self._restock_items()
        self.counts["volunteer_teams"] += len(team_ids)
        self.counts["volunteers"] += sum(1 for r in rows if r["left_on"] is None)
        self.counts["volunteer_services"] += len(services)
        hours = sum((s["hours"] for s in services if s["status"] == "已确认" and s["served_on"] >= window), Decimal(0))
        self.counts["volunteer_hours"] += int(hours)
        self.counts["redemptions"] += len(redemptions)

    # --- the office's rules and goods (once) ---------------------------------------------------------

    def _volunteer_office(self) -> None:
        opened = shift_years(self.today, -2)
        changed = self.today - timedelta(days=182)
        rules = []
        for kind, per_hour, per_service in (OLD_RULE, *RULES):
            old = (kind, per_hour, per_service) == OLD_RULE
            start = opened if old or kind != OLD_RULE[0] else changed
            rules.append({"id": self._ids("volunteer_point_rule"), "kind": kind, "points_per_hour": per_hour,
                          "points_per_service": per_service, "start_on": start,
                          "end_on": changed - timedelta(days=1) if old else None,
                          "note": "社区红马甲积分管理办法" if not old else "旧标准"})
        self._insert(VolunteerPointRule.__table__, rules)
        self.volunteer_rules = {}
        for r in rules:
            self.volunteer_rules.setdefault(r["kind"], []).append(r)
        items = []
        for name, unit, price, par in CATALOGUE:
            items.append({"id": self._ids("volunteer_reward_item"), "name": name, "unit": unit, "points": price,
                          "stock": 0, "active": True, "note": "", "version": 1})
        self._insert(VolunteerRewardItem.__table__, items)
        self.volunteer_items = [(row, par) for row, (_n, _u, _p, par) in zip(items, CATALOGUE)]
        self.volunteer_serials: dict[int, int] = {}

    def _rule_on(self, kind: str, on: date) -> dict[str, Any] | None:
        for rule in self.volunteer_rules.get(kind, []):
            if rule["start_on"] <= on and (rule["end_on"] is None or on <= rule["end_on"]):
                return rule
        return None

    def _restock_items(self) -> None:
        """This community's goods left on the shelf are added to the office's stock."""
        table = VolunteerRewardItem.__table__
        for row, _par in self.volunteer_items:
            left = row.pop("left", 0)
            if left:
                self.connection.execute(update(table).where(table.c.id == row["id"]).values(stock=table.c.stock + left))

    # --- teams and people ------------------------------------------------------------------------------

    def _volunteer_teams(self, prefix: str) -> dict[str, int]:
        rows = []
        for n, (name, service, _kinds) in enumerate(TEAMS):
            rows.append({"id": self._ids("volunteer_team"), "name": prefix + name, "service": service,
                         "sort_key": (n + 1) * 10, "founded_on": shift_years(self.today, -6 + n % 3) - timedelta(days=(n * 37) % 300),
                         "dissolved_on": None, "note": "", "version": 1})
        self._insert(VolunteerTeam.__table__, rows)
        return {name: row["id"] for (name, _s, _k), row in zip(TEAMS, rows)}

    def _volunteer_people(self, rng: random.Random, households: list[_HouseholdPlan],
                          index: int) -> tuple[list[_Vol], list[dict[str, Any]]]:
        adults = [p for plan in households for p in plan.people
                  if p.status == "在册" and 18 <= p.age <= 75 and p.id]
        weights = [3.0 if 50 <= p.age <= 70 else 1.0 for p in adults]
        chosen: dict[int, _Person] = {}
        while len(chosen) < min(RESIDENTS, len(adults)):
            person = rng.choices(adults, weights)[0]
            chosen.setdefault(person.id, person)
        first = self._ids("volunteer", RESIDENTS + STUDENTS + UNIT_STAFF)
        vols, rows = [], []

        def add(kind: str, name: str, registered: date, **values: Any) -> _Vol:
            vid = first + len(rows)
            base = {"id": vid, "number": f"CSV-{vid:05d}", "kind": kind, "resident_id": None, "name": name,
                    "sex_code": "", "id_number": "", "phone": "", "organisation": "", "school": "", "major": "",
                    "student_number": "", "enrolment_year": None, "skills": rng.choice(SKILLS),
                    "registered_on": registered, "left_on": None, "points_balance": 0, "note": "",
                    "created_at": self.now, "version": 1}
            base.update(values)
            rows.append(base)
            vol = _Vol(vid, kind, name, registered, base["left_on"], activity=rng.lognormvariate(0, 0.6),
                       redeems=rng.random() < 0.7)
            vols.append(vol)
            return vol

        for person in chosen.values():
            earliest = max(person.moved_in_on or self.today, shift_years(person.birth or self.today, 18),
                           shift_years(self.today, -6))
            registered = _random_day(rng, earliest, self.today - timedelta(days=20))
            vol = add("居民", "", registered, resident_id=person.id)
            vol.person, vol.name = person, person.name
        for _ in range(STUDENTS):
            add("大学生", **self._student(rng))
        for _ in range(UNIT_STAFF):
            sex = rng.choice("12")
            birth = _random_day(rng, shift_years(self.today, -58), shift_years(self.today, -23))
            org = rng.choice(UNITS)
            add("驻区单位", _weighted(rng, N.HAN_SURNAMES) + rng.choice(N.GIVEN[("mid", sex)]),
                _random_day(rng, shift_years(self.today, -4), self.today - timedelta(days=30)), sex_code=sex,
                id_number=self._id_number(rng, _weighted(rng, CHANGCHUN_REGIONS), birth, sex), phone=_mobile(rng),
                organisation=org + ("" if index == 0 else f"（{index + 1}区）"))
        return vols, rows

    def _student(self, rng: random.Random) -> dict[str, Any]:
        sex = rng.choice("12")
        latest = self.today.year if self.today.month >= 9 else self.today.year - 1
        year = rng.choice((latest - 4, latest - 3, latest - 2, latest - 2, latest - 1, latest - 1, latest, latest))
        school, majors = rng.choice(UNIVERSITIES)
        birth = _random_day(rng, date(year - 19, 9, 1), date(year - 18, 8, 31))
        region = _weighted(rng, OUTSIDE_REGIONS if rng.random() < 0.6 else CHANGCHUN_REGIONS)
        registered = min(_random_day(rng, date(year, 10, 1), date(year + 1, 5, 31)), self.today - timedelta(days=10))
        graduated = date(year + 4, 6, 30)
        left = graduated if graduated < self.today else None
        return {"name": _weighted(rng, N.HAN_SURNAMES) + rng.choice(N.GIVEN[("young", sex)]),
                "registered": registered, "sex_code": sex, "id_number": self._id_number(rng, region, birth, sex),
                "phone": _mobile(rng), "school": school, "major": rng.choice(majors),
                "student_number": f"{year}{rng.randint(0, 999999):06d}", "enrolment_year": year, "left_on": left,
                "note": "已毕业" if left else ""}

    def _volunteer_memberships(self, rng: random.Random, vols: list[_Vol],
                               team_ids: dict[str, int]) -> list[dict[str, Any]]:
        residents = [v for v in vols if v.kind == "居民"]
        staff = [v for v in vols if v.kind == "驻区单位"]
        students = [v for v in vols if v.kind == "大学生"]
        teams: dict[str, list[_Vol]] = {name: [] for name in team_ids}
        teams[PATROL] = rng.sample(residents, min(PATROL_RESIDENTS, len(residents))) + \
            rng.sample(staff, min(PATROL_UNIT_STAFF, len(staff)))
        teams[STUDENT_TEAM] = list(students)
        others = [name for name in team_ids if name not in (PATROL, STUDENT_TEAM)]
        patrol = {v.id for v in teams[PATROL]}
        for vol in residents + staff:
            count = 1 if vol.id in patrol and rng.random() < 0.6 else rng.choice((1, 1, 2))
            for name in rng.sample(others, count):
                if vol.kind == "驻区单位" and name in ("关爱老人服务队", "助餐服务队"):
                    continue
                teams[name].append(vol)
        for vol in students:
            if rng.random() < 0.3:
                teams[rng.choice(("关爱老人服务队", "文化宣传服务队", "助餐服务队"))].append(vol)
        rows = []
        leading: set[int] = set()  # nobody leads two teams
        for name, members in teams.items():
            leaders = sorted((v for v in members if v.left is None and v.id not in leading),
                             key=lambda v: ((v.kind == "大学生") != (name == STUDENT_TEAM), v.kind == "驻区单位"))[:3]
            leading.update(v.id for v in leaders)
            for vol in {v.id: v for v in members}.values():
                role = "队员"
                if vol in leaders:
                    role = "队长" if vol is leaders[0] else "副队长"
                joined = vol.registered if rng.random() < 0.8 else _random_day(rng, vol.registered, self.today - timedelta(days=5))
                rows.append({"id": self._ids("volunteer_team_member"), "team_id": team_ids[name], "volunteer_id": vol.id,
                             "role": role, "joined_on": joined, "left_on": vol.left})
        return rows

    # --- a year of service ---------------------------------------------------------------------------------

    def _volunteer_services(self, rng: random.Random, vols: list[_Vol], memberships: list[dict[str, Any]],
                            team_ids: dict[str, int], elders: list[tuple[_Person, _HouseholdPlan]],
                            window: date) -> list[dict[str, Any]]:
        by_id = {v.id: v for v in vols}
        team_names = {tid: name for name, tid in team_ids.items()}
        kinds = {name: kinds for name, _s, kinds in TEAMS}
        cumulative = {name: list(accumulate(o[1] for o in options)) for name, options in kinds.items()}
        leader_of = {m["team_id"]: by_id[m["volunteer_id"]].name for m in memberships if m["role"] == "队长"}
        planned = []
        for m in memberships:
            vol, team = by_id[m["volunteer_id"]], team_names[m["team_id"]]
            first = max(window, m["joined_on"])
            last = min(self.today, m["left_on"] or self.today)
            if last <= first:
                continue
            share = (last - first).days / 365
            count = int(PER_YEAR.get(team, PER_YEAR_DEFAULT) * vol.activity * share + rng.random())
            options = kinds[team]
            weights = cumulative[team]
            for _ in range(count):
                day = _random_day(rng, first, last)
                if team == SNOW and day.month not in (11, 12, 1, 2, 3):
                    day = _random_day(rng, first, last)
                    if day.month not in (11, 12, 1, 2, 3):
                        continue
                kind, _w, low, high, contents = options[0] if len(options) == 1 else \
                    rng.choices(options, cum_weights=weights)[0]
                planned.append((day, vol, m["team_id"], kind, _hours(rng, low, high), rng.choice(contents)))
        planned.sort(key=lambda p: (p[0], p[1].id))
        first_id = self._ids("volunteer_service", len(planned))
        rows = []
        for n, (day, vol, team_id, kind, hours, content) in enumerate(planned):
            elder, plan = rng.choice(elders)
            building = f"{plan.dwelling.building_number}号楼" if plan.dwelling.building_number else "平房区"
            text = content.format(elder=elder.name, building=building)
            place = building if "{elder}" in content or "{building}" in content else "长山花园社区"
            status, confirmed_on, reason = "已确认", min(self.today, day + timedelta(days=rng.randint(0, 7))), ""
            age = (self.today - day).days  # the office confirms twice a week: recent records still wait
            if age < PENDING_DAYS and rng.random() < (0.6 if age <= 1 else 0.25 if age <= 3 else 0.05):
                status, confirmed_on = "待确认", None
            elif rng.random() < 0.01:
                status, confirmed_on, reason = "已退回", None, rng.choice(RETURN_REASONS)
            sid = first_id + n
            rows.append({"id": sid, "volunteer_id": vol.id, "team_id": team_id, "service_request_id": None,
                         "served_on": day, "place": place, "kind": kind, "content": text, "hours": hours,
                         "entered_by": STAFF, "reported_by": leader_of.get(team_id, "") if rng.random() < 0.6 else "",
                         "status": status, "confirmed_by": STAFF if confirmed_on else "", "confirmed_on": confirmed_on,
                         "return_reason": reason, "created_at": self.now, "version": 1})
            if status == "已确认":
                rule = self._rule_on(kind, day)
                assert rule is not None, kind
                vol.earned.append((confirmed_on, sid, _points(rule["points_per_hour"], rule["points_per_service"], hours)))
        return rows

    # --- the counter ---------------------------------------------------------------------------------------------

    def _volunteer_redemptions(self, rng: random.Random, vols: list[_Vol],
                               window: date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Counter days on the 5th and the 20th: a volunteer who redeems and has points takes goods
        they can afford that are on the shelf; the shelf is filled again each month."""
        days = sorted(d for m in range(13) for d in (_month_day(window, m, 5), _month_day(window, m, 20))
                      if window <= d < self.today)
        shelf = {row["id"]: par for row, par in self.volunteer_items}
        for row, _par in self.volunteer_items:
            if row["name"] in ONE_OFF:
                shelf[row["id"]] = ONE_OFF[row["name"]]
        spent = {v.id: 0 for v in vols}
        pointer = {v.id: 0 for v in vols}
        earned = {v.id: 0 for v in vols}
        for v in vols:
            v.earned.sort()
        redemptions, lines = [], []
        last_month = None
        for day in days:
            if last_month is not None and day.month != last_month:
                for row, par in self.volunteer_items:
                    shelf[row["id"]] = max(shelf[row["id"]], par)
            last_month = day.month
            order = [v for v in vols if v.redeems]
            rng.shuffle(order)
            for vol in order:
                while pointer[vol.id] < len(vol.earned) and vol.earned[pointer[vol.id]][0] <= day:
                    earned[vol.id] += vol.earned[pointer[vol.id]][2]
                    pointer[vol.id] += 1
                balance = earned[vol.id] - spent[vol.id]
                if balance < 40 or rng.random() > 0.3:
                    continue
                basket: dict[int, int] = {}
                budget = rng.randint(balance // 2, balance)
                for _ in range(rng.randint(1, 3)):
                    affordable = [row for row, _p in self.volunteer_items
                                  if row["points"] <= budget and shelf[row["id"]] > basket.get(row["id"], 0)]
                    if not affordable:
                        break
                    row = rng.choice(affordable)
                    quantity = min(rng.choice((1, 1, 1, 2)), budget // row["points"], shelf[row["id"]] - basket.get(row["id"], 0))
                    basket[row["id"]] = basket.get(row["id"], 0) + quantity
                    budget -= quantity * row["points"]
                if not basket:
                    continue
                prices = {row["id"]: row["points"] for row, _p in self.volunteer_items}
                total = sum(prices[i] * q for i, q in basket.items())
                spent[vol.id] += total
                serial = self.volunteer_serials.get(day.year, 0) + 1
                self.volunteer_serials[day.year] = serial
                rid = self._ids("volunteer_redemption")
                redemptions.append({"id": rid, "number": f"DH{day.year}-{serial:04d}", "volunteer_id": vol.id,
                                    "on_date": day, "total_points": total, "recorded_by": STAFF, "note": "",
                                    "created_at": self.now})
                for item_id, quantity in sorted(basket.items()):
                    shelf[item_id] -= quantity
                    lines.append({"id": self._ids("volunteer_redemption_line"), "redemption_id": rid, "item_id": item_id,
                                  "quantity": quantity, "points_each": prices[item_id]})
        for row, _par in self.volunteer_items:
            row["left"] = shelf[row["id"]]
        return redemptions, lines

    def _volunteer_ledger(self, vols: list[_Vol], redemptions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One entry per confirmed service and per redemption, in date order (earnings of a day
        before its redemptions), each with the balance after it."""
        events: list[tuple[date, int, int, int, int | None, int | None, str]] = []
        for vol in vols:
            for on, sid, pts in vol.earned:
                events.append((on, 0, vol.id, pts, sid, None, ""))
        for r in redemptions:
            events.append((r["on_date"], 1, r["volunteer_id"], -r["total_points"], None, r["id"], r["number"]))
        events.sort(key=lambda e: (e[0], e[1], e[2], e[4] or e[5] or 0))
        balance: dict[int, int] = {}
        first = self._ids("volunteer_point_entry", len(events))
        rows = []
        for n, (on, order, vid, pts, sid, rid, number) in enumerate(events):
            balance[vid] = balance.get(vid, 0) + pts
            assert balance[vid] >= 0
            rows.append({"id": first + n, "volunteer_id": vid, "on_date": on, "kind": "兑换" if order else "服务积分",
                         "points": pts, "balance_after": balance[vid], "service_id": sid, "redemption_id": rid,
                         "note": f"{number} 积分兑换" if order else "服务确认", "recorded_by": STAFF,
                         "created_at": self.now})
        return rows


UNITS = ("国网长春供电公司宽城营业厅", "长春燃气团山营业厅", "中国邮政长山花园营业所", "长春农商银行团山支行",
         "吉林长山建设工程有限公司")


def _month_day(start: date, months: int, day: int) -> date:
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, day)
