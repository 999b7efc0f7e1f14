"""Material for the demo's service requests (便民服务): how many come in, through which channel,
for what, who takes them, and the words the office writes down (what is needed, what was done, what
the person said on the call-back).

Figures are those of the real community's 便民服务 ledger, roughly: 100–140 requests a month, more in
winter (heating, pipes, slippery stairs) and before the Spring Festival (cleaning); mostly for
elders, lone elders most of all; four in ten by telephone.
"""

from __future__ import annotations

# Two categories the office added to the seven built-in ones (they go with ``demo --force``).
OFFICE_CATEGORIES = ("陪诊", "法律咨询")

MONTHLY_REQUESTS = 120  # on average, in a community of the real size
# Month → factor on the monthly average (Changchun: heating from October, Spring Festival Jan/Feb).
SEASON = {1: 1.10, 2: 1.08, 3: 0.98, 4: 0.95, 5: 0.93, 6: 0.90, 7: 0.92, 8: 0.93, 9: 0.95, 10: 1.02,
          11: 1.08, 12: 1.10}
WEEKEND_WEIGHT = 0.55  # a Saturday or Sunday takes about half a weekday's requests

CHANNELS: tuple[tuple[str, float], ...] = (("电话", 40), ("百姓说事点", 25), ("上门", 20), ("网格员", 15))

CATEGORY_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("配餐", 17), ("医药", 18), ("代办", 17), ("维修", 17), ("家政", 13), ("理发", 6), ("洗澡", 4),
    ("陪诊", 5), ("法律咨询", 3),
)

# Who asks: weights by kind of resident (a lone elder asks far more often than a working adult).
ASKER_WEIGHTS = {"lone_80": 9.0, "lone": 6.0, "elder_80": 2.5, "elder": 1.3, "adult": 0.12}
HOUSEHOLD_ONLY = {"维修": 0.3, "家政": 0.2}  # share recorded for the household, not one person

# Days allowed (due date after receipt): the office's default is 3 (services.default_due_days).
DUE_DAYS: dict[str, tuple[tuple[int, float], ...]] = {
    "default": ((3, 85), (5, 10), (7, 5)),
    "代办": ((3, 55), (7, 35), (10, 10)),
    "法律咨询": ((3, 40), (7, 60)),
}
# Days from taking a request to finishing it, by category (lo, hi).
WORK_DAYS = {"理发": (1, 4), "洗澡": (1, 4), "配餐": (0, 2), "医药": (0, 2), "家政": (1, 4),
             "代办": (1, 7), "维修": (0, 4), "陪诊": (1, 6), "法律咨询": (1, 7)}
# Days from receipt to someone taking the request.
TAKEN_AFTER: tuple[tuple[int, float], ...] = ((0, 50), (1, 30), (2, 15), (3, 5))
LATE = 0.06  # finished a few days after the due date
STALLED = 0.05  # stuck a long while (parts on order, waiting for the family) — the overdue ones
STALLED_UNTAKEN = 0.4  # of those: nobody took it for a while
UNASSIGNED = 0.03  # settled at once by whoever took the call (待办 → 已完成)
TRANSFERRED = 0.06  # handed on to someone else (转派)
REOPENED = 0.02  # reopened after completion (the problem came back or the person was not satisfied)
NEVER_REVISITED = 0.01  # completed long ago and the call-back was missed
SATISFACTION: tuple[tuple[str, float], ...] = (("满意", 85), ("基本满意", 12), ("不满意", 3))

# Volunteer teams (红马甲) by category; a share of some categories goes to the 单元长/楼栋长 instead.
TEAMS = {
    "配餐": ("助餐服务队",), "医药": ("医疗保健服务队",), "代办": ("助老服务队",),
    "维修": ("家电维修服务队", "水电维修服务队"), "家政": ("家政服务队",), "理发": ("便民理发服务队",),
    "洗澡": ("助浴服务队",), "陪诊": ("助老服务队", "医疗保健服务队"), "法律咨询": ("法律援助服务队",),
}
TO_POST_HOLDER = {"配餐": 0.15, "医药": 0.25, "代办": 0.45, "陪诊": 0.3, "家政": 0.05, "维修": 0.05}
TRANSFER_NOTES = ("原承办人外出", "需专业人员处理", "就近安排", "")

