"""Service requests (上门服务, 百姓说事点): take one in, hand it to someone, complete it, call back
(回访), reopen it; the categories of service; the lists.

A request goes 待办 → 处理中 (someone took it) → 已完成 → 已回访, and back to 处理中 when it is
reopened. Every step is a ``ServiceRequestEvent`` with the user's name and a readable text
('转派：王芳（社区工作者）→ 家政服务队'), so the history stays when the row moves on (a reopened
request keeps its earlier completion and call-back in the events only).

Reading needs ``Perm.VIEW``, writing ``Perm.EDIT``; a 网格员 reaches the requests of their grids
(see ``queries``) and does not manage the categories, which are the whole community's. Bad input
raises ``ValidationError`` keyed by field before anything is written; a change made from a stale
form (``expected_version``) is refused with ``STALE``.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, actor_of, require
from chang_shan.db.models import ServiceCategory, ServiceRequest, ServiceRequestEvent, UserAccount
from chang_shan.db.models.services import SATISFACTION
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.health.checks import column_limit
from chang_shan.population import access
from chang_shan.population.text import clean_text
from chang_shan.service_requests import checks, queries
from chang_shan.service_requests.queries import CLOSED, OPEN
from chang_shan.service_requests.shapes import (
    Assignee, CategoryRow, RequestDetail, RequestEvent, RequestFilter, RequestInput, RequestRow, WorkerOption,
)
from chang_shan.settings import get_setting

STALE = "该服务请求已被他人修改，请刷新后再试。"
REVISIT_AFTER_DAYS = "services.revisit_after_days"
CATEGORY_LIMIT = column_limit(ServiceCategory, "name")  # 20
EVENT_LIMIT = column_limit(ServiceRequestEvent, "text")
TAKE_OVER = "AB岗接手"


# --- categories --------------------------------------------------------------------------------


def _category_rows(session: Session, *where: object) -> list[CategoryRow]:
    used = (select(ServiceRequest.category_id, func.count().label("n"))
            .group_by(ServiceRequest.category_id).subquery())
    rows = session.execute(
        select(ServiceCategory, func.coalesce(used.c.n, 0)).outerjoin(used, used.c.category_id == ServiceCategory.id)
        .where(*where).order_by(ServiceCategory.position, ServiceCategory.id)
    )
    return [CategoryRow(c.id, c.name, c.builtin, c.active, n) for c, n in rows]


def categories(session: Session, *, include_inactive: bool = False) -> list[CategoryRow]:
    """The categories by position, with how many requests use each (retired ones on request)."""
    require(session, Perm.VIEW)
    return _category_rows(session, *(() if include_inactive else (ServiceCategory.active.is_(True),)))


def _category_to_change(session: Session, category_id: int | None = None) -> ServiceCategory | None:
    access.require_all_grids(session, Perm.EDIT, what="管理服务类别")
    if category_id is None:
        return None
    category = session.get(ServiceCategory, category_id)
    if category is None:
        raise NotFound("该服务类别不存在。")
    return category


def _category_name(session: Session, raw: str, category_id: int | None = None) -> str:
    name = clean_text(raw)
    if not name:
        raise ValidationError({"name": "请填写类别名称。"})
    if len(name) > CATEGORY_LIMIT:
        raise ValidationError({"name": f"类别名称最多 {CATEGORY_LIMIT} 个字，现在是 {len(name)} 个。"})
    other = session.scalar(select(ServiceCategory.id).where(ServiceCategory.name == name))
    if other is not None and other != category_id:
        raise ValidationError({"name": f"已有名为“{name}”的服务类别。"})
    return name


def _one_category(session: Session, category_id: int) -> CategoryRow:
    session.flush()
    return _category_rows(session, ServiceCategory.id == category_id)[0]


def add_category(session: Session, name: str) -> CategoryRow:
    """A category of the office's own, after the others."""
    _category_to_change(session)
    clean = _category_name(session, name)
    last = session.scalar(select(func.max(ServiceCategory.position))) or 0
    category = ServiceCategory(name=clean, position=last + 1, builtin=False, active=True)
    session.add(category)
    session.flush()
    return _one_category(session, category.id)


def rename_category(session: Session, category_id: int, name: str) -> CategoryRow:
    """A new name for one of the office's own categories (the built-in ones keep theirs)."""
    category = _category_to_change(session, category_id)
    assert category is not None
    if category.builtin:
        raise DomainError(f"内置服务类别“{category.name}”不能改名。")
    clean = _category_name(session, name, category_id)
    if clean != category.name:
        category.name = clean
    return _one_category(session, category_id)


def set_category_active(session: Session, category_id: int, active: bool) -> CategoryRow:
    """Retire a category (no new request may use it; its requests keep it) or bring it back."""
    category = _category_to_change(session, category_id)
    assert category is not None
    if category.builtin and not active:
        raise DomainError(f"内置服务类别“{category.name}”不能停用。")
    if category.active != active:
        category.active = active
    return _one_category(session, category_id)


