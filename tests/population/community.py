"""A small community for population and dialog tests, built through the services themselves.

Two grids; building 3 (楼房) with units 1 and 2; the 平房区 (no units); four households; a family
of three in 3号楼1单元101, a lone elder in 3号楼2单元301, an empty flat and a low-rise house.
张立春 is a party member (第一网格党支部 of the 长山花园社区党委), so 101 is a 党员家庭户.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from chang_shan.db.database import Database
from chang_shan.party import members as party_members
from chang_shan.party import orgs
from chang_shan.party.shapes import MemberInput
from chang_shan.population import households, idnumber, places, residents


def id_number(region: str, born: date, serial: int) -> str:
    """A checksum-valid 18-digit number: region, birth date, a three-digit serial (odd = male)."""
    first17 = f"{region}{born:%Y%m%d}{serial:03d}"
    return first17 + idnumber.check_digit(first17)


KUANCHENG = "220103"  # 吉林省长春市宽城区

ZHANG_ID = id_number(KUANCHENG, date(1950, 3, 12), 11)  # 张立春, male
LI_ID = id_number(KUANCHENG, date(1952, 8, 30), 22)  # 李桂兰, female
SON_ID = id_number(KUANCHENG, date(1978, 1, 5), 33)  # 张伟, male
WANG_ID = id_number(KUANCHENG, date(1940, 11, 2), 44)  # 王淑芬, female, lives alone


@dataclass(frozen=True)
class Community:
    grid1: int
    grid2: int
    building3: int
    unit1: int
    unit2: int
    low_rise: int
    h101: int  # 3号楼1单元101: 张立春 (head), 李桂兰 (wife), 张伟 (son)
    h102: int  # 3号楼1单元102: empty
    h301: int  # 3号楼2单元301: 王淑芬 (head, lives alone)
    house: int  # 平房区 长山路12号: empty
    zhang: int
    li: int
    son: int
    wang: int


def party_household(session: Session, grid_id: int, resident_id: int) -> int:
    """The community's 党委 and a 党支部 of ``grid_id`` with ``resident_id`` as a member (joined
    1975-07-01): their household becomes a 党员家庭户 (the tag follows the member ledger)."""
    committee = orgs.create_org(session, level="党委", name="长山花园社区党委", parent_id=None)
    branch = orgs.create_org(session, level="党支部", name="第一网格党支部", parent_id=committee, grid_id=grid_id)
    return party_members.add_member(session, MemberInput(resident_id, branch, date(1975, 7, 1)))


def person(household_id: int, name: str, number: str, relation: str, **extra: object) -> residents.ResidentInput:
    return residents.ResidentInput(name=name, id_number=number, relation_code=relation,
                                   household_id=household_id, **extra)  # type: ignore[arg-type]


def build_community(db: Database) -> Community:
    with db.transaction("建立测试社区") as s:
        grid1 = places.create_grid(s, code="01", name="第一网格")
        grid2 = places.create_grid(s, code="02", name="第二网格")
        building3 = places.create_building(s, grid_id=grid1, name="3")
        unit1 = places.create_unit(s, building_id=building3, name="1")
        unit2 = places.create_unit(s, building_id=building3, name="2")
        low_rise = places.create_building(s, grid_id=grid2, name="平房区", kind="平房区")
        new = households.HouseholdInput
        h101 = households.create_household(s, new(building3, unit1, "101", "52.5"))
        h102 = households.create_household(s, new(building3, unit1, "102", "48"))
        h301 = households.create_household(s, new(building3, unit2, "301", "61.2"))
        house = households.create_household(s, new(low_rise, None, "长山路12号", "80"))
        on = date(2020, 5, 1)
        zhang = residents.register_resident(s, person(h101, "张立春", ZHANG_ID, "02", phone="13804310001"), on_date=on)
        li = residents.register_resident(s, person(h101, "李桂兰", LI_ID, "12"), on_date=on)
        son = residents.register_resident(s, person(h101, "张伟", SON_ID, "20"), on_date=on)
        wang = residents.register_resident(
            s, person(h301, "王淑芬", WANG_ID, "02", groups=["独居"]), on_date=on
        )
        party_household(s, grid1, zhang)  # 3号楼1单元101 is a 党员家庭户: 张立春 is a party member
    return Community(grid1, grid2, building3, unit1, unit2, low_rise, h101, h102, h301, house,
                     zhang, li, son, wang)
