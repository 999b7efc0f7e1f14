"""The data-entry dialogs of the 万家数据库: resident and household forms, and the event dialogs
(转户, 迁出, 死亡, 变更户主). Each writes one journaled action through ``db.transaction``, so the
main window's 编辑→撤销 can take it back; ``exec()`` returns ``Accepted`` when something was saved,
and ``saved_id`` names the record."""

from chang_shan.ui.dialogs.actions import ChangeHeadDialog, DeathDialog, MoveOutDialog, MoveResidentDialog
from chang_shan.ui.dialogs.household import HouseholdDialog
from chang_shan.ui.dialogs.resident import ResidentDialog

__all__ = [
    "ChangeHeadDialog",
    "DeathDialog",
    "HouseholdDialog",
    "MoveOutDialog",
    "MoveResidentDialog",
    "ResidentDialog",
]