def workers(session: Session) -> list[WorkerOption]:
    """Who may be given a request as a worker: active accounts that may edit, by name."""
    require(session, Perm.VIEW)
    return [WorkerOption(a.id, checks.worker_label(a)) for a in checks.editing_accounts(session)]


# --- reading -----------------------------------------------------------------------------------


def _events(session: Session, request_id: int) -> tuple[RequestEvent, ...]:
    events = session.scalars(
        select(ServiceRequestEvent).where(ServiceRequestEvent.request_id == request_id).order_by(ServiceRequestEvent.id)
    )
    return tuple(RequestEvent(e.on_date, e.kind, e.user_name, e.text) for e in events)


def _detail(session: Session, request_id: int, today: date) -> RequestDetail:
    """The request as the actor may see it (``PermissionDenied`` outside a 网格员's grids)."""
    session.flush()
    actor = actor_of(session)
    found = session.execute(queries.rows_query(None).where(ServiceRequest.id == request_id)).first()
    if found is None:
        raise NotFound("该服务请求不存在。")
    if access.scoped(actor):
        access.check_grid(actor, found.grid_id)  # type: ignore[arg-type]
    request: ServiceRequest = found.ServiceRequest
    return RequestDetail(queries.to_row(found, today), request.result, request.revisit_note, request.created_by,
                         _events(session, request_id))


def get_request(session: Session, request_id: int, *, today: date | None = None) -> RequestDetail:
    """One request with its history (days overdue as of ``today``)."""
    require(session, Perm.VIEW)
    return _detail(session, request_id, today or date.today())


def list_requests(session: Session, flt: RequestFilter, *, today: date | None = None,
                  limit: int | None = None) -> list[RequestRow]:
    """The requests the actor may see that match ``flt``, newest first (received date, then entry)."""
    actor = require(session, Perm.VIEW)
    query = queries.filtered(queries.rows_query(actor), flt).order_by(
        ServiceRequest.received_on.desc(), ServiceRequest.id.desc()).limit(limit)
    on = today or date.today()
    return [queries.to_row(r, on) for r in session.execute(query)]


def overdue_requests(session: Session, on: date) -> list[RequestRow]:
    """Open requests past due on ``on`` (due before it), most overdue first."""
    actor = require(session, Perm.VIEW)
    query = queries.rows_query(actor).where(queries.is_open(on)).order_by(
        ServiceRequest.due_on, ServiceRequest.received_on, ServiceRequest.id)
    return [queries.to_row(r, on) for r in session.execute(query)]


def revisit_due_on(session: Session, completed_on: date) -> date:
    """The day a completed request is due for its call-back (``services.revisit_after_days`` later)."""
    return completed_on + timedelta(days=int(get_setting(session, REVISIT_AFTER_DAYS)))


def awaiting_revisit(session: Session, on: date) -> list[RequestRow]:
    """Requests completed at least ``services.revisit_after_days`` days before ``on`` and not
    called back yet, completed longest ago first."""
    actor = require(session, Perm.VIEW)
    days = int(get_setting(session, REVISIT_AFTER_DAYS))
    query = queries.rows_query(actor).where(
        ServiceRequest.status == "已完成", ServiceRequest.completed_on <= on - timedelta(days=days),
    ).order_by(ServiceRequest.completed_on, ServiceRequest.id)
    return [queries.to_row(r, on) for r in session.execute(query)]


# --- writing -----------------------------------------------------------------------------------


def _user_name(session: Session) -> str:
    actor = actor_of(session)
    return (actor.display_name or actor.username)[:32] if actor else ""


def _record(session: Session, request: ServiceRequest, kind: str, on: date, text: str) -> None:
    if len(text) > EVENT_LIMIT:
        text = text[:EVENT_LIMIT - 1] + "…"
    request.events.append(ServiceRequestEvent(on_date=on, kind=kind, user_name=_user_name(session), text=text))


def _grid(session: Session, request: ServiceRequest) -> int | None:
    return access.grid_of_household(session, request.household_id)


def _to_write(session: Session, request_id: int, expected_version: int) -> ServiceRequest:
    """``Perm.EDIT`` for the request's grid, the request, and the version the form was made from."""
    actor = require(session, Perm.EDIT)
    request = session.get(ServiceRequest, request_id)
    if request is None:
        raise NotFound("该服务请求不存在。")
    if access.scoped(actor):
        access.check_grid(actor, _grid(session, request))
    if request.version != expected_version:
        raise DomainError(STALE)
    return request


