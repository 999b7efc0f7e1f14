"""Counts per ledger, for ``chang-shan stats`` and the status line.

``ledger_counts`` returns a flat dict of stable English keys to integers, JSON-friendly, in a fixed
order. Keys are part of the headless interface: scripts read them, so a key is never renamed or
dropped; later ledgers add theirs (in ``_COUNTERS`` below, one query each).

"Active" means 在册 for people, not dissolved for households, and for posts: started on or before
today and not yet ended (``end_on`` after today), the same rule as ``population.roles``.

居民健康库 and 包保 counts follow the services' rules. Profiles, chronic patients (a 既往史 disease
in ``health.codes.CHRONIC_CODES``) and 走失风险 count residents 在册; ``visits_last_year`` counts
the visits made in the year up to and including today (one to someone who has since died still
counts). A care target is 在册, 60 or older and living alone or dependent
(``care.queries.is_care_target``), and has a caretaker when an assignment is in force today whose
caretaker still lives here (as ``care.assignments.without_caretaker``).

``chang-shan stats`` runs without signing in, on a database opened read-only
(``Database.open_existing``): that is in line with the permission model because every value is a
count over the whole community (no name, no ID number, no per-person value, no grid breakdown);
who has which condition, or who has no caretaker, stays behind ``Perm.HEALTH`` / ``Perm.VIEW`` in
the services.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from chang_shan.care.queries import active_on, is_care_target
from chang_shan.db.models import (
    Building,
    CareAssignment,
    Grid,
    HealthCondition,
    HealthProfile,
    HealthVisit,
    Household,
    HouseholdTag,
    Movement,
    Organisation,
    Resident,
    ResidentGroup,
    RoleAssignment,
    Unit,
)
from chang_shan.db.models.deliberation import DeliberationMatter
from chang_shan.db.models.fees import Loan, PropertyFeePayment
from chang_shan.db.models.mediation import MediationCase
from chang_shan.db.models.party import PartyMember, PartyOrg
from chang_shan.db.models.volunteers import Volunteer, VolunteerRedemption, VolunteerService, VolunteerTeam
from chang_shan.health.codes import CHRONIC_CODES

ACTIVE = "在册"
PARTY_HOUSEHOLD_TAG = "党员家庭户"


def shift_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (earlier if negative); 29 Feb falls back to the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def aged_at_least(years: int, today: date) -> ColumnElement[bool]:
    """Residents who are ``years`` old or older on ``today`` (by birth date)."""
    return Resident.birth_date <= shift_years(today, -years)


def current_role(today: date) -> ColumnElement[bool]:
    return and_(
        RoleAssignment.start_on <= today,
        or_(RoleAssignment.end_on.is_(None), RoleAssignment.end_on > today),
    )


def _count(session: Session, query) -> int:  # noqa: ANN001 - a Select
    return int(session.scalar(query) or 0)


def _rows(model, *conditions) -> Callable[[Session, date], int]:  # noqa: ANN001
    def count(session: Session, _today: date) -> int:
        query = select(func.count()).select_from(model)
        if conditions:
            query = query.where(*conditions)
        return _count(session, query)

    return count


def _residents(*conditions) -> Callable[[Session, date], int]:  # noqa: ANN001
    return _rows(Resident, Resident.status == ACTIVE, *conditions)


def _aged(years: int) -> Callable[[Session, date], int]:
    def count(session: Session, today: date) -> int:
        return _count(
            session,
            select(func.count()).select_from(Resident)
            .where(Resident.status == ACTIVE, aged_at_least(years, today)),
        )

    return count


def _in_group(group: str, *, min_age: int | None = None) -> Callable[[Session, date], int]:
    def count(session: Session, today: date) -> int:
        query = (
            select(func.count(func.distinct(Resident.id)))
            .select_from(Resident)
            .join(ResidentGroup, ResidentGroup.resident_id == Resident.id)
            .where(Resident.status == ACTIVE, ResidentGroup.group == group)
        )
        if min_age is not None:
            query = query.where(aged_at_least(min_age, today))
        return _count(session, query)

    return count


def _tagged(tag: str) -> Callable[[Session, date], int]:
    def count(session: Session, _today: date) -> int:
        return _count(
            session,
            select(func.count(func.distinct(Household.id)))
            .select_from(Household)
            .join(HouseholdTag, HouseholdTag.household_id == Household.id)
            .where(Household.dissolved_on.is_(None), HouseholdTag.tag == tag),
        )

    return count


def _roles(role: str | None = None) -> Callable[[Session, date], int]:
    def count(session: Session, today: date) -> int:
        query = select(func.count()).select_from(RoleAssignment).where(current_role(today))
        if role is not None:
            query = query.where(RoleAssignment.role == role)
        return _count(session, query)

    return count


def _with_profile(*conditions) -> Callable[[Session, date], int]:  # noqa: ANN001
    def count(session: Session, _today: date) -> int:
        return _count(
            session,
            select(func.count()).select_from(HealthProfile)
            .join(Resident, Resident.id == HealthProfile.resident_id)
            .where(Resident.status == ACTIVE, *conditions),
        )

    return count


def _chronic_patients(session: Session, _today: date) -> int:
    return _count(
        session,
        select(func.count(func.distinct(Resident.id)))
        .select_from(Resident)
        .join(HealthCondition, HealthCondition.resident_id == Resident.id)
        .where(Resident.status == ACTIVE, HealthCondition.category == "疾病",
               HealthCondition.code.in_(CHRONIC_CODES)),
    )


def _visits_last_year(session: Session, today: date) -> int:
    return _count(
        session,
        select(func.count()).select_from(HealthVisit)
        .where(HealthVisit.visited_on > shift_years(today, -1), HealthVisit.visited_on <= today),
    )


def _care_targets(*, without_caretaker: bool = False) -> Callable[[Session, date], int]:
    def count(session: Session, today: date) -> int:
        query = select(func.count()).select_from(Resident).where(is_care_target(today))
        if without_caretaker:
            caretaker = aliased(Resident)
            query = query.where(~exists(
                select(CareAssignment.id)
                .join(caretaker, caretaker.id == CareAssignment.caretaker_id)
                .where(CareAssignment.elder_id == Resident.id, active_on(CareAssignment, today),
                       caretaker.status == ACTIVE)
            ))
        return _count(session, query)

    return count


def _sum(column) -> Callable[[Session, date], int]:  # noqa: ANN001
    def count(session: Session, _today: date) -> int:
        return int(session.scalar(select(func.coalesce(func.sum(column), 0))) or 0)

    return count


def _volunteer_hours(session: Session, today: date) -> int:
    """Confirmed hours of service in the year up to and including today (whole hours, rounded down)."""
    total = session.scalar(select(func.coalesce(func.sum(VolunteerService.hours), 0)).where(
        VolunteerService.status == "已确认", VolunteerService.served_on > shift_years(today, -1),
        VolunteerService.served_on <= today))
    return int(total or 0)


# key → counter. The order is the order of the output.
_COUNTERS: dict[str, Callable[[Session, date], int]] = {
    "grids": _rows(Grid),
    "buildings": _rows(Building, Building.kind == "楼房"),
    "low_rise_areas": _rows(Building, Building.kind == "平房区"),
    "units": _rows(Unit),
    "households": _rows(Household, Household.dissolved_on.is_(None)),
    "households_dissolved": _rows(Household, Household.dissolved_on.is_not(None)),
    "residents": _residents(),
    "residents_total": _rows(Resident),
    "moved_out": _rows(Resident, Resident.status == "已迁出"),
    "deceased": _rows(Resident, Resident.status == "已故"),
    "aged_60_plus": _aged(60),
    "aged_80_plus": _aged(80),
    "lone_elders": _in_group("独居", min_age=60),
    "living_alone": _in_group("独居"),
    "empty_nest": _in_group("空巢"),
    "disabled": _in_group("残疾"),
    "minimum_living_allowance": _in_group("低保"),
    "extreme_poverty_support": _in_group("特困"),
    "veterans": _in_group("退役军人"),
    "party_households": _tagged(PARTY_HOUSEHOLD_TAG),
    "organisations": _rows(Organisation),
    "party_committee_members": _rows(Organisation, Organisation.in_party_committee.is_(True)),
    "role_assignments_active": _roles(),
    "grid_heads": _roles("网格长"),
    "building_heads": _roles("楼栋长"),
    "unit_heads": _roles("单元长"),
    "movements": _rows(Movement),
    "health_profiles": _with_profile(),
    "chronic_patients": _chronic_patients,
    "visits_last_year": _visits_last_year,
    "care_targets": _care_targets(),
    "care_without_caretaker": _care_targets(without_caretaker=True),
    "wandering_risk": _with_profile(HealthProfile.wandering_risk.is_(True)),
    # 党建与志愿者 (issue 10)
    "party_orgs": _rows(PartyOrg, PartyOrg.dissolved_on.is_(None)),
    "party_groups": _rows(PartyOrg, PartyOrg.dissolved_on.is_(None), PartyOrg.level == "党小组"),
    "party_members": _rows(PartyMember, PartyMember.status == ACTIVE),
    "party_members_probationary": _rows(PartyMember, PartyMember.status == ACTIVE, PartyMember.kind == "预备党员"),
    "party_members_outside": _rows(PartyMember, PartyMember.status == ACTIVE, PartyMember.org_relation != "在本社区"),
    "volunteer_teams": _rows(VolunteerTeam, VolunteerTeam.dissolved_on.is_(None)),
    "volunteers": _rows(Volunteer, Volunteer.left_on.is_(None)),
    "volunteers_residents": _rows(Volunteer, Volunteer.left_on.is_(None), Volunteer.resident_id.is_not(None)),
    "volunteer_services_confirmed": _rows(VolunteerService, VolunteerService.status == "已确认"),
    "volunteer_services_pending": _rows(VolunteerService, VolunteerService.status == "待确认"),
    "volunteer_hours_last_year": _volunteer_hours,
    "points_balance": _sum(Volunteer.points_balance),
    "points_redeemed": _sum(VolunteerRedemption.total_points),
    # 议事调解与物业 (issue 11)
    "matters": _rows(DeliberationMatter),
    "matters_open": _rows(DeliberationMatter, DeliberationMatter.status.in_(("议事中", "公示中"))),
    "mediation_cases": _rows(MediationCase),
    "mediation_agreements": _rows(MediationCase, MediationCase.status == "达成协议"),
    "fee_payments": _rows(PropertyFeePayment, PropertyFeePayment.voided_on.is_(None)),
    "loans_outstanding": _rows(Loan, Loan.status == "还款中"),
}


def ledger_counts(session: Session, *, today: date | None = None) -> dict[str, int]:
    """Counts per ledger with stable English keys (see the module docstring)."""
    today = today or date.today()
    return {key: counter(session, today) for key, counter in _COUNTERS.items()}


# What each key means, in Chinese, for the plain-text output and the GUI.
LABELS: dict[str, str] = {
    "grids": "网格",
    "buildings": "楼栋",
    "low_rise_areas": "平房区",
    "units": "单元",
    "households": "住户",
    "households_dissolved": "已注销户",
    "residents": "在册居民",
    "residents_total": "居民（含迁出、已故）",
    "moved_out": "已迁出",
    "deceased": "已故",
    "aged_60_plus": "60 岁及以上",
    "aged_80_plus": "80 岁及以上",
    "lone_elders": "独居老人（60 岁及以上）",
    "living_alone": "独居",
    "empty_nest": "空巢",
    "disabled": "残疾",
    "minimum_living_allowance": "低保",
    "extreme_poverty_support": "特困",
    "veterans": "退役军人",
    "party_households": "党员家庭户",
    "organisations": "驻区单位",
    "party_committee_members": "大党委成员单位",
    "role_assignments_active": "在任三长",
    "grid_heads": "网格长",
    "building_heads": "楼栋长",
    "unit_heads": "单元长",
    "movements": "迁移记录",
    "health_profiles": "健康档案（在册居民）",
    "chronic_patients": "慢病患者",
    "visits_last_year": "近一年随访",
    "care_targets": "需包保老人",
    "care_without_caretaker": "无包保人老人",
    "wandering_risk": "走失风险",
    "party_orgs": "党组织",
    "party_groups": "党小组",
    "party_members": "党员（在册）",
    "party_members_probationary": "预备党员",
    "party_members_outside": "组织关系不在本社区的党员",
    "volunteer_teams": "志愿服务队",
    "volunteers": "注册志愿者",
    "volunteers_residents": "居民志愿者",
    "volunteer_services_confirmed": "已确认的志愿服务记录",
    "volunteer_services_pending": "待确认的志愿服务记录",
    "volunteer_hours_last_year": "近一年志愿服务时长（小时）",
    "points_balance": "积分余额合计",
    "points_redeemed": "已兑换积分",
    "matters": "四步议事议题",
    "matters_open": "进行中的议题",
    "mediation_cases": "人民调解案件",
    "mediation_agreements": "达成调解协议",
    "fee_payments": "物业费缴费记录",
    "loans_outstanding": "未还清的诚信借款",
}
