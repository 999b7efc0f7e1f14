"""Who may read and write the volunteer ledger, its audit labels, 撤销 of a confirmation and of a
redemption (the change journal puts balance, stock and ledger back together), and the today list."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import func, select

from chang_shan.audit import trail
from chang_shan.db.base import Base
from chang_shan.db.models.volunteers import VolunteerPointEntry, VolunteerRewardItem, VolunteerService
from chang_shan.errors import PermissionDenied, ValidationError
from chang_shan.population import undo
from chang_shan.service_requests import requests
from chang_shan.service_requests.shapes import Assignee, RequestInput
from chang_shan.today.registry import build_today
from chang_shan.volunteers import points, queries, registry, service_records
from tests.volunteers.office import RARE, TODAY, balance_facts, confirm, give, record, service

TABLES = {"volunteer_team": "志愿服务队", "volunteer": "志愿者", "volunteer_team_member": "志愿服务队队员",
          "volunteer_service": "志愿服务记录", "volunteer_point_rule": "志愿服务积分规则",
          "volunteer_point_entry": "志愿者积分明细", "volunteer_reward_item": "积分兑换物品",
          "volunteer_redemption": "积分兑换单", "volunteer_redemption_line": "积分兑换明细"}


@pytest.mark.parametrize("table", list(TABLES))
def test_every_column_has_a_chinese_label(table: str) -> None:
    assert trail.TABLE_LABELS[table] == TABLES[table]
    fields = trail.FIELD_LABELS[table]
    assert set(fields) == set(Base.metadata.tables[table].c.keys())
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in fields.values()), fields


def test_the_labels_exist_as_soon_as_the_trail_is_imported() -> None:
    script = ("from chang_shan.audit import trail\n"
              "print(trail.TABLE_LABELS['volunteer_service'], trail.FIELD_LABELS['volunteer']['points_balance'])\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True, encoding="utf-8",
                         env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert out.stdout.split() == ["志愿服务记录", "积分余额"]


def test_permissions(vdb, world) -> None:  # noqa: ANN001
    actors = world.office.actors
    sid = record(vdb, service(world.zhang_wei, world.care, date(2025, 3, 10)))
    vdb.actor = actors["reader"]
    with vdb.reader() as s:
        assert len(queries.volunteers(s)) == 3 and queries.services(s)[0].id == sid
    with vdb.transaction("确认") as s, pytest.raises(PermissionDenied, match="没有“修改台账”的权限"):
        service_records.confirm(s, sid, 1, today=TODAY)
    with vdb.transaction("兑换") as s, pytest.raises(PermissionDenied):
        points.redeem(s, world.zhang_wei, [(world.towel, 1)], today=TODAY)
    vdb.actor = actors["nobody"]
    with vdb.reader() as s, pytest.raises(PermissionDenied, match="请先登录"):
        queries.volunteers(s)
    # a 网格员 of grid 2: 刘明 (grid 2) and the student from outside, never 张伟 (grid 1)
    vdb.actor = actors["grid_other"]
    with vdb.reader() as s:
        assert [r.name for r in queries.volunteers(s)] == ["刘明", RARE]
        assert queries.services(s) == []
        assert [n for n, _t in queries.volunteer_choices(s)] == ["CSV-00002", "CSV-00003"]
        with pytest.raises(PermissionDenied, match="不在您负责的网格内"):
            queries.ledger(s, world.zhang_wei)
    with vdb.transaction("确认") as s, pytest.raises(PermissionDenied, match="不在您负责的网格内"):
        service_records.confirm(s, sid, 1, today=TODAY)
    with vdb.transaction("建队") as s, pytest.raises(PermissionDenied, match="网格员不能建立志愿服务队"):
        registry.create_team(s, "新队")
    record(vdb, service(world.student, world.care, date(2025, 3, 10)))  # the student is nobody's resident
    vdb.actor = actors["grid_own"]
    assert confirm(vdb, sid) == 20
    with vdb.reader() as s:
        assert [r.name for r in queries.volunteers(s)] == ["张伟", RARE]


def test_undo_a_confirmation(vdb, world) -> None:  # noqa: ANN001
    sid = record(vdb, service(world.zhang_wei, world.care, date(2025, 3, 10), hours="1.5"))
    assert confirm(vdb, sid) == 15
    with vdb.transaction("撤销") as s:
        assert undo.undo_last(s) == "确认志愿服务"
    with vdb.reader() as s:
        record_ = s.get(VolunteerService, sid)
        assert (record_.status, record_.confirmed_on, record_.confirmed_by) == ("待确认", None, "")
        assert s.scalar(select(func.count()).select_from(VolunteerPointEntry)) == 0
    assert balance_facts(vdb, world.zhang_wei) == (0, 0, None)
    assert confirm(vdb, sid) == 15  # confirmed again: one entry again
    assert balance_facts(vdb, world.zhang_wei) == (15, 15, 15)


def test_undo_a_redemption(vdb, world) -> None:  # noqa: ANN001
    give(vdb, world.student, 70)
    with vdb.transaction("积分兑换 DH") as s:
        points.redeem(s, world.student, [(world.rice, 1), (world.towel, 2)], today=TODAY)
    with vdb.transaction("撤销") as s:
        assert undo.undo_last(s) == "积分兑换 DH"
    assert balance_facts(vdb, world.student) == (70, 70, 70)
    with vdb.reader() as s:
        assert [s.get(VolunteerRewardItem, i).stock for i in (world.rice, world.towel)] == [2, 100]
        assert queries.redemptions(s) == []


def test_the_today_list(vdb, world) -> None:  # noqa: ANN001
    old = record(vdb, service(world.liu, world.patrol, date(2025, 3, 2), kind="巡逻", hours="2"))
    new = record(vdb, service(world.student, world.care, date(2025, 3, 19), hours="1.5", content="陪王淑芬聊天"))
    done = record(vdb, service(world.zhang_wei, world.care, date(2025, 3, 1)))
    confirm(vdb, done)
    with vdb.reader() as s:
        section = build_today(s, TODAY).section("volunteer_pending")
        assert section.title == "志愿服务记录待确认"
        assert [i.target for i in section.items] == [("volunteer_service", old), ("volunteer_service", new)]
        first, second = section.items
        assert (first.name, first.days_overdue, first.resident_id) == ("刘明", 18, world.office.liu)
        assert first.text == "2025-03-02 巡逻 2.0 小时：看望独居老人王淑芬，陪伴聊天（CSV-00002，义务巡逻队）待确认"
        assert (second.name, second.resident_id, second.days_overdue) == (RARE, None, 1)
        assert "CSV-00003" in second.text and "1.5 小时" in second.text
        assert [i.target for i in build_today(s, date(2025, 3, 10)).section("volunteer_pending").items] == [
            ("volunteer_service", old)]


def test_a_request_goes_to_a_team_of_the_ledger(vdb, world) -> None:  # noqa: ANN001
    town = world.office.town
    with vdb.transaction("受理") as s:
        cat = requests.categories(s)[0].id
        with pytest.raises(ValidationError) as refused:
            requests.create_request(s, RequestInput(resident_id=town.wang, category_id=cat, content="打扫卫生"),
                                    assignee=Assignee("team", team="不存在服务队"))
        assert "志愿服务队台账中没有“不存在服务队”" in refused.value.errors["assignee"]
        detail = requests.create_request(s, RequestInput(resident_id=town.wang, category_id=cat, content="打扫卫生"),
                                         assignee=Assignee("team", team="关爱老人服务队"))
        assert detail.row.assignee_label == "关爱老人服务队"
        assert queries.team_names(s) == ["关爱老人服务队", "义务巡逻队"]