def _check_place(session: Session, data: RequestInput) -> None:
    """A 网格员 takes requests only for the residents and households of their grids."""
    if data.resident_id is not None:
        access.require_resident(session, Perm.EDIT, data.resident_id)
    if data.household_id is not None:
        access.require_household(session, Perm.EDIT, data.household_id)


def _hand_over(session: Session, request: ServiceRequest, taker: checks.Taker, on: date, note: str = "") -> None:
    """Give the request to ``taker``: 接单 when nobody had it (待办 → 处理中), else 转派."""
    previous = checks.current_label(session, request)
    if taker.same_as(request):
        raise ValidationError({"assignee": f"该服务请求已由{taker.label}办理。"})
    request.assignee_kind, request.assignee_user_id = taker.kind, taker.user_id
    request.assignee_team, request.assignee_resident_id = taker.team, taker.resident_id
    if request.status == "待办":
        request.status = "处理中"
        request.started_on = on
    text = f"转派：{previous} → {taker.label}" if previous else f"接单：{taker.label}"
    _record(session, request, "转派" if previous else "接单", on, text + (f"（{note}）" if note else ""))


def create_request(session: Session, data: RequestInput, *, assignee: Assignee | None = None,
                   today: date | None = None) -> RequestDetail:
    """Take a request in (受理), and hand it to ``assignee`` at once when given (接单)."""
    require(session, Perm.EDIT)
    _check_place(session, data)
    today = today or date.today()
    errors: dict[str, str] = {}
    try:
        clean = checks.request_input(session, data, today=today)
    except ValidationError as invalid:
        errors.update(invalid.errors)
        clean = data
    taker = checks.assignee(session, errors, assignee) if assignee is not None else None
    if errors:
        raise ValidationError(errors)
    _check_place(session, clean)  # the household found from the resident
    assert clean.received_on is not None and clean.due_on is not None and clean.category_id is not None
    category = session.get(ServiceCategory, clean.category_id)
    assert category is not None
    request = ServiceRequest(
        resident_id=clean.resident_id, household_id=clean.household_id, category_id=clean.category_id,
        channel=clean.channel, content=clean.content, received_on=clean.received_on, due_on=clean.due_on,
        status="待办", created_by=_user_name(session),
    )
    session.add(request)  # one INSERT: the steps below are made before the flush
    _record(session, request, "受理", clean.received_on,
            f"受理：{category.name}（{clean.channel}），应于 {clean.due_on:%Y-%m-%d} 前办结")
    if taker is not None:
        _hand_over(session, request, taker, today)
    session.flush()
    return _detail(session, request.id, today)


def _changes(session: Session, request: ServiceRequest, clean: RequestInput) -> list[str]:
    """What a correction changes, for the 修改 event ('类别：理发 → 洗澡', '服务内容' …)."""
    def category(category_id: int | None) -> str:
        found = session.get(ServiceCategory, category_id) if category_id is not None else None
        return found.name if found else ""

    changed = []
    if clean.category_id != request.category_id:
        changed.append(f"类别：{category(request.category_id)} → {category(clean.category_id)}")
    if clean.channel != request.channel:
        changed.append(f"受理渠道：{request.channel} → {clean.channel}")
    for label, old, new in (("受理日期", request.received_on, clean.received_on), ("应办日期", request.due_on, clean.due_on)):
        if old != new:
            changed.append(f"{label}：{old:%Y-%m-%d} → {new:%Y-%m-%d}")
    if (clean.resident_id, clean.household_id) != (request.resident_id, request.household_id):
        changed.append("服务对象")
    if clean.content != request.content:
        changed.append("服务内容")
    return changed


def update_request(session: Session, request_id: int, data: RequestInput, *, expected_version: int) -> RequestDetail:
    """Correct an open request's form (empty dates keep the recorded ones). Nothing changed:
    nothing written."""
    request = _to_write(session, request_id, expected_version)
    if request.status not in OPEN:
        raise DomainError(f"{request.status}的服务请求不能修改；如需更正，请先重新打开。")
    _check_place(session, data)
    today = date.today()
    clean = checks.request_input(session, data, today=today, current=request)
    _check_place(session, clean)
    changed = _changes(session, request, clean)
    if changed:
        request.resident_id, request.household_id = clean.resident_id, clean.household_id
        request.category_id, request.channel, request.content = clean.category_id, clean.channel, clean.content  # type: ignore[assignment]
        request.received_on, request.due_on = clean.received_on, clean.due_on  # type: ignore[assignment]
        _record(session, request, "修改", today, "修改：" + "；".join(changed))
    return _detail(session, request_id, today)


