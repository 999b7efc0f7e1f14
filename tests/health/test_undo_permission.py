"""Undoing a change to health data needs the health permission, even for an administrator and even
for one's own change made while the permission was still held."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.accounts.permissions import actor_for
from chang_shan.db.database import Database
from chang_shan.errors import PermissionDenied
from chang_shan.health import profiles
from chang_shan.health.shapes import ProfileInput
from chang_shan.population import undo
from tests.health.office import HealthOffice


def _save_blood_type(db: Database, office: HealthOffice, role: str, code: str) -> None:
    db.actor = office.actors[role]
    with db.transaction("修改健康档案") as s:
        detail = profiles.get_profile(s, office.town.zhang)
        data = detail.data
        data.blood_type = code
        profiles.save_profile(s, office.town.zhang, data, expected_version=detail.version, today=date(2025, 6, 1))


def test_an_administrator_without_health_cannot_undo_a_health_change(health_db: Database, health_office: HealthOffice) -> None:
    _save_blood_type(health_db, health_office, "admin_h", "2")
    health_db.actor = health_office.actors["admin"]  # 管理员, no health permission
    with health_db.reader() as s:
        assert undo.last_action(s) is None  # the menu offers nothing
    with pytest.raises(PermissionDenied, match="居民健康库"), health_db.transaction("撤销") as s:
        undo.undo_last(s)
    health_db.actor = health_office.actors["admin_h"]
    with health_db.reader() as s:
        assert profiles.get_profile(s, health_office.town.zhang).data.blood_type == "2"  # untouched
    with health_db.transaction("撤销") as s:  # the one who may, can
        undo.undo_last(s)
    with health_db.reader() as s:
        assert profiles.get_profile(s, health_office.town.zhang).data.blood_type == "1"


def test_own_health_change_cannot_be_undone_after_the_permission_is_withdrawn(
    health_db: Database, health_office: HealthOffice,
) -> None:
    _save_blood_type(health_db, health_office, "worker_h", "3")
    nurse = health_office.actors["worker_h"]
    assert nurse is not None
    # The same account after an administrator took the health permission away (at next sign-in).
    health_db.actor = actor_for(nurse.username, nurse.role, can_health=False, user_id=nurse.user_id)
    with health_db.reader() as s:
        assert undo.last_action(s) is None
    with pytest.raises(PermissionDenied, match="不能撤销"), health_db.transaction("撤销") as s:
        undo.undo_last(s)
