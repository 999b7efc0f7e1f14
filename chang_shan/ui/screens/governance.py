"""议事调解与物业: 四步议事, 人民调解, 物业费, 诚信借款 and the 八零 indicators. (Being built: issue 11.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from chang_shan.ui.screens.placeholder import PlaceholderScreen

if TYPE_CHECKING:
    from chang_shan.ui.ops import Operations


class GovernanceScreen(PlaceholderScreen):
    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__("议事调解与物业", "四步议事、人民调解、物业费和诚信借款。", parent)
        self.ops = ops
