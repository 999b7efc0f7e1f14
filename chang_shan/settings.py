"""Typed settings of the office, stored in ``app_meta`` under keys ``setting.<key>``.

``SETTINGS`` lists every setting with its Chinese label, type, default and range. Anyone signed
in may read a setting; changing one needs ``Perm.SETTINGS`` and is recorded as an audit event
(``app_meta`` is not in the change journal, so a change cannot be undone: the event is the
record of who changed what from which value to which).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm, actor_of, require
from chang_shan.audit.events import record_event
from chang_shan.db.models import AppMeta
from chang_shan.errors import NotFound, PermissionDenied, ValidationError

KEY_PREFIX = "setting."

Value = bool | int | str | Decimal

CENT = Decimal("0.01")
_MONEY = re.compile(r"[0-9]+(\.[0-9]{1,2})?")


@dataclass(frozen=True)
class Setting:
    key: str  # 'today.not_visited_days'
    label: str  # 久未走访提醒天数
    kind: type  # bool (是/否), int, str or Decimal (money in yuan, at most two decimals, stored as '7.00')
    default: Value
    minimum: int | Decimal | None = None  # int/Decimal: smallest value; str: shortest length
    maximum: int | Decimal | None = None  # int/Decimal: largest value; str: longest length
    unit: str = ""  # 天, 元 …

    def describe(self, value: Value) -> str:
        if isinstance(value, bool):
            return "是" if value else "否"
        return f"{value} {self.unit}".strip()


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("today.not_visited_days", "久未走访提醒天数", int, 30, 7, 365, "天"),
        Setting("services.default_due_days", "服务请求默认办理天数", int, 3, 1, 60, "天"),
        Setting("services.revisit_after_days", "完成后回访天数", int, 3, 1, 30, "天"),
        Setting("canteen.meal_price", "每餐价格", Decimal, Decimal("7.00"), Decimal("0.00"), Decimal("100.00"), "元"),
        Setting("office.community_name", "社区名称", str, "", 0, 30),  # printed on statements
        Setting("office.hotline", "社区服务电话", str, "", 0, 20),  # on every badge (防走失卡)
        # What a badge shows when the family has not recorded a choice (badge_consent).
        Setting("badges.default_address", "防走失卡默认印住址", bool, False),
        Setting("badges.default_photo", "防走失卡默认印照片", bool, True),
        Setting("badges.max_contacts", "防走失卡默认家属人数", int, 2, 1, 3, "人"),
        Setting("party.study_day", "主题党日（每月几号）", int, 15, 1, 28, "号"),
        # A year without its own rate (property_fee_rate) uses this one.
        Setting("fees.default_rate", "物业费默认单价（每平方米每年）", Decimal, Decimal("0.30"), Decimal("0.00"),
                Decimal("100.00"), "元"),
        # The today list's 备份提醒 once the last verified backup is older than this.
        Setting("backup.interval_days", "备份提醒间隔天数", int, 7, 1, 90, "天"),
    )
}


def _setting(key: str) -> Setting:
    try:
        return SETTINGS[key]
    except KeyError:
        raise NotFound(f"没有这个设置：{key}") from None


def _parse(setting: Setting, raw: object) -> Value:
    """``raw`` as the setting's type within its range, or ``ValidationError``."""
    if setting.kind is bool:
        return _parse_bool(setting, raw)
    if setting.kind is int:
        return _parse_int(setting, raw)
    if setting.kind is Decimal:
        return _parse_money(setting, raw)
    if not isinstance(raw, str):
        raise ValidationError({setting.key: f"{setting.label}应为文字。"})
    text = raw.strip()
    low, high = setting.minimum or 0, setting.maximum
    if len(text) < low or (high is not None and len(text) > high):
        raise ValidationError({setting.key: f"{setting.label}应为 {low}–{high} 个字。"})
    return text


_TRUE, _FALSE = ("1", "true", "是"), ("0", "false", "否")


