"""The demo's volunteers: 12 teams with leaders, about 800 volunteers (400+ residents aged 18–75,
students with their 档案, 驻区单位 staff), the patrol 400+ strong, a year of records confirmed by
the rules, and a points ledger that adds up for every volunteer."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from chang_shan.db.models import Resident
from chang_shan.db.models.volunteers import (
    Volunteer,
    VolunteerPointEntry,
    VolunteerRedemption,
    VolunteerRedemptionLine,
    VolunteerRewardItem,
    VolunteerService,
    VolunteerTeam,
    VolunteerTeamMember,
)
from chang_shan.maintenance.stats import ledger_counts
from chang_shan.population.query import age_on
from chang_shan.volunteers import points, queries
from tests.demo.template import TODAY


def test_the_demo_volunteers(demo_db, demo) -> None:  # noqa: ANN001
    summary = demo[1]
    with demo_db.reader() as s:
        teams = queries.teams(s, today=TODAY)
        assert len(teams) == summary.volunteer_teams == 12
        assert {"法律援助服务队", "纠纷调解服务队", "家政服务队", "医疗保健服务队", "家电维修服务队", "义务巡逻队",
                "大学生志愿服务队"} <= {t.name for t in teams}
        assert all("（队长）" in t.leaders for t in teams)
        captains = Counter(s.scalars(select(VolunteerTeamMember.volunteer_id).where(VolunteerTeamMember.role == "队长")))
        assert len(captains) == 12  # nobody captains two teams
        assert next(t for t in teams if t.name == "义务巡逻队").member_count >= 400

        active = list(s.scalars(select(Volunteer).where(Volunteer.left_on.is_(None))))
        assert 780 <= len(active) == summary.volunteers <= 830
        kinds = Counter(v.kind for v in active)
        assert kinds["居民"] >= 400 and kinds["大学生"] >= 200 and kinds["驻区单位"] >= 50
        births = dict(s.execute(select(Resident.id, Resident.birth_date).where(
            Resident.id.in_([v.resident_id for v in active if v.resident_id]))).all())
        assert all(18 <= age_on(births[v.resident_id], TODAY) <= 76 for v in active if v.resident_id)
        students = [v for v in active if v.kind == "大学生"]
        assert {v.school for v in students} >= {"吉林大学", "长春理工大学", "东北师范大学"}
        assert all(v.major and v.student_number and v.enrolment_year and v.name and v.id_number for v in students)
        assert len({v.number for v in active}) == len(active)

        # the year's records
        statuses = Counter(s.scalars(select(VolunteerService.status)))
        assert sum(statuses.values()) == summary.volunteer_services >= 5000
        assert statuses["已确认"] > 0.9 * sum(statuses.values()) and statuses["待确认"] > 0 and statuses["已退回"] > 0
        pending_days = s.scalars(select(VolunteerService.served_on).where(VolunteerService.status == "待确认")).all()
        assert min(pending_days) > TODAY - timedelta(days=15)
        assert s.scalar(select(func.count()).where(VolunteerService.status == "已确认",
                                                   VolunteerService.confirmed_on < VolunteerService.served_on)) == 0
        assert s.scalar(select(func.max(VolunteerService.served_on))) <= TODAY
        daily = s.execute(select(func.sum(VolunteerService.hours)).group_by(
            VolunteerService.volunteer_id, VolunteerService.served_on)).scalars().all()
        assert max(Decimal(str(h)) for h in daily) <= 24
        assert ledger_counts(s, today=TODAY)["volunteer_hours_last_year"] == summary.volunteer_hours > 10000

        # points: one entry per confirmed service, by the rule in force on the day served
        earned = s.execute(select(VolunteerService, VolunteerPointEntry.points)
                           .outerjoin(VolunteerPointEntry, VolunteerPointEntry.service_id == VolunteerService.id)).all()
        for service, pts in earned:
            if service.status != "已确认":
                assert pts is None
            else:
                assert pts == points.points_for(queries.rule_on(s, service.kind, service.served_on), service.hours)
        # the ledger adds up: last balance_after == points_balance == sum of points, for everyone
        sums = dict(s.execute(select(VolunteerPointEntry.volunteer_id, func.sum(VolunteerPointEntry.points))
                              .group_by(VolunteerPointEntry.volunteer_id)).all())
        last_id = select(func.max(VolunteerPointEntry.id)).group_by(VolunteerPointEntry.volunteer_id)
        lasts = dict(s.execute(select(VolunteerPointEntry.volunteer_id, VolunteerPointEntry.balance_after)
                               .where(VolunteerPointEntry.id.in_(last_id))).all())
        for volunteer_id, balance in s.execute(select(Volunteer.id, Volunteer.points_balance)):
            assert balance == sums.get(volunteer_id, 0) == lasts.get(volunteer_id, 0), volunteer_id
        assert s.scalar(select(func.min(VolunteerPointEntry.balance_after))) >= 0
        for volunteer_id in list(sums)[:50]:
            running = 0
            for entry in queries.ledger(s, volunteer_id):
                running += entry.points
                assert entry.balance_after == running

        # the counter
        redemptions = s.scalars(select(VolunteerRedemption)).all()
        assert len(redemptions) == summary.redemptions >= 300
        assert len({r.number for r in redemptions}) == len(redemptions)
        totals = dict(s.execute(select(VolunteerRedemptionLine.redemption_id,
                                       func.sum(VolunteerRedemptionLine.quantity * VolunteerRedemptionLine.points_each))
                                .group_by(VolunteerRedemptionLine.redemption_id)).all())
        assert all(totals[r.id] == r.total_points for r in redemptions)
        items = s.scalars(select(VolunteerRewardItem)).all()
        assert len(items) >= 10 and all(i.stock >= 0 for i in items) and sum(i.stock > 0 for i in items) >= 8
        assert {"大米（5kg）", "食用油（5L）", "洗衣液（2kg）", "毛巾"} <= {i.name for i in items}
        assert s.scalar(select(func.count()).select_from(VolunteerTeam)) == 12
        top = queries.top_volunteers(s, TODAY.year)
        assert len(top) == 10 and top[0].hours >= top[-1].hours > 0
