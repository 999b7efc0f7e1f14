"""National code tables (GB/T 2261.1 sex, GB/T 3304 ethnicity, GB/T 4761 family relation) and the
office's own lists (special groups, household tags), read from ``resources/codes/*.csv``."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from chang_shan.paths import resources_dir


@dataclass(frozen=True)
class CodeTable:
    name: str
    entries: tuple[tuple[str, str], ...]  # (code, label), in the standard's order

    def label(self, code: str | None, default: str = "") -> str:
        return self.as_dict().get(code or "", default)

    def code_for(self, label: str) -> str | None:
        for code, text in self.entries:
            if text == label:
                return code
        return None

    def codes(self) -> list[str]:
        return [code for code, _ in self.entries]

    @cache  # noqa: B019 - instances are module-level singletons
    def as_dict(self) -> dict[str, str]:
        return dict(self.entries)

    def __contains__(self, code: object) -> bool:
        return code in self.as_dict()


def _read(file_name: str) -> tuple[tuple[str, str], ...]:
    with open(resources_dir() / "codes" / file_name, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        return tuple((row[0], row[1]) for row in reader if row)


@cache
def sex() -> CodeTable:
    return CodeTable("GB/T 2261.1 人的性别代码", _read("gbt2261.1-sex.csv"))


@cache
def ethnicity() -> CodeTable:
    return CodeTable("GB/T 3304 中国各民族名称的罗马字母拼写法和代码", _read("gbt3304-ethnicity.csv"))


@cache
def relation() -> CodeTable:
    return CodeTable("GB/T 4761 家庭关系代码", _read("gbt4761-relation.csv"))


@cache
def special_groups() -> tuple[str, ...]:
    return tuple(name for name, _ in _read("special-groups.csv"))


@cache
def household_tags() -> tuple[str, ...]:
    return tuple(name for name, _ in _read("household-tags.csv"))


HEAD_RELATION = "02"  # GB/T 4761: 户主
