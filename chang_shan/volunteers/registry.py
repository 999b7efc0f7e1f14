"""Registering volunteers (numbers CSV-00001 …) and keeping the teams.

A resident is registered once (the row keeps their id; name, ID number and phone stay the
resident's); someone from outside gives a name and sex, and a student the school. Writes need
``Perm.EDIT`` (for a resident volunteer, over the resident's grid); teams are the whole
community's, so a 网格员 does not found or dissolve them. A stale ``version`` is refused."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, require
from chang_shan.db.models import Resident
from chang_shan.db.models.volunteers import TEAM_ROLES, VOLUNTEER_KINDS, Volunteer, VolunteerTeam, VolunteerTeamMember
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.health.checks import clean_field, column_limit
from chang_shan.population import access, idnumber
from chang_shan.population.text import clean_digits, clean_name, clean_note, clean_text
from chang_shan.db.numbering import next_serial
from chang_shan.volunteers.numbers import VOLUNTEER_PREFIX
from chang_shan.volunteers.queries import require_volunteer
from chang_shan.volunteers.shapes import VolunteerInput

STALE = "记录已被他人修改，请刷新后再试。"
OUTSIDE_KINDS = ("大学生", "驻区单位", "其他")
SEX_CODES = {"1": "男", "2": "女"}


def check_version(row: Volunteer | VolunteerTeam | object, version: int) -> None:
    if getattr(row, "version") != version:
        raise DomainError(STALE)


def _limit(field: str) -> int:
    return column_limit(Volunteer, field)


def _clean(session: Session, data: VolunteerInput, *, today: date, current: Volunteer | None) -> dict:
    """The columns to write, or ``ValidationError`` with every problem."""
    errors: dict[str, str] = {}
    values: dict = {}
    if data.kind not in VOLUNTEER_KINDS:
        errors["kind"] = "请选择志愿者类别：居民、大学生、驻区单位或其他。"
    resident_id = current.resident_id if current is not None else data.resident_id
    if current is not None and data.resident_id != current.resident_id:
        errors["resident_id"] = "登记后不能更换志愿者本人；如登记错了人，请让其退出后重新登记。"
    if resident_id is not None:
        resident = session.get(Resident, resident_id)
        if resident is None:
            errors["resident_id"] = "该居民不存在。"
        elif current is None and resident.status != "在册":
            errors["resident_id"] = f"{resident.name}的状态是“{resident.status}”，只能登记在册居民为志愿者。"
        elif current is None:
            existing = session.scalar(select(Volunteer).where(Volunteer.resident_id == resident_id))
            if existing is not None:
                left = f"，已于 {existing.left_on:%Y-%m-%d} 退出" if existing.left_on else ""
                errors["resident_id"] = f"{resident.name}已登记为志愿者（编号 {existing.number}{left}），不能重复登记。"
        values.update(name="", sex_code="", id_number="", phone="")
    elif data.kind == "居民":
        errors["resident_id"] = "居民志愿者请从万家数据库中查找并选择居民。"
    else:
        values["name"] = name = clean_field(errors, "name", "姓名", data.name, _limit("name"), clean_name)
        if not name and "name" not in errors:
            errors["name"] = "请填写姓名。"
        values["sex_code"] = data.sex_code if data.sex_code in SEX_CODES else ""
        if not values["sex_code"]:
            errors["sex_code"] = "请选择性别。"
        values["id_number"] = _id_number(session, errors, data.id_number, current, today)
        values["phone"] = _phone(errors, data.phone, current)
    values["kind"] = data.kind
    values["organisation"] = clean_field(errors, "organisation", "工作单位", data.organisation, _limit("organisation"))
    if data.kind == "驻区单位" and not values["organisation"] and "organisation" not in errors:
        errors["organisation"] = "请填写所在的驻区单位。"
    for key, label in (("school", "学校"), ("major", "院系专业"), ("student_number", "学号"), ("skills", "特长")):
        values[key] = clean_field(errors, key, label, getattr(data, key), _limit(key))
    if data.kind == "大学生" and not values["school"] and "school" not in errors:
        errors["school"] = "请填写就读学校（大学生志愿服务信息档案）。"
    values["enrolment_year"] = data.enrolment_year
    if data.enrolment_year is not None and not 1950 <= data.enrolment_year <= today.year:
        errors["enrolment_year"] = f"入学年份应在 1950 至 {today.year} 年之间。"
    values["note"] = clean_field(errors, "note", "备注", data.note, _limit("note"), clean_note)
    registered_on = data.registered_on or (current.registered_on if current is not None else today)
    if registered_on > today:
        errors["registered_on"] = "登记日期不能晚于今天。"
    values["registered_on"] = registered_on
    if errors:
        raise ValidationError(errors)
    return values


def _id_number(session: Session, errors: dict[str, str], raw: str, current: Volunteer | None, today: date) -> str:
    raw = clean_digits(raw)
    if current is not None and "*" in raw and raw == idnumber.mask(current.id_number):
        return current.id_number  # given back masked, unchanged
    if not raw:
        return ""
    try:
        number = idnumber.parse(raw, today=today).number
    except ValidationError as invalid:
        errors["id_number"] = invalid.first_message
        return raw
    taken = session.scalar(select(Volunteer.number).where(Volunteer.id_number == number,
                                                          Volunteer.id != (current.id if current else -1)))
    if taken:
        errors["id_number"] = f"这个身份证号已登记为志愿者（编号 {taken}）。"
    elif session.scalar(select(Resident.name).where(Resident.id_number == number, Resident.status == "在册")):
        errors["id_number"] = "这个身份证号是本社区在册居民的：请按“居民”从万家数据库中选择此人登记。"
    return number


def _phone(errors: dict[str, str], raw: str, current: Volunteer | None) -> str:
    phone = clean_digits(raw)
    if current is not None and "*" in phone and phone == idnumber.mask_phone(current.phone):
        return current.phone
    if len(phone) > _limit("phone"):
        errors["phone"] = f"电话最多 {_limit('phone')} 位。"
    elif phone and not phone.replace("-", "").isdigit():
        errors["phone"] = "电话只能填写数字（可含“-”）。"
    return phone


def _require_write(session: Session, resident_id: int | None) -> None:
    require(session, Perm.EDIT)
    if resident_id is not None:
        access.require_resident(session, Perm.EDIT, resident_id)


def register_volunteer(session: Session, data: VolunteerInput, *, today: date | None = None) -> int:
    """Register a volunteer (number CSV-00001 …); the id."""
    today = today or date.today()
    _require_write(session, data.resident_id)
    values = _clean(session, data, today=today, current=None)
    volunteer = Volunteer(number=next_serial(session, Volunteer.number, VOLUNTEER_PREFIX, 5),
                          resident_id=data.resident_id, points_balance=0, **values)
    session.add(volunteer)
    session.flush()
    return volunteer.id


def update_volunteer(session: Session, volunteer_id: int, version: int, data: VolunteerInput, *,
                     today: date | None = None) -> None:
    """Correct a volunteer's registration (not the person, not the points)."""
    volunteer = require_volunteer(session, Perm.EDIT, volunteer_id)
    check_version(volunteer, version)
    values = _clean(session, data, today=today or date.today(), current=volunteer)
    for key, value in values.items():
        if getattr(volunteer, key) != value:
            setattr(volunteer, key, value)
    session.flush()


