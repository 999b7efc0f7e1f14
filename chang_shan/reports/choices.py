"""The lists a report option is chosen from (党组织, 服务队, 志愿者, 议题, 调解案件): option name →
the ledger function that gives ``[(value, text), …]`` for the signed-in user. The reports dialog
fills its combos from here; the command line takes the value itself (an id or a number).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from sqlalchemy.orm import Session

# option → "module:function"; each function takes a session and returns [(value, text), …].
CHOICES: dict[str, str] = {
    "branch": "chang_shan.party.queries:branch_choices",  # (org id, 第三网格党支部)
    "team": "chang_shan.volunteers.queries:team_choices",  # (team id, 义务巡逻队)
    "volunteer": "chang_shan.volunteers.queries:volunteer_choices",  # (CSV-00123, CSV-00123 张立春)
    "matter": "chang_shan.deliberation.queries:matter_choices",  # (YS2026-003, YS2026-003 燃气管道更新)
    "case": "chang_shan.mediation.queries:case_choices",  # (TJ2026-012, TJ2026-012 邻里纠纷 张某与李某)
}


def provider(name: str) -> Callable[[Session], list[tuple[object, str]]]:
    module, function = CHOICES[name].split(":")
    return getattr(importlib.import_module(module), function)


def choices(session: Session, name: str) -> list[tuple[object, str]]:
    return list(provider(name)(session))