def assign_request(session: Session, request_id: int, assignee: Assignee, *, expected_version: int, note: str = "",
                   today: date | None = None) -> RequestDetail:
    """Give an open request to someone: 接单 (待办 → 处理中) or, when someone else has it, 转派."""
    request = _to_write(session, request_id, expected_version)
    if request.status not in OPEN:
        raise DomainError(f"{request.status}的服务请求不能再派单；如需继续办理，请先重新打开。")
    today = today or date.today()
    errors: dict[str, str] = {}
    taker = checks.assignee(session, errors, assignee)
    clean_note = checks.text(errors, "note", "备注", note, required=False, limit=checks.NOTE_LIMIT)
    if errors or taker is None:
        raise ValidationError(errors)
    _hand_over(session, request, taker, today, clean_note)
    return _detail(session, request_id, today)


def take_over(session: Session, request_id: int, *, expected_version: int, today: date | None = None) -> RequestDetail:
    """AB岗: the signed-in worker picks up an open request, whoever had it."""
    request = _to_write(session, request_id, expected_version)
    if request.status not in OPEN:
        raise DomainError(f"{request.status}的服务请求不能接手；如需继续办理，请先重新打开。")
    actor = actor_of(session)
    account = session.get(UserAccount, actor.user_id) if actor and actor.user_id is not None else None
    if account is None:
        raise DomainError("只有登录的工作人员才能接手服务请求。")
    if request.assignee_kind == "worker" and request.assignee_user_id == account.id:
        raise DomainError("您已在办理该服务请求。")
    errors: dict[str, str] = {}
    taker = checks.assignee(session, errors, Assignee("worker", user_id=account.id))
    if errors or taker is None:
        raise ValidationError(errors)
    today = today or date.today()
    _hand_over(session, request, taker, today, TAKE_OVER)
    return _detail(session, request_id, today)


def complete_request(session: Session, request_id: int, result: str, *, expected_version: int,
                     on: date | None = None) -> RequestDetail:
    """An open request done (→ 已完成) on ``on`` (default today), with what was done."""
    request = _to_write(session, request_id, expected_version)
    if request.status not in OPEN:
        raise DomainError(f"该服务请求{request.status}。")
    today = date.today()
    on = on or today
    errors: dict[str, str] = {}
    done = checks.text(errors, "result", "办理结果", result, required=True)
    checks.step_date(errors, "on", "完成日期", on, today=today, earliest=request.received_on, earliest_label="受理日期")
    if "on" not in errors and request.started_on is not None and on < request.started_on:
        errors["on"] = f"完成日期不能早于接单日期（{request.started_on:%Y-%m-%d}）。"
    if errors:
        raise ValidationError(errors)
    request.status, request.completed_on, request.result = "已完成", on, done
    _record(session, request, "完成", on, f"完成：{done}")
    return _detail(session, request_id, today)


def record_revisit(session: Session, request_id: int, satisfaction: str, note: str = "", *, expected_version: int,
                   on: date | None = None) -> RequestDetail:
    """The call-back after a completed request (→ 已回访): how satisfied the person was."""
    request = _to_write(session, request_id, expected_version)
    if request.status != "已完成":
        raise DomainError("只有已完成的服务请求才能回访。" if request.status in OPEN else "该服务请求已回访。")
    today = date.today()
    on = on or today
    errors: dict[str, str] = {}
    if satisfaction not in SATISFACTION:
        errors["satisfaction"] = "满意度只能是：" + "、".join(SATISFACTION) + "。"
    said = checks.text(errors, "note", "回访记录", note, required=False)
    assert request.completed_on is not None
    checks.step_date(errors, "on", "回访日期", on, today=today, earliest=request.completed_on, earliest_label="完成日期")
    if errors:
        raise ValidationError(errors)
    request.status, request.revisited_on = "已回访", on
    request.satisfaction, request.revisit_note = satisfaction, said
    _record(session, request, "回访", on, f"回访：{satisfaction}" + (f"；{said}" if said else ""))
    return _detail(session, request_id, today)


def reopen_request(session: Session, request_id: int, reason: str, *, expected_version: int,
                   on: date | None = None) -> RequestDetail:
    """A completed (or called-back) request is not done after all: back to 处理中 with whoever had
    it (待办 when nobody had it); the completion and the call-back leave the row and stay in the
    history."""
    request = _to_write(session, request_id, expected_version)
    if request.status not in CLOSED:
        raise DomainError("该服务请求尚未完成，无需重新打开。")
    today = date.today()
    on = on or today
    errors: dict[str, str] = {}
    why = checks.text(errors, "reason", "重新打开的原因", reason, required=True)
    assert request.completed_on is not None
    checks.step_date(errors, "on", "重新打开日期", on, today=today, earliest=request.completed_on,
                     earliest_label="完成日期")
    if errors:
        raise ValidationError(errors)
    request.status = "处理中" if request.assignee_kind else "待办"
    request.reopened += 1
    request.completed_on = request.revisited_on = request.satisfaction = None
    request.result = request.revisit_note = ""
    _record(session, request, "重新打开", on, f"重新打开（第 {request.reopened} 次）：{why}")
    return _detail(session, request_id, today)
