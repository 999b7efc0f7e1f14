"""Who may read and write the will registry: the will permission (granted per person), EDIT to
write, and a 网格员's grids."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.errors import PermissionDenied
from chang_shan.wills import registry
from tests.wills.office import will

TODAY = date(2025, 6, 1)


@pytest.fixture
def registered(wills_db, wills_office):  # noqa: ANN001, ANN201
    with wills_db.transaction("登记遗嘱") as s:
        return registry.register_will(s, will(wills_office.town.zhang), today=TODAY).id


@pytest.mark.parametrize("role", ["admin", "worker", "nobody"])
def test_without_the_will_permission_nothing(wills_db, wills_office, registered, role) -> None:  # noqa: ANN001
    wills_db.actor = wills_office.actors[role]
    with wills_db.transaction("查看") as s:
        for call in (lambda: registry.list_wills(s), lambda: registry.get_will(s, registered),
                     lambda: registry.check_will(s, will(wills_office.town.wang)),
                     lambda: registry.register_will(s, will(wills_office.town.wang), today=TODAY),
                     lambda: registry.will_chain(s, wills_office.town.zhang)):
            with pytest.raises(PermissionDenied):
                call()


def test_a_reader_with_the_permission_reads_but_does_not_write(wills_db, wills_office, registered) -> None:  # noqa: ANN001
    wills_db.actor = wills_office.actors["reader_w"]
    with wills_db.transaction("查看") as s:
        assert [r.id for r in registry.list_wills(s)] == [registered]
        with pytest.raises(PermissionDenied):
            registry.revoke_will(s, registered, on=TODAY, today=TODAY)
        with pytest.raises(PermissionDenied):
            registry.reveal_number(s, registered, witness=True, position=0)


def test_grid_workers_reach_their_grids_only(wills_db, wills_office, registered) -> None:  # noqa: ANN001
    town = wills_office.town
    wills_db.actor = wills_office.actors["grid_other_w"]
    with wills_db.transaction("查看") as s:
        assert registry.list_wills(s) == []
        with pytest.raises(PermissionDenied):
            registry.get_will(s, registered)
        with pytest.raises(PermissionDenied):
            registry.register_will(s, will(town.wang), today=TODAY)
    wills_db.actor = wills_office.actors["grid_own_w"]
    with wills_db.transaction("登记遗嘱") as s:
        assert [r.id for r in registry.list_wills(s)] == [registered]
        assert registry.register_will(s, will(town.wang, "公证"), today=TODAY).status == "有效"
        assert {r.testator_name for r in registry.list_wills(s, form="公证")} == {"王淑芬"}
        assert [r.testator_name for r in registry.list_wills(s, text="zhang")] == ["张立春"]
