"""The accounts office (tests/accounts/office.py) with a small volunteer ledger, made through the
services as the program itself; "today" is ``TODAY`` (2025-03-20).

======  ==============================  ======  ===========================
who     what                            grid    teams
======  ==============================  ======  ===========================
张伟    resident volunteer (CSV-00001)  1       关爱老人服务队 (队长)
刘明    resident volunteer (CSV-00002)  2       义务巡逻队
𠀀明    student of 吉林大学 (CSV-00003)  —       关爱老人服务队
======  ==============================  ======  ===========================

Rules: 关爱老人 8/h from 2024-01-01 and 10/h from 2025-03-01; 代购 5 per service; 巡逻 5/h.
Catalogue: 大米（5kg） 50 points, 2 in stock; 毛巾 10 points, 100 in stock.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from chang_shan.accounts.permissions import SYSTEM
from chang_shan.db.database import Database
from chang_shan.db.models.volunteers import Volunteer, VolunteerPointEntry
from chang_shan.volunteers import points, registry, service_records
from chang_shan.volunteers.shapes import ServiceInput, VolunteerInput
from tests.accounts.office import Office, copy_office
from tests.population.community import id_number

TODAY = date(2025, 3, 20)
RARE = "\U00020000明"  # 𠀀明
STUDENT_ID = id_number("230102", date(2004, 5, 6), 71)


@dataclass(frozen=True)
class World:
    office: Office
    care: int  # 关爱老人服务队
    patrol: int  # 义务巡逻队
    zhang_wei: int  # volunteer ids
    liu: int
    student: int
    rice: int  # item ids
    towel: int


def build_world(db: Database, office: Office) -> World:
    town = office.town
    db.actor = SYSTEM
    with db.transaction("建立志愿者台账") as s:
        care = registry.create_team(s, "关爱老人服务队", service="看望独居老人", founded_on=date(2020, 1, 1))
        patrol = registry.create_team(s, "义务巡逻队", service="治安巡逻")
        points.set_rule(s, "关爱老人", 8, 0, date(2024, 1, 1))
        points.set_rule(s, "关爱老人", 10, 0, date(2025, 3, 1))
        points.set_rule(s, "代购", 0, 5, date(2024, 1, 1))
        points.set_rule(s, "巡逻", 5, 0, date(2024, 1, 1))
        rice = points.add_item(s, "大米（5kg）", "袋", 50, 2)
        towel = points.add_item(s, "毛巾", "条", 10, 100)
        registered = date(2024, 6, 1)
        zhang_wei = registry.register_volunteer(s, VolunteerInput("居民", town.son, registered_on=registered), today=TODAY)
        liu = registry.register_volunteer(s, VolunteerInput("居民", office.liu, registered_on=registered), today=TODAY)
        student = registry.register_volunteer(s, VolunteerInput(
            "大学生", name=RARE, sex_code="1", id_number=STUDENT_ID, phone="13912345678", school="吉林大学",
            major="法学院 法学", student_number="2022123456", enrolment_year=2022, registered_on=registered), today=TODAY)
        registry.add_to_team(s, care, zhang_wei, "队长", registered, today=TODAY)
        registry.add_to_team(s, patrol, liu, "队员", registered, today=TODAY)
        registry.add_to_team(s, care, student, "队员", registered, today=TODAY)
    return World(office, care, patrol, zhang_wei, liu, student, rice, towel)


@pytest.fixture
def vdb(office: Office, tmp_path: Path) -> Iterator[Database]:
    database = Database.open(copy_office(office, tmp_path / "office"))
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def world(vdb: Database, office: Office) -> World:
    return build_world(vdb, office)


def service(volunteer_id: int, team_id: int | None, served_on: date, kind: str = "关爱老人", hours: str = "2",
            content: str = "看望独居老人王淑芬，陪伴聊天") -> ServiceInput:
    return ServiceInput(volunteer_id, team_id, served_on, "3号楼2单元301", kind, content, hours)


def record(db: Database, data: ServiceInput) -> int:
    with db.transaction("登记志愿服务") as s:
        return service_records.record_service(s, data, today=TODAY)


def confirm(db: Database, service_id: int) -> int:
    with db.transaction("确认志愿服务") as s:
        version = s.get(service_records.VolunteerService, service_id).version
        return service_records.confirm(s, service_id, version, today=TODAY)


def give(db: Database, volunteer_id: int, amount: int) -> None:
    with db.transaction("调整积分") as s:
        points.adjust(s, volunteer_id, amount, "测试：补录积分", today=TODAY)


def balance_facts(db: Database, volunteer_id: int) -> tuple[int, int, int | None]:
    """(points_balance, sum of the ledger's points, the last entry's balance_after)."""
    with db.reader() as s:
        balance = s.scalar(select(Volunteer.points_balance).where(Volunteer.id == volunteer_id))
        total = s.scalar(select(func.coalesce(func.sum(VolunteerPointEntry.points), 0))
                         .where(VolunteerPointEntry.volunteer_id == volunteer_id))
        last = s.scalar(select(VolunteerPointEntry.balance_after).where(VolunteerPointEntry.volunteer_id == volunteer_id)
                        .order_by(VolunteerPointEntry.id.desc()).limit(1))
    return balance, total, last


__all__ = ["Decimal", "TODAY", "World", "balance_facts", "build_world", "confirm", "give", "record", "service"]
