"""The demo's party network has the real community's shape and agrees with the ledger's own rules:
161 党员家庭户, each with a member 在册 living there and none without; 24 党小组; a 党支部 per grid;
posts; a year of monthly study days on the 15th with about 85 % attendance; today's sections."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from chang_shan.db.models import (
    HouseholdTag,
    PartyMember,
    PartyOrg,
    PartyPost,
    PartyStudyAttendance,
    PartyStudyDay,
    Resident,
)
from chang_shan.maintenance.check import run_checks
from chang_shan.party import households, queries
from chang_shan.today.registry import build_today
from tests.demo.template import TODAY


def test_the_demo_network(demo_db, demo) -> None:  # noqa: ANN001
    summary = demo[1]
    with demo_db.reader() as s:
        tagged = set(s.scalars(select(HouseholdTag.household_id).where(HouseholdTag.tag == "党员家庭户")))
        homes = set(s.scalars(select(Resident.household_id).join(PartyMember, PartyMember.resident_id == Resident.id)
                              .where(PartyMember.status == "在册", Resident.status == "在册")))
        assert len(tagged) == 161 and tagged == homes
        assert households.disagreements(s) == (set(), set())
        orgs = list(s.scalars(select(PartyOrg)))
        levels = Counter(o.level for o in orgs)
        assert levels == {"党委": 1, "党支部": 10, "党小组": 24}
        assert (summary.party_orgs, summary.party_groups) == (35, 24)
        [tree] = queries.org_tree(s)
        assert tree.household_count == 161 and len(tree.children) == 10
        assert all(g.member_count > 0 and g.secretary for b in tree.children for g in b.children)
        assert all(b.secretary for b in tree.children) and tree.secretary
        members = list(s.scalars(select(PartyMember)))
        living = [m for m in members if m.status == "在册"]
        assert summary.party_members == len(living) == tree.member_count
        assert 161 <= len(living) <= 260
        assert Counter(m.status for m in members)["已故"] >= 1
        kinds = Counter(m.kind for m in living)
        relations = Counter(m.org_relation for m in living)
        assert 1 <= kinds["预备党员"] <= 10 and relations["在社区外"] >= 2 and relations["口袋党员"] >= 1
        assert len({m.joined_on.month for m in living}) == 12  # political birthdays all over the year
        posts = Counter(p.post for p in s.scalars(select(PartyPost).where(PartyPost.end_on.is_(None))))
        assert posts["组长"] == 24 and posts["书记"] == 11
        days = list(s.scalars(select(PartyStudyDay)))
        assert summary.study_days == len(days) == 120
        assert {d.held_on.day for d in days} == {15} and len({d.held_on for d in days}) == 12
        assert max(d.held_on for d in days) <= TODAY
        lines = list(s.scalars(select(PartyStudyAttendance)))
        share = sum(a.present for a in lines) / len(lines)
        assert 0.80 <= share <= 0.90
        today = build_today(s, TODAY)
        pending = today.section("party_study_followup")
        birthdays = today.section("party_birthdays")
        assert pending is not None and 1 <= pending.count <= 20
        assert birthdays is not None and birthdays.count >= 5
        assert all(i.text.startswith("入党 ") for i in birthdays.items)
        assert queries.branch_choices(s)[0] == (tree.id, "长山花园社区党委")
    assert [p for p in run_checks(demo_db, today=TODAY).problems if p.check == "party_tags"] == []
