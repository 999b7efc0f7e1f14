"""老年人生活自理能力评估: record an assessment (five item scores, the total and its level) and
read a resident's assessments.

Reading needs ``Perm.HEALTH``, recording also ``Perm.EDIT``; a 网格员 reaches only the residents
of their grids. Each score must be one the form offers for its item (``codes.SELF_CARE_ITEMS``);
the total is their sum and the level follows from it (``codes.self_care_level``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.db.models.health import HealthSelfCare
from chang_shan.errors import ValidationError
from chang_shan.health import codes
from chang_shan.health.checks import check_date, clean_field, column_limit, resident_to_read, resident_to_write
from chang_shan.health.shapes import SelfCareDetail, SelfCareInput

ITEM_FIELDS = tuple(field for field, _item, _choices in codes.SELF_CARE_ITEMS)


def _detail(row: HealthSelfCare) -> SelfCareDetail:
    return SelfCareDetail(
        id=row.id, resident_id=row.resident_id, assessed_on=row.assessed_on, eating=row.eating,
        grooming=row.grooming, dressing=row.dressing, toileting=row.toileting, activity=row.activity,
        total=row.total, level=codes.self_care_level(row.total), assessor=row.assessor, note=row.note,
    )


def _validate(data: SelfCareInput, *, today: date, birth: date | None) -> SelfCareInput:
    errors: dict[str, str] = {}
    scores: dict[str, int] = {}
    for field, item, choices in codes.SELF_CARE_ITEMS:
        allowed = [score for score, _text in choices]
        value = getattr(data, field)
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            errors[field] = f"{item}的评分只能是 " + "、".join(map(str, allowed)) + " 之一。"
        scores[field] = value
    assessed_on = data.assessed_on or today
    check_date(errors, "assessed_on", "评估日期", assessed_on, today=today, birth=birth)
    assessor = clean_field(errors, "assessor", "评估人", data.assessor, column_limit(HealthSelfCare, "assessor"))
    note = clean_field(errors, "note", "备注", data.note, column_limit(HealthSelfCare, "note"))
    if errors:
        raise ValidationError(errors)
    return SelfCareInput(assessed_on=assessed_on, assessor=assessor, note=note, **scores)


def record_self_care(
    session: Session, resident_id: int, data: SelfCareInput, *, today: date | None = None,
) -> SelfCareDetail:
    """A new assessment (``assessed_on`` None: ``today``, by default the real today)."""
    person = resident_to_write(session, resident_id, what="健康档案")
    clean = _validate(data, today=today or date.today(), birth=person.birth_date)
    scores = {field: getattr(clean, field) for field in ITEM_FIELDS}
    row = HealthSelfCare(resident_id=resident_id, assessed_on=clean.assessed_on, total=sum(scores.values()),
                         assessor=clean.assessor, note=clean.note, **scores)
    session.add(row)
    session.flush()
    return _detail(row)


def _newest_first(resident_id: int):  # noqa: ANN202 - a Select
    return (select(HealthSelfCare).where(HealthSelfCare.resident_id == resident_id)
            .order_by(HealthSelfCare.assessed_on.desc(), HealthSelfCare.id.desc()))


def self_care_history(session: Session, resident_id: int) -> list[SelfCareDetail]:
    """Every assessment of the resident, newest first."""
    resident_to_read(session, resident_id)
    return [_detail(row) for row in session.scalars(_newest_first(resident_id))]


def latest_self_care(session: Session, resident_id: int) -> SelfCareDetail | None:
    """The newest assessment, or None when the resident was never assessed."""
    resident_to_read(session, resident_id)
    row = session.scalars(_newest_first(resident_id).limit(1)).first()
    return _detail(row) if row is not None else None
