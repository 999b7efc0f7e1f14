"""``chang-shan check`` for the 居民健康库: codes that are in their tables, self-care totals that
add up, visits whose dates and blood-pressure pairs make sense.

``check`` runs without signing in and health data need ``Perm.HEALTH``: a problem names the
resident, the record's date and what is inconsistent, never a health value (no code, disease,
score or measurement).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlalchemy import String, and_, or_, select, type_coerce

from chang_shan.codes import CodeTable
from chang_shan.db.models import (
    HealthCondition, HealthFamilyHistory, HealthProfile, HealthSelfCare, HealthVisit, Resident,
)
from chang_shan.db.models.health import CONDITION_CATEGORIES, RELATIVES
from chang_shan.health import codes
from chang_shan.health.profiles import _MULTI, _SINGLE  # the profile form's own field → code table map
from chang_shan.maintenance.context import CheckContext, Problem

DISEASE = "疾病"  # the one 既往史 category with a disease code


def _table(name: str) -> CodeTable:
    return getattr(codes, name)()


def _code_list(raw: str | None) -> list[str] | None:
    """A stored multi-choice answer (JSON text) as its codes; None when it is not a list of codes."""
    try:
        value = json.loads(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        return None
    return value


def _multi_problem(table: CodeTable, label: str, chosen: list[str] | None, alone: bool) -> str | None:
    """What is wrong with a multi-choice answer, without saying what was chosen."""
    if chosen is None:
        return f"{label}不是代码列表"
    if any(code not in table for code in chosen):
        return f"{label}中有无效的代码"
    if alone and codes.NONE_CODE in chosen and len(set(chosen)) > 1:
        return f"{label}选了“{table.label(codes.NONE_CODE)}”，又选了其他项"
    return None


def _profile_problems(ctx: CheckContext) -> Iterator[Problem]:
    single = list(_SINGLE)
    multi = list(_MULTI)
    rows = ctx.session.execute(
        select(HealthProfile.resident_id, *(getattr(HealthProfile, f) for f in single),
               *(type_coerce(getattr(HealthProfile, f), String).label(f) for f in multi))
        .order_by(HealthProfile.resident_id)
    )
    for row in rows:
        wrong: list[str] = []
        for name, (table, label, optional) in _SINGLE.items():
            code = getattr(row, name)
            if not (optional and code == "") and code not in _table(table):
                wrong.append(f"{label}代码无效")
        for name, (table, label, alone) in _MULTI.items():
            found = _multi_problem(_table(table), label, _code_list(getattr(row, name)), alone)
            if found:
                wrong.append(found)
        if wrong:
            yield Problem("health_codes", f"{ctx.resident(row.resident_id)}：健康档案的" + "；".join(wrong) + "。",
                          "health_profile", row.resident_id)


def _condition_problems(ctx: CheckContext) -> Iterator[Problem]:
    disease = codes.disease()
    rows = ctx.session.execute(
        select(HealthCondition.id, HealthCondition.resident_id, HealthCondition.category, HealthCondition.code)
        .order_by(HealthCondition.resident_id, HealthCondition.id)
    )
    for row in rows:
        if row.category not in CONDITION_CATEGORIES:
            what = "类别无效（应为" + "、".join(CONDITION_CATEGORIES) + "之一）"
        elif row.category == DISEASE and row.code not in disease:
            what = "疾病代码无效"
        elif row.category == DISEASE and row.code == codes.NONE_CODE:
            what = "疾病是“无”（没有疾病时不应有这一条）"
        elif row.category != DISEASE and row.code:
            what = f"{row.category}记录带有疾病代码"
        else:
            continue
        yield Problem("health_codes", f"{ctx.resident(row.resident_id)}：一条既往史（#{row.id}）的{what}。",
                      "health_condition", row.id)


def _family_problems(ctx: CheckContext) -> Iterator[Problem]:
    table = codes.family_disease()
    chosen: dict[tuple[int, str], list[str]] = {}
    for resident_id, relative, code in ctx.session.execute(
        select(HealthFamilyHistory.resident_id, HealthFamilyHistory.relative, HealthFamilyHistory.code)
        .order_by(HealthFamilyHistory.resident_id, HealthFamilyHistory.relative)
    ):
        chosen.setdefault((resident_id, relative), []).append(code)
    for (resident_id, relative), picked in chosen.items():
        if relative not in RELATIVES:
            found: str | None = "家族史记录了" + "、".join(RELATIVES) + "以外的亲属"
        else:
            found = _multi_problem(table, f"家族史（{relative}）", picked, alone=True)
        if found:
            yield Problem("health_codes", f"{ctx.resident(resident_id)}：{found}。", "health_family_history", resident_id)


def check_health_codes(ctx: CheckContext) -> Iterator[Problem]:
    yield from _profile_problems(ctx)
    yield from _condition_problems(ctx)
    yield from _family_problems(ctx)


def check_self_care(ctx: CheckContext) -> Iterator[Problem]:
    fields = [field for field, _item, _choices in codes.SELF_CARE_ITEMS]
    rows = ctx.session.execute(
        select(HealthSelfCare.id, HealthSelfCare.resident_id, HealthSelfCare.assessed_on, HealthSelfCare.total,
               *(getattr(HealthSelfCare, f) for f in fields))
        .order_by(HealthSelfCare.resident_id, HealthSelfCare.id)
    )
    for row in rows:
        wrong = [f"{item}的评分不是表中的分值" for field, item, choices in codes.SELF_CARE_ITEMS
                 if getattr(row, field) not in {score for score, _text in choices}]
        scores = [getattr(row, f) for f in fields]
        if None in scores or row.total != sum(scores):
            wrong.append("总分与各项评分之和不符")
        if wrong:
            what = f"{row.assessed_on:%Y-%m-%d} 的生活自理能力评估，" + "；".join(wrong)
            yield Problem("self_care", f"{ctx.resident(row.resident_id)}：{what}。", "health_self_care", row.id)


def _visit_problems(row) -> list[str]:  # noqa: ANN001 - a Row
    visited_on = row.visited_on
    wrong = []
    if row.next_due_on is not None and row.next_due_on <= visited_on:
        wrong.append("下次随访日期不晚于随访日期")
    if (row.systolic is None) != (row.diastolic is None):
        wrong.append("血压只填了收缩压、舒张压中的一项")
    elif row.systolic is not None and row.diastolic >= row.systolic:
        wrong.append("舒张压不低于收缩压")
    if row.birth_date is not None and visited_on < row.birth_date:
        wrong.append("随访日期早于出生日期")
    if row.status == "已故" and row.died_on is not None and visited_on > row.died_on:
        wrong.append("随访日期晚于死亡日期")
    if row.status == "已迁出" and row.moved_out_on is not None and visited_on > row.moved_out_on:
        wrong.append("随访日期晚于迁出日期")
    return wrong


def check_visits(ctx: CheckContext) -> Iterator[Problem]:
    v = HealthVisit
    rows = ctx.session.execute(
        select(v.id, v.resident_id, v.visited_on, v.next_due_on, v.systolic, v.diastolic, Resident.birth_date,
               Resident.status, Resident.died_on, Resident.moved_out_on)
        .join(Resident, Resident.id == v.resident_id)
        .where(or_(
            v.next_due_on <= v.visited_on,
            and_(v.systolic.is_(None), v.diastolic.is_not(None)),
            and_(v.systolic.is_not(None), v.diastolic.is_(None)),
            v.diastolic >= v.systolic,
            v.visited_on < Resident.birth_date,
            and_(Resident.status == "已故", v.visited_on > Resident.died_on),
            and_(Resident.status == "已迁出", v.visited_on > Resident.moved_out_on),
        ))
        .order_by(v.resident_id, v.visited_on, v.id)
    )
    for row in rows:
        wrong = _visit_problems(row)
        if wrong:
            yield Problem(
                "visits",
                f"{ctx.resident(row.resident_id)}：{row.visited_on:%Y-%m-%d} 的随访记录，" + "；".join(wrong) + "。",
                "health_visit", row.id,
            )