# (what is needed, what was done) by category.
WORK: dict[str, tuple[tuple[str, str], ...]] = {
    "配餐": (
        ("子女出差，需临时送餐一周", "已安排乐龄食堂送餐一周，每日午餐按时送达"),
        ("行动不便，申请乐龄食堂送餐上门", "已登记为乐龄食堂送餐会员，次日起送餐"),
        ("术后恢复期，需配送午餐", "已安排送餐上门，饭菜少油少盐"),
        ("老伴住院，本人不会做饭，需临时配餐", "已安排临时配餐，送至家中"),
        ("咨询乐龄食堂就餐和送餐办理", "已上门讲解办理流程并协助登记"),
        ("糖尿病饮食，需少糖配餐", "已与食堂沟通，安排少糖配餐"),
        ("冬季路滑不便下楼，申请暂改送餐", "已改为送餐上门"),
    ),
    "医药": (
        ("代购降压药", "已代购药品并送到家中"),
        ("代购降糖药（二甲双胍）", "已代购药品并送到家中，嘱按时服用"),
        ("行动不便，需上门测血压", "家庭医生已上门测量血压，嘱规律服药"),
        ("需到卫生服务站代取慢病处方药", "已代取处方药送到家中"),
        ("联系家庭医生上门诊视", "家庭医生已上门诊视，开具用药建议"),
        ("代购感冒药", "已代购药品并送到家中"),
        ("胰岛素快用完，需协助续开处方", "已联系家庭医生续开处方并代取药品"),
        ("需上门测血糖", "已上门测量空腹血糖，结果告知本人和家属"),
    ),
    "代办": (
        ("代办高龄津贴申领", "已代为提交申领材料，津贴按月发放"),
        ("代缴水电费、燃气费", "已代缴费用，收据交本人"),
        ("代办老年人优待证", "已代为办理，优待证送到家中"),
        ("协助办理医保年度认证", "已上门协助完成认证"),
        ("代办养老金资格认证", "已上门协助完成资格认证"),
        ("代缴有线电视费", "已代缴费用，收据交本人"),
        ("协助办理残疾人证换证", "已代为提交换证材料，新证已送达"),
        ("代开居住证明", "已开具证明并送到家中"),
        ("代取快递包裹", "已代取包裹送到家中"),
        ("协助手机话费充值", "已协助充值"),
    ),
    "维修": (
        ("卫生间水龙头漏水", "已上门更换水龙头，试用正常"),
        ("厨房下水道堵塞", "已上门疏通下水道"),
        ("电灯不亮，需更换灯泡", "已更换灯泡"),
        ("暖气不热，需排气", "已上门为暖气排气，温度恢复"),
        ("门锁损坏，需更换锁芯", "已更换锁芯，钥匙交本人"),
        ("电视没有信号", "已上门调试机顶盒，信号恢复"),
        ("插座跳闸，需检修线路", "已检修线路，更换损坏插座"),
        ("坐便器水箱漏水", "已更换水箱配件，不再漏水"),
        ("窗户关不严，漏风", "已调整窗扇并加装密封条"),
        ("燃气灶打不着火", "已更换灶具电池并清理点火针"),
        ("暖气片接口漏水", "已联系供热公司更换接口垫片"),
    ),
    "家政": (
        ("需上门打扫卫生", "已上门打扫卫生"),
        ("年前大扫除，擦玻璃", "已上门打扫并擦洗门窗玻璃"),
        ("拆洗被褥、窗帘", "已拆洗被褥窗帘并晾晒归位"),
        ("清洗抽油烟机", "已上门清洗抽油烟机"),
        ("秋菜搬运上楼", "已协助将秋菜搬运上楼"),
        ("协助整理衣物、换季收纳", "已协助整理换季衣物"),
    ),
    "理发": (
        ("行动不便需上门理发", "已上门理发"),
        ("卧床老人需上门理发", "已上门为老人理发"),
        ("预约上门理发", "已按约定时间上门理发"),
        ("需上门理发剃须", "已上门理发剃须"),
    ),
    "洗澡": (
        ("卧床老人需上门助浴", "已上门助浴，老人状态良好"),
        ("行动不便，需协助洗澡", "已上门协助洗澡"),
        ("预约助浴服务", "已按约定时间上门助浴"),
    ),
    "陪诊": (
        ("需陪同到医院复诊", "已陪同复诊并取药，安全送回家中"),
        ("需陪同做体检", "已陪同完成体检"),
        ("行动不便，需陪同就医取药", "已陪同就医取药"),
        ("白内障术后复查，需有人陪同", "已陪同复查，恢复良好"),
    ),
    "法律咨询": (
        ("咨询遗嘱订立事宜", "法律援助志愿者已上门讲解遗嘱订立方式和见证要求"),
        ("咨询子女赡养纠纷", "已提供法律咨询，并协助联系人民调解"),
        ("咨询房屋继承问题", "已提供继承相关法律咨询"),
        ("咨询邻里漏水纠纷处理", "已提供法律咨询，双方达成调解意向"),
        ("疑似遭遇电信诈骗，咨询如何处理", "已协助报警并讲解防诈骗知识"),
    ),
}
SETTLED_AT_ONCE = "电话答复，已解决"  # the result of a request settled by whoever took it

REVISIT_NOTES = {
    "满意": ("服务及时，老人很满意", "电话回访，本人表示满意", "家属表示感谢", ""),
    "基本满意": ("希望上门时间能早一些", "等待时间稍长", ""),
    "不满意": ("等待时间较长，不太满意", "问题没有彻底解决", "对服务态度有意见"),
}
REOPEN_REASONS = {
    "维修": ("维修后再次漏水", "问题复发，需再次上门"),
    "default": ("居民反映问题未解决", "回访时居民提出仍需帮助"),
}
