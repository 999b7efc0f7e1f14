"""Material for the demo's health data: prevalence by age, medicines, tumour sites, operations,
notes, and the per-resident facts the health, care and visit generators share.

Rates are rough figures for an urban elderly population in Jilin (chronic-disease surveys of
Northeast China; 国家基本公共卫生服务 coverage of a city community): among people 60 and over about
55 % 高血压, 20 % 糖尿病, 15 % 冠心病, 8 % 脑卒中, 8 % 慢阻肺, 4 % 恶性肿瘤 and 0.6 % 严重精神障碍,
rising with age; far fewer below 60. Blood types as in northern Han China (A 28 %, B 32 %, O 30 %,
AB 10 %; RH 阴性 about 0.4 %).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from chang_shan.demo.households import _HouseholdPlan, _Person
from chang_shan.health.codes import FOLLOW_UP_CODES

# 既往史 disease codes (health-disease.csv) and their rates among people 60+ (age-adjusted below).
HYPERTENSION, DIABETES, CHD, COPD, CANCER, STROKE, MENTAL, TB, HEPATITIS, OTHER = (
    "2", "3", "4", "5", "6", "7", "8", "9", "10", "13",
)
# 脑卒中 comes first: whether someone had a stroke changes their chance of high blood pressure.
ELDER_RATES: tuple[tuple[str, float], ...] = (
    (STROKE, 0.08), (HYPERTENSION, 0.55), (DIABETES, 0.20), (CHD, 0.15), (COPD, 0.08),
    (CANCER, 0.04), (MENTAL, 0.006), (TB, 0.006), (HEPATITIS, 0.015),
)
MIDDLE_RATES: tuple[tuple[str, float], ...] = (  # 40–59
    (STROKE, 0.01), (HYPERTENSION, 0.15), (DIABETES, 0.06), (CHD, 0.02), (COPD, 0.015),
    (CANCER, 0.01), (MENTAL, 0.004), (HEPATITIS, 0.02),
)
YOUNG_RATES: tuple[tuple[str, float], ...] = (  # 18–39
    (HYPERTENSION, 0.03), (DIABETES, 0.01), (CANCER, 0.003), (MENTAL, 0.004), (HEPATITIS, 0.015),
)
# Age gradient among elders (60–69, 70–79, 80+): about 1.0 on average over the demo's elders.
ELDER_GRADIENT = ((69, 0.85), (79, 1.03), (200, 1.16))
STROKE_HYPERTENSIVE = 0.8  # share of stroke patients with high blood pressure

# Who has a health archive: by age (up to 59, 60–64, 65+), and people with a disability.
PROFILE_BY_AGE = ((59, 0.30), (64, 0.75), (200, 0.88))
PROFILE_DISABLED = 0.95

BLOOD_TYPES = (("1", 28), ("2", 32), ("3", 30), ("4", 10))  # A B O AB
BLOOD_UNKNOWN = 0.03  # 不详 (RH 不详 then too)
RH_NEGATIVE = 0.004

# Other diseases (code 13 其他): (name, share of elders).
OTHER_DISEASES: tuple[tuple[str, float], ...] = (
    ("高脂血症", 0.08), ("骨质疏松", 0.06), ("白内障", 0.05), ("慢性胃炎", 0.04),
    ("前列腺增生", 0.03), ("腰椎间盘突出", 0.03), ("痛风", 0.01), ("甲状腺功能减退", 0.01),
)
DEMENTIA = ("阿尔茨海默病", "血管性痴呆")
DEMENTIA_RATE = ((79, 0.01), (200, 0.06))  # 70–79, 80+ (none below 70)
WANDERING_IF_DEMENTIA = ((79, 0.3), (200, 0.6))

# 恶性肿瘤 sites: (name, weight, sex or "").
TUMOUR_SITES: tuple[tuple[str, float, str], ...] = (
    ("肺癌", 25, ""), ("胃癌", 14, ""), ("结直肠癌", 14, ""), ("肝癌", 9, ""), ("食管癌", 6, ""),
    ("乳腺癌", 16, "2"), ("甲状腺癌", 6, ""), ("前列腺癌", 6, "1"), ("宫颈癌", 4, "2"),
)
# 手术: (name, weight, sex or "", youngest age at the operation).
OPERATIONS: tuple[tuple[str, float, str, int], ...] = (
    ("白内障摘除术", 20, "", 55), ("阑尾切除术", 14, "", 12), ("胆囊切除术", 14, "", 30),
    ("疝修补术", 6, "1", 30), ("子宫切除术", 6, "2", 40), ("甲状腺部分切除术", 5, "", 30),
    ("髋关节置换术", 6, "", 60), ("膝关节置换术", 5, "", 60), ("剖宫产术", 8, "2", 22),
)
STENT = "冠状动脉支架植入术"  # for some 冠心病 patients, after the diagnosis
INJURIES = ("右桡骨远端骨折", "左股骨颈骨折", "腰椎压缩性骨折", "右踝关节骨折", "头部外伤")
TRANSFUSION = "手术输血"

# Medicines by condition (one is chosen per condition).
MEDICINES: dict[str, tuple[str, ...]] = {
    HYPERTENSION: (
        "苯磺酸氨氯地平片 5mg 每日1次", "硝苯地平控释片 30mg 每日1次", "缬沙坦胶囊 80mg 每日1次",
        "厄贝沙坦片 150mg 每日1次", "吲达帕胺片 2.5mg 每日1次", "酒石酸美托洛尔片 25mg 每日2次",
    ),
    DIABETES: (
        "盐酸二甲双胍片 0.5g 每日3次", "阿卡波糖片 50mg 每日3次", "格列美脲片 2mg 每日1次",
        "门冬胰岛素30注射液 早晚餐前皮下注射", "格列齐德缓释片 30mg 每日1次",
    ),
    CHD: ("阿司匹林肠溶片 100mg 每日1次", "单硝酸异山梨酯缓释片 40mg 每日1次", "阿托伐他汀钙片 20mg 每晚1次"),
    STROKE: ("阿司匹林肠溶片 100mg 每日1次", "硫酸氢氯吡格雷片 75mg 每日1次", "瑞舒伐他汀钙片 10mg 每晚1次"),
    COPD: ("噻托溴铵粉吸入剂 每日1吸", "沙美特罗替卡松粉吸入剂 每日2吸"),
    MENTAL: ("利培酮片 2mg 每日1次", "奥氮平片 10mg 每晚1次", "阿立哌唑片 10mg 每日1次"),
    CANCER: ("定期到肿瘤医院复查",),
    "dementia": ("盐酸多奈哌齐片 5mg 每晚1次", "盐酸美金刚片 10mg 每日2次"),
}
IRREGULAR = "（未规律服药）"

PAYMENT_ELDER = (("1", 65), ("2", 35))  # 城镇职工 / 城镇居民
PAYMENT_ADULT = (("1", 60), ("2", 35), ("7", 5))
PAYMENT_MIGRANT = (("3", 45), ("2", 30), ("7", 25))
ALLERGIES = (("1", 920), ("2", 50), ("3", 18), ("4", 5), ("5", 7))  # 无 青霉素 磺胺 链霉素 其他
ALLERGY_OTHER = ("头孢类", "阿司匹林", "碘造影剂", "花粉")
DISABILITIES = (("2", 20), ("3", 20), ("4", 5), ("5", 40), ("6", 7), ("7", 6), ("8", 2))
DISABILITY_OTHER = "脊柱畸形"

EDUCATION_ELDER = (("90", 4), ("80", 22), ("70", 38), ("60", 20), ("40", 8), ("30", 5), ("20", 3))
EDUCATION_MIDDLE = (("80", 5), ("70", 30), ("60", 22), ("50", 5), ("40", 10), ("30", 15), ("20", 12), ("10", 1))
EDUCATION_YOUNG = (("70", 10), ("60", 15), ("30", 30), ("20", 38), ("10", 7))

# 生活环境 per household: (kitchen, fuel, water, toilet, livestock) weights, flats and low-rise.
FLAT_KITCHEN = (("2", 85), ("3", 15))
FLAT_FUEL = (("3", 95), ("1", 5))
HOUSE_KITCHEN = (("3", 50), ("2", 30), ("4", 20))
HOUSE_FUEL = (("3", 60), ("1", 25), ("2", 15))
HOUSE_TOILET = (("1", 70), ("2", 20), ("5", 10))

# 家族史: relative and disease (health-family-disease.csv) weights.
FAMILY_RELATIVES = (("父亲", 40), ("母亲", 40), ("兄弟姐妹", 20))
FAMILY_DISEASES = (("2", 45), ("3", 15), ("4", 10), ("7", 12), ("6", 12), ("5", 4), ("12", 2))

# Self-care: the share of dependent elders (total 4+) by age, and the levels among them.
DEPENDENT_BY_AGE = ((69, 0.04), (79, 0.09), (89, 0.17), (200, 0.33))
DEPENDENT_LEVELS = (("轻度依赖", 60), ("中度依赖", 28), ("不能自理", 12))
DEPENDENT_LEVELS_90 = (("轻度依赖", 45), ("中度依赖", 35), ("不能自理", 20))
# How likely each item score is, to weight the combinations that reach a level.
SELF_CARE_SCORE_WEIGHTS: dict[str, dict[int, float]] = {
    "eating": {0: 1.0, 3: 0.5, 5: 0.2},
    "grooming": {0: 1.0, 1: 1.0, 3: 0.5, 7: 0.2},
    "dressing": {0: 1.0, 3: 0.6, 5: 0.2},
    "toileting": {0: 1.0, 1: 0.8, 5: 0.3, 10: 0.1},
    "activity": {0: 1.0, 1: 1.2, 5: 0.8, 10: 0.2},
}

# Visits.
FOLLOW_UP_OVERDUE = 0.08  # share of follow-up patients whose last follow-up is overdue
YEARLY_CHECK_SHARE = 0.82  # of 65+ with a health archive (about 70 % of all 65+)
CARE_NOT_VISITED = 0.04  # care targets whose last visit is 46+ days old
CARE_NEVER_VISITED = 0.01
CARE_WITHOUT_CARETAKER = 0.05
CONTACT_SHARE = 0.8  # elders 60+ with emergency contacts

YEARLY_CHECK_NOTE = "老年人健康体检：一般体格检查、血常规、尿常规、肝肾功能、血脂、空腹血糖、心电图、腹部B超"
CARE_NOTES_HOME = (
    "老人精神状态良好，家中整洁安全", "查看燃气报警器工作正常", "帮助代购药品", "提醒按时服药，注意防滑",
    "陪同聊天，了解生活需求", "检查家中用电用气安全", "送乐龄食堂午餐，老人满意",
)
CARE_NOTES_PHONE = ("电话问候，身体无不适", "电话问候，无特殊需求", "电话提醒天冷注意保暖", "电话了解近况，子女近期来探望")
CONTACT_NOTES = ("", "", "", "在外地工作（北京）", "在外地工作（大连）", "住本市南关区", "住本市朝阳区")


@dataclass
class _Resident:
    """One active resident and what the health generators decided about them."""

    person: _Person
    plan: _HouseholdPlan
    grid_id: int
    profile: bool = False
    diseases: dict[str, date] = field(default_factory=dict)  # code → 确诊时间
    dementia: bool = False
    wandering: bool = False
    doctor: tuple[str, str] | None = None  # (name, phone)
    self_care: int | None = None  # latest total
    lone: bool = False
    target: bool = False  # a care target: 60+ and lone or dependent
    caretaker: str = ""  # name of the current caretaker
    lapsed_on: date | None = None  # last visit of a lapsed series (overdue / not visited)

    @property
    def age(self) -> int:
        return self.person.age

    @property
    def follow_up(self) -> bool:
        return any(code in self.diseases for code in FOLLOW_UP_CODES)
