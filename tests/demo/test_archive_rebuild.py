"""``demo --force`` empties the 便民档案库 and fills it again; the built-in service categories stay."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from chang_shan.db.database import Database
from chang_shan.db.models import (
    Building,
    CanteenMeal,
    CanteenMember,
    DeviceInspection,
    Resident,
    SafetyDevice,
    ServiceCategory,
    ServiceRequest,
    ServiceRequestEvent,
)
from chang_shan.demo import services_plan
from chang_shan.demo.builder import build_demo
from chang_shan.maintenance.check import run_checks
from chang_shan.paths import DataDir
from tests.demo.template import TODAY


def _count(session, model, *where) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_force_empties_and_refills_the_archive(demo_copy: DataDir) -> None:
    with Database.open(demo_copy) as db:
        with db.transaction("测试：便民档案") as s:
            builtin = s.execute(select(ServiceCategory.id, ServiceCategory.name, ServiceCategory.position)
                                .where(ServiceCategory.builtin.is_(True)).order_by(ServiceCategory.id)).all()
            own = ServiceCategory(name="测试类别", position=99, builtin=False, active=True)
            s.add(own)
            s.flush()
            person = s.get(Resident, 1)
            s.add(ServiceRequest(resident_id=person.id, household_id=person.household_id, category_id=own.id,
                                 content="测试请求", received_on=TODAY, due_on=TODAY))
            s.add(CanteenMember(resident_id=person.id, mode="堂食", start_on=TODAY, note="测试会员"))
            s.add(CanteenMeal(resident_id=person.id, on_date=TODAY, meal="午餐", mode="堂食", price_fen=1))
            low_rise = s.scalar(select(Building.id).where(Building.kind == "平房区"))
            s.add(SafetyDevice(kind="灭火器", building_id=low_rise, installed_on=TODAY, expires_on=date(2031, 1, 1),
                               location="测试位置"))
        summary = build_demo(db, seed=7, force=True, today=TODAY)
        with db.reader() as s:
            assert _count(s, ServiceRequest, ServiceRequest.content == "测试请求") == 0
            assert _count(s, CanteenMember, CanteenMember.note == "测试会员") == 0
            assert _count(s, CanteenMeal, CanteenMeal.on_date == TODAY) == 0
            assert _count(s, SafetyDevice, SafetyDevice.location == "测试位置") == 0
            # The built-in categories are configuration: kept as they were; the office's own went.
            assert s.execute(select(ServiceCategory.id, ServiceCategory.name, ServiceCategory.position)
                             .where(ServiceCategory.builtin.is_(True)).order_by(ServiceCategory.id)).all() == builtin
            assert sorted(s.scalars(select(ServiceCategory.name).where(ServiceCategory.builtin.is_(False)))) == sorted(
                services_plan.OFFICE_CATEGORIES)
            # Filled again (seed 7), not added to.
            assert _count(s, ServiceRequest) == summary.service_requests > 1000
            assert _count(s, ServiceRequest, ServiceRequest.status.in_(("待办", "处理中"))) == summary.open_requests
            assert _count(s, ServiceRequestEvent) >= 4 * summary.service_requests
            assert _count(s, CanteenMember, CanteenMember.end_on.is_(None)) == summary.canteen_members
            assert _count(s, CanteenMeal) == summary.canteen_meals
            assert _count(s, SafetyDevice, SafetyDevice.status == "在用") == summary.safety_devices
            assert _count(s, DeviceInspection) == summary.inspections
        report = run_checks(db, today=TODAY)
    assert report.ok, report.describe()
    text = summary.describe()
    assert f"便民服务请求 {summary.service_requests} 件" in text and f"燃气报警器 {summary.gas_alarms} 台" in text
