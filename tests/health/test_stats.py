"""health.stats: exact counts on a hand-made community, the grid scope of a 网格员, and the health
permission.

The health office (tests/health/office.py) plus, as of ON = 2025-06-30:

- grid 1: 张立春 75 (高血压; 随访 89 days ago, 年度体检 in March), 李桂兰 72 (self-care 10 in
  January: 中度依赖, a care target; 关怀 exactly 30 days ago), 张伟 47 (高血压 and 冠心病, an
  operation; a 年度体检 60 days ago stands for a follow-up), 王淑芬 84 (独居; self-care 6: 轻度依赖, and 0 after ON, ignored;
  关怀 29 days ago; 年度体检 last December);
- grid 2: 刘明 39 (糖尿病; 随访 exactly 90 days ago, 关怀 10 days ago), 赵秀珍 (高血压, 不能自理,
  visited: died — not counted anywhere).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.database import Database
from chang_shan.db.models import HealthSelfCare, HealthVisit
from chang_shan.errors import PermissionDenied
from chang_shan.health import profiles
from chang_shan.health.codes import CHRONIC_CODES
from chang_shan.health.shapes import ConditionInput, ProfileInput
from chang_shan.health.stats import GridChronicRow, HealthStatistics, health_statistics
from chang_shan.population import residents
from chang_shan.settings import set_setting
from tests.health.office import HealthOffice
from tests.population.community import KUANCHENG, id_number, person

ON = date(2025, 6, 30)
ZHAO_ID = id_number(KUANCHENG, date(1944, 2, 2), 66)  # 赵秀珍, female


def _days_ago(days: int) -> date:
    return ON - timedelta(days=days)


def _visit(resident_id: int, on: date, purpose: str) -> HealthVisit:
    return HealthVisit(resident_id=resident_id, visited_on=on, purpose=purpose, kind="上门", visitor="测试")


def _self_care(resident_id: int, on: date, grooming: int, toileting: int, activity: int) -> HealthSelfCare:
    return HealthSelfCare(resident_id=resident_id, assessed_on=on, grooming=grooming, toileting=toileting,
                          activity=activity, total=grooming + toileting + activity)


@pytest.fixture
def town(health_db: Database, health_office: HealthOffice) -> Database:
    t, liu = health_office.town, health_office.liu
    health_db.actor = SYSTEM
    with health_db.transaction("统计测试数据") as s:
        son = ProfileInput(conditions=[ConditionInput("疾病", "2", on_date=date(2020, 1, 1)),
                                       ConditionInput("疾病", "4", on_date=date(2022, 5, 1)),
                                       ConditionInput("手术", name="阑尾切除术", on_date=date(2000, 7, 1))])
        profiles.save_profile(s, t.son, son, expected_version=None, today=ON)
        zhao = residents.register_resident(s, person(t.house, "赵秀珍", ZHAO_ID, "99"), on_date=date(2020, 5, 1))
        profiles.save_profile(s, zhao, ProfileInput(conditions=[ConditionInput("疾病", "2", on_date=date(2010, 1, 1))]),
                              expected_version=None, today=ON)
        s.add_all([
            _self_care(t.li, date(2025, 1, 10), 3, 1, 6),  # 10: 中度依赖
            _self_care(t.wang, date(2025, 7, 15), 0, 0, 0),  # after ON
            _self_care(zhao, date(2025, 1, 5), 7, 10, 5),  # 22: 不能自理
            _visit(t.zhang, _days_ago(89), "随访"), _visit(t.zhang, date(2025, 3, 1), "年度体检"),
            _visit(t.li, _days_ago(30), "关怀"), _visit(t.li, date(2025, 8, 1), "年度体检"),
            _visit(t.wang, _days_ago(29), "关怀"), _visit(t.wang, date(2024, 12, 31), "年度体检"),
            _visit(liu, _days_ago(90), "随访"), _visit(liu, _days_ago(10), "关怀"),
            _visit(t.son, _days_ago(60), "年度体检"),
            _visit(zhao, _days_ago(5), "随访"), _visit(zhao, date(2025, 2, 1), "年度体检"),
        ])
        s.flush()
        residents.record_death(s, zhao, on_date=date(2025, 6, 1))
    return health_db


def _counts(**codes: int) -> dict[str, int]:
    return {code: codes.get(f"c{code}", 0) for code in CHRONIC_CODES}


GRID1 = dict(grid_name="第一网格", residents=4, aged_60_plus=3, with_profile=2, counts=_counts(c2=2, c4=1),
             any_chronic=2)
GRID2 = dict(grid_name="第二网格", residents=1, aged_60_plus=0, with_profile=1, counts=_counts(c3=1), any_chronic=1)


def _statistics(db: Database, actor, on: date = ON) -> HealthStatistics:  # noqa: ANN001
    db.actor = actor
    with db.reader() as s:
        return health_statistics(s, on)


def test_exact_counts(town: Database, health_office: HealthOffice) -> None:
    t = health_office.town
    stats = _statistics(town, health_office.actors["admin_h"])
    assert stats.chronic_by_grid == [GridChronicRow(grid_id=t.grid1, **GRID1), GridChronicRow(grid_id=t.grid2, **GRID2)]
    assert stats.dependency == {"可自理": 0, "轻度依赖": 1, "中度依赖": 1, "不能自理": 0, "未评估": 1}
    assert (stats.care_targets, stats.care_targets_visited) == (2, 1)
    assert (stats.follow_up_patients, stats.follow_up_on_time) == (3, 2)  # 张立春, 张伟; not 刘明
    assert (stats.aged_65_plus, stats.yearly_checks_done) == (3, 1)


def test_as_of_another_day(town: Database, health_office: HealthOffice) -> None:
    later = date(2025, 7, 16)  # 王淑芬's new assessment counts; the visits have aged
    stats = _statistics(town, health_office.actors["admin_h"], later)
    assert stats.dependency == {"可自理": 1, "轻度依赖": 0, "中度依赖": 1, "不能自理": 0, "未评估": 1}
    assert (stats.care_targets, stats.care_targets_visited) == (2, 0)  # 王淑芬 alone: still a target
    assert (stats.follow_up_patients, stats.follow_up_on_time) == (3, 1)  # 张伟's check, 76 days before
    earlier = _statistics(town, health_office.actors["admin_h"], date(2025, 2, 28))
    assert earlier.yearly_checks_done == 0 and earlier.care_targets_visited == 0
    assert earlier.dependency["中度依赖"] == 1 and earlier.dependency["轻度依赖"] == 1
    next_year = _statistics(town, health_office.actors["admin_h"], date(2026, 1, 1))
    assert next_year.yearly_checks_done == 0, "last year's checks do not count"


@pytest.mark.parametrize(("days", "visited"), [(29, 0), (30, 1), (31, 2)])
def test_the_not_visited_days_come_from_the_settings(
    town: Database, health_office: HealthOffice, days: int, visited: int
) -> None:
    town.actor = SYSTEM
    with town.transaction("修改设置") as s:
        set_setting(s, "today.not_visited_days", days)
    assert _statistics(town, health_office.actors["worker_h"]).care_targets_visited == visited


def test_a_grid_worker_counts_their_grid_only(town: Database, health_office: HealthOffice) -> None:
    t = health_office.town
    own = _statistics(town, health_office.actors["grid_own_h"])
    assert own.chronic_by_grid == [GridChronicRow(grid_id=t.grid1, **GRID1)]
    assert own.dependency == {"可自理": 0, "轻度依赖": 1, "中度依赖": 1, "不能自理": 0, "未评估": 1}
    assert (own.care_targets, own.care_targets_visited, own.follow_up_patients, own.follow_up_on_time) == (2, 1, 2, 2)
    assert (own.aged_65_plus, own.yearly_checks_done) == (3, 1)
    other = _statistics(town, health_office.actors["grid_other_h"])
    assert other.chronic_by_grid == [GridChronicRow(grid_id=t.grid2, **GRID2)]
    assert other.dependency == dict.fromkeys(("可自理", "轻度依赖", "中度依赖", "不能自理", "未评估"), 0)
    assert (other.care_targets, other.follow_up_patients, other.follow_up_on_time, other.aged_65_plus) == (0, 1, 0, 0)


@pytest.mark.parametrize("role", ["admin", "worker", "nobody"])
def test_refused_without_the_health_permission(town: Database, health_office: HealthOffice, role: str) -> None:
    with pytest.raises(PermissionDenied) as refused:
        _statistics(town, health_office.actors[role])
    assert refused.value.message


def test_a_reader_with_the_health_permission_sees_everything(town: Database, health_office: HealthOffice) -> None:
    stats = _statistics(town, health_office.actors["reader_h"])
    assert [row.residents for row in stats.chronic_by_grid] == [4, 1]
    assert stats.follow_up_patients == 3


def test_an_empty_community(db: Database) -> None:
    with db.reader() as s:
        stats = health_statistics(s, ON)
    assert stats == HealthStatistics([], dict.fromkeys(("可自理", "轻度依赖", "中度依赖", "不能自理", "未评估"), 0),
                                     0, 0, 0, 0, 0, 0)
