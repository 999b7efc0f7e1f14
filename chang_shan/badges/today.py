"""The badges' section of the today list: printed badges whose content has changed since
(防走失卡需重印), each opening the badge register on that person (target ``('badge', id)``).

Only for users who may print badges (``Perm.EDIT``: they carry full phones); a 网格员 sees their
grids (``register_rows`` filters).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from chang_shan.accounts.permissions import Perm
from chang_shan.badges.register import STALE, register_rows
from chang_shan.badges.selection import files_root_of
from chang_shan.today.registry import register_section
from chang_shan.today.shapes import TodayItem


def stale_badges(session: Session, on: date) -> list[TodayItem]:
    """'编号 00012 家属联系人、照片已变动' for each stale badge, in the register's (address) order."""
    return [
        TodayItem(row.resident_id, row.name,
                  f"编号 {row.number:05d} {'、'.join(row.reasons) or '内容'}已变动，需重印", None, None,
                  ("badge", row.resident_id))
        for row in register_rows(session, files_root_of(session), state=STALE, today=on)
    ]


register_section("badges_stale", "防走失卡需重印", stale_badges, order=80, perm=Perm.EDIT,
                 note="已打印的防走失卡上的家属电话、健康提示、住址或照片等有变动")
