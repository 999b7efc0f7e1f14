"""The code tables of the 个人基本信息表 and the self-care assessment, as the services rely on them."""

from __future__ import annotations

import pytest

from chang_shan.db.models.health import HealthSelfCare
from chang_shan.health import codes

TABLES = {  # function → (entries, first label, last label)
    "blood_type": (5, "A型", "不详"), "rh": (3, "阴性", "不详"), "payment": (8, "城镇职工基本医疗保险", "其他"),
    "allergy": (5, "无", "其他"), "exposure": (4, "无", "射线"), "disease": (13, "无", "其他"),
    "family_disease": (12, "无", "其他"), "disability": (8, "无残疾", "其他残疾"), "marital": (5, "未婚", "未说明的婚姻状况"),
    "education": (10, "研究生", "不详"), "kitchen": (4, "无", "烟囱"), "fuel": (6, "液化气", "其他"),
    "water": (6, "自来水", "其他"), "toilet": (5, "卫生厕所", "简易棚厕"), "livestock": (4, "无", "室外"),
}


@pytest.mark.parametrize("name", list(TABLES))
def test_each_table_reads_in_the_forms_order(name: str) -> None:
    table = getattr(codes, name)()
    size, first, last = TABLES[name]
    assert len(table.entries) == size == len(set(table.codes()))
    assert (table.entries[0][1], table.entries[-1][1]) == (first, last)
    assert all(code and label for code, label in table.entries)


@pytest.mark.parametrize("name", ["allergy", "exposure", "disease", "family_disease", "disability"])
def test_none_is_code_1_where_the_form_has_it(name: str) -> None:
    assert getattr(codes, name)().label(codes.NONE_CODE) in ("无", "无残疾")


def test_the_codes_the_services_name() -> None:
    disease = codes.disease()
    assert [disease.label(c) for c in codes.CHRONIC_CODES] == [
        "高血压", "糖尿病", "冠心病", "慢性阻塞性肺疾病", "恶性肿瘤", "脑卒中", "严重精神障碍"]
    assert [disease.label(c) for c in codes.FOLLOW_UP_CODES] == ["高血压", "糖尿病", "严重精神障碍"]
    assert (disease.label("6"), disease.label("13")) == ("恶性肿瘤", "其他")
    assert (codes.allergy().label("5"), codes.payment().label("8"), codes.disability().label("8")) == (
        "其他", "其他", "其他残疾")
    # The family table shares the disease codes up to 10, then differs.
    assert codes.family_disease().entries[:10] == disease.entries[:10]
    assert codes.family_disease().label("11") == "先天畸形"


def test_self_care_items_match_the_table_and_the_form() -> None:
    fields = [field for field, _item, _choices in codes.SELF_CARE_ITEMS]
    assert fields == ["eating", "grooming", "dressing", "toileting", "activity"]
    assert set(fields) <= set(HealthSelfCare.__table__.c.keys())
    scores = {field: [score for score, _text in choices] for field, _item, choices in codes.SELF_CARE_ITEMS}
    assert scores == {"eating": [0, 3, 5], "grooming": [0, 1, 3, 7], "dressing": [0, 3, 5],
                      "toileting": [0, 1, 5, 10], "activity": [0, 1, 5, 10]}
    assert sum(max(s) for s in scores.values()) == 37


@pytest.mark.parametrize(("total", "level"), [
    (0, "可自理"), (3, "可自理"), (4, "轻度依赖"), (8, "轻度依赖"), (9, "中度依赖"), (18, "中度依赖"),
    (19, "不能自理"), (37, "不能自理"),
])
def test_self_care_levels_at_their_boundaries(total: int, level: str) -> None:
    assert codes.self_care_level(total) == level


def test_dependency_starts_at_the_first_dependent_level() -> None:
    assert codes.self_care_level(codes.DEPENDENT_FROM) == "轻度依赖"
    assert codes.self_care_level(codes.DEPENDENT_FROM - 1) == "可自理"
    with pytest.raises(ValueError, match="negative"):
        codes.self_care_level(-1)

