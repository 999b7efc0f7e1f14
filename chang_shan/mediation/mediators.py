"""The members of the 人民调解委员会 (主任, 副主任, 委员, 调解员): appointed from a day, their term
ended on a day. ``Perm.EDIT`` over the whole community (a 网格员 cannot appoint mediators)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.models import Resident
from chang_shan.db.models.mediation import MEDIATOR_ROLES, MediationCaseMediator, Mediator
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.population import access
from chang_shan.population.idnumber import mask_phone
from chang_shan.population.residents import validate_phone
from chang_shan.population.text import clean_name
from chang_shan.mediation.shapes import MediatorRow


def add_mediator(session: Session, *, name: str = "", role: str = "调解员", start_on: date,
                 resident_id: int | None = None, phone: str = "", today: date | None = None) -> int:
    """Appoint a mediator (a resident: the name and phone come from the 万家数据库 when not given)."""
    access.require_all_grids(session, Perm.EDIT, what="任命人民调解员")
    today = today or date.today()
    problems: dict[str, str] = {}
    if resident_id is not None:
        resident = session.get(Resident, resident_id)
        if resident is None:
            raise NotFound("该居民不存在。")
        name = name or resident.name
        phone = phone or resident.phone
    name = clean_name(name)
    if not name:
        problems["name"] = "请填写调解员姓名。"
    elif len(name) > 50:
        problems["name"] = "姓名最多 50 个字。"
    if role not in MEDIATOR_ROLES:
        problems["role"] = "职务只能是：" + "、".join(MEDIATOR_ROLES) + "。"
    if start_on > today:
        problems["start_on"] = "任职日期不能晚于今天。"
    clean_phone, phone_problem = validate_phone(phone or "")
    if phone_problem:
        problems["phone"] = phone_problem
    if problems:
        raise ValidationError(problems)
    mediator = Mediator(resident_id=resident_id, name=name, role=role, phone=clean_phone, start_on=start_on)
    session.add(mediator)
    session.flush()
    return mediator.id


def end_mediator(session: Session, mediator_id: int, end_on: date, *, today: date | None = None) -> None:
    """The mediator's term ended on ``end_on`` (the cases they mediated keep them)."""
    access.require_all_grids(session, Perm.EDIT, what="调整人民调解员")
    mediator = session.get(Mediator, mediator_id)
    if mediator is None:
        raise NotFound("该调解员不存在。")
    if mediator.end_on is not None:
        raise DomainError(f"{mediator.name}已于 {mediator.end_on:%Y-%m-%d} 离任。")
    if end_on > (today or date.today()):
        raise ValidationError({"end_on": "离任日期不能晚于今天。"})
    if end_on < mediator.start_on:
        raise ValidationError({"end_on": f"离任日期不能早于任职日期（{mediator.start_on:%Y-%m-%d}）。"})
    mediator.end_on = end_on
    session.flush()


def serving(mediator: Mediator, on: date) -> bool:
    return mediator.start_on <= on and (mediator.end_on is None or mediator.end_on >= on)


def mediators(session: Session, *, active_on: date | None = None) -> list[MediatorRow]:
    """The committee's members (``active_on``: only those serving that day), 主任 first."""
    require(session, Perm.VIEW)
    counts = (select(MediationCaseMediator.mediator_id, func.count().label("n"))
              .group_by(MediationCaseMediator.mediator_id).subquery())
    query = select(Mediator, counts.c.n).outerjoin(counts, counts.c.mediator_id == Mediator.id)
    if active_on is not None:
        query = query.where(Mediator.start_on <= active_on,
                            (Mediator.end_on.is_(None)) | (Mediator.end_on >= active_on))
    rows = session.execute(query).all()
    on = active_on or date.today()
    found = [MediatorRow(m.id, m.name, m.role, m.resident_id, mask_phone(m.phone), m.start_on, m.end_on,
                         serving(m, on), n or 0) for m, n in rows]
    return sorted(found, key=lambda r: (not r.active, MEDIATOR_ROLES.index(r.role), r.start_on, r.id))