def leave(session: Session, volunteer_id: int, on_date: date, *, today: date | None = None) -> None:
    """The volunteer leaves on ``on_date`` (their team memberships end the same day). Their points
    stay theirs: they may still redeem them."""
    today = today or date.today()
    volunteer = require_volunteer(session, Perm.EDIT, volunteer_id)
    if volunteer.left_on is not None:
        raise DomainError(f"该志愿者已于 {volunteer.left_on:%Y-%m-%d} 退出。")
    if on_date > today:
        raise ValidationError({"on_date": "退出日期不能晚于今天。"})
    if on_date < volunteer.registered_on:
        raise ValidationError({"on_date": f"退出日期不能早于登记日期（{volunteer.registered_on:%Y-%m-%d}）。"})
    volunteer.left_on = on_date
    for membership in session.scalars(select(VolunteerTeamMember).where(
            VolunteerTeamMember.volunteer_id == volunteer_id, VolunteerTeamMember.left_on.is_(None))):
        membership.left_on = max(on_date, membership.joined_on)
    session.flush()


# --- teams ---------------------------------------------------------------------------------------


def _team_values(session: Session, team_id: int | None, name: str, service: str, note: str) -> dict:
    errors: dict[str, str] = {}
    clean = clean_field(errors, "name", "服务队名称", name, column_limit(VolunteerTeam, "name"), clean_text)
    if not clean and "name" not in errors:
        errors["name"] = "请填写服务队名称。"
    elif session.scalar(select(VolunteerTeam.id).where(VolunteerTeam.name == clean, VolunteerTeam.id != (team_id or -1))):
        errors["name"] = f"已有名为“{clean}”的服务队。"
    values = {"name": clean,
              "service": clean_field(errors, "service", "服务内容", service, column_limit(VolunteerTeam, "service")),
              "note": clean_field(errors, "note", "备注", note, column_limit(VolunteerTeam, "note"), clean_note)}
    if errors:
        raise ValidationError(errors)
    return values