def _parse_bool(setting: Setting, raw: object) -> bool:
    """A yes/no setting: ``True``/``False`` or the text a form or the database holds."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        text = raw.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise ValidationError({setting.key: f"{setting.label}应为“是”或“否”。"})


def _parse_int(setting: Setting, raw: object) -> int:
    problem = f"{setting.label}应为 {setting.minimum}–{setting.maximum}{setting.unit} 之间的整数。"
    if isinstance(raw, bool):
        raise ValidationError({setting.key: problem})
    if isinstance(raw, str):
        text = raw.strip()
        if not (text.isascii() and text.lstrip("-").isdigit()):
            raise ValidationError({setting.key: problem})
        raw = int(text)
    if not isinstance(raw, int):
        raise ValidationError({setting.key: problem})
    if (setting.minimum is not None and raw < setting.minimum) or (
        setting.maximum is not None and raw > setting.maximum
    ):
        raise ValidationError({setting.key: problem})
    return raw


def _parse_money(setting: Setting, raw: object) -> Decimal:
    """Yuan with at most two decimals ('7', '7.5', '７．５０' from a Chinese input method), as a
    ``Decimal`` quantized to fen. Floats are refused: money is never a float."""
    problem = (f"{setting.label}应为 {setting.minimum}–{setting.maximum} {setting.unit}之间的金额，"
               "最多两位小数。")
    if isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip()
        if not _MONEY.fullmatch(text):
            raise ValidationError({setting.key: problem})
        raw = Decimal(text)
    elif isinstance(raw, int) and not isinstance(raw, bool):
        raw = Decimal(raw)
    if not isinstance(raw, Decimal) or not raw.is_finite():
        raise ValidationError({setting.key: problem})
    if (setting.minimum is not None and raw < setting.minimum) or (
        setting.maximum is not None and raw > setting.maximum
    ):
        raise ValidationError({setting.key: problem})
    value = raw.quantize(CENT)
    if value != raw:
        raise ValidationError({setting.key: problem})
    return value.copy_abs() if value == 0 else value  # never '-0.00'


def _plain(value: Value) -> bool | int | str:
    """A value as the audit event's JSON detail holds it (money as its text, '7.00')."""
    return str(value) if isinstance(value, Decimal) else value


def _stored(setting: Setting, text: str | None) -> Value:
    """A stored value, or the default when it is missing or no longer valid (a narrowed range)."""
    if text is None:
        return setting.default
    try:
        return _parse(setting, text)
    except ValidationError:
        return setting.default


def _require_signed_in(session: Session) -> None:
    if actor_of(session) is None:
        raise PermissionDenied("请先登录。")


def get_setting(session: Session, key: str) -> Value:
    setting = _setting(key)
    _require_signed_in(session)
    meta = session.get(AppMeta, KEY_PREFIX + key)
    return _stored(setting, meta.value if meta is not None else None)


def all_settings(session: Session) -> list[tuple[Setting, Value]]:
    """Every setting with its current value, in registry order."""
    _require_signed_in(session)
    keys = [KEY_PREFIX + key for key in SETTINGS]
    stored = dict(session.execute(select(AppMeta.key, AppMeta.value).where(AppMeta.key.in_(keys))).all())
    return [(s, _stored(s, stored.get(KEY_PREFIX + s.key))) for s in SETTINGS.values()]


def set_setting(session: Session, key: str, value: object) -> None:
    """Change a setting (``Perm.SETTINGS``); ``value`` may be the typed value or a form's text."""
    setting = _setting(key)
    require(session, Perm.SETTINGS, what="修改设置")
    new = _parse(setting, value)
    old = get_setting(session, key)
    if new == old:
        return  # nothing changed: nothing written, no event
    stored = ("1" if new else "0") if isinstance(new, bool) else str(new)
    session.merge(AppMeta(key=KEY_PREFIX + key, value=stored))
    session.flush()
    record_event(session, "settings", f"修改设置 {setting.label}：{setting.describe(old)} → {setting.describe(new)}",
                 detail={"key": key, "before": _plain(old), "after": _plain(new)})


def set_settings(session: Session, values: dict[str, object]) -> None:
    """Change several settings at once (the 设置 dialog): every value is checked first and one bad
    value (``ValidationError`` naming each) keeps them all as they were."""
    require(session, Perm.SETTINGS, what="修改设置")
    errors: dict[str, str] = {}
    for key, value in values.items():
        try:
            _parse(_setting(key), value)
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    for key, value in values.items():
        set_setting(session, key, value)
