"""议事决议公示 (GB/T 9704 layout, read back with pdftotext -bbox) and 四步议事记录: the resolution,
every holding with its date and vote, the notice period, the hotline, rare characters, refusals."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from chang_shan.db.database import Database
from chang_shan.errors import DomainError, NotFound, PermissionDenied
from chang_shan.reports import deliberation_notice, deliberation_record, formal, registry
from tests.exports.people import RARE_NAME, Town, as_user, events
from tests.reports.governance_data import MINUTES_3, RESOLUTION, add_matter, flat, lines, out, town  # noqa: F401 - fixtures
from tests.reports.test_formal import BOTTOM, LEFT, RIGHT, TOLERANCE, TOP, ems, words
from tests.reports.test_roster import pdffonts, pdftotext

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def test_notice_says_resolution_steps_votes_period_and_hotline(db: Database, town: Town, tmp_path: Path) -> None:
    add_matter(db)
    out = tmp_path / "notice.pdf"
    result = deliberation_notice.build(db, out, matter="YS2026-003")
    assert result.path == out and result.scope == "YS2026-003"
    text = flat(out)
    assert "长山社区关于燃气管道更新的公示" in text
    assert "全体居民：" in text
    assert "".join(RESOLUTION.split()) in text
    # every holding, in order, with its date; the vote of both step-3 holdings
    for held in ("2026年3月2日", "2026年3月9日", "2026年3月16日", "2026年3月23日", "2026年3月30日", "2026年4月1日"):
        assert held in text
    assert "应到40人，实到30人，同意14票，反对10票，弃权6票，结果：退回第二步重新议事（理由：费用分担方案需细化）" in text
    assert "应到40人，实到35人，同意30票，反对3票，弃权2票，结果：通过" in text
    assert text.index("3月16日") < text.index("3月23日") < text.index("3月30日")
    assert "公示期自2026年4月1日起至2026年4月7日止，共7天。" in text
    assert "0431-85550110" in text and "特此公示。" in text
    # the 落款 closes the text; the date defaults to the notice period's first day
    assert text.endswith(f"特此公示。长山社区2026年4月1日—{result.pages}—")
    assert RARE_NAME in pdftotext(out) and result.missing_characters == ""
    for row in pdffonts(out):
        assert row[-5] == "yes", row
    [event] = events(db, "print")
    assert event.detail["report"] == "deliberation_notice" and event.detail["matter"] == "YS2026-003"


def test_notice_geometry_is_gbt_9704(db: Database, town: Town, tmp_path: Path) -> None:
    add_matter(db)
    out = tmp_path / "notice.pdf"
    result = deliberation_notice.build(db, out, matter="YS2026-003", date=date(2026, 4, 2))
    assert result.pages >= 2  # the six holdings run the notice onto a second page
    body = [w for n in range(1, result.pages + 1) for w in words(out, n) if w[1] < BOTTOM]
    assert min(w[0] for w in body) == pytest.approx(LEFT, abs=TOLERANCE)
    assert max(w[2] for w in body) == pytest.approx(RIGHT, abs=TOLERANCE)
    first = [w for w in words(out, 1) if w[1] < BOTTOM]
    assert min(w[1] for w in first) == pytest.approx(TOP, abs=TOLERANCE)  # the title's top on the block's top
    tops = {round((w[1] - TOP) / formal.PITCH, 2) for w in first
            if w[3] - w[1] == pytest.approx(formal.BODY_SIZE, abs=0.5)}
    assert all(t == int(t) and 0 <= t < formal.LINES for t in tops)  # every body line on the 22-line grid
    assert all(ems(w[4]) <= formal.CHARS for w in body)
    marks = [w for w in words(out, 1) if w[1] > BOTTOM]
    assert "".join(w[4] for w in marks) == "—1—"  # GB/T 9704 page number, not "第 1 页"
    last = words(out, result.pages)
    signer = next(w for w in last if w[4] == "长山社区")
    day = next(w for w in last if w[4] == "2026年4月2日")
    assert day[1] > signer[1] and day[0] == pytest.approx(signer[0] + 2 * formal.CHAR_PITCH, abs=TOLERANCE)


def test_notice_refused_before_step_four(db: Database, town: Town, tmp_path: Path) -> None:
    add_matter(db, number="YS2026-004", title="停车收费", published=False)
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "notice.pdf"
    with pytest.raises(DomainError, match=r"YS2026-004（停车收费）尚未经第四步.*议事中.*社区公示决议"):
        deliberation_notice.build(db, out, matter="YS2026-004")
    with pytest.raises(NotFound, match="没有编号为 YS2026-999 的议题"):
        deliberation_notice.build(db, out, matter="YS2026-999")
    with pytest.raises(NotFound, match="请指定议题编号"):
        deliberation_notice.build(db, out)
    assert list(out.parent.iterdir()) == [] and events(db, "print") == []


def test_record_has_every_holding_and_the_minutes_in_full(db: Database, town: Town, tmp_path: Path) -> None:
    add_matter(db)
    out = tmp_path / "record.pdf"
    result = registry.run(db, "deliberation_record", out, options={"matter": "ys2026-003"})
    assert result.rows == 6 and result.unit == "次"
    text = flat(out)
    assert "长山社区" in text and "四步议事记录" in text and "议题编号：YS2026-003" in text
    for seq, step in ((1, 1), (2, 2), (3, 3), (4, 2), (5, 3), (6, 4)):
        assert f"第{seq}次第{step}步" in text
    rows = lines(out)
    assert "应到40人实到30人同意14票反对10票弃权6票" in rows and "应到40人实到35人同意30票反对3票弃权2票" in rows
    assert "退回第二步" in text and "费用分担方案需细化" in text
    assert MINUTES_3 in text.replace("会议记录", "")  # never cut with "…" (the label sits beside the lines)
    assert "".join(RESOLUTION.split()) in text and "2026年4月1日至2026年4月7日" in text
    assert RARE_NAME in pdftotext(out)
    assert "第 1 页 共" in pdftotext(out)


def test_record_of_a_matter_not_yet_deliberated(db: Database, town: Town, tmp_path: Path) -> None:
    with db.transaction("议题") as s:
        from chang_shan.db.models.deliberation import DeliberationMatter

        s.add(DeliberationMatter(number="YS2026-005", title="垃圾分类点设置", proposed_on=date(2026, 5, 1)))
    out = tmp_path / "record.pdf"
    result = deliberation_record.build(db, out, matter="YS2026-005")
    assert result.rows == 0
    text = flat(out)
    assert "尚未议事；下一步：第一步社区党委提议" in text and "（尚未形成决议）" in text


def test_reader_may_print_a_notice_but_no_one_signed_out(db: Database, town: Town, tmp_path: Path) -> None:
    add_matter(db)
    as_user(db, "reader")
    deliberation_notice.build(db, tmp_path / "n.pdf", matter="YS2026-003")
    assert (tmp_path / "n.pdf").exists()
    db.actor = None
    with pytest.raises(PermissionDenied):
        deliberation_record.build(db, tmp_path / "r.pdf", matter="YS2026-003")
    assert not (tmp_path / "r.pdf").exists()
