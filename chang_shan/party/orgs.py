"""The organisations of the network and their posts: create, correct, dissolve; assign and end a
post (书记, 副书记, 委员 in a 党委 or 党支部; 组长 in a 党小组).

Writing needs ``Perm.EDIT`` over the whole community: a 网格员 cannot change the network
(``access.require_all_grids``). A 党委 has no parent, a 党支部's parent is a 党委, a 党小组's a
党支部. An organisation is dissolved (``dissolved_on``), never deleted, and only once it has no
members 在册 and no live organisation under it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm
from chang_shan.db.models import Building, Grid, PartyMember, PartyOrg, PartyPost, Unit
from chang_shan.db.models.party import ORG_LEVELS
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.party.queries import IN_GOOD_STANDING, get_org, subtree_ids
from chang_shan.population import access
from chang_shan.population.text import clean_note, clean_text

STALE = "记录已被他人修改，请刷新后再试。"
PARENT_LEVEL = {"党委": None, "党支部": "党委", "党小组": "党支部"}
LEVEL_POSTS = {"党委": ("书记", "副书记", "委员"), "党支部": ("书记", "副书记", "委员"), "党小组": ("组长",)}
SINGLE_POSTS = ("书记", "组长")  # one holder at a time per organisation
MAX_NAME = 60
WHAT = "建立或调整党组织"
EDITABLE = ("name", "parent_id", "grid_id", "building_id", "unit_id", "founded_on", "note", "sort_key")


def _require_write(session: Session) -> None:
    access.require_all_grids(session, Perm.EDIT, what=WHAT)


def _check_day(errors: dict[str, str], key: str, on: date | None, what: str, today: date) -> None:
    if on is not None and on > today:
        errors[key] = f"{what}不能晚于今天。"


def _validate(session: Session, values: dict[str, Any], *, org_id: int | None, today: date) -> dict[str, Any]:
    errors: dict[str, str] = {}
    level = values["level"]
    if level not in ORG_LEVELS:
        errors["level"] = "层级只能是：" + "、".join(ORG_LEVELS) + "。"
    name = clean_text(values.get("name") or "")
    if not name:
        errors["name"] = "请填写党组织名称，如“第一网格党支部”。"
    elif len(name) > MAX_NAME:
        errors["name"] = f"名称最多 {MAX_NAME} 个字，现在是 {len(name)} 个。"
    parent_id = values.get("parent_id")
    wanted_parent = PARENT_LEVEL.get(level)
    parent = session.get(PartyOrg, parent_id) if parent_id is not None else None
    if level in ORG_LEVELS:
        if wanted_parent is None and parent_id is not None:
            errors["parent_id"] = "社区党委是最上一级，没有上级党组织。"
        elif wanted_parent is not None and (parent is None or parent.level != wanted_parent):
            errors["parent_id"] = f"{level}的上级应是一个{wanted_parent}。"
        elif parent is not None and parent.dissolved_on is not None:
            errors["parent_id"] = f"上级党组织“{parent.name}”已撤销。"
    grid_id, building_id, unit_id = values.get("grid_id"), values.get("building_id"), values.get("unit_id")
    if grid_id is not None and session.get(Grid, grid_id) is None:
        errors["grid_id"] = "所选网格不存在。"
    building = session.get(Building, building_id) if building_id is not None else None
    if building_id is not None and building is None:
        errors["building_id"] = "所选楼栋不存在。"
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    if unit_id is not None and (unit is None or (building is not None and unit.building_id != building.id)):
        errors["unit_id"] = "所选单元不存在或不在所选楼栋。"
    if building is not None and grid_id is not None and building.grid_id != grid_id and "grid_id" not in errors:
        errors["building_id"] = "所选楼栋不在所选网格。"
    _check_day(errors, "founded_on", values.get("founded_on"), "成立日期", today)
    note = clean_note(values.get("note") or "")
    if len(note) > 500:
        errors["note"] = f"备注最多 500 个字，现在是 {len(note)} 个。"
    if not errors:
        clash = session.scalar(select(PartyOrg.id).where(
            PartyOrg.name == name, PartyOrg.dissolved_on.is_(None),
            PartyOrg.parent_id.is_(None) if parent_id is None else PartyOrg.parent_id == parent_id))
        if clash is not None and clash != org_id:
            errors["name"] = f"上级党组织下已有“{name}”。"
    if errors:
        raise ValidationError(errors)
    return {**values, "name": name, "note": note}


def create_org(session: Session, *, level: str, name: str, parent_id: int | None, grid_id: int | None = None,
               building_id: int | None = None, unit_id: int | None = None, founded_on: date | None = None,
               note: str = "", today: date | None = None) -> int:
    """A new organisation, last among its siblings. Returns its id."""
    _require_write(session)
    today = today or date.today()
    clean = _validate(session, {"level": level, "name": name, "parent_id": parent_id, "grid_id": grid_id,
                                "building_id": building_id, "unit_id": unit_id, "founded_on": founded_on,
                                "note": note}, org_id=None, today=today)
    last = session.scalar(select(func.max(PartyOrg.sort_key))) or 0
    org = PartyOrg(sort_key=last + 1, **clean)
    session.add(org)
    session.flush()
    return org.id


def update_org(session: Session, org_id: int, version: int, *, today: date | None = None, **fields: Any) -> None:
    """Correct an organisation (``EDITABLE`` fields; its level stays)."""
    _require_write(session)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    org = get_org(session, org_id)
    if org.version != version:
        raise DomainError(STALE)
    if org.dissolved_on is not None:
        raise DomainError(f"“{org.name}”已撤销，不能修改。")
    current = {key: getattr(org, key) for key in EDITABLE}
    current.update(fields)
    clean = _validate(session, {**current, "level": org.level}, org_id=org_id, today=today or date.today())
    for key in EDITABLE:
        if getattr(org, key) != clean[key]:
            setattr(org, key, clean[key])
    session.flush()


def dissolve_org(session: Session, org_id: int, on_date: date, *, today: date | None = None) -> None:
    """Dissolve (撤销) an organisation on ``on_date``: refused while members 在册 or a live
    organisation are under it. Its open posts end that day."""
    _require_write(session)
    today = today or date.today()
    org = get_org(session, org_id)
    if org.dissolved_on is not None:
        raise DomainError(f"“{org.name}”已于 {org.dissolved_on:%Y-%m-%d} 撤销。")
    if on_date > today:
        raise ValidationError({"on_date": "撤销日期不能晚于今天。"})
    if org.founded_on is not None and on_date < org.founded_on:
        raise ValidationError({"on_date": f"撤销日期不能早于成立日期（{org.founded_on:%Y-%m-%d}）。"})
    children = session.scalar(select(func.count()).select_from(PartyOrg).where(
        PartyOrg.parent_id == org_id, PartyOrg.dissolved_on.is_(None))) or 0
    if children:
        raise DomainError(f"“{org.name}”下还有 {children} 个党组织，请先撤销或调整它们。")
    members = session.scalar(select(func.count()).select_from(PartyMember).where(
        PartyMember.org_id == org_id, PartyMember.status == IN_GOOD_STANDING)) or 0
    if members:
        raise DomainError(f"“{org.name}”还有 {members} 名党员，请先把他们调整到其他党组织。")
    org.dissolved_on = on_date
    for post in session.scalars(select(PartyPost).where(PartyPost.org_id == org_id, PartyPost.end_on.is_(None))):
        post.end_on = max(on_date, post.start_on)
    session.flush()


def assign_post(session: Session, org_id: int, member_id: int, post: str, start_on: date, *,
                today: date | None = None) -> int:
    """``member_id`` holds ``post`` in ``org_id`` from ``start_on``. The member must be 在册 and
    belong to the organisation or one under it; a 书记 or 组长 post has one holder at a time (end
    the previous one first). Returns the post's id."""
    _require_write(session)
    today = today or date.today()
    org = get_org(session, org_id)
    if org.dissolved_on is not None:
        raise DomainError(f"“{org.name}”已撤销。")
    allowed = LEVEL_POSTS[org.level]
    if post not in allowed:
        raise ValidationError({"post": f"{org.level}的职务只能是：" + "、".join(allowed) + "。"})
    member = session.get(PartyMember, member_id)
    if member is None:
        raise NotFound("该党员记录不存在。")
    if member.status != IN_GOOD_STANDING:
        raise ValidationError({"member_id": f"该党员{member.status}，不能任职。"})
    if member.org_id not in subtree_ids(session, org_id):
        raise ValidationError({"member_id": f"该党员不在“{org.name}”（或其下的党组织）。"})
    if start_on > today:
        raise ValidationError({"start_on": "任职日期不能晚于今天。"})
    if start_on < member.joined_on:
        raise ValidationError({"start_on": f"任职日期不能早于入党日期（{member.joined_on:%Y-%m-%d}）。"})
    holders = session.scalars(select(PartyPost).where(PartyPost.org_id == org_id, PartyPost.post == post,
                                                      PartyPost.end_on.is_(None))).all()
    if any(h.member_id == member_id for h in holders):
        raise DomainError(f"该党员已担任“{org.name}”的{post}。")
    if holders and post in SINGLE_POSTS:
        raise DomainError(f"“{org.name}”已有{post}：请先结束现任{post}的任职。")
    row = PartyPost(org_id=org_id, member_id=member_id, post=post, start_on=start_on)
    session.add(row)
    session.flush()
    return row.id


def end_post(session: Session, post_id: int, end_on: date, *, today: date | None = None) -> None:
    """The post ends on ``end_on`` (not before it started)."""
    _require_write(session)
    today = today or date.today()
    post = session.get(PartyPost, post_id)
    if post is None:
        raise NotFound("该任职记录不存在。")
    if post.end_on is not None:
        raise DomainError(f"该任职已于 {post.end_on:%Y-%m-%d} 结束。")
    if end_on > today:
        raise ValidationError({"end_on": "结束日期不能晚于今天。"})
    if end_on < post.start_on:
        raise ValidationError({"end_on": f"结束日期不能早于任职日期（{post.start_on:%Y-%m-%d}）。"})
    post.end_on = end_on
    session.flush()
