"""Writing the 四步议事 ledger: propose a matter, record its steps, confirm the resolution after
the 公示期, withdraw it. The rules are in ``deliberation.rules``.

Matters are the community's, not a resident's: ``Perm.EDIT`` writes them (a 网格员 too, as the
grid's voice in the 两委), ``Perm.VIEW`` reads them. Callers pass the ``version`` they read; a
stale one is refused. Each recorded step is a new row (the record keeps every round); the change
journal undoes a recorded step together with the matter's move.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, actor_of, require
from chang_shan.db.models.deliberation import DeliberationMatter, DeliberationStep
from chang_shan.deliberation import rules
from chang_shan.db.numbering import yearly_number
from chang_shan.deliberation.shapes import DONE, MatterInput, StepInput, step_name
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.population.text import clean_note, clean_text

STALE = "记录已被他人修改，请刷新后再试。"
LIMITS = {"title": 100, "category": 20, "place": 100, "host": 50, "reason": 300, "notice_number": 30}


def _matter(session: Session, matter_id: int, version: int | None = None) -> DeliberationMatter:
    matter = session.get(DeliberationMatter, matter_id)
    if matter is None:
        raise NotFound("该议题不存在。")
    if version is not None and matter.version != version:
        raise DomainError(STALE)
    return matter


def _user(session: Session) -> str:
    actor = actor_of(session)
    return actor.username if actor else ""


def _too_long(values: dict[str, str], labels: dict[str, str]) -> dict[str, str]:
    return {key: f"{labels[key]}最多 {LIMITS[key]} 个字，现在是 {len(value)} 个。"
            for key, value in values.items() if key in LIMITS and len(value) > LIMITS[key]}


def _clean_matter(data: MatterInput, *, today: date, first_step_on: date | None = None) -> MatterInput:
    clean = MatterInput(clean_text(data.title), clean_note(data.background), clean_text(data.category),
                        data.proposed_on)
    problems: dict[str, str] = {}
    if not clean.title:
        problems["title"] = "请填写议题名称。"
    if clean.proposed_on is None:
        problems["proposed_on"] = "请填写提议日期。"
    elif clean.proposed_on > today:
        problems["proposed_on"] = "提议日期不能晚于今天。"
    elif first_step_on is not None and clean.proposed_on > first_step_on:
        problems["proposed_on"] = f"提议日期不能晚于第一步召开的日期（{first_step_on:%Y-%m-%d}）。"
    problems.update(_too_long({"title": clean.title, "category": clean.category},
                              {"title": "议题名称", "category": "类别"}))
    if problems:
        raise ValidationError(problems)
    return clean


def create_matter(session: Session, data: MatterInput, *, today: date | None = None) -> int:
    """A new matter (议事中, next step 1), numbered 'YS<year proposed>-<seq>'. Returns its id."""
    require(session, Perm.EDIT)
    clean = _clean_matter(data, today=today or date.today())
    assert clean.proposed_on is not None
    matter = DeliberationMatter(
        number=yearly_number(session, DeliberationMatter.number, "YS", clean.proposed_on.year, width=3),
        title=clean.title, background=clean.background, category=clean.category, proposed_on=clean.proposed_on,
        step=1, status="议事中", created_by=_user(session),
    )
    session.add(matter)
    session.flush()
    return matter.id


def update_matter(session: Session, matter_id: int, version: int, data: MatterInput, *,
                  today: date | None = None) -> None:
    """Correct the title, background, category or date proposed (not once decided or ended)."""
    require(session, Perm.EDIT)
    matter = _matter(session, matter_id, version)
    if matter.status in ("已决议", "已终止"):
        raise DomainError(f"{matter.number} {matter.status}，不能再修改。")
    first = session.scalar(select(func.min(DeliberationStep.held_on)).where(DeliberationStep.matter_id == matter.id))
    clean = _clean_matter(data, today=today or date.today(), first_step_on=first)
    assert clean.proposed_on is not None
    if clean.proposed_on.year != matter.proposed_on.year:
        raise ValidationError({"proposed_on": f"议题编号 {matter.number} 按提议年份编排，不能改到另一年。"})
    matter.title, matter.background, matter.category, matter.proposed_on = (
        clean.title, clean.background, clean.category, clean.proposed_on)
    session.flush()


def _last_step(session: Session, matter_id: int) -> DeliberationStep | None:
    return session.scalar(select(DeliberationStep).where(DeliberationStep.matter_id == matter_id)
                          .order_by(DeliberationStep.seq.desc()).limit(1))


def _notice_number(session: Session, year: int) -> str:
    from chang_shan.settings import get_setting

    name = str(get_setting(session, "office.community_name") or "").strip() or "社区"
    with session.no_autoflush:
        published = session.scalar(select(func.count()).select_from(DeliberationMatter).where(
            DeliberationMatter.notice_from >= date(year, 1, 1), DeliberationMatter.notice_from <= date(year, 12, 31))) or 0
    return f"{name}议〔{year}〕{published + 1}号"


def check_step(session: Session, matter_id: int, data: StepInput, *, today: date | None = None) -> tuple[str, dict[str, str]]:
    """(outcome, problems) of ``data`` as the matter's next step, without writing: the dialog's
    live check (step 3: the outcome the vote gives)."""
    require(session, Perm.VIEW)
    matter = _matter(session, matter_id)
    return _step_problems(session, matter, data, today=today or date.today())


def _step_problems(session: Session, matter: DeliberationMatter, data: StepInput, *,
                   today: date) -> tuple[str, dict[str, str]]:
    if matter.status != "议事中":
        raise DomainError(f"{matter.number} {matter.status}，不能再记录议事步骤。")
    last = _last_step(session, matter.id)
    after, after_text = (last.held_on, f"上一步（{step_name(last.step)}）的日期") if last else \
        (matter.proposed_on, "提议日期")
    outcome, problems = rules.step_problems(data, next_step=matter.step, after=after, after_text=after_text,
                                            today=today)
    texts = {"place": clean_text(data.place), "host": clean_text(data.host), "reason": clean_text(data.reason),
             "notice_number": clean_text(data.notice_number)}
    problems.update(_too_long(texts, {"place": "地点", "host": "主持人", "reason": "理由", "notice_number": "发文字号"}))
    return outcome, problems


def record_step(session: Session, matter_id: int, version: int, data: StepInput, *,
                today: date | None = None) -> int:
    """Record the matter's next step (see ``rules``). 通过 moves the matter to the following step
    (step 4: 公示中 with the resolution and the 公示期); 不通过 ends it (已终止, with the reason);
    退回 sends it back to ``back_to``. Returns the step row's id."""
    require(session, Perm.EDIT)
    today = today or date.today()
    matter = _matter(session, matter_id, version)
    outcome, problems = _step_problems(session, matter, data, today=today)
    if problems:
        raise ValidationError(problems)
    assert data.held_on is not None
    last = _last_step(session, matter.id)
    row = DeliberationStep(
        matter_id=matter.id, seq=(last.seq + 1) if last else 1, step=data.step, held_on=data.held_on,
        place=clean_text(data.place), host=clean_text(data.host), participants=clean_note(data.participants),
        expected=data.expected, present=data.present, votes_for=data.votes_for or 0,
        votes_against=data.votes_against or 0, votes_abstain=data.votes_abstain or 0,
        minutes=clean_note(data.minutes), outcome=outcome, back_to=data.back_to if outcome == "退回" else None,
        reason=clean_text(data.reason), recorded_by=_user(session),
    )
    session.add(row)
    if outcome == "通过":
        matter.step = data.step + 1
        if data.step == rules.PUBLISHING_STEP:
            assert data.notice_from is not None
            number = clean_text(data.notice_number) or _notice_number(session, data.notice_from.year)
            matter.status = "公示中"
            matter.resolution = clean_note(data.resolution)
            matter.notice_from, matter.notice_to, matter.notice_number = data.notice_from, data.notice_to, number
    elif outcome == "退回":
        matter.step = data.back_to
    else:
        matter.status, matter.closed_on = "已终止", data.held_on
        matter.close_reason = f"{step_name(data.step)}未通过：{clean_text(data.reason)}"[:300]
    session.flush()
    return row.id


