"""The 三长 (网格长, 楼栋长, 单元长) and the organisations in the community."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from chang_shan.db.models import Organisation, RoleAssignment
from chang_shan.demo import names as N
from chang_shan.demo.households import _Person
from chang_shan.demo.layout import BUILDINGS_WITH_LOUDONGZHANG
from chang_shan.demo.sampling import _random_day, _weighted
from chang_shan.maintenance.stats import shift_years

if TYPE_CHECKING:
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object

ORGANISATIONS: tuple[tuple[str, str, bool, str], ...] = (
    # (name, kind, member of the 大党委, contact's role)
    ("团山街道长山花园社区卫生服务站", "医疗卫生", True, "站长"),
    ("长山花园幼儿园", "学校", False, "园长"),
    ("宽城区长山小学", "学校", True, "校长"),
    ("宽城区第二十中学", "学校", True, "书记"),
    ("团山派出所长山警务室", "机关单位", True, "社区民警"),
    ("宽城区消防救援大队团山站", "机关单位", True, "站长"),
    ("国网长春供电公司宽城营业厅", "驻区单位", True, "主任"),
    ("长春燃气团山营业厅", "驻区单位", True, "经理"),
    ("中国邮政长山花园营业所", "驻区单位", False, "所长"),
    ("长春农商银行团山支行", "驻区单位", True, "行长"),
    ("长山花园自管物业服务站", "物业", True, "站长"),
    ("长山花园乐龄食堂", "社会组织", False, "负责人"),
    ("长山花园红马甲志愿服务队", "社会组织", False, "队长"),
    ("长山老年大学（社区教学点）", "社会组织", False, "负责人"),
    ("吉林长山建设工程有限公司", "驻区单位", False, "经理"),
    ("长山花园农贸市场", "商户", False, "市场主任"),
    ("益康大药房长山店", "商户", False, "店长"),
    ("便民理发店", "商户", False, "店主"),
    ("长春市宽城区法律援助中心团山工作站", "机关单位", False, "主任"),
    ("长山花园居家养老服务中心", "社会组织", True, "主任"),
)



class _RolesMixin(_Base):
    def _roles(self, rng, index, households, grid_ids, building_ids, unit_ids) -> None:  # noqa: ANN001
        """三长 among active residents living in the scope; a few units also keep a former 单元长."""
        by_grid: dict[int, list[_Person]] = {}
        by_building: dict[int, list[_Person]] = {}
        by_unit: dict[tuple[int, int], list[_Person]] = {}
        for plan in households:
            d = plan.dwelling
            for person in plan.people:
                if person.status != "在册":
                    continue
                by_grid.setdefault(d.grid_index, []).append(person)
                if d.building_number is not None:
                    by_building.setdefault(d.building_number, []).append(person)
                    by_unit.setdefault((d.building_number, d.unit_index), []).append(person)
        chosen: set[int] = set()
        rows = []
        earliest = date(2016, 1, 1)

        def pick(pool: list[_Person], lo: int, hi: int) -> _Person:
            options = [p for p in pool if lo <= p.age <= hi and p.id not in chosen]
            if not options:
                options = [p for p in pool if p.age >= 18 and p.id not in chosen]
            person = rng.choice(options)
            chosen.add(person.id)
            return person

        def start_for(person: _Person) -> date:
            adult = shift_years(person.birth, 18)
            first = max(earliest, person.moved_in_on, adult)
            return _random_day(rng, first, max(first, self.today - timedelta(days=60)))

        def row(person: _Person, role: str, start: date, end: date | None = None, **scope: int) -> None:
            rows.append(
                {
                    "id": self._ids("role_assignment"), "resident_id": person.id, "role": role,
                    "grid_id": scope.get("grid_id"), "building_id": scope.get("building_id"),
                    "unit_id": scope.get("unit_id"), "start_on": start, "end_on": end,
                    "note": "" if end is None else "换届卸任",
                }
            )

        for g, gid in enumerate(grid_ids):
            person = pick(by_grid[g], 30, 62)
            row(person, "网格长", start_for(person), grid_id=gid)
        for number, bid in sorted(building_ids.items())[:BUILDINGS_WITH_LOUDONGZHANG]:
            person = pick(by_building[number], 45, 75)
            row(person, "楼栋长", start_for(person), building_id=bid)
        for (number, u), uid in sorted(unit_ids.items()):
            person = pick(by_unit[(number, u)], 40, 76)
            start = start_for(person)
            if u == 1 and number <= 3:
                former = pick(by_unit[(number, u)], 50, 85)
                first = max(date(2012, 1, 1), former.moved_in_on, shift_years(former.birth, 18))
                former_start = _random_day(rng, first, max(first, start - timedelta(days=400)))
                if former_start < start - timedelta(days=30):
                    row(former, "单元长", former_start, start - timedelta(days=1), unit_id=uid)
            row(person, "单元长", start, unit_id=uid)
        self._insert(RoleAssignment.__table__, rows)
        self.counts["role_assignments"] += sum(1 for r in rows if r["end_on"] is None)

    def _organisations(self, rng: random.Random, index: int, grid_ids: list[int]) -> None:
        suffix = "" if index == 0 else f"（{index + 1}区）"
        rows = []
        for name, kind, committee, contact_role in ORGANISATIONS:
            surname = _weighted(rng, N.HAN_SURNAMES)
            rows.append(
                {
                    "id": self._ids("organisation"), "name": name + suffix, "kind": kind,
                    "grid_id": rng.choice(grid_ids),
                    "address": f"长山路{rng.randint(1, 180)}号",
                    "contact_name": surname + rng.choice(N.GIVEN[("mid", rng.choice("12"))]),
                    "phone": f"0431-8{rng.randint(0, 9999999):07d}",
                    "in_party_committee": committee,
                    "note": f"联系人：{contact_role}",
                }
            )
        self._insert(Organisation.__table__, rows)
        self.counts["organisations"] += len(rows)

