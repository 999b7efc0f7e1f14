"""The demo's governance records: a few years of 四步议事 matters, mediation cases, property fees and
诚信借款 loans, and the 八零 entries."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from chang_shan.demo.deliberation import _DeliberationMixin

if TYPE_CHECKING:
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object


class _GovernanceMixin(_DeliberationMixin, _Base):
    def _governance(self, index: int, households: list[Any]) -> None:
        """四步议事 and 人民调解 (``demo.deliberation``), then fees, loans and 八零 (to be written, issue 11)."""
        self._deliberation_and_mediation(index, households)
        random.Random(f"chang-shan-demo/{self.seed}/{index}/governance")