def close_notice(session: Session, matter_id: int, version: int, on_date: date, *,
                 today: date | None = None) -> None:
    """The 公示期 has ended without objections that stop it: the resolution stands (已决议) from
    ``on_date``, which must be after the last day of the notice."""
    require(session, Perm.EDIT)
    today = today or date.today()
    matter = _matter(session, matter_id, version)
    if matter.status != "公示中":
        raise DomainError(f"{matter.number} {matter.status}，没有正在公示的决议。")
    assert matter.notice_to is not None
    if on_date > today:
        raise ValidationError({"on_date": "确认日期不能晚于今天。"})
    if on_date <= matter.notice_to:
        first = matter.notice_to + timedelta(days=1)
        raise ValidationError({"on_date": f"公示期到 {matter.notice_to:%Y-%m-%d} 才结束，{first:%Y-%m-%d} 起才能确认决议。"})
    matter.status, matter.step, matter.closed_on = "已决议", DONE, on_date
    session.flush()


def withdraw(session: Session, matter_id: int, version: int, on_date: date, reason: str, *,
             today: date | None = None) -> None:
    """The matter is withdrawn (撤回) before it is decided: 已终止 with the reason."""
    require(session, Perm.EDIT)
    today = today or date.today()
    matter = _matter(session, matter_id, version)
    if matter.status not in ("议事中", "公示中"):
        raise DomainError(f"{matter.number} {matter.status}，不能撤回。")
    text = clean_text(reason)
    problems = {}
    if not text:
        problems["reason"] = "撤回须写明理由。"
    elif len(text) > 290:
        problems["reason"] = f"理由最多 290 个字，现在是 {len(text)} 个。"
    last = _last_step(session, matter.id)
    earliest = last.held_on if last else matter.proposed_on
    if on_date > today:
        problems["on_date"] = "撤回日期不能晚于今天。"
    elif on_date < earliest:
        problems["on_date"] = f"撤回日期不能早于 {earliest:%Y-%m-%d}。"
    if problems:
        raise ValidationError(problems)
    matter.status, matter.closed_on, matter.close_reason = "已终止", on_date, f"撤回：{text}"
    session.flush()
