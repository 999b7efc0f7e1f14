"""填报 one “八零” indicator for one year: the count (0 = 达标) and where it comes from (派出所通报,
学校统计 …). For 零家庭暴力 the figure is added to the cases the mediation records count, so only
the cases the committee never saw are entered."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QWidget

from chang_shan.ui.governance.dialog_base import GovDialog

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from chang_shan.db.database import Database
    from chang_shan.indicators.shapes import IndicatorValue

SOURCES = ("派出所通报", "综治中心统计", "学校统计", "街道信访办通报", "社区排查", "妇联通报")


class EntryDialog(GovDialog):
    def __init__(self, db: Database, value: IndicatorValue, parent: QWidget | None = None) -> None:
        super().__init__(db, title="填报“八零”指标", save_text="保存",
                         header=f"{value.year} 年　{value.name}", parent=parent)
        self.value = value
        self.count = self.spin_row("count", "数量", value=value.entered if value.entered is not None else
                                   (value.count if value.count is not None and not value.derived else 0),
                                   suffix=" 起", required=True)
        self.source = self.combo_row("source", "数据来源", [(s, s) for s in SOURCES], editable=True)
        self.source.setCurrentText(value.source if value.entered is not None or not value.derived and value.count
                                   is not None else "")
        self.note = self.line_row("note", "备注", max_length=300, text=value.note)
        if value.key == "domestic_violence":
            hint = QLabel("人民调解记录中的家庭暴力案件已自动计入；这里只填其他渠道（派出所、妇联等）掌握、"
                          "调解记录中没有的起数。")
            hint.setWordWrap(True)
            hint.setProperty("formRole", "hint")
            self.body.addWidget(hint)
        self._dirty = False

    def check(self) -> dict[str, str]:
        return {} if self.source.currentText().strip() else {"source": "请写明数据来源，如“派出所通报”“学校统计”。"}

    def action_name(self) -> str:
        return f"填报“八零”指标 {self.value.year}年 {self.value.name} {self.count.value()}"

    def perform(self, session: Session) -> Any:
        from chang_shan.indicators import indicators

        indicators.enter(session, self.value.year, self.value.key, self.count.value(), self.source.currentText(),
                         self.note.text())
        self.done_message = f"已填报 {self.value.year} 年{self.value.name}：{self.count.value()}（{self.source.currentText()}）"
