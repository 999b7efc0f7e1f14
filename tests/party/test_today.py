"""The today list's party sections with a fake date: political birthdays of the month (not before
the first anniversary, not for members who left) and study-day absences still to follow up, oldest
first, with the next study day in the note."""

from __future__ import annotations

from datetime import date

from chang_shan.db.database import Database
from chang_shan.party import members, study
from chang_shan.party.shapes import MemberInput
from chang_shan.population import residents
from chang_shan.today.registry import build_today
from tests.party.office import TODAY, PartyOffice


def test_political_birthdays_of_the_month(pdb: Database, party_office: PartyOffice) -> None:
    o, town = party_office, party_office.town
    with pdb.transaction("新增党员") as s:
        members.add_member(s, MemberInput(town.li, o.group1, date(1976, 7, 20)), today=TODAY)
        members.add_member(s, MemberInput(town.wang, o.group1, date(1962, 7, 1)), today=TODAY)
        members.add_member(s, MemberInput(town.son, o.group1, date(2026, 3, 1), "预备党员"), today=TODAY)
        members.add_member(s, MemberInput(o.base.liu, o.branch2, date(2005, 6, 30)), today=TODAY)
    with pdb.reader() as s:
        july = build_today(s, date(2026, 7, 10)).section("party_birthdays")
        june = build_today(s, date(2026, 6, 1)).section("party_birthdays")
        march = build_today(s, TODAY).section("party_birthdays")
    assert july is not None and june is not None and march is not None
    assert july.title == "本月政治生日"
    assert [(i.name, i.text, i.due_on, i.target) for i in july.items] == [
        ("王淑芬", "入党 64 周年（1962-07-01）", date(2026, 7, 1), july.items[0].target),  # same day: by name
        ("张立春", "入党 51 周年（1975-07-01）", date(2026, 7, 1), ("party_member", o.zhang_member)),
        ("李桂兰", "入党 50 周年（1976-07-20）", date(2026, 7, 20), july.items[2].target),
    ]
    assert [i.text for i in june.items] == ["入党 21 周年（2005-06-30）"]
    assert march.items == ()  # 张伟 joined this March: his first anniversary is next year
    with pdb.transaction("登记死亡") as s:
        residents.record_death(s, town.wang, on_date=date(2026, 3, 1))
    with pdb.reader() as s:
        july = build_today(s, date(2026, 7, 10)).section("party_birthdays")
    assert [i.name for i in july.items] == ["张立春", "李桂兰"]  # type: ignore[union-attr]


def test_absences_waiting_for_a_follow_up(pdb: Database, party_office: PartyOffice) -> None:
    o, town = party_office, party_office.town
    with pdb.transaction("新增党员") as s:
        li = members.add_member(s, MemberInput(town.li, o.group1, date(1976, 7, 1)), today=TODAY)
        wang = members.add_member(s, MemberInput(town.wang, o.group1, date(1960, 7, 1)), today=TODAY)
    with pdb.transaction("主题党日") as s:
        jan = study.record_study_day(s, o.branch1, date(2026, 1, 15), topic="学习党章", present_ids=[o.zhang_member],
                                     absent={li: "外出", wang: ""}, today=TODAY)
        feb = study.record_study_day(s, o.branch1, date(2026, 2, 15), topic="重温入党誓词",
                                     present_ids=[o.zhang_member, li], absent={wang: "生病住院"}, today=TODAY)
        study.follow_up(s, jan, li, date(2026, 1, 20), "已补学", today=TODAY)
    with pdb.reader() as s:
        section = build_today(s, TODAY).section("party_study_followup")
        before_feb = build_today(s, date(2026, 2, 14)).section("party_study_followup")
    assert section is not None and before_feb is not None
    assert section.title == "主题党日缺席待跟进"
    assert section.note == "缺席主题党日、尚未谈心谈话或补学的党员；下次主题党日：2026-04-15"
    assert [(i.name, i.text, i.due_on, i.days_overdue, i.target) for i in section.items] == [
        ("王淑芬", "2026-01-15 第一网格党支部主题党日缺席（未说明原因），待跟进", date(2026, 1, 15), 64, ("party_member", wang)),
        ("王淑芬", "2026-02-15 第一网格党支部主题党日缺席（生病住院），待跟进", date(2026, 2, 15), 33, ("party_member", wang)),
    ]
    assert [i.due_on for i in before_feb.items] == [date(2026, 1, 15)]
    assert before_feb.note.endswith("下次主题党日：2026-02-15")
    assert feb
