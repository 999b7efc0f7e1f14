"""The demo's 四步议事 matters and 人民调解 cases of the past few years."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object


class _DeliberationMixin(_Base):
    def _deliberation_and_mediation(self, index: int, households: list[Any]) -> None:
        """To be written (issue 11)."""
        random.Random(f"chang-shan-demo/{self.seed}/{index}/deliberation")
