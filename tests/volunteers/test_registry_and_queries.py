"""Registering volunteers and teams, and the lists: numbers, a resident once, students' 档案,
masks, rare characters, teams with leaders and hours, the year's top volunteers, the choices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chang_shan.errors import DomainError, ValidationError
from chang_shan.volunteers import queries, registry
from chang_shan.volunteers.shapes import VolunteerInput
from tests.volunteers.office import RARE, STUDENT_ID, TODAY, confirm, record, service


def test_numbers_and_a_resident_only_once(vdb, world) -> None:  # noqa: ANN001
    town = world.office.town
    with vdb.transaction("登记志愿者") as s:
        wang = registry.register_volunteer(s, VolunteerInput("居民", town.wang), today=TODAY)
        assert queries.volunteer_detail(s, wang, today=TODAY).row.number == "CSV-00004"
        with pytest.raises(ValidationError) as refused:
            registry.register_volunteer(s, VolunteerInput("居民", town.son), today=TODAY)
        assert refused.value.errors["resident_id"] == "张伟已登记为志愿者（编号 CSV-00001），不能重复登记。"
        with pytest.raises(ValidationError) as refused:
            registry.register_volunteer(s, VolunteerInput("居民"), today=TODAY)
        assert "从万家数据库中查找并选择居民" in refused.value.errors["resident_id"]


def test_an_outsider_needs_name_sex_and_a_student_the_school(vdb, world) -> None:  # noqa: ANN001
    with vdb.transaction("登记志愿者") as s:
        with pytest.raises(ValidationError) as refused:
            registry.register_volunteer(s, VolunteerInput("大学生", id_number="123", enrolment_year=1900), today=TODAY)
        assert set(refused.value.errors) == {"name", "sex_code", "id_number", "school", "enrolment_year"}
        with pytest.raises(ValidationError) as refused:
            registry.register_volunteer(s, VolunteerInput("其他", name="李四", sex_code="1", id_number=STUDENT_ID), today=TODAY)
        assert refused.value.errors["id_number"] == "这个身份证号已登记为志愿者（编号 CSV-00003）。"
        with pytest.raises(ValidationError) as refused:
            registry.register_volunteer(s, VolunteerInput("驻区单位", name="李四", sex_code="1"), today=TODAY)
        assert refused.value.errors == {"organisation": "请填写所在的驻区单位。"}
        with pytest.raises(ValidationError) as refused:
            registry.register_volunteer(s, VolunteerInput("其他", name="李四", sex_code="1",
                                                          registered_on=date(2025, 3, 21)), today=TODAY)
        assert refused.value.errors == {"registered_on": "登记日期不能晚于今天。"}


def test_the_student_keeps_the_rare_character_and_is_masked(vdb, world) -> None:  # noqa: ANN001
    with vdb.reader() as s:
        [row] = queries.volunteers(s, kind="大学生", today=TODAY)
        detail = queries.volunteer_detail(s, world.student, today=TODAY)
        choices = queries.volunteer_choices(s)
    assert (row.name, row.sex, row.age, row.organisation, row.phone) == (RARE, "男", 20, "吉林大学", "139****5678")
    assert detail.id_number == STUDENT_ID[:6] + "********" + STUDENT_ID[-4:]
    assert (detail.school, detail.major, detail.student_number, detail.enrolment_year) == (
        "吉林大学", "法学院 法学", "2022123456", 2022)
    assert ("CSV-00003", f"CSV-00003 {RARE}") in choices
    assert [m.team_name for m in detail.memberships] == ["关爱老人服务队"]


def test_update_keeps_masked_values_and_checks_the_version(vdb, world) -> None:  # noqa: ANN001
    with vdb.transaction("修改志愿者") as s:
        data = VolunteerInput("大学生", name=RARE, sex_code="1", id_number=STUDENT_ID[:6] + "********" + STUDENT_ID[-4:],
                              phone="139****5678", school="吉林大学", major="文学院 汉语言文学", enrolment_year=2022)
        registry.update_volunteer(s, world.student, 1, data, today=TODAY)
        with pytest.raises(DomainError, match="记录已被他人修改"):
            registry.update_volunteer(s, world.student, 1, data, today=TODAY)
    with vdb.reader() as s:
        volunteer = s.get(registry.Volunteer, world.student)
        assert (volunteer.id_number, volunteer.phone, volunteer.major) == (STUDENT_ID, "13912345678", "文学院 汉语言文学")


def test_teams_memberships_and_leaving(vdb, world) -> None:  # noqa: ANN001
    with vdb.transaction("服务队") as s:
        with pytest.raises(ValidationError, match="已有名为“义务巡逻队”的服务队"):
            registry.create_team(s, "义务巡逻队")
        with pytest.raises(DomainError, match="已是关爱老人服务队的成员"):
            registry.add_to_team(s, world.care, world.zhang_wei, "队员", date(2025, 1, 1), today=TODAY)
        registry.add_to_team(s, world.patrol, world.zhang_wei, "副队长", date(2025, 1, 1), today=TODAY)
    sid = record(vdb, service(world.zhang_wei, world.care, date(2025, 3, 3), hours="2"))
    confirm(vdb, sid)
    with vdb.reader() as s:
        care, patrol = queries.teams(s, today=TODAY)
        assert (care.name, care.leaders, care.member_count, care.hours_this_year) == (
            "关爱老人服务队", "张伟（队长）", 2, Decimal("2.0"))
        assert (patrol.leaders, patrol.member_count) == ("张伟（副队长）", 2)
        assert queries.team_choices(s) == [(world.care, "关爱老人服务队"), (world.patrol, "义务巡逻队")]
        assert queries.volunteers(s, text="张伟")[0].teams == "关爱老人服务队、义务巡逻队"
        assert [r.name for r in queries.volunteers(s, text="zw")] == ["张伟"]  # 拼音首字母, as on 万家数据库
        assert [r.name for r in queries.volunteers(s, team_id=world.patrol)] == ["张伟", "刘明"]
    with vdb.transaction("退出") as s:
        registry.leave(s, world.zhang_wei, date(2025, 3, 18), today=TODAY)
        with pytest.raises(DomainError, match="已于 2025-03-18 退出"):
            registry.leave(s, world.zhang_wei, date(2025, 3, 19), today=TODAY)
    with vdb.reader() as s:
        assert [r.name for r in queries.volunteers(s)] == ["刘明", RARE]
        assert [r.name for r in queries.volunteers(s, active=False)] == ["张伟"]
        assert queries.teams(s, today=TODAY)[0].leaders == ""
    with pytest.raises(ValidationError, match="已于 2025-03-18 退出"):
        record(vdb, service(world.zhang_wei, world.care, date(2025, 3, 19)))


def test_top_volunteers_of_a_year(vdb, world) -> None:  # noqa: ANN001
    plan = [(world.zhang_wei, world.care, date(2025, 1, 5), "关爱老人", "3"),
            (world.zhang_wei, world.care, date(2024, 12, 30), "关爱老人", "9"),  # another year
            (world.liu, world.patrol, date(2025, 2, 1), "巡逻", "4"),
            (world.student, world.care, date(2025, 3, 10), "关爱老人", "2"),
            (world.student, world.care, date(2025, 3, 11), "代购", "1")]
    ids = [record(vdb, service(v, t, d, kind=k, hours=h)) for v, t, d, k, h in plan]
    for sid in ids[:4]:
        confirm(vdb, sid)  # the student's 代购 stays 待确认
    with vdb.reader() as s:
        top = [(row.name, hours, pts) for row, hours, pts in queries.top_volunteers(s, 2025)]
        assert top == [("刘明", Decimal("4.0"), 20), ("张伟", Decimal("3.0"), 24), (RARE, Decimal("2.0"), 20)]
        assert [row.name for row, _h, _p in queries.top_volunteers(s, 2025, limit=1)] == ["刘明"]
        assert [row.name for row, _h, _p in queries.top_volunteers(s, 2024)] == ["张伟"]
        with pytest.raises(DomainError, match="没有编号为 CSV-09999 的志愿者"):
            queries.volunteer_by_number(s, "CSV-09999")
        assert queries.volunteer_by_number(s, "csv-00002").name == "刘明"
