"""Seven requests around one day (``ON``, 2026-11-20), made by 王芳 through the services, for the
lists and the today sections:

===  ==================  ========  ===========  ==========  ===========================
key  for                 category  received     due         state on ON
===  ==================  ========  ===========  ==========  ===========================
a    张立春 (grid 1)      理发      11-10        11-13       处理中 (王芳), 7 days late
b    3号楼1单元102（户）  家政      11-17        11-19       待办, 1 day late
c    王淑芬 (grid 1)      医药      11-18        11-20       待办, due today: not late
d    刘明 (grid 2)        维修      11-01        11-04       处理中 (维修队), 16 days late
e    王淑芬               洗澡      11-12        11-15       已完成 11-17 (王芳)
f    张立春               配餐      11-14        11-17       已完成 11-18 (王芳)
g    张伟 (grid 1)        代办      11-05        11-08       已回访 11-10
===  ==================  ========  ===========  ==========  ===========================
"""

from __future__ import annotations

from datetime import date

from chang_shan.db.database import Database
from chang_shan.service_requests import requests
from chang_shan.service_requests.shapes import Assignee
from tests.service_requests.office import (
    BATH, ERRANDS, HAIRCUT, HOUSEWORK, MEALS, MEDICINE, REPAIRS, ServiceOffice, intake, new_request, step,
)

ON = date(2026, 11, 20)


def build_day(db: Database, office: ServiceOffice) -> dict[str, int]:
    town = office.town
    wang = Assignee("worker", user_id=office.user_ids["wang"])

    def made(key: str, data, received: date, assignee: Assignee | None = None) -> int:  # noqa: ANN001
        return new_request(db, data, today=received, assignee=assignee).row.id

    ids = {
        "a": made("a", intake(town.zhang, HAIRCUT, content="上门理发"), date(2026, 11, 10), wang),
        "b": made("b", intake(household_id=town.h102, category_id=HOUSEWORK, content="楼道 100% 清扫_急",
                         due_on=date(2026, 11, 19)),
                  date(2026, 11, 17)),
        "c": made("c", intake(town.wang, MEDICINE, content="代取降压药", due_on=date(2026, 11, 20)), date(2026, 11, 18)),
        "d": made("d", intake(office.base.liu, REPAIRS, content="院门锁坏了"), date(2026, 11, 1),
                  Assignee("team", team="维修队")),
        "e": made("e", intake(town.wang, BATH, content="老人洗澡不便"), date(2026, 11, 12), wang),
        "f": made("f", intake(town.zhang, MEALS, content="午餐送餐"), date(2026, 11, 14), wang),
        "g": made("g", intake(town.son, ERRANDS, content="代办居住证明"), date(2026, 11, 5)),
    }
    for key, on, result in (("e", date(2026, 11, 17), "已协助洗澡"), ("f", date(2026, 11, 18), "已送餐"),
                            ("g", date(2026, 11, 8), "已办好")):
        step(db, "完成", lambda s: requests.complete_request(s, ids[key], result, expected_version=1, on=on))
    step(db, "回访", lambda s: requests.record_revisit(s, ids["g"], "满意", expected_version=2, on=date(2026, 11, 10)))
    return ids
