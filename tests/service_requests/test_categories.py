"""The categories of service (seven built in, the office's own added, renamed, retired) and the
workers a request may be given to."""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.db.database import Database
from chang_shan.db.models.services import BUILTIN_CATEGORIES
from chang_shan.errors import DomainError, NotFound, ValidationError
from chang_shan.service_requests import requests
from chang_shan.service_requests.shapes import CategoryRow
from tests.service_requests.office import BATH, HAIRCUT, ServiceOffice, intake, new_request, snapshot


def _names(db: Database, *, include_inactive: bool = False) -> list[str]:
    with db.reader() as s:
        return [c.name for c in requests.categories(s, include_inactive=include_inactive)]


def test_the_built_in_categories_with_their_use(service_office: ServiceOffice, sdb: Database) -> None:
    new_request(sdb, intake(service_office.town.zhang, HAIRCUT), today=date(2026, 1, 2))
    new_request(sdb, intake(service_office.town.wang, HAIRCUT), today=date(2026, 1, 2))
    new_request(sdb, intake(service_office.town.wang, BATH), today=date(2026, 1, 2))
    with sdb.reader() as s:
        rows = requests.categories(s)
    assert [r.name for r in rows] == list(BUILTIN_CATEGORIES) == ["理发", "洗澡", "配餐", "医药", "家政", "代办", "维修"]
    assert all(r.builtin and r.active for r in rows)
    assert [r.in_use for r in rows] == [2, 1, 0, 0, 0, 0, 0]


def test_the_office_adds_renames_and_retires_its_own(sdb: Database) -> None:
    with sdb.transaction("新增类别") as s:
        added = requests.add_category(s, "  助浴  ")
        longest = requests.add_category(s, "类" * 20)
    assert added == CategoryRow(added.id, "助浴", False, True, 0)
    assert _names(sdb)[-2:] == ["助浴", "类" * 20]
    with sdb.transaction("改名") as s:
        assert requests.rename_category(s, added.id, "助浴服务").name == "助浴服务"
        assert requests.rename_category(s, added.id, "助浴服务").name == "助浴服务"  # the same name: fine
    with sdb.transaction("停用") as s:
        retired = requests.set_category_active(s, longest.id, False)
    assert not retired.active
    assert "类" * 20 not in _names(sdb)
    assert _names(sdb, include_inactive=True)[-1] == "类" * 20
    with sdb.transaction("启用") as s:
        assert requests.set_category_active(s, longest.id, True).active
    assert _names(sdb)[-1] == "类" * 20


@pytest.mark.parametrize(("name", "message"), [
    ("", "请填写类别名称。"),
    ("  \u3000 ", "请填写类别名称。"),
    ("类" * 21, "类别名称最多 20 个字，现在是 21 个。"),
    ("理发", "已有名为“理发”的服务类别。"),
    (" 理发 ", "已有名为“理发”的服务类别。"),
])
def test_a_category_name_is_checked(sdb: Database, name: str, message: str) -> None:
    before = snapshot(sdb)
    with pytest.raises(ValidationError) as refused, sdb.transaction("新增类别") as s:
        requests.add_category(s, name)
    assert refused.value.errors == {"name": message}
    assert snapshot(sdb) == before


def test_built_in_categories_keep_their_names_and_stay_in_use(sdb: Database) -> None:
    before = snapshot(sdb)
    with pytest.raises(DomainError, match="内置服务类别“理发”不能改名"), sdb.transaction("改名") as s:
        requests.rename_category(s, HAIRCUT, "剪发")
    with pytest.raises(DomainError, match="内置服务类别“洗澡”不能停用"), sdb.transaction("停用") as s:
        requests.set_category_active(s, BATH, False)
    with pytest.raises(NotFound), sdb.transaction("停用") as s:
        requests.set_category_active(s, 999, False)
    with sdb.transaction("新增类别") as s:
        own = requests.add_category(s, "助浴")
    with pytest.raises(ValidationError) as taken, sdb.transaction("改名") as s:
        requests.rename_category(s, own.id, "洗澡")
    assert taken.value.errors == {"name": "已有名为“洗澡”的服务类别。"}
    with sdb.transaction("启用") as s:
        assert requests.set_category_active(s, BATH, True).active  # already active: nothing to do
    assert len(snapshot(sdb)["service_category"]) == len(before["service_category"]) + 1


def test_the_workers_a_request_may_be_given_to(service_office: ServiceOffice, sdb: Database) -> None:
    with sdb.reader() as s:
        options = requests.workers(s)
    ids = service_office.user_ids
    # Active accounts that may edit, by name: not the 只读 account, not the disabled 老赵.
    assert [(o.user_id, o.label) for o in options] == [
        (ids["grid_own"], "grid1man（网格员）"), (ids["grid_other"], "grid2man（网格员）"),
        (ids["worker"], "worker（社区工作者）"), (ids["admin"], "主任（管理员）"),
        (ids["li"], "李敏（社区工作者）"), (ids["wang"], "王芳（社区工作者）"),
    ]
