"""Badges built by hand (no database) for the content, layout and PDF tests."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from chang_shan.badges.shapes import BadgeContact, BadgeData

RARE = "赵𠀀𪚥"  # U+20000 and U+2A6A5
HOTLINE = "0431-85551234"
COMMUNITY = "长山花园社区"
NOTE = "走失风险；阿尔茨海默病；糖尿病；冠心病；青霉素过敏"
ADDRESS = "长山花园3号楼2单元301室"
SON = BadgeContact("赵建国", "儿子", "13604310021")
DAUGHTER = BadgeContact("赵建华", "女儿", "13704310022")
IN_LAW = BadgeContact("孙丽", "儿媳", "0431-85550023")


def badge(resident_id: int = 1, name: str = RARE, *, number: int = 123, version: int = 2,
          contacts: tuple[BadgeContact, ...] = (SON, DAUGHTER, IN_LAW), hotline: str = HOTLINE,
          community: str = COMMUNITY, note: str = NOTE, address: str = ADDRESS,
          photo: str | None = None) -> BadgeData:
    return BadgeData(resident_id=resident_id, number=number, version=version, name=name, contacts=contacts,
                     hotline=hotline, community=community, medical_note=note, address=address, photo_path=photo,
                     photo_sha256="ab" * 32 if photo else "")


def portrait(path: Path) -> str:
    """A 360×480 JPEG like the photos module stores."""
    image = Image.new("RGB", (360, 480), (205, 215, 230))
    draw = ImageDraw.Draw(image)
    draw.ellipse((110, 90, 250, 250), fill=(228, 190, 160))
    draw.rectangle((60, 280, 300, 480), fill=(60, 80, 140))
    image.save(path, "JPEG", quality=85)
    return str(path)


NAMES = ("王淑芬", RARE, "欧阳淑芬", "李桂兰", "张立春", "𪚥", "钱玉梅", "孙德厚", "刘明", "周桂芝", "吴振华", "郑玉兰")


def crowd(count: int, photo: str | None = None) -> list[BadgeData]:
    """``count`` different badges: every other one with a photo (when given), some with a note,
    some with an address, one to three contacts."""
    people = []
    for i in range(count):
        contacts = (SON, DAUGHTER, IN_LAW)[: 1 + i % 3]
        people.append(badge(i + 1, NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else str(i)), number=i + 1,
                            version=1 + i % 2, contacts=contacts, note=NOTE if i % 3 == 0 else "",
                            address=ADDRESS if i % 2 else "", photo=photo if i % 2 == 0 else None))
    return people
