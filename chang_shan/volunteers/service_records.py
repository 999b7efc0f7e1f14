"""Service records (志愿服务记录) as 志愿服务记录与证明出具办法 asks: who, when, where, what, and
the hours actually served — travel time to and from the place is not counted. A worker (or a
team leader, named as ``reported_by``) enters a record; it counts only once confirmed: then, and
only then, the points rule in force on the day served gives the volunteer exactly one ledger entry.
A returned record (已退回) can be corrected and goes back to 待确认."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.models import ServiceRequest
from chang_shan.db.models.volunteers import Volunteer, VolunteerPointEntry, VolunteerService, VolunteerTeam
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.health.checks import clean_field, column_limit
from chang_shan.population.text import clean_name, clean_note, clean_text
from chang_shan.volunteers import points, queries
from chang_shan.volunteers.registry import STALE
from chang_shan.volunteers.shapes import ServiceInput

TRAVEL_NOTE = "只计实际服务时间，不含往返路途时间"
HOURS_LABEL = "服务时长（小时，不含往返路途时间）"
MAX_HOURS = Decimal(24)
TENTH = Decimal("0.1")


def check_hours(raw: Decimal | str | int | float | None) -> Decimal:
    """The hours as entered ('1.5') → ``Decimal('1.5')``: more than 0, at most 24, one decimal;
    ``ValidationError({'hours': …})`` otherwise, every message saying travel time does not count."""
    text = str(raw).strip() if raw is not None else ""
    try:
        hours = Decimal(text.replace("，", ".").replace("。", "."))
    except InvalidOperation:
        hours = None
    if hours is None or not hours.is_finite():
        problem = "请填写服务时长（小时），如 1.5"
    elif hours <= 0:
        problem = "服务时长必须大于 0"
    elif hours > MAX_HOURS:
        problem = "一条服务记录的时长不能超过 24 小时"
    elif hours != hours.quantize(TENTH):
        problem = "服务时长最多保留一位小数，如 1.5"
    else:
        return hours.quantize(TENTH)
    raise ValidationError({"hours": f"{problem}（{TRAVEL_NOTE}）。"})


def _clean(session: Session, data: ServiceInput, *, today: date, current: VolunteerService | None) -> dict:
    errors: dict[str, str] = {}
    volunteer = session.get(Volunteer, data.volunteer_id)
    try:
        hours = check_hours(data.hours)
    except ValidationError as invalid:
        errors.update(invalid.errors)
        hours = None
    if data.served_on > today:
        errors["served_on"] = "服务日期不能晚于今天：服务完成后再登记。"
    elif volunteer is not None and data.served_on < volunteer.registered_on:
        errors["served_on"] = f"服务日期早于该志愿者的登记日期（{volunteer.registered_on:%Y-%m-%d}）。"
    elif volunteer is not None and volunteer.left_on is not None and data.served_on > volunteer.left_on:
        errors["served_on"] = f"该志愿者已于 {volunteer.left_on:%Y-%m-%d} 退出，之后的服务不能登记在其名下。"
    limit = column_limit(VolunteerService, "kind")
    kind = clean_field(errors, "kind", "服务类别", data.kind, limit, clean_text)
    if not kind and "kind" not in errors:
        errors["kind"] = "请选择服务类别。"
    elif "served_on" not in errors and kind and queries.rule_on(session, kind, data.served_on) is None:
        errors["kind"] = f"“{kind}”在 {data.served_on:%Y-%m-%d} 没有有效的积分规则：请选择其他类别，或先设置积分规则。"
    content = clean_field(errors, "content", "服务内容", data.content, column_limit(VolunteerService, "content"), clean_note)
    if not content and "content" not in errors:
        errors["content"] = "请填写服务内容，如 陪同王奶奶到医院复查。"
    place = clean_field(errors, "place", "服务地点", data.place, column_limit(VolunteerService, "place"), clean_text)
    if not place and "place" not in errors:
        errors["place"] = "请填写服务地点。"
    reported = clean_field(errors, "reported_by", "报送人", data.reported_by,
                           column_limit(VolunteerService, "reported_by"), clean_name)
    if data.team_id is not None:
        team = session.get(VolunteerTeam, data.team_id)
        if team is None:
            errors["team_id"] = "该服务队不存在。"
        elif team.dissolved_on is not None and data.served_on > team.dissolved_on:
            errors["team_id"] = f"{team.name}已于 {team.dissolved_on:%Y-%m-%d} 撤销。"
    if data.service_request_id is not None and session.get(ServiceRequest, data.service_request_id) is None:
        errors["service_request_id"] = "该服务请求不存在。"
    if hours is not None and "served_on" not in errors:
        same_day = session.scalar(select(func.coalesce(func.sum(VolunteerService.hours), 0)).where(
            VolunteerService.volunteer_id == data.volunteer_id, VolunteerService.served_on == data.served_on,
            VolunteerService.status != "已退回", VolunteerService.id != (current.id if current else -1)))
        already = Decimal(str(same_day or 0))
        if already + hours > MAX_HOURS:
            errors["hours"] = (f"该志愿者 {data.served_on:%Y-%m-%d} 已登记 {already.quantize(TENTH)} 小时，"
                               f"一天合计不能超过 24 小时（{TRAVEL_NOTE}）。")
    if errors:
        raise ValidationError(errors)
    return {"volunteer_id": data.volunteer_id, "team_id": data.team_id, "served_on": data.served_on, "place": place,
            "kind": kind, "content": content, "hours": hours, "reported_by": reported,
            "service_request_id": data.service_request_id}


def record_service(session: Session, data: ServiceInput, *, today: date | None = None) -> int:
    """Enter a record (待确认); the id. It earns nothing until confirmed."""
    today = today or date.today()
    queries.require_volunteer(session, Perm.EDIT, data.volunteer_id)
    values = _clean(session, data, today=today, current=None)
    record = VolunteerService(entered_by=points.user_name(session), status="待确认", **values)
    session.add(record)
    session.flush()
    return record.id


def _record(session: Session, service_id: int, version: int | None) -> VolunteerService:
    require(session, Perm.EDIT)
    record = session.get(VolunteerService, service_id)
    if record is None:
        raise NotFound("该服务记录不存在。")
    queries.require_volunteer(session, Perm.EDIT, record.volunteer_id)
    if version is not None and record.version != version:
        raise DomainError(STALE)
    return record


def update_service(session: Session, service_id: int, version: int, data: ServiceInput, *,
                   today: date | None = None) -> None:
    """Correct a record not yet confirmed; a returned one goes back to 待确认."""
    record = _record(session, service_id, version)
    if record.status == "已确认":
        raise DomainError(f"该服务记录已于 {record.confirmed_on:%Y-%m-%d} 确认，不能再修改。")
    if data.volunteer_id != record.volunteer_id:
        queries.require_volunteer(session, Perm.EDIT, data.volunteer_id)
    values = _clean(session, data, today=today or date.today(), current=record)
    values.update(status="待确认", return_reason="")
    for key, value in values.items():
        if getattr(record, key) != value:
            setattr(record, key, value)
    points.flush(session)


def confirm(session: Session, service_id: int, version: int | None, *, today: date | None = None) -> int:
    """已确认: the rule in force on the day served gives the points (per hour × hours, rounded half
    up, + per service), booked as one ledger entry. The points earned."""
    today = today or date.today()
    record = _record(session, service_id, version)
    if record.status == "已确认":
        raise DomainError(f"该服务记录已于 {record.confirmed_on:%Y-%m-%d} 由 {record.confirmed_by or '他人'} 确认，不能重复确认。")
    if record.status == "已退回":
        raise DomainError("该服务记录已退回：请修改后重新提交，再确认。")
    if record.served_on > today:
        raise DomainError("服务日期晚于今天，不能确认。")
    rule = queries.rule_on(session, record.kind, record.served_on)
    if rule is None:
        raise DomainError(f"“{record.kind}”在 {record.served_on:%Y-%m-%d} 没有有效的积分规则，请先设置积分规则。")
    if session.scalar(select(VolunteerPointEntry.id).where(VolunteerPointEntry.service_id == record.id)):
        raise DomainError("该服务记录已计过积分，不能重复确认。")
    earned = points.points_for(rule, record.hours)
    volunteer = points.claim_balance(session, record.volunteer_id)
    if volunteer is None:
        raise NotFound("该志愿者不存在。")
    record.status, record.confirmed_by, record.confirmed_on = "已确认", points.user_name(session), today
    note = f"{record.served_on:%Y-%m-%d} {record.kind} {record.hours} 小时（{rule_text(rule)}）"
    points.book(session, volunteer, earned, "服务积分", today, note=note, service_id=record.id)
    points.flush(session)
    return earned


def rule_text(rule) -> str:  # noqa: ANN001 - a VolunteerPointRule
    return queries.RuleRow(rule.id, rule.kind, rule.points_per_hour, rule.points_per_service, rule.start_on,
                           rule.end_on, rule.note).text


def return_service(session: Session, service_id: int, version: int | None, reason: str) -> None:
    """已退回 with the reason (the hours look wrong, the content is unclear …); it earns nothing."""
    record = _record(session, service_id, version)
    if record.status != "待确认":
        raise DomainError(f"只有待确认的服务记录才能退回，这条记录{record.status}。")
    errors: dict[str, str] = {}
    clean = clean_field(errors, "reason", "退回原因", reason, column_limit(VolunteerService, "return_reason"), clean_note)
    if not clean and "reason" not in errors:
        errors["reason"] = "请填写退回原因。"
    if errors:
        raise ValidationError(errors)
    record.status, record.return_reason = "已退回", clean
    points.flush(session)


def confirm_many(session: Session, ids: list[int], *, today: date | None = None) -> int:
    """Confirm every record of ``ids`` (all 待确认, or none is confirmed); the points earned in all."""
    require(session, Perm.EDIT)
    found = {r.id: r for r in session.scalars(select(VolunteerService).where(VolunteerService.id.in_(ids)))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound("有服务记录已不存在，请刷新后再试。")
    done = [r for r in found.values() if r.status != "待确认"]
    if done:
        raise DomainError(f"所选记录中有 {len(done)} 条不是待确认状态（已确认或已退回），请刷新后重新选择。")
    return sum(confirm(session, i, None, today=today) for i in dict.fromkeys(ids))


__all__ = ["HOURS_LABEL", "TRAVEL_NOTE", "ServiceInput", "check_hours", "confirm", "confirm_many", "record_service",
           "return_service", "update_service"]
