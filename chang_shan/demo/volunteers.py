"""The demo's volunteers (红马甲): 12 teams, about 800 volunteers (400+ residents, students from the
universities nearby), a year of confirmed service, points and redemptions."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object


class _VolunteersMixin(_Base):
    def _volunteers(self, index: int, households: list[Any]) -> None:
        """To be written (issue 10)."""
        random.Random(f"chang-shan-demo/{self.seed}/{index}/volunteers")
