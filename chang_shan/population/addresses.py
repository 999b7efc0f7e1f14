"""How a household's address is written in lists, prints and the search index.

A flat: building, unit and room run together as people write them on forms: ``3号楼2单元301``.
The low-rise area (平房区) has no units; its "room" holds the street address: ``平房区 长山路12号``.
Bare numbers get their usual words (building ``3`` → ``3号楼``, unit ``2`` → ``2单元``), so the
text is the same whether the places were named ``3号楼`` or ``3``.
"""

from __future__ import annotations

LOW_RISE = "平房区"


def building_label(name: str) -> str:
    name = (name or "").strip()
    return f"{name}号楼" if name.isdigit() else name


def unit_label(name: str | None) -> str:
    name = (name or "").strip()
    return f"{name}单元" if name.isdigit() else name


def household_address(
    building_name: str, unit_name: str | None, room: str, building_kind: str = "楼房"
) -> str:
    """``3号楼2单元301``; in the low-rise area ``平房区 长山路12号`` (the room is the street address)."""
    room = (room or "").strip()
    building = building_label(building_name)
    if building_kind == LOW_RISE:
        return f"{building} {room}".strip()
    return f"{building}{unit_label(unit_name)}{room}"
