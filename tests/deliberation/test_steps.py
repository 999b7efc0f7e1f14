"""The four steps in order: numbering, no skipping or repeating, dates, 不通过 ends the matter,
退回 sends it back with a reason, the 公示期 of step 4 and the confirmation after it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chang_shan.db.database import Database
from chang_shan.db.models.deliberation import DeliberationStep
from chang_shan.deliberation import matters, queries
from chang_shan.deliberation.shapes import MatterInput, StepInput
from chang_shan.errors import DomainError, ValidationError
from tests.deliberation.helpers import PROPOSED, TODAY, detail, new_matter, passed, record, through, vote


def _refused(db: Database, matter_id: int, data: StepInput, *, today: date = TODAY) -> ValidationError:
    version = detail(db, matter_id).version
    with pytest.raises(ValidationError) as caught, db.transaction("记录议事步骤") as s:
        matters.record_step(s, matter_id, version, data, today=today)
    return caught.value


def test_numbers_start_again_each_year(db: Database) -> None:
    ids = [new_matter(db, "停车收费", date(2025, 6, 1)), new_matter(db, "加装电梯", date(2025, 9, 1)),
           new_matter(db, "垃圾分类点设置", date(2026, 1, 3))]
    assert [detail(db, i).row.number for i in ids] == ["YS2025-001", "YS2025-002", "YS2026-001"]
    with db.reader() as s:
        assert queries.matter_choices(s) == [("YS2026-001", "YS2026-001 垃圾分类点设置"),
                                             ("YS2025-002", "YS2025-002 加装电梯"), ("YS2025-001", "YS2025-001 停车收费")]
        assert [r.number for r in queries.matters(s, year=2025)] == ["YS2025-002", "YS2025-001"]
        assert [r.title for r in queries.matters(s, text="电梯")] == ["加装电梯"]


def test_a_matter_needs_a_title_and_a_date_not_in_the_future(db: Database) -> None:
    with pytest.raises(ValidationError) as caught, db.transaction("新增议题") as s:
        matters.create_matter(s, MatterInput("", "", "", TODAY + timedelta(days=1)), today=TODAY)
    assert set(caught.value.errors) == {"title", "proposed_on"}


def test_the_four_steps_in_order_then_the_notice(db: Database) -> None:
    mid = new_matter(db)
    fresh = detail(db, mid)
    assert (fresh.row.status, fresh.next_step, fresh.next_step_name) == ("议事中", 1, "第一步 社区党委提议")
    after = through(db, mid, 4)
    assert after.row.status == "公示中" and after.row.step == 5 and after.next_step is None
    assert [(s.seq, s.step, s.outcome) for s in after.steps] == [(1, 1, "通过"), (2, 2, "通过"), (3, 3, "通过"), (4, 4, "通过")]
    assert after.steps[2].vote_text == "应到 30 人，实到 26 人；同意 21 票，反对 3 票，弃权 2 票"
    assert after.steps[2].quorum == 20
    assert after.row.notice_from == date(2026, 1, 31) and after.row.notice_to == date(2026, 2, 6)
    assert after.notice_number == "社区议〔2026〕1号" and after.resolution.startswith("更换3号楼")
    assert after.allowed == ("close_notice", "withdraw", "edit") and after.close_from == date(2026, 2, 7)


def test_no_step_can_be_skipped(db: Database) -> None:
    mid = new_matter(db)
    error = _refused(db, mid, passed(2, date(2026, 1, 10)))
    assert error.errors["step"] == "不能跳过步骤：下一步应是第一步 社区党委提议。"
    assert "第一步" in _refused(db, mid, vote(date(2026, 1, 10))).errors["step"]
    assert detail(db, mid).steps == ()


def test_a_passed_step_is_not_repeated(db: Database) -> None:
    mid = new_matter(db)
    through(db, mid, 2)
    error = _refused(db, mid, passed(2, date(2026, 1, 20)))
    assert error.errors["step"] == "第二步 社区“两委”商议已经通过，不能重复；下一步应是第三步 党员和居民代表审议。"


def test_dates_follow_each_other_and_not_the_future(db: Database) -> None:
    mid = new_matter(db)
    assert "不能早于提议日期（2026-01-05）" in _refused(db, mid, passed(1, PROPOSED - timedelta(days=1))).errors["held_on"]
    record(db, mid, passed(1, date(2026, 1, 10)))
    assert "不能早于上一步（第一步 社区党委提议）的日期（2026-01-10）" in \
        _refused(db, mid, passed(2, date(2026, 1, 9))).errors["held_on"]
    assert _refused(db, mid, passed(2, TODAY + timedelta(days=1))).errors["held_on"] == "召开日期不能晚于今天。"
    assert record(db, mid, passed(2, date(2026, 1, 10))).row.step == 3  # the same day is fine


def test_only_step_three_votes(db: Database) -> None:
    mid = new_matter(db)
    error = _refused(db, mid, passed(1, date(2026, 1, 10), votes_for=5))
    assert error.errors["votes_for"] == "只有第三步（党员和居民代表审议）进行表决。"


def test_not_passed_ends_the_matter(db: Database) -> None:
    mid = new_matter(db)
    through(db, mid, 2)
    assert _refused(db, mid, vote(date(2026, 1, 30), votes_for=8, against=15, abstain=3)).errors["reason"] == \
        "未通过须写明理由（议题将终止）。"
    ended = record(db, mid, vote(date(2026, 1, 30), votes_for=8, against=15, abstain=3, reason="多数居民不同意收费标准"))
    assert (ended.row.status, ended.row.closed_on, ended.steps[-1].outcome) == ("已终止", date(2026, 1, 30), "不通过")
    assert ended.close_reason == "第三步 党员和居民代表审议未通过：多数居民不同意收费标准"
    assert ended.allowed == () and ended.next_step is None
    with pytest.raises(DomainError, match="已终止，不能再记录议事步骤"), db.transaction("记录") as s:
        matters.record_step(s, mid, ended.version, passed(4, date(2026, 2, 1)), today=TODAY)


def test_sent_back_goes_to_the_earlier_step_with_a_reason(db: Database) -> None:
    mid = new_matter(db)
    through(db, mid, 2)
    no_reason = vote(date(2026, 1, 30), votes_for=10, against=14, abstain=2, back_to=2)
    assert _refused(db, mid, no_reason).errors["reason"] == "退回须写明理由。"
    back = record(db, mid, vote(date(2026, 1, 30), votes_for=10, against=14, abstain=2, back_to=2,
                                reason="收费标准过高，请两委重新测算"))
    assert (back.row.status, back.next_step, back.steps[-1].outcome) == ("议事中", 2, "退回")
    assert back.steps[-1].back_to_name == "第二步 社区“两委”商议"
    assert "不能跳过" in _refused(db, mid, vote(date(2026, 2, 5))).errors["step"]
    record(db, mid, passed(2, date(2026, 2, 6)))
    again = record(db, mid, vote(date(2026, 2, 13)))
    assert [(s.seq, s.step, s.outcome) for s in again.steps] == [
        (1, 1, "通过"), (2, 2, "通过"), (3, 3, "退回"), (4, 2, "通过"), (5, 3, "通过")]
    assert again.next_step == 4


def test_sending_back_needs_an_earlier_step(db: Database) -> None:
    mid = new_matter(db)
    through(db, mid, 1)
    assert "第 1 到第 1 步" in _refused(db, mid, passed(2, date(2026, 1, 20), outcome="退回", back_to=2,
                                                     reason="再议")).errors["back_to"]
    assert _refused(db, mid, passed(2, date(2026, 1, 20), back_to=1)).errors["back_to"] == "只有“退回”才选择退回到的步骤。"
    first = new_matter(db, "停车收费")
    assert "第一步没有可以退回的步骤" in _refused(db, first, passed(1, date(2026, 1, 20), outcome="退回", back_to=1,
                                                               reason="再议")).errors["back_to"]


def test_a_passing_vote_cannot_be_sent_back(db: Database) -> None:
    mid = new_matter(db)
    through(db, mid, 2)
    error = _refused(db, mid, vote(date(2026, 1, 30), outcome="退回", back_to=1, reason="再议"))
    assert "表决结果是“通过”，不能记为“退回”" in error.errors["outcome"]


@pytest.mark.parametrize(("days", "ok"), [(4, False), (5, True)])
def test_the_notice_lasts_at_least_five_days(db: Database, days: int, ok: bool) -> None:
    mid = new_matter(db)
    through(db, mid, 3)
    held = date(2026, 2, 1)
    data = passed(4, held, notice_from=held + timedelta(days=1), notice_to=held + timedelta(days=days))
    if ok:
        assert record(db, mid, data).row.status == "公示中"
    else:
        error = _refused(db, mid, data)
        assert error.errors["notice_to"] == "公示期至少 5 天（2026-02-02 起至少到 2026-02-06），现在是 4 天。"


def test_step_four_needs_the_resolution_and_a_notice_after_the_meeting(db: Database) -> None:
    mid = new_matter(db)
    through(db, mid, 3)
    held = date(2026, 2, 1)
    error = _refused(db, mid, passed(4, held, resolution=" ", notice_from=held - timedelta(days=1)))
    assert set(error.errors) == {"resolution", "notice_from"}
    error = _refused(db, mid, passed(4, held, notice_from=None, notice_to=None))
    assert error.errors["notice_from"] == "请填写公示期（起止日期）。"


def test_the_resolution_is_confirmed_only_after_the_notice_period(db: Database) -> None:
    mid = new_matter(db)
    published = through(db, mid, 4)  # notice 2026-01-31 … 2026-02-06
    for on in (date(2026, 2, 1), date(2026, 2, 6)):
        with pytest.raises(ValidationError) as caught, db.transaction("确认决议") as s:
            matters.close_notice(s, mid, published.version, on, today=on)
        assert caught.value.errors["on_date"] == "公示期到 2026-02-06 才结束，2026-02-07 起才能确认决议。"
    with pytest.raises(ValidationError, match="不能晚于今天"), db.transaction("确认决议") as s:
        matters.close_notice(s, mid, published.version, date(2026, 2, 8), today=date(2026, 2, 7))
    with db.transaction("确认决议") as s:
        matters.close_notice(s, mid, published.version, date(2026, 2, 7), today=date(2026, 2, 7))
    done = detail(db, mid)
    assert (done.row.status, done.row.closed_on, done.row.stage, done.allowed) == ("已决议", date(2026, 2, 7), "已决议", ())
    with pytest.raises(DomainError, match="没有正在公示的决议"), db.transaction("确认决议") as s:
        matters.close_notice(s, mid, done.version, date(2026, 2, 8), today=TODAY)


def test_a_stale_version_is_refused(db: Database) -> None:
    mid = new_matter(db)
    old = detail(db, mid).version
    record(db, mid, passed(1, date(2026, 1, 10)))
    with pytest.raises(DomainError, match="记录已被他人修改，请刷新后再试。"), db.transaction("记录") as s:
        matters.record_step(s, mid, old, passed(2, date(2026, 1, 12)), today=TODAY)


def test_withdraw_and_edit(db: Database) -> None:
    mid = new_matter(db)
    through(db, mid, 1)
    version = detail(db, mid).version
    with db.transaction("修改议题") as s:
        matters.update_matter(s, mid, version, MatterInput("燃气立管更新", "改为只换立管", "基础设施", PROPOSED), today=TODAY)
    with pytest.raises(ValidationError, match="不能晚于第一步召开的日期"), db.transaction("修改议题") as s:
        matters.update_matter(s, mid, version + 1, MatterInput("燃气立管更新", "", "", date(2026, 1, 11)), today=TODAY)
    with pytest.raises(ValidationError) as caught, db.transaction("撤回") as s:
        matters.withdraw(s, mid, version + 1, date(2026, 1, 11), "", today=TODAY)
    assert caught.value.errors == {"reason": "撤回须写明理由。"}
    with db.transaction("撤回") as s:
        matters.withdraw(s, mid, version + 1, date(2026, 1, 11), "燃气公司已统一安排更换", today=TODAY)
    gone = detail(db, mid)
    assert (gone.row.title, gone.row.status, gone.close_reason) == ("燃气立管更新", "已终止", "撤回：燃气公司已统一安排更换")


def test_recording_a_step_is_undone_with_the_matter(db: Database) -> None:
    from chang_shan.population import undo

    mid = new_matter(db)
    through(db, mid, 3)
    published = record(db, mid, passed(4, date(2026, 2, 1)))
    assert published.row.status == "公示中"
    with db.transaction("撤销") as s:
        assert undo.undo_last(s) == "记录议事步骤 4"
    back = detail(db, mid)
    assert (back.row.status, back.next_step, back.resolution, back.row.notice_to, len(back.steps)) == (
        "议事中", 4, "", None, 3)
    with db.reader() as s:
        assert s.query(DeliberationStep).filter_by(matter_id=mid, step=4).count() == 0
    assert record(db, mid, passed(4, date(2026, 2, 2))).row.status == "公示中"  # recorded again after the undo
