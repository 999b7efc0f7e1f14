"""The demo's governance records: a few years of 四步议事 matters, mediation cases, property fees and
诚信借款 loans, and the 八零 entries."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object


class _GovernanceMixin(_Base):
    def _governance(self, index: int, households: list[Any]) -> None:
        """To be written (issue 11)."""
        random.Random(f"chang-shan-demo/{self.seed}/{index}/governance")
