"""The demo's party network (四级网络): 社区党委, a 党支部 per grid, 24 党小组, the members living in
the 161 党员家庭户, posts, a year of monthly study days with attendance."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object


class _PartyMixin(_Base):
    def _party(self, index: int, households: list[Any], grid_ids: list[int], building_ids: list[int],
               unit_ids: list[int]) -> None:
        """To be written (issue 10)."""
        random.Random(f"chang-shan-demo/{self.seed}/{index}/party")
