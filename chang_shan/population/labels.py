"""Label collections on a record (a household's tags, a resident's special groups)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


def sync_labels(items: list[Any], wanted: Iterable[str], attribute: str, make: Callable[[str], Any]) -> None:
    """Make ``items`` hold exactly the labels in ``wanted``: rows that stay are kept (so the change
    journal records only what was added or removed), the others removed, new ones made by ``make``."""
    wanted = set(wanted)
    for item in list(items):
        if getattr(item, attribute) not in wanted:
            items.remove(item)
    have = {getattr(item, attribute) for item in items}
    for name in sorted(wanted - have):
        items.append(make(name))
