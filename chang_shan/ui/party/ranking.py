"""年度排行: the year's volunteers with the most confirmed hours (then points), with their teams;
打印证明 (Ctrl+P) opens the chosen volunteer's 志愿服务证明 for that year."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QSpinBox, QWidget

from chang_shan.ui.party.base import Column, ListTab, open_print, today, year_box
from chang_shan.ui.party.volunteer_tabs import hours

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.ui.ops import Operations
    from chang_shan.volunteers.shapes import TopVolunteer

RANK_COLUMNS = (
    Column("名次", lambda r: r.rank, "名次", right=True, kind="int"),
    Column("编号", lambda r: r.top.row.number, "CSV-00123"),
    Column("姓名", lambda r: r.top.row.name, "欧阳春花花"),
    Column("类别", lambda r: r.top.row.kind, "驻区单位"),
    Column("服务队", lambda r: r.top.row.teams, "义务巡逻队、清雪除冰服务队"),
    Column("服务时长（小时）", lambda r: hours(r.top.hours), "服务时长（小时）", right=True),
    Column("所得积分", lambda r: r.top.points, "所得积分", right=True, kind="int"),
    Column("积分余额", lambda r: r.top.row.points_balance, "积分余额", right=True, kind="int"),
)


class Ranked:
    """A place in the ranking (``id`` is the volunteer's, so the selection survives a reload)."""

    def __init__(self, rank: int, top: TopVolunteer) -> None:
        self.rank, self.top, self.id = rank, top, top.row.id


class RankingTab(ListTab):
    title = "年度排行"
    stretch = 4

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(ops, RANK_COLUMNS, parent)
        self.year = year_box("rankingYear")
        self.limit = QSpinBox()
        self.limit.setObjectName("rankingLimit")
        self.limit.setRange(10, 500)
        self.limit.setSingleStep(10)
        self.limit.setValue(50)
        self.limit.setPrefix("前 ")
        self.limit.setSuffix(" 名")
        self.watch(self.year, self.limit)
        self.filter_row.addWidget(QLabel("年度："))
        self.filter_row.addWidget(self.year)
        self.filter_row.addWidget(self.limit)
        self.filter_row.addStretch(1)
        self.certificate_action = self.action("打印证明", self.print_certificate, "Ctrl+P",
                                              "打印选中志愿者这一年的志愿服务证明", write=False)
        self.add_actions([self.certificate_action])
        self.finish_layout()

    def filters(self) -> dict[str, Any]:
        return {"year": self.year.value(), "limit": self.limit.value()}

    def load(self, session: Session, **filters: Any) -> list[Ranked]:
        from chang_shan.volunteers import queries

        return [Ranked(n, top) for n, top in enumerate(queries.top_volunteers(session, **filters), start=1)]

    def summary(self, rows: list[Ranked]) -> str:
        total = sum((r.top.hours for r in rows), start=0)
        return f"{self.year.value()} 年前 {len(rows)} 名，共 {hours(total)} 小时"

    def update_actions(self) -> None:
        self.certificate_action.setEnabled(self.current() is not None)

    def open_selected(self) -> Any:
        return self.print_certificate()

    def print_certificate(self) -> Any:
        row = self.current()
        if row is None:
            return None
        year = self.year.value()
        end = min(date(year, 12, 31), today())
        return open_print(self, self.ops, "volunteer_certificate",
                          {"volunteer": row.top.row.number, "start": date(year, 1, 1), "end": end, "date": today()})
