"""The code tables of the 居民健康档案 个人基本信息表 (国家基本公共卫生服务规范 第三版) and the
老年人生活自理能力评估表, read from ``resources/codes/health-*.csv``."""

from __future__ import annotations

from functools import cache

from chang_shan.codes import CodeTable, _read

NONE_CODE = "1"  # 无 / 无残疾: in a multi-choice answer it stands alone


def _table(name: str, file_name: str) -> CodeTable:
    return CodeTable(name, _read(file_name))


@cache
def blood_type() -> CodeTable:
    return _table("血型", "health-blood-type.csv")


@cache
def rh() -> CodeTable:
    return _table("RH血型", "health-rh.csv")


@cache
def payment() -> CodeTable:
    return _table("医疗费用支付方式", "health-payment.csv")


@cache
def allergy() -> CodeTable:
    return _table("药物过敏史", "health-allergy.csv")


@cache
def exposure() -> CodeTable:
    return _table("暴露史", "health-exposure.csv")


@cache
def disease() -> CodeTable:
    """既往史 疾病."""
    return _table("既往史（疾病）", "health-disease.csv")


@cache
def family_disease() -> CodeTable:
    return _table("家族史", "health-family-disease.csv")


@cache
def disability() -> CodeTable:
    return _table("残疾情况", "health-disability.csv")


@cache
def marital() -> CodeTable:
    return _table("婚姻状况", "health-marital.csv")


@cache
def education() -> CodeTable:
    return _table("文化程度", "health-education.csv")


@cache
def kitchen() -> CodeTable:
    return _table("厨房排风设施", "health-kitchen.csv")


@cache
def fuel() -> CodeTable:
    return _table("燃料类型", "health-fuel.csv")


@cache
def water() -> CodeTable:
    return _table("饮水", "health-water.csv")


@cache
def toilet() -> CodeTable:
    return _table("厕所", "health-toilet.csv")


@cache
def livestock() -> CodeTable:
    return _table("禽畜栏", "health-livestock.csv")


# 既往史 disease codes counted as chronic conditions in the statistics.
CHRONIC_CODES = ("2", "3", "4", "5", "6", "7", "8")  # 高血压 糖尿病 冠心病 慢阻肺 恶性肿瘤 脑卒中 严重精神障碍
# Diseases whose patients the 规范 follows up at least four times a year (every 90 days at most).
FOLLOW_UP_CODES = ("2", "3", "8")  # 高血压, 糖尿病, 严重精神障碍
FOLLOW_UP_DAYS = 90
YEARLY_CHECK_AGE = 65  # 老年人健康管理: a yearly check for everyone 65 and older

# 老年人生活自理能力评估表: (field, item, ((score, description), …)) in the form's order.
SELF_CARE_ITEMS: tuple[tuple[str, str, tuple[tuple[int, str], ...]], ...] = (
    ("eating", "进餐", ((0, "独立完成"), (3, "需要协助，如切碎、搅拌食物等"), (5, "完全需要帮助"))),
    ("grooming", "梳洗", (
        (0, "独立完成"), (1, "能独立地洗头、梳头、洗脸、刷牙、剃须等；洗澡需要协助"),
        (3, "在协助下和适当的时间内，能完成部分梳洗活动"), (7, "完全需要帮助"),
    )),
    ("dressing", "穿衣", ((0, "独立完成"), (3, "需要协助，在适当的时间内完成部分穿衣"), (5, "完全需要帮助"))),
    ("toileting", "如厕", (
        (0, "不需协助，可自控"), (1, "偶尔失禁，但基本上能如厕或使用便具"),
        (5, "经常失禁，在很多提示和协助下尚能如厕或使用便具"), (10, "完全失禁，完全需要帮助"),
    )),
    ("activity", "活动", (
        (0, "独立完成所有活动"), (1, "借助较小的外力或辅助装置能完成站立、行走、上下楼梯等"),
        (5, "借助较大的外力才能完成站立、行走，不能上下楼梯"), (10, "卧床不起，活动完全需要帮助"),
    )),
)
SELF_CARE_LEVELS = ("可自理", "轻度依赖", "中度依赖", "不能自理")
DEPENDENT_FROM = 4  # a total of 4 or more: 轻度依赖 or worse, so the elder needs a caretaker


def self_care_level(total: int) -> str:
    """0–3 可自理, 4–8 轻度依赖, 9–18 中度依赖, ≥19 不能自理."""
    if total < 0:
        raise ValueError(f"self-care total cannot be negative: {total}")
    if total <= 3:
        return SELF_CARE_LEVELS[0]
    if total <= 8:
        return SELF_CARE_LEVELS[1]
    if total <= 18:
        return SELF_CARE_LEVELS[2]
    return SELF_CARE_LEVELS[3]
