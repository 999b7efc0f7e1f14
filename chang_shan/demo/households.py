"""Household planning: which kinds of household a community has, and who lives in each, with
relations (GB/T 4761) consistent with ages."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from chang_shan.codes import HEAD_RELATION
from chang_shan.demo import names as N
from chang_shan.demo.layout import HIGH_RISE_HOUSEHOLDS, LOW_RISE_HOUSEHOLDS, _Dwelling
from chang_shan.demo.sampling import _age, _weighted

# Household kinds and how many of each a community has (3,100 in all).
TEMPLATE_COUNTS: tuple[tuple[str, int], ...] = (
    ("lone_elder", 880),
    ("elder_couple", 1080),
    ("elder_with_child", 400),
    ("three_gen_elder_head", 220),
    ("three_gen_mid_head", 260),
    ("nuclear", 180),
    ("single", 30),
    ("young_couple", 25),
    ("tenants", 25),
)
assert sum(n for _, n in TEMPLATE_COUNTS) == HIGH_RISE_HOUSEHOLDS + LOW_RISE_HOUSEHOLDS

ETHNICITIES: tuple[tuple[str, float], ...] = (
    ("01", 90.5), ("11", 5.0), ("10", 2.2), ("03", 1.5), ("02", 0.8),
)
GENERAL_ELDER_AGES = ((60, 69, 40), (70, 79, 34), (80, 89, 21), (90, 99, 5))
LONE_ELDER_AGES = ((60, 69, 24), (70, 79, 36), (80, 89, 30), (90, 100, 10))


@dataclass
class _Person:
    sex: str
    age: int
    relation: str
    surname: str
    ethnicity: str
    status: str = "在册"
    groups: set[str] = field(default_factory=set)
    given: str | None = None
    region: str | None = None
    residence_type: str | None = None
    took_over_as_head: bool = False  # a widow(er) who became 户主 when the head died
    # filled in later
    id: int = 0
    birth: date | None = None
    moved_in_on: date | None = None
    moved_out_on: date | None = None
    died_on: date | None = None
    name: str = ""



@dataclass
class _HouseholdPlan:
    dwelling: _Dwelling
    kind: str
    people: list[_Person]
    ethnicity: str
    tags: tuple[str, ...] = ()
    id: int = 0
    phone: str = ""


class _Family:
    """Helpers that make people for one household: shared surname lines, ethnicity."""

    def __init__(self, rng: random.Random, ethnicity: str) -> None:
        self.rng = rng
        self.ethnicity = ethnicity

    def surname(self, ethnicity: str | None = None) -> str:
        pools = {"11": N.MANCHU_SURNAMES, "10": N.KOREAN_SURNAMES, "03": N.HUI_SURNAMES, "02": N.MONGOL_SURNAMES}
        return _weighted(self.rng, pools.get(ethnicity or self.ethnicity, N.HAN_SURNAMES))

    def spouse_ethnicity(self) -> str:
        if self.ethnicity == "01":
            return "11" if self.rng.random() < 0.04 else "01"
        return self.ethnicity if self.rng.random() < 0.75 else "01"

    def person(self, sex: str, age: int, relation: str, surname: str | None = None,
               ethnicity: str | None = None) -> _Person:
        ethnicity = ethnicity or self.ethnicity
        return _Person(sex, age, relation, surname or self.surname(ethnicity), ethnicity)

    def couple(self, husband_age: int, wife_age: int, *, wife_head: bool = False) -> tuple[_Person, _Person]:
        """(head, spouse)."""
        husband_ethnicity = self.ethnicity
        wife_ethnicity = self.spouse_ethnicity()
        if wife_head:
            wife = self.person("2", wife_age, HEAD_RELATION, ethnicity=self.ethnicity)
            husband = self.person("1", husband_age, self._spouse_code("11"), ethnicity=self.spouse_ethnicity())
            return wife, husband
        husband = self.person("1", husband_age, HEAD_RELATION, ethnicity=husband_ethnicity)
        wife = self.person("2", wife_age, self._spouse_code("12"), ethnicity=wife_ethnicity)
        return husband, wife

    def _spouse_code(self, specific: str) -> str:
        return "10" if self.rng.random() < 0.15 else specific

    def children(self, father: _Person | None, mother: _Person | None, ages: list[int],
                 *, son_codes: str = "2", daughter_codes: str = "3",
                 surname: str | None = None) -> list[_Person]:
        """Children of the head (codes 2x sons, 3x daughters), eldest first by sex."""
        rng = self.rng
        ethnicity = (father or mother).ethnicity  # type: ignore[union-attr]
        family_surname = surname or (father.surname if father else mother.surname)  # type: ignore[union-attr]
        if rng.random() < 0.05 and mother is not None:
            family_surname = mother.surname
        sexes = [rng.choice("12") for _ in ages]
        people = []
        sons = sexes.count("1")
        daughters = sexes.count("2")
        son_rank = daughter_rank = 0
        for age, sex in sorted(zip(ages, sexes, strict=True), reverse=True):
            if sex == "1":
                son_rank += 1
                code = _child_code(son_codes, sons, son_rank)
            else:
                daughter_rank += 1
                code = _child_code(daughter_codes, daughters, daughter_rank)
            people.append(self.person(sex, age, code, surname=family_surname, ethnicity=ethnicity))
        return people


def _child_code(prefix: str, count: int, rank: int) -> str:
    """GB/T 4761: 21 独生子 / 22 长子 / 23 次子 / 24 三子 …; the same for daughters in 3x."""
    if count == 1:
        return prefix + "1"
    return prefix + str(min(rank + 1, 6))


def _groups_for_elder(f: _Family, person: _Person) -> None:
    rng = f.rng
    if rng.random() < 0.06:
        person.groups.add("残疾")
    if person.sex == "1" and rng.random() < 0.07:
        person.groups.add("退役军人")


def _lone_elder(f: _Family) -> list[_Person]:
    rng = f.rng
    sex = "2" if rng.random() < 0.7 else "1"
    person = f.person(sex, _age(rng, LONE_ELDER_AGES), HEAD_RELATION)
    person.groups.add("独居")
    _groups_for_elder(f, person)
    if rng.random() < 0.05:
        person.groups.add("特困")
    elif rng.random() < 0.04:
        person.groups.add("低保")
    if rng.random() < 0.02:
        person.groups.add("失独")
    people = [person]
    if rng.random() < 0.05:
        # The spouse died here; if he was the 户主, she took over.
        late_age = min(100, max(60, person.age + (rng.randint(0, 5) if sex == "2" else -rng.randint(0, 5))))
        late_sex = "1" if sex == "2" else "2"
        late = f.person(late_sex, late_age, HEAD_RELATION if late_sex == "1" else "12")
        late.status = "已故"
        if late_sex == "1":
            person.took_over_as_head = True
        people.append(late)
    if rng.random() < 0.02:
        child_age = rng.randint(25, max(25, min(59, person.age - 22)))
        child = f.children(person if sex == "1" else None, person if sex == "2" else None, [child_age])[0]
        child.status = "已迁出"
        people.append(child)
    return people


def _elder_couple(f: _Family) -> list[_Person]:
    rng = f.rng
    husband_age = _age(rng, GENERAL_ELDER_AGES)
    wife_age = min(100, max(60, husband_age - rng.randint(-2, 5)))
    head, spouse = f.couple(husband_age, wife_age, wife_head=rng.random() < 0.2)
    people = [head, spouse]
    for person in people:
        person.groups.add("空巢")
        _groups_for_elder(f, person)
    if rng.random() < 0.03:
        head.groups.add("低保")
        spouse.groups.add("低保")
    if rng.random() < 0.015:
        head.groups.add("失独")
        spouse.groups.add("失独")
    if rng.random() < 0.03:
        younger = min(husband_age, wife_age)
        child_age = rng.randint(25, max(25, min(59, younger - 22)))
        father, mother = (head, spouse) if head.sex == "1" else (spouse, head)
        child = f.children(father, mother, [child_age])[0]
        child.status = "已迁出"
        people.append(child)
    return people


def _elder_with_child(f: _Family) -> list[_Person]:
    rng = f.rng
    child_age = rng.randint(25, 59)
    parent_age = rng.randint(max(60, child_age + 22), min(99, child_age + 38))
    if rng.random() < 0.6:
        wife_age = min(100, max(60, parent_age - rng.randint(-2, 5)))
        wife_age = max(wife_age, child_age + 20)
        head, spouse = f.couple(parent_age, wife_age)
        father, mother = head, spouse
        people = [head, spouse]
    else:
        sex = "2" if rng.random() < 0.7 else "1"
        head = f.person(sex, parent_age, HEAD_RELATION)
        father, mother = (head, None) if sex == "1" else (None, head)
        people = [head]
    for person in people:
        _groups_for_elder(f, person)
    child = f.children(father, mother, [child_age])[0]
    if rng.random() < 0.05:
        child.groups.add("残疾")
    people.append(child)
    return people


def _three_gen_elder_head(f: _Family) -> list[_Person]:
    """Grandparents head the household; a married son (or daughter) and a grandchild live in."""
    rng = f.rng
    middle_age = rng.randint(28, 45)
    grand_age = rng.randint(max(60, middle_age + 22), min(98, middle_age + 38))
    wife_age = max(60, middle_age + 20, min(100, grand_age - rng.randint(-2, 5)))
    head, spouse = f.couple(grand_age, wife_age)
    people = [head, spouse]
    if rng.random() < 0.15:  # widowed grandparent
        people = [head]
        spouse = None
    for person in people:
        _groups_for_elder(f, person)
    child = f.children(head, spouse, [middle_age])[0]
    in_law_age = max(22, middle_age + rng.randint(-4, 3))
    if child.sex == "1":
        in_law = f.person("2", in_law_age, "38", ethnicity=f.spouse_ethnicity())  # 儿媳
        father = child
        grand_codes = ("41", "42")  # 孙子 孙女
    else:
        in_law = f.person("1", in_law_age, "28", ethnicity=f.spouse_ethnicity())  # 女婿
        father = in_law
        grand_codes = ("43", "44")  # 外孙子 外孙女
    youngest_parent = min(middle_age, in_law_age)
    grandchildren = []
    for _ in range(1 if rng.random() < 0.85 else 2):
        age = rng.randint(0, max(0, youngest_parent - 22))
        sex = rng.choice("12")
        grandchildren.append(
            f.person(sex, age, grand_codes[0] if sex == "1" else grand_codes[1], surname=father.surname,
                     ethnicity=child.ethnicity)
        )
    return people + [child, in_law] + grandchildren


def _three_gen_mid_head(f: _Family) -> list[_Person]:
    """A middle-aged couple heads the household, with a child and an elderly parent."""
    rng = f.rng
    husband_age = rng.randint(35, 58)
    wife_age = max(30, min(58, husband_age - rng.randint(-2, 5)))
    head, spouse = f.couple(husband_age, wife_age, wife_head=rng.random() < 0.15)
    father, mother = (head, spouse) if head.sex == "1" else (spouse, head)
    youngest = min(husband_age, wife_age)
    ages = [rng.randint(0, min(30, youngest - 22))]
    if rng.random() < 0.2:
        ages.append(rng.randint(0, min(30, youngest - 22)))
    kids = f.children(father, mother, ages)
    head_parent = rng.random() < 0.6  # the head's own parent, or the spouse's
    base = head if head_parent else spouse
    parents = []
    parent_age = rng.randint(max(60, base.age + 20), min(100, base.age + 38))
    both = rng.random() < 0.15
    sexes = ["1", "2"] if both else [rng.choice("12") if rng.random() < 0.4 else "2"]
    for sex in sexes:
        age = parent_age if sex == "1" or not both else max(60, base.age + 20, parent_age - rng.randint(0, 4))
        if head_parent:
            code = "51" if sex == "1" else "52"  # 父亲 母亲
        elif head.sex == "1":
            code = "55" if sex == "1" else "56"  # 岳父 岳母
        else:
            code = "53" if sex == "1" else "54"  # 公公 婆婆
        surname = base.surname if sex == "1" else None
        person = f.person(sex, age, code, surname=surname, ethnicity=base.ethnicity)
        _groups_for_elder(f, person)
        parents.append(person)
    return [head, spouse, *kids, *parents]


def _nuclear(f: _Family) -> list[_Person]:
    rng = f.rng
    husband_age = rng.randint(28, 58)
    wife_age = max(24, min(58, husband_age - rng.randint(-2, 5)))
    head, spouse = f.couple(husband_age, wife_age, wife_head=rng.random() < 0.2)
    father, mother = (head, spouse) if head.sex == "1" else (spouse, head)
    youngest = min(husband_age, wife_age)
    count = 1 if rng.random() < 0.7 else 2
    ages = [rng.randint(0, min(30, max(0, youngest - 22))) for _ in range(count)]
    kids = f.children(father, mother, ages)
    if rng.random() < 0.04:
        head.groups.add("低保")
    if head.sex == "1" and rng.random() < 0.06:
        head.groups.add("退役军人")
    return [head, spouse, *kids]


def _single(f: _Family) -> list[_Person]:
    rng = f.rng
    person = f.person(rng.choice("12"), rng.randint(22, 59), HEAD_RELATION)
    if rng.random() < 0.1:
        person.groups.add("残疾")
    return [person]


def _young_couple(f: _Family) -> list[_Person]:
    rng = f.rng
    husband_age = rng.randint(24, 38)
    head, spouse = f.couple(husband_age, max(22, husband_age - rng.randint(-2, 4)))
    return [head, spouse]


def _tenants(f: _Family) -> list[_Person]:
    """People renting a flat (流动人口): a couple, or one or two unrelated workers."""
    rng = f.rng
    if rng.random() < 0.5:
        husband_age = rng.randint(24, 48)
        head, spouse = f.couple(husband_age, max(21, husband_age - rng.randint(-2, 4)))
        people = [head, spouse]
        if rng.random() < 0.4:
            people += f.children(head, spouse, [rng.randint(0, max(0, spouse.age - 22))])
    else:
        people = [f.person(rng.choice("12"), rng.randint(20, 50), HEAD_RELATION)]
        if rng.random() < 0.5:
            people.append(f.person(rng.choice("12"), rng.randint(20, 50), "99"))  # 非亲属
    return people


_TEMPLATES: dict[str, Callable[[_Family], list[_Person]]] = {
    "lone_elder": _lone_elder,
    "elder_couple": _elder_couple,
    "elder_with_child": _elder_with_child,
    "three_gen_elder_head": _three_gen_elder_head,
    "three_gen_mid_head": _three_gen_mid_head,
    "nuclear": _nuclear,
    "single": _single,
    "young_couple": _young_couple,
    "tenants": _tenants,
}
