"""便民档案库: four tabs — 服务请求 (home services and the 百姓说事点's requests, with their
history), 乐龄食堂 (members, the day's meals, monthly statements), 安全设备 (gas alarms,
extinguishers, smoke detectors: inspections, expiry, coverage) and 统计 (requests per category
and month, time to close, satisfaction).

Each tab loads itself the first time it is shown and keeps its own status line; the screen
passes on the line of the tab on view. Ctrl+N here is 受理新请求 (the window's 新增居民 steps
aside). The today list opens a request (``open_request``) or a device (``open_device``) here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from chang_shan.ui.widgets.canteen_tab import CanteenTab
from chang_shan.ui.widgets.devices_tab import DevicesTab
from chang_shan.ui.widgets.request_stats import RequestStatsView
from chang_shan.ui.widgets.requests_tab import RequestsTab
from chang_shan.ui.widgets.tabbed_screen import TabbedScreen

if TYPE_CHECKING:
    from chang_shan.ui.ops import Operations


class ServicesScreen(TabbedScreen, QWidget):
    title = "便民档案库"
    statusChanged = Signal(str)
    OWNS_CTRL_N = True  # 受理新请求 (the window's 新增居民 steps aside)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.requests_tab = RequestsTab(ops)
        self.canteen_tab = CanteenTab(ops)
        self.devices_tab = DevicesTab(ops)
        self.stats_tab = RequestStatsView(ops)
        self.build_tabs("servicesTabs", ((self.requests_tab, "服务请求"), (self.canteen_tab, "乐龄食堂"),
                                         (self.devices_tab, "安全设备"), (self.stats_tab, "统计")))

    def open_request(self, request_id: int) -> None:
        """Show this request selected on 服务请求 (from the today list)."""
        self._started = True
        self.requests_tab.open_request(request_id)
        self.tabs.setCurrentWidget(self.requests_tab)

    def open_device(self, device_id: int) -> None:
        """Show this device selected on 安全设备 (from the today list)."""
        self._started = True
        self.devices_tab.open_device(device_id)
        self.tabs.setCurrentWidget(self.devices_tab)
