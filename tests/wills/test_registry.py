"""Registering wills: numbers, the chain of 第1142条 (by date made, also when registered out of
order), revocation, correction, oral wills, death → today list → notified → 已启用, masking and
the audit trail."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from chang_shan.db.models import WillWitness
from chang_shan.db.models.journal import ChangeSet
from chang_shan.errors import DomainError, ValidationError
from chang_shan.population import residents
from chang_shan.population.idnumber import mask
from chang_shan.today.registry import build_today
from chang_shan.wills import registry
from tests.wills.office import NEIGHBOUR_IDS, will

TODAY = date(2025, 6, 1)


def register(db, data):  # noqa: ANN001, ANN201
    with db.transaction("登记遗嘱") as s:
        return registry.register_will(s, data, today=TODAY)


def status(db, will_id):  # noqa: ANN001, ANN201
    with db.reader() as s:
        return registry.load_detail(s, will_id, today=TODAY)


def test_register_gives_numbers_and_keeps_the_facts(wills_db, wills_office) -> None:  # noqa: ANN001
    town = wills_office.town
    first = register(wills_db, will(town.zhang))
    second = register(wills_db, will(town.wang, "公证"))
    assert (first.number, second.number) == ("YZ2024-0001", "YZ2024-0002")
    assert first.status == "有效" and first.row.form_text == "代书遗嘱（第1135条）"
    assert first.registered_by == "notary" and first.registered_by_name == "赵登记"
    assert first.row.custody == "档案柜 A-03 卷宗 0012"
    assert [w.name for w in first.witnesses] == ["孙𠀀明", "周丽华"]
    assert first.persons_in("查看人")[0].name == "张伟"
    assert first.testator_address == "3号楼1单元101"
    third = register(wills_db, will(town.wang, registered_on=date(2025, 1, 3), made_on=date(2025, 1, 2)))
    assert third.number == "YZ2025-0001"


def test_refused_with_every_problem_and_nothing_written(wills_db, wills_office) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as caught:
        register(wills_db, will(wills_office.town.zhang, "打印", witnesses=[], cabinet=""))
    assert set(caught.value.errors) == {"witnesses", "cabinet"}
    with wills_db.reader() as s:
        assert registry.list_wills(s) == []


def test_the_will_made_last_prevails_whatever_its_form(wills_db, wills_office) -> None:  # noqa: ANN001
    town = wills_office.town
    notarised = register(wills_db, will(town.zhang, "公证", made_on=date(2022, 5, 1)))
    later = register(wills_db, will(town.zhang, "自书", made_on=date(2024, 3, 1)))
    assert later.status == "有效"
    assert any(notarised.number in w and "第1142条" in w and "公证遗嘱也不例外" in w for w in later.warnings)
    old = status(wills_db, notarised.id)
    assert old.status == "被新遗嘱取代" and old.row.superseded_by_number == later.number
    assert [r.number for r in later.chain] == [notarised.number, later.number]


def test_a_will_registered_after_a_later_made_one_is_superseded_at_once(wills_db, wills_office) -> None:  # noqa: ANN001
    town = wills_office.town
    newest = register(wills_db, will(town.zhang, made_on=date(2024, 2, 1)))
    older = register(wills_db, will(town.zhang, "公证", made_on=date(2021, 7, 1)))
    assert older.status == "被新遗嘱取代" and older.row.superseded_by_number == newest.number
    assert any("早于已登记的" in w and newest.number in w for w in older.warnings)
    assert status(wills_db, newest.id).status == "有效"
    middle = register(wills_db, will(town.zhang, made_on=date(2023, 1, 1)))
    assert middle.status == "被新遗嘱取代"
    chain = status(wills_db, older.id).chain
    assert [r.number for r in chain] == [older.number, middle.number, newest.number]
    # each superseded will points at the next one made after it
    assert [r.superseded_by_number for r in chain] == [middle.number, newest.number, ""]


def test_correcting_the_date_made_reorders_the_chain(wills_db, wills_office) -> None:  # noqa: ANN001
    town = wills_office.town
    a = register(wills_db, will(town.zhang, made_on=date(2023, 1, 1)))
    b = register(wills_db, will(town.zhang, made_on=date(2024, 1, 1)))
    with wills_db.transaction("修改遗嘱登记") as s:
        data = registry.will_input(s, b.id)
        data.made_on = date(2022, 1, 1)  # the year was typed wrong
        fixed = registry.update_will(s, b.id, data, expected_version=b.version, today=TODAY)
    assert fixed.status == "被新遗嘱取代"
    assert any(a.number in w and "恢复为“有效”" in w for w in fixed.warnings)
    assert status(wills_db, a.id).status == "有效"
    with wills_db.transaction("修改遗嘱登记") as s, pytest.raises(DomainError, match="已被他人修改"):
        registry.update_will(s, b.id, registry.will_input(s, b.id), expected_version=b.version, today=TODAY)


def test_masked_values_given_back_unchanged_are_kept(wills_db, wills_office) -> None:  # noqa: ANN001
    b = register(wills_db, will(wills_office.town.zhang))
    with wills_db.transaction("修改遗嘱登记") as s:
        data = registry.will_input(s, b.id)
        assert data.witnesses[0].id_number == mask(NEIGHBOUR_IDS[0]) and "*" in data.executor_phone
        data.note = "补记：原件一式两份"
        registry.update_will(s, b.id, data, expected_version=b.version, today=TODAY)
    with wills_db.reader() as s:
        stored = s.scalars(select(WillWitness.id_number).where(WillWitness.will_id == b.id)
                           .order_by(WillWitness.position)).all()
    assert stored == list(NEIGHBOUR_IDS)


def test_revocation_is_dated_and_does_not_revive_the_earlier_will(wills_db, wills_office) -> None:  # noqa: ANN001
    town = wills_office.town
    a = register(wills_db, will(town.zhang, made_on=date(2023, 1, 1)))
    b = register(wills_db, will(town.zhang, made_on=date(2024, 1, 1)))
    with wills_db.transaction("撤回遗嘱") as s, pytest.raises(ValidationError, match="不能早于立遗嘱日期"):
        registry.revoke_will(s, b.id, on=date(2023, 12, 1), today=TODAY)
    with wills_db.transaction("撤回遗嘱") as s:
        revoked = registry.revoke_will(s, b.id, on=date(2025, 2, 1), note="本人到社区声明撤回", today=TODAY)
    assert (revoked.status, revoked.revoked_on, revoked.revocation_note) == ("已撤回", date(2025, 2, 1), "本人到社区声明撤回")
    assert any("没有有效的遗嘱登记" in w and a.number in w for w in revoked.warnings)
    assert status(wills_db, a.id).status == "被新遗嘱取代"
    with wills_db.transaction("撤回遗嘱") as s, pytest.raises(DomainError, match="不能撤回"):
        registry.revoke_will(s, b.id, on=date(2025, 2, 2), today=TODAY)
    # a new will made after the revocation is the valid one
    c = register(wills_db, will(town.zhang, made_on=date(2025, 3, 1), registered_on=date(2025, 3, 2)))
    assert c.status == "有效" and [r.status for r in c.chain] == ["被新遗嘱取代", "已撤回", "有效"]


def test_an_oral_will_is_void_once_the_emergency_is_over(wills_db, wills_office) -> None:  # noqa: ANN001
    oral = register(wills_db, will(wills_office.town.wang, "口头"))
    assert any("第1138条" in w for w in oral.warnings) and "口头遗嘱已无效" not in oral.row.flags
    with wills_db.transaction("危急情况消除") as s:
        void = registry.mark_emergency_over(s, oral.id, on=date(2024, 4, 1), today=TODAY)
    assert "口头遗嘱已无效" in void.row.flags and void.status == "有效"
    written = register(wills_db, will(wills_office.town.zhang))
    with wills_db.transaction("危急情况消除") as s, pytest.raises(DomainError, match="只有口头遗嘱"):
        registry.mark_emergency_over(s, written.id, on=date(2024, 4, 1), today=TODAY)


def test_death_puts_the_will_on_the_today_list_until_viewers_are_notified(wills_db, wills_office) -> None:  # noqa: ANN001
    town = wills_office.town
    b = register(wills_db, will(town.zhang))
    with wills_db.transaction("启用") as s, pytest.raises(DomainError, match="在世"):
        registry.activate_will(s, b.id, on=TODAY, today=TODAY)
    with wills_db.reader() as s:
        assert build_today(s, TODAY).section("will_viewers").items == ()
    with wills_db.transaction("登记死亡", actor=wills_office.actors["worker_w"]) as s:
        residents.record_death(s, town.zhang, on_date=date(2025, 5, 20))
    with wills_db.reader() as s:
        items = build_today(s, TODAY).section("will_viewers").items
        assert "待通知查看人" in registry.load_detail(s, b.id, today=TODAY).row.flags
    assert len(items) == 1
    item = items[0]
    assert item.target == ("will", b.id) and item.name == "张立春" and item.days_overdue == 12
    assert b.number in item.text and "张伟" in item.text
    with wills_db.transaction("启用") as s:
        assert registry.activate_will(s, b.id, on=date(2025, 5, 21), today=TODAY).status == "已启用"
    with wills_db.reader() as s:
        assert len(build_today(s, TODAY).section("will_viewers").items) == 1  # activated, not yet notified
    with wills_db.transaction("已通知查看人") as s:
        done = registry.record_viewers_notified(s, b.id, on=date(2025, 5, 22), today=TODAY)
    assert done.viewers_notified_on == date(2025, 5, 22) and "待通知查看人" not in done.row.flags
    with wills_db.reader() as s:
        assert build_today(s, TODAY).section("will_viewers").items == ()
    with wills_db.transaction("修改") as s, pytest.raises(DomainError, match="已在立遗嘱人去世后启用"):
        registry.update_will(s, b.id, registry.will_input(s, b.id), expected_version=done.version, today=TODAY)


def test_viewing_is_audited_and_numbers_are_masked(wills_db, wills_office) -> None:  # noqa: ANN001
    b = register(wills_db, will(wills_office.town.zhang))
    with wills_db.transaction("查看遗嘱登记") as s:
        detail = registry.get_will(s, b.id, today=TODAY)
    assert detail.witnesses[0].id_number == mask(NEIGHBOUR_IDS[0]) and NEIGHBOUR_IDS[0] not in repr(detail)
    assert detail.executor_phone == "136****0003" and detail.persons[0].phone == "138****0002"
    with wills_db.transaction("查看完整身份证号") as s:
        full = registry.reveal_number(s, b.id, witness=True, position=1)
    assert full == NEIGHBOUR_IDS[1]
    with wills_db.reader() as s:
        events = s.execute(select(ChangeSet.kind, ChangeSet.action, ChangeSet.user_name, ChangeSet.detail)
                           .where(ChangeSet.kind.in_(("view", "reveal"))).order_by(ChangeSet.id)).all()
    assert [(e.kind, e.action, e.user_name) for e in events] == [
        ("view", f"查看遗嘱登记 {b.number}", "notary"),
        ("reveal", f"查看完整身份证号 {b.number} 见证人周丽华", "notary"),
    ]
    assert NEIGHBOUR_IDS[1] not in str(events[1].detail)


def test_a_masked_number_under_a_new_name_must_be_typed_again(wills_db, wills_office) -> None:  # noqa: ANN001
    b = register(wills_db, will(wills_office.town.zhang))
    with wills_db.transaction("修改遗嘱登记") as s:
        data = registry.will_input(s, b.id)
        data.witnesses[0].name = "孙明"
        found = registry.problems_by_field(s, data, will_id=b.id, today=TODAY)
    assert "重新完整填写" in found["witnesses[0].id_number"]
