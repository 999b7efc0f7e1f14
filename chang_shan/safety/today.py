"""The safety devices' section of the today list: devices 在用 that expire by the end of the month
(already expired first, then by date), each opening the device (target ``('device', id)``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm
from chang_shan.safety import devices
from chang_shan.safety.shapes import DeviceRow
from chang_shan.today.registry import register_section
from chang_shan.today.shapes import TodayItem


def expiry_text(device: DeviceRow) -> str:
    """'燃气报警器 3号楼2单元301 已过期 12 天' / '… 今天到期' / '灭火器 3号楼1单元 11月28日到期'."""
    days = device.days_to_expiry
    if days < 0:
        when = f"已过期 {-days} 天"
    elif days == 0:
        when = "今天到期"
    else:
        when = f"{device.expires_on.month}月{device.expires_on.day}日到期"
    return f"{device.kind} {device.place} {when}"


def devices_expiring(session: Session, on: date) -> list[TodayItem]:
    # days_overdue only once expired (or due today): the list colours those, and puts them first
    return [
        TodayItem(None, d.kind, expiry_text(d), d.expires_on, -d.days_to_expiry if d.days_to_expiry <= 0 else None,
                  ("device", d.id))
        for d in devices.expiring(session, on)
    ]


register_section("devices_expiring", "本月到期的安全设备", devices_expiring, order=70, perm=Perm.VIEW,
                 note=lambda _session, on: f"在用、{on.month}月底前到期或已过期的燃气报警器、灭火器和烟感报警器")