def _team(session: Session, team_id: int) -> VolunteerTeam:
    team = session.get(VolunteerTeam, team_id)
    if team is None:
        raise NotFound("该服务队不存在。")
    return team


def create_team(session: Session, name: str, *, service: str = "", founded_on: date | None = None, note: str = "",
                sort_key: int | None = None) -> int:
    """A new team (last in the order unless ``sort_key``); the id."""
    access.require_all_grids(session, Perm.EDIT, what="建立志愿服务队")
    values = _team_values(session, None, name, service, note)
    if sort_key is None:
        sort_key = (session.scalar(select(VolunteerTeam.sort_key).order_by(VolunteerTeam.sort_key.desc())) or 0) + 10
    team = VolunteerTeam(founded_on=founded_on, sort_key=sort_key, **values)
    session.add(team)
    session.flush()
    return team.id


def update_team(session: Session, team_id: int, version: int, *, name: str, service: str = "", note: str = "",
                founded_on: date | None = None) -> None:
    access.require_all_grids(session, Perm.EDIT, what="修改志愿服务队")
    team = _team(session, team_id)
    check_version(team, version)
    values = _team_values(session, team_id, name, service, note)
    values["founded_on"] = founded_on if founded_on is not None else team.founded_on
    for key, value in values.items():
        if getattr(team, key) != value:
            setattr(team, key, value)
    session.flush()


def dissolve_team(session: Session, team_id: int, version: int, on_date: date) -> None:
    """The team ends on ``on_date``; its members' memberships end with it."""
    access.require_all_grids(session, Perm.EDIT, what="撤销志愿服务队")
    team = _team(session, team_id)
    check_version(team, version)
    if team.dissolved_on is not None:
        raise DomainError(f"{team.name}已于 {team.dissolved_on:%Y-%m-%d} 撤销。")
    team.dissolved_on = on_date
    for membership in session.scalars(select(VolunteerTeamMember).where(
            VolunteerTeamMember.team_id == team_id, VolunteerTeamMember.left_on.is_(None))):
        membership.left_on = max(on_date, membership.joined_on)
    session.flush()


def add_to_team(session: Session, team_id: int, volunteer_id: int, role: str, joined_on: date, *,
                today: date | None = None) -> int:
    """The volunteer joins the team as 队长, 副队长 or 队员; the membership's id."""
    today = today or date.today()
    volunteer = require_volunteer(session, Perm.EDIT, volunteer_id)
    team = _team(session, team_id)
    errors: dict[str, str] = {}
    if role not in TEAM_ROLES:
        errors["role"] = "请选择队内职务：队长、副队长或队员。"
    if joined_on > today:
        errors["joined_on"] = "入队日期不能晚于今天。"
    elif joined_on < volunteer.registered_on:
        errors["joined_on"] = f"入队日期不能早于志愿者登记日期（{volunteer.registered_on:%Y-%m-%d}）。"
    if errors:
        raise ValidationError(errors)
    if team.dissolved_on is not None:
        raise DomainError(f"{team.name}已于 {team.dissolved_on:%Y-%m-%d} 撤销，不能再加入。")
    if volunteer.left_on is not None:
        raise DomainError(f"该志愿者已于 {volunteer.left_on:%Y-%m-%d} 退出，不能加入服务队。")
    if session.scalar(select(VolunteerTeamMember.id).where(
            VolunteerTeamMember.team_id == team_id, VolunteerTeamMember.volunteer_id == volunteer_id,
            VolunteerTeamMember.left_on.is_(None))):
        raise DomainError(f"该志愿者已是{team.name}的成员。")
    membership = VolunteerTeamMember(team_id=team_id, volunteer_id=volunteer_id, role=role, joined_on=joined_on)
    session.add(membership)
    session.flush()
    return membership.id


def leave_team(session: Session, membership_id: int, on_date: date, *, today: date | None = None) -> None:
    today = today or date.today()
    membership = session.get(VolunteerTeamMember, membership_id)
    if membership is None:
        raise NotFound("该队员记录不存在。")
    require_volunteer(session, Perm.EDIT, membership.volunteer_id)
    if membership.left_on is not None:
        raise DomainError(f"已于 {membership.left_on:%Y-%m-%d} 离队。")
    if on_date > today:
        raise ValidationError({"on_date": "离队日期不能晚于今天。"})
    if on_date < membership.joined_on:
        raise ValidationError({"on_date": f"离队日期不能早于入队日期（{membership.joined_on:%Y-%m-%d}）。"})
    membership.left_on = on_date
    session.flush()
