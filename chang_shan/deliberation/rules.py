"""The rules of the 四步议事工作法 the services enforce, as pure functions.

- The steps are held in order: 1 社区党委提议 → 2 社区“两委”商议 → 3 党员和居民代表审议 →
  4 社区公示决议. Only the matter's next step can be recorded (no skipping, no repeating a step that
  passed); a step is not held before the previous holding, nor in the future.
- Step 3 is decided by the vote of the 党员和居民代表: the meeting is valid when at least two thirds
  of those expected are present (实到 ≥ ⌈2/3 · 应到⌉); for + against + abstain never exceed those
  present; the matter passes when more than half of those present vote for it (同意 > 实到 / 2).
  The outcome is computed; an outcome contradicting the vote is refused.
- 不通过 ends the matter (已终止) and needs a reason; 退回 sends it back to an earlier step (reason
  required), which is held again next.
- Step 4 (通过) publishes the resolution for at least ``MIN_NOTICE_DAYS`` days (both ends counted):
  the matter is 公示中 until the notice period has ended, then it is confirmed (已决议).
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from chang_shan.db.models.deliberation import STEP_OUTCOMES
from chang_shan.deliberation.shapes import StepInput, VoteResult, step_name

MIN_NOTICE_DAYS = 5
VOTING_STEP = 3
PUBLISHING_STEP = 4


def quorum(expected: int) -> int:
    """实到 needed for a valid vote: at least two thirds of 应到, rounded up."""
    return math.ceil(2 * expected / 3)


def count_vote(expected: int | None, present: int | None, votes_for: int, votes_against: int,
               votes_abstain: int) -> VoteResult:
    """The vote of step 3 counted (see the module docstring)."""
    problems: dict[str, str] = {}
    if expected is None or expected <= 0:
        problems["expected"] = "第三步须填写应到人数（党员和居民代表）。"
        return VoteResult(0, "", problems)
    need = quorum(expected)
    if present is None:
        problems["present"] = "第三步须填写实到人数。"
        return VoteResult(need, "", problems)
    if present < 0 or present > expected:
        problems["present"] = f"实到人数应在 0 到应到人数 {expected} 之间。"
    elif present < need:
        problems["present"] = (f"实到 {present} 人，不足应到 {expected} 人的三分之二（至少 {need} 人），"
                               "会议不能表决，请另行召集。")
    votes = (votes_for, votes_against, votes_abstain)
    if any(v is None or v < 0 for v in votes):
        problems["votes_for"] = "票数不能为负数。"
    elif sum(votes) > present:
        problems["votes_for"] = (f"同意、反对、弃权共 {sum(votes)} 票，多于实到人数 {present} 人。")
    if problems:
        return VoteResult(need, "", problems)
    return VoteResult(need, "通过" if 2 * votes_for > present else "不通过", problems)


def _date_problems(data: StepInput, *, after: date, after_text: str, today: date) -> dict[str, str]:
    if data.held_on is None:
        return {"held_on": "请填写召开日期。"}
    if data.held_on > today:
        return {"held_on": "召开日期不能晚于今天。"}
    if data.held_on < after:
        return {"held_on": f"召开日期不能早于{after_text}（{after:%Y-%m-%d}）。"}
    return {}


def step_problems(data: StepInput, *, next_step: int, after: date, after_text: str,
                  today: date) -> tuple[str, dict[str, str]]:
    """(outcome, problems): the outcome the step will be recorded with and what is wrong with
    ``data`` as the holding of the matter's ``next_step``, held no earlier than ``after``."""
    if data.step != next_step:
        if data.step in (1, 2, 3, 4) and data.step < next_step:
            message = (f"{step_name(data.step)}已经通过，不能重复；下一步应是{step_name(next_step)}。")
        else:
            message = f"不能跳过步骤：下一步应是{step_name(next_step)}。"
        return "", {"step": message}
    problems = _date_problems(data, after=after, after_text=after_text, today=today)
    outcome = data.outcome
    if outcome and outcome not in STEP_OUTCOMES:
        problems["outcome"] = "结果只能是：" + "、".join(STEP_OUTCOMES) + "。"
        return "", problems
    if data.step == VOTING_STEP:
        vote = count_vote(data.expected, data.present, data.votes_for, data.votes_against, data.votes_abstain)
        problems.update(vote.problems)
        if vote.outcome:
            if vote.outcome == "通过" and outcome in ("不通过", "退回"):
                problems["outcome"] = (f"同意 {data.votes_for} 票，超过实到人数 {data.present} 人的半数，表决结果是“通过”，"
                                       f"不能记为“{outcome}”。")
            elif vote.outcome == "不通过" and outcome == "通过":
                problems["outcome"] = (f"同意 {data.votes_for} 票，未超过实到人数 {data.present} 人的半数，"
                                       "表决结果是“不通过”，不能记为“通过”。")
            elif not outcome:
                outcome = "退回" if vote.outcome == "不通过" and data.back_to else vote.outcome
    else:
        if data.votes_for or data.votes_against or data.votes_abstain:
            problems["votes_for"] = "只有第三步（党员和居民代表审议）进行表决。"
        if data.expected is not None and data.expected < 0 or data.present is not None and data.present < 0:
            problems["present"] = "人数不能为负数。"
        elif data.expected is not None and data.present is not None and data.present > data.expected:
            problems["present"] = f"实到人数不能多于应到人数 {data.expected}。"
        if not outcome:
            problems["outcome"] = "请选择这一步的结果：通过、不通过或退回。"
    if outcome == "退回":
        if data.back_to is None or not 1 <= data.back_to < data.step:
            problems["back_to"] = f"退回须选择之前的步骤（第 1 到第 {data.step - 1} 步）。" if data.step > 1 else \
                "第一步没有可以退回的步骤：不同意的请记为“不通过”。"
        if not data.reason.strip():
            problems["reason"] = "退回须写明理由。"
    elif data.back_to is not None:
        problems["back_to"] = "只有“退回”才选择退回到的步骤。"
    if outcome == "不通过" and not data.reason.strip():
        problems["reason"] = "未通过须写明理由（议题将终止）。"
    if data.step == PUBLISHING_STEP and outcome == "通过":
        problems.update(notice_problems(data))
    return outcome, problems


def notice_problems(data: StepInput) -> dict[str, str]:
    """Step 4 passed: the resolution and a notice period of at least ``MIN_NOTICE_DAYS`` days that
    starts on or after the day of the step."""
    problems: dict[str, str] = {}
    if not data.resolution.strip():
        problems["resolution"] = "第四步须填写决议内容（将在公示中发布）。"
    if data.notice_from is None or data.notice_to is None:
        problems["notice_from"] = "请填写公示期（起止日期）。"
        return problems
    if data.held_on is not None and data.notice_from < data.held_on:
        problems["notice_from"] = f"公示不能早于决议日期（{data.held_on:%Y-%m-%d}）开始。"
    days = (data.notice_to - data.notice_from).days + 1
    if days < MIN_NOTICE_DAYS:
        problems["notice_to"] = (f"公示期至少 {MIN_NOTICE_DAYS} 天（{data.notice_from:%Y-%m-%d} 起至少到 "
                                 f"{data.notice_from + timedelta(days=MIN_NOTICE_DAYS - 1):%Y-%m-%d}），现在是 {days} 天。")
    return problems
