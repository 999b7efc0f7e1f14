"""What the request services check before they write: the intake form (whom it is for, category,
channel, content, dates), who takes a request (an assignee), free text and step dates.

Every problem goes into an ``errors`` dict keyed by field, so a form can show them all at once;
the services raise ``ValidationError(errors)`` before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import ROLE_PERMISSIONS, Perm
from chang_shan.db.models import Household, Resident, ServiceCategory, ServiceRequest, UserAccount
from chang_shan.db.models.services import ASSIGNEE_KINDS, CHANNELS
from chang_shan.db.models.volunteers import VolunteerTeam
from chang_shan.errors import ValidationError
from chang_shan.health.checks import clean_field, column_limit
from chang_shan.population.residents import ACTIVE
from chang_shan.population.text import clean_note, clean_text
from chang_shan.service_requests.shapes import Assignee, RequestInput
from chang_shan.settings import get_setting

DEFAULT_DUE_DAYS = "services.default_due_days"
TEXT_LIMIT = column_limit(ServiceRequest, "content")  # content, result, revisit note: 500
TEAM_LIMIT = column_limit(ServiceRequest, "assignee_team")  # 50
NOTE_LIMIT = 200  # a note on an assignment (it goes into the event's text)
# Roles whose accounts may take a request: those that may edit the ledgers.
EDITING_ROLES = tuple(role for role, perms in ROLE_PERMISSIONS.items() if Perm.EDIT in perms)


def worker_label(account: UserAccount) -> str:
    """'王芳（社区工作者）': the display name (or the user name) and the role."""
    return f"{account.display_name or account.username}（{account.role}）"


def text(errors: dict[str, str], key: str, label: str, raw: str | None, *, required: bool,
         limit: int = TEXT_LIMIT) -> str:
    """Free text, cleaned (line breaks kept), at most ``limit`` characters; ``required``: not empty."""
    value = clean_field(errors, key, label, raw, limit, clean_note)
    if required and not value and key not in errors:
        errors[key] = f"请填写{label}。"
    return value


def step_date(errors: dict[str, str], key: str, label: str, value: date, *, today: date, earliest: date,
              earliest_label: str) -> None:
    """A step's date: not after ``today``, not before ``earliest`` (the request's received date …)."""
    if value > today:
        errors[key] = f"{label}不能晚于今天。"
    elif value < earliest:
        errors[key] = f"{label}不能早于{earliest_label}（{earliest:%Y-%m-%d}）。"


# --- the intake form ---------------------------------------------------------------------------


def _who(session: Session, errors: dict[str, str], data: RequestInput, current: ServiceRequest | None) -> int | None:
    """The household the request is for (the resident's when none is given); checks both."""
    if data.resident_id is None and data.household_id is None:
        errors["resident_id"] = "请选择服务对象（居民或住户）。"
        return None
    household_id = data.household_id
    if data.resident_id is not None:
        resident = session.get(Resident, data.resident_id)
        if resident is None:
            errors["resident_id"] = "该居民不存在。"
            return household_id
        kept = current is not None and current.resident_id == resident.id
        if resident.status != ACTIVE and not kept:
            errors["resident_id"] = f"{resident.name}的状态是“{resident.status}”，只能为在册居民受理服务请求。"
        if household_id is None:
            household_id = resident.household_id
        elif household_id != resident.household_id and not (current is not None and current.household_id == household_id):
            errors["household_id"] = "所选住户不是该居民所在的住户。"
    if household_id is not None and session.get(Household, household_id) is None:
        errors["household_id"] = "该住户不存在。"
    return household_id


def _category(session: Session, errors: dict[str, str], category_id: int | None, current: ServiceRequest | None) -> None:
    if category_id is None:
        errors["category_id"] = "请选择服务类别。"
        return
    category = session.get(ServiceCategory, category_id)
    if category is None:
        errors["category_id"] = "该服务类别不存在。"
    elif not category.active and not (current is not None and current.category_id == category_id):
        errors["category_id"] = f"服务类别“{category.name}”已停用。"


def request_input(session: Session, data: RequestInput, *, today: date,
                  current: ServiceRequest | None = None) -> RequestInput:
    """A cleaned copy of the form (household, dates filled in), or ``ValidationError``. For a new
    request (``current`` None) an empty received date is ``today`` and an empty due date the
    received date plus ``services.default_due_days``; when changing one, empty dates keep the
    recorded ones. A resident who left, a retired category or another household stay allowed on
    a request that already has them."""
    errors: dict[str, str] = {}
    household_id = _who(session, errors, data, current)
    _category(session, errors, data.category_id, current)
    if data.channel not in CHANNELS:
        errors["channel"] = "受理渠道只能是：" + "、".join(CHANNELS) + "。"
    content = text(errors, "content", "服务内容", data.content, required=True)
    received = data.received_on or (current.received_on if current else today)
    if received > today:
        errors["received_on"] = "受理日期不能晚于今天。"
    due = data.due_on or (current.due_on if current else None)
    if due is None:
        due = received + timedelta(days=int(get_setting(session, DEFAULT_DUE_DAYS)))
    elif due < received:
        errors["due_on"] = "应办日期不能早于受理日期。"
    if errors:
        raise ValidationError(errors)
    return replace(data, household_id=household_id, content=content, received_on=received, due_on=due)


# --- who takes a request -----------------------------------------------------------------------


@dataclass(frozen=True)
class Taker:
    """A checked assignee, with the label the lists and the history show."""

    kind: str
    user_id: int | None
    team: str
    resident_id: int | None
    label: str

    def same_as(self, request: ServiceRequest) -> bool:
        return (self.kind, self.user_id, self.team, self.resident_id) == (
            request.assignee_kind, request.assignee_user_id, request.assignee_team or "", request.assignee_resident_id)


def assignee(session: Session, errors: dict[str, str], who: Assignee) -> Taker | None:
    """An account that may edit and is active ('worker'), a team named in 1–50 characters
    ('team') or a resident 在册 ('person'); None with ``errors['assignee']`` otherwise."""
    if who.kind not in ASSIGNEE_KINDS:
        errors["assignee"] = "请选择办理人：工作人员、服务队或居民。"
        return None
    if who.kind == "worker":
        account = session.get(UserAccount, who.user_id) if who.user_id is not None else None
        if account is None:
            errors["assignee"] = "请选择办理的工作人员。"
        elif not account.active:
            errors["assignee"] = f"账户“{account.username}”已停用，不能办理服务请求。"
        elif account.role not in EDITING_ROLES:
            errors["assignee"] = f"{worker_label(account)}没有修改台账的权限，不能办理服务请求。"
        else:
            return Taker("worker", account.id, "", None, worker_label(account))
        return None
    if who.kind == "team":
        name = clean_text(who.team)
        if not name:
            errors["assignee"] = "请填写服务队名称。"
        elif len(name) > TEAM_LIMIT:
            errors["assignee"] = f"服务队名称最多 {TEAM_LIMIT} 个字，现在是 {len(name)} 个。"
        elif not known_team(session, name):
            errors["assignee"] = f"志愿服务队台账中没有“{name}”：请从列表中选择服务队（新的服务队先在“党建与志愿者 → 志愿服务队”中建立）。"
        else:
            return Taker("team", None, name, None, name)
        return None
    resident = session.get(Resident, who.resident_id) if who.resident_id is not None else None
    if resident is None:
        errors["assignee"] = "请选择办理的居民。"
    elif resident.status != ACTIVE:
        errors["assignee"] = f"{resident.name}的状态是“{resident.status}”，只能由在册居民办理。"
    else:
        return Taker("person", None, "", resident.id, resident.name)
    return None


def known_team(session: Session, name: str) -> bool:
    """May a request go to the team named ``name``? A team of the volunteer ledger (not
    dissolved); a name some request already carries (written before the ledger existed) stays
    valid; while the ledger holds no team at all, any name."""
    if session.scalar(select(VolunteerTeam.id).where(VolunteerTeam.name == name, VolunteerTeam.dissolved_on.is_(None))):
        return True
    if session.scalar(select(ServiceRequest.id).where(ServiceRequest.assignee_team == name).limit(1)):
        return True
    return session.scalar(select(VolunteerTeam.id).limit(1)) is None


def current_label(session: Session, request: ServiceRequest) -> str:
    """Who has the request now, as the history writes it ('' when nobody)."""
    if request.assignee_kind == "worker" and request.assignee_user_id is not None:
        account = session.get(UserAccount, request.assignee_user_id)
        return worker_label(account) if account else ""
    if request.assignee_kind == "team":
        return request.assignee_team
    if request.assignee_kind == "person" and request.assignee_resident_id is not None:
        resident = session.get(Resident, request.assignee_resident_id)
        return resident.name if resident else ""
    return ""


def editing_accounts(session: Session) -> list[UserAccount]:
    """Active accounts that may take a request, by name."""
    return list(session.scalars(
        select(UserAccount).where(UserAccount.active.is_(True), UserAccount.role.in_(EDITING_ROLES))
        .order_by(func.coalesce(func.nullif(UserAccount.display_name, ""), UserAccount.username), UserAccount.id)
    ))
