"""党建与志愿者: the party network tree, members and study days; volunteer teams, service records,
points and the redemption counter. (Being built: issue 10.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from chang_shan.ui.screens.placeholder import PlaceholderScreen

if TYPE_CHECKING:
    from chang_shan.ui.ops import Operations


class PartyScreen(PlaceholderScreen):
    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__("党建与志愿者", "党员、志愿服务队、服务时长和红马甲积分。", parent)
        self.ops = ops
