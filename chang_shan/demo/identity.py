"""Who a person is on paper: ID numbers (GB 11643, real Changchun region codes, valid check
digits), names (pools in ``names``), phones and employment."""

from __future__ import annotations

import random
from datetime import date
from typing import TYPE_CHECKING

from chang_shan.demo import names as N
from chang_shan.demo.households import _Person
from chang_shan.demo.sampling import _generation, _weighted
from chang_shan.population.idnumber import check_digit

if TYPE_CHECKING:
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object

CHANGCHUN_REGIONS: tuple[tuple[str, float], ...] = (
    ("220103", 50), ("220102", 12), ("220104", 10), ("220105", 8), ("220106", 6),
    ("220122", 4), ("220182", 3), ("220183", 3), ("220112", 2), ("220202", 2),
)
YANBIAN_REGIONS: tuple[tuple[str, float], ...] = (("222401", 5), ("222402", 2), ("222403", 2), ("222405", 1))
OUTSIDE_REGIONS: tuple[tuple[str, float], ...] = (
    ("220202", 6), ("220302", 4), ("220402", 3), ("220502", 3), ("220702", 3), ("220802", 3),
    ("230102", 3), ("230103", 2), ("210102", 2), ("210202", 1), ("370102", 2), ("130102", 1),
    ("150102", 1),
)
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "155", "156", "157", "158", "159",
    "180", "181", "182", "183", "185", "186", "187", "188", "189",
)


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99999999):08d}"



def _employment(rng: random.Random, age: int, sex: str, status: str) -> str:
    if age < 6:
        return "学龄前"
    if age < 18:
        return "学生"
    if age < 23:
        return "学生" if rng.random() < 0.75 else _weighted(rng, (("在职", 3), ("灵活就业", 1)))
    retire_age = 60 if sex == "1" else 50
    if age >= retire_age:
        if age >= 60:
            return _weighted(rng, (("离退休", 88), ("无业", 9), ("务农", 3)))
        return _weighted(rng, (("离退休", 65), ("在职", 20), ("无业", 15)))
    return _weighted(
        rng,
        (("在职", 55), ("个体经营", 10), ("灵活就业", 13), ("无业", 9), ("失业", 5), ("离退休", 3),
         ("务农", 2), ("学生", 1 if age < 28 else 0)),
    )


class _IdentityMixin(_Base):
    """Regions, ID numbers (unique within the build), names and phones."""

    def _region(self, rng: random.Random, ethnicity: str, residence: str) -> str:
        if residence == "流动":
            return _weighted(rng, OUTSIDE_REGIONS)
        if ethnicity == "10" and rng.random() < 0.6:
            return _weighted(rng, YANBIAN_REGIONS)
        if residence in ("常住", "人户分离") and rng.random() < 0.5:
            return _weighted(rng, OUTSIDE_REGIONS)
        return _weighted(rng, CHANGCHUN_REGIONS)

    def _id_number(self, rng: random.Random, region: str, birth: date, sex: str) -> str:
        """GB 11643: region, birth date, sequence (odd for men, even for women), check digit."""
        while True:
            sequence = rng.randrange(500) * 2 + (1 if sex == "1" else 0)
            first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + check_digit(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def _name(self, rng: random.Random, person: _Person) -> str:
        if person.given and "·" in person.given:
            return person.given
        generation = _generation(person.age)
        given = person.given
        if given is None:
            if person.ethnicity == "10" and generation != "young":
                given = rng.choice(N.KOREAN_GIVEN_MALE if person.sex == "1" else N.KOREAN_GIVEN_FEMALE)
            elif person.ethnicity == "02" and generation != "young" and rng.random() < 0.5:
                return rng.choice(N.MONGOL_GIVEN_MALE if person.sex == "1" else N.MONGOL_GIVEN_FEMALE)
            else:
                given = rng.choice(N.GIVEN[(generation, person.sex)])
        return person.surname + given

    def _phone(self, rng: random.Random, age: int) -> str:
        if age < 12:
            return ""
        if age < 18:
            return _mobile(rng) if rng.random() < 0.4 else ""
        if age >= 80:
            roll = rng.random()
            if roll < 0.45:
                return _mobile(rng)
            if roll < 0.8:
                return f"0431-8{rng.randint(0, 9999999):07d}"
            return ""
        return _mobile(rng) if rng.random() < 0.97 else f"0431-8{rng.randint(0, 9999999):07d}"
