"""The demo's 四步议事 matters and 人民调解 cases of the past three years, as the services
(``chang_shan.deliberation``, ``chang_shan.mediation``) would have recorded them.

四步议事: about seven matters a year (燃气管道更新, 加装电梯, 垃圾分类点设置 …), each taken through
the four steps a week or two apart, with minutes and the step-3 vote of the 党员和居民代表 (a quorum
of two thirds, a clear majority). One (停车收费) was rejected by the vote at step 3 and ended; one
(加装电梯) was sent back from step 3 to step 2 over the sharing of the costs, then passed; the latest
is in its 公示期 now; the rest were confirmed (已决议) after their notice.

人民调解: a committee of nine (主任, 副主任, 委员, 调解员; one member left and was replaced), about
thirty cases a year between residents (neighbours of one building, spouses of one household, a
tenant and the 自管会 …), the parties' details copied from the 万家数据库 as the services do. About
80 % end in an agreement carrying everything 人民调解法 第二十九条 requires (a few oral, 第二十八条),
some without agreement, a couple referred to the police station or the court, one or two escalated;
most agreements were visited and found performed, a few recent ones are overdue for a visit (the
today list's 调解协议回访), and the last weeks' cases are still being mediated.

Drawn from its own random stream (seed, community, "deliberation"), so the other demo data stays as
it was.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from chang_shan.care.queries import Whereabouts
from chang_shan.db.models import Resident
from chang_shan.db.models.deliberation import DeliberationMatter, DeliberationStep
from chang_shan.db.models.mediation import (
    MediationCase,
    MediationCaseMediator,
    MediationParty,
    MediationVisit,
    Mediator,
)
from chang_shan.demo.badges import SETTINGS as OFFICE_SETTINGS
from chang_shan.demo.sampling import _random_day, _weighted
from chang_shan.population.residents import age_on

if TYPE_CHECKING:
    from chang_shan.demo.households import _HouseholdPlan, _Person
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object

YEARS = 3
COMMUNITY = OFFICE_SETTINGS["office.community_name"]  # the 公示 发文字号: 长山花园社区议〔2026〕3号
RECORDER = "admin"  # the demo administrator (builder.DEMO_ADMIN_USER)
PLACES = ("社区党群服务中心二楼会议室", "社区党群服务中心一楼议事厅", "社区居委会会议室")
HOSTS = ("社区党委书记", "社区党委副书记", "社区居委会主任")

# title, category, background, resolution
MATTERS = (
    ("燃气管道更新", "基础设施", "小区燃气立管和入户管道使用已近三十年，多处锈蚀，居民多次反映有燃气味。",
     "由燃气公司对小区燃气立管、入户管道和表前阀统一更换，费用按政府老旧管网改造政策承担，居民不出资；施工期间分单元停气，提前三天张贴通知。"),
    ("小区停车收费", "物业管理", "小区车位紧张，外来车辆长期占用，自管会提出对车辆实行收费管理。", ""),
    ("3号楼加装电梯", "基础设施", "3号楼为六层无电梯住宅，高龄老人上下楼困难，多户居民联名申请加装电梯。",
     "3号楼1、2单元加装电梯，建设费用扣除政府补贴后按楼层系数由一至六楼住户分摊（一楼不出资），后续运行维护费按户均摊。"),
    ("垃圾分类投放点设置", "环境卫生", "小区垃圾桶分散摆放、夏季异味大，需按垃圾分类要求集中设置投放点。",
     "在小区东门、北侧绿地旁设两处垃圾分类集中投放点，定时投放（7:00—9:00、18:00—20:00），由志愿者轮流值守督导。"),
    ("楼道照明改造", "基础设施", "多栋楼楼道灯损坏，老人夜间上下楼易摔倒。",
     "全部楼道更换为声光控LED灯，费用从自管物业费结余中列支，由自管会组织施工并验收。"),
    ("自管小区物业费标准调整", "物业管理", "现行物业费标准执行多年，保洁、维修支出增加，收支出现缺口。",
     "物业费标准维持每平方米每年0.30元不变，缺口通过车辆管理收入和社区公益金补足，每季度公开收支明细。"),
    ("健身器材更新", "公共服务", "小区健身广场器材老化，部分已损坏存在安全隐患。",
     "申请街道全民健身项目更新器材八件，拆除损坏器材，地面铺设塑胶，由社区负责日常巡检。"),
    ("屋面防水维修", "基础设施", "5号楼、6号楼顶层住户雨季屋顶渗漏严重。",
     "5号楼、6号楼屋面整体重做防水，使用住宅专项维修资金，施工单位公开比选，顶层住户代表参与验收。"),
    ("非机动车充电棚建设", "公共安全", "居民电动车楼道充电、飞线充电现象突出，存在火灾隐患。",
     "在小区北侧建设集中充电棚两处，安装智能充电桩40个，按次扫码付费，禁止电动车进楼入户充电。"),
    ("老年助餐点开设", "公共服务", "小区高龄、独居老人多，做饭困难，希望就近解决吃饭问题。",
     "利用社区一楼闲置用房开设老年助餐点，60岁以上老人就餐享受补贴，行动不便的由志愿者送餐上门。"),
    ("小区大门门禁改造", "公共安全", "小区出入口多、人员进出无人管理，发生过电动车被盗。",
     "封闭西侧小门，东门、北门安装人脸识别门禁，老人可办理门禁卡，快递外卖统一放置在门口快递柜。"),
    ("化粪池清掏", "环境卫生", "部分楼栋化粪池堵塞外溢，影响一楼住户。",
     "委托专业公司每半年清掏一次全部化粪池，费用从自管物业费中列支，清掏时间提前公告。"),
    ("文明养犬公约", "居民自治", "小区养犬户增多，犬只随地便溺、夜间吠叫引发邻里矛盾。",
     "制定《小区文明养犬公约》：出门拴绳、及时清理粪便、不在公共区域放养，网格员和楼栋长劝导，违约情况在公示栏通报。"),
    ("居民公约修订", "居民自治", "现行居民公约制定较早，部分条款已不适应小区实际。",
     "修订后的居民公约共十二条，增加垃圾分类、文明养犬、楼道杂物清理等内容，印发到户并在各单元张贴。"),
    ("小区路面硬化", "基础设施", "小区内部道路坑洼不平，雨天积水，老人行走不便。",
     "对小区主干道和楼间路约2800平方米进行硬化修补，纳入街道老旧小区改造项目，施工期间分段通行。"),
    ("公共区域监控增设", "公共安全", "小区监控覆盖不全，发生纠纷和失窃时无法查证。",
     "在出入口、充电棚、垃圾投放点等处增设高清监控16路，接入社区综治中心，调取录像须登记。"),
    ("楼间绿地改造", "环境卫生", "楼间绿地长期荒废，部分居民私自种菜、堆放杂物。",
     "清理楼间私种菜地和杂物，改造为口袋公园，设置休息座椅和晾晒架，由楼栋长组织居民认领养护。"),
    ("废品收购点搬迁", "环境卫生", "小区内废品收购点噪音大、堆放杂乱，周边住户意见较大。",
     "废品收购点于三个月内迁至小区外北侧临街空地，原址恢复绿化，搬迁期间由网格员协调。"),
    ("楼体外墙保温改造", "基础设施", "老旧楼房外墙无保温层，冬季室温偏低，取暖费用高。",
     "申请纳入既有建筑节能改造项目，对1至8号楼外墙加装保温层，施工期间居民配合拆除窗外杂物。"),
    ("楼道杂物集中清理", "环境卫生", "楼道内堆放纸箱、旧家具等杂物，堵塞消防通道。",
     "开展为期一个月的楼道杂物集中清理，先由住户自行清理，逾期未清理的由自管会统一处置，以后每季度检查一次。"),
)
REJECTED, SENT_BACK = "小区停车收费", "3号楼加装电梯"

KINDS = (("邻里纠纷", 32), ("婚姻家庭", 14), ("物业纠纷", 14), ("损害赔偿", 12), ("房屋宅基地", 5),
         ("合同纠纷", 8), ("劳动争议", 5), ("家庭暴力", 3), ("其他", 7))

# kind → (facts, disputed matters, responsibilities, terms, performance method, days to perform);
# "{a}" the applicant, "{b}" the respondent.
STORIES: dict[str, tuple[tuple[str, str, str, str, str, int], ...]] = {
    "邻里纠纷": (
        ("{b}家卫生间防水层老化漏水，渗到楼下{a}家顶棚，墙皮脱落，双方多次争吵。", "漏水维修和{a}家顶棚修缮费用的承担。",
         "{b}对自家防水失修负主要责任；{a}未及时告知物业，负次要责任。",
         "{b}于期限内请人修复卫生间防水，并赔偿{a}顶棚修缮费用800元；{a}配合入户施工。", "现金一次性支付，维修由{b}自行联系施工", 20),
        ("{a}反映{b}长期在楼道堆放纸箱杂物，影响通行且有火灾隐患，{b}不愿清理。", "楼道杂物的清理和今后楼道的使用。",
         "{b}占用公共楼道，负主要责任。", "{b}于期限内清理楼道杂物，今后不在楼道堆放物品；双方互不追究此前言语冲突。",
         "{b}自行清理，网格员到场确认", 7),
        ("{b}家装修时夜间施工、噪音扰民，{a}上门理论时双方发生口角。", "装修时间和对{a}的补偿。",
         "{b}违反小区装修时间规定，负主要责任。", "{b}装修只在8:00—12:00、14:00—18:00施工，并向{a}赔礼道歉、补偿300元。",
         "当面道歉，补偿款现金支付", 10),
        ("{a}与{b}因楼下空地停放车辆、堵住单元出入口发生争执，一度推搡。", "停车位置和单元门前通道的使用。",
         "双方均有过错，{b}停车堵门负主要责任。", "{b}今后不在单元门前停车；双方互相道歉，不再追究。", "即时履行", 3),
    ),
    "婚姻家庭": (
        ("{a}与丈夫{b}因家务和照顾老人问题长期争吵，{a}提出分居。", "家庭开支和照顾老人的分工。",
         "双方沟通不畅均有责任，{b}对家务参与不够负主要责任。",
         "{b}每月将工资的一半交家庭共同开支，双方轮流照顾老人，每周至少一次家庭沟通。", "自觉履行，社区定期回访", 30),
        ("{a}与{b}因子女抚养和教育方式分歧激烈争吵，影响邻居休息。", "子女教育的分工和家庭矛盾的化解。",
         "双方均有责任。", "双方共同承担子女接送和辅导，遇分歧先协商，不在孩子面前争吵。", "自觉履行，社区定期回访", 30),
    ),
    "物业纠纷": (
        ("{a}认为自管会收取的物业费与服务不符，拒交物业费，{b}作为楼栋长多次催缴引发争执。", "欠缴物业费和楼道保洁问题。",
         "{a}拒交物业费不当；楼道保洁不到位，自管会应予改进。",
         "{a}于期限内补交物业费；自管会每周打扫楼道两次，{b}负责监督。", "{a}到社区缴费，领取收据", 15),
        ("{a}家下水管道堵塞反水，认为是公共管道问题，要求楼栋长{b}组织维修并赔偿损失。", "下水管道的维修责任和损失赔偿。",
         "堵塞点位于公共立管，由自管会负责维修；{a}损失较小，自行承担。",
         "自管会于期限内疏通并更换公共立管；{a}放弃赔偿要求。", "自管会组织施工，{a}配合入户", 10),
    ),
    "损害赔偿": (
        ("{b}家孩子在小区玩耍时将{a}停放的电动车推倒，车灯、外壳损坏。", "电动车维修费用的赔偿。",
         "{b}作为监护人负赔偿责任。", "{b}赔偿{a}电动车维修费460元。", "微信转账一次性支付", 7),
        ("{b}家饲养的犬只在楼道咬伤{a}小腿，{a}注射狂犬疫苗并就医。", "医疗费、误工费的赔偿。",
         "{b}未拴绳遛狗，负全部责任。", "{b}赔偿{a}医疗费、疫苗费和误工费共计2600元，今后出门拴绳。", "现金分两次支付", 30),
        ("{b}在楼顶晾晒被子时花盆坠落，砸坏{a}停在楼下的轿车挡风玻璃。", "车辆维修费用的赔偿。",
         "{b}负全部责任。", "{b}赔偿{a}挡风玻璃更换费1850元。", "银行转账一次性支付", 15),
    ),
    "房屋宅基地": (
        ("{b}在楼下自家窗外私搭储物间，占用{a}家门前空地并遮挡采光，双方多次争执。", "私搭储物间的拆除和占用空地的恢复。",
         "{b}未经同意占用公共空地私搭建筑，负全部责任。", "{b}于期限内拆除私搭的储物间，恢复空地原状，费用自担。",
         "{b}自行拆除，社区和网格员现场确认", 30),
    ),
    "合同纠纷": (
        ("{a}将住房租给{b}，租期届满后双方就押金退还和房屋损坏发生争议。", "押金退还和房屋损坏的赔偿。",
         "{b}对房屋损坏负赔偿责任，{a}扣押全部押金不当。", "{a}退还{b}押金1500元，扣除墙面和灶具维修费600元后实付900元。",
         "微信转账一次性支付", 7),
        ("{a}请{b}为自家做室内装修，完工后因工程质量和尾款发生争议。", "装修尾款和返修。",
         "{b}施工存在质量问题，{a}拖欠尾款，双方均有责任。", "{b}于期限内返修卫生间瓷砖，返修后{a}支付尾款3000元。",
         "返修验收后现金支付", 20),
    ),
    "劳动争议": (
        ("{a}在{b}经营的饭店打工三个月，离职时被拖欠工资。", "拖欠工资的支付。",
         "{b}拖欠工资，负全部责任。", "{b}于期限内支付{a}拖欠工资4200元。", "银行转账一次性支付", 10),
    ),
    "家庭暴力": (
        ("{a}反映丈夫{b}酒后动手打人，{a}手臂淤青，到社区求助。", "{b}的家暴行为和今后的家庭生活。",
         "{b}实施家庭暴力，负全部责任。", "{b}书面保证不再酒后动手、戒酒，向{a}道歉；再有家暴行为，{a}可申请人身安全保护令。",
         "自觉履行，社区和妇联每月回访", 60),
    ),
    "其他": (
        ("{a}与{b}因小区内私自种菜、占用公共绿地发生争执。", "公共绿地的使用。",
         "{b}私占公共绿地，负主要责任。", "{b}于期限内清理菜地，恢复绿化。", "自行清理，网格员到场确认", 15),
    ),
}
REFERRALS = (("长山派出所", "涉嫌故意伤害，移交派出所处理"), ("宽城区人民法院", "当事人坚持诉讼，引导到法院立案"))
NOT_AGREED = ("双方分歧较大，经两次调解未能达成协议，已告知可向人民法院起诉。",
              "被申请人拒绝调解，已告知申请人依法维权途径。", "双方对赔偿数额差距过大，调解终结。")
ESCALATION = ("调解期间双方在楼道再次发生肢体冲突，民警出警处置", "当事人因赔偿未落实到街道上访")
MEDIATOR_ROLES = ("主任", "副主任", "委员", "委员", "委员", "调解员", "调解员", "调解员", "调解员")
CASES_PER_YEAR = 30
SAME_HOUSEHOLD = ("婚姻家庭", "家庭暴力")


@dataclass
class _Case:
    kind: str
    received: date
    parties: list[tuple[str, _Person, _HouseholdPlan]]  # side, person, household
    status: str = "达成协议"
    story: tuple[str, str, str, str, str, int] | None = None
    mediated: date | None = None
    oral: bool = False
    referred: str = ""
    note: str = ""
    escalated: str = ""
    mediators: list[int] = field(default_factory=list)
    visits: list[tuple[date, str, str]] = field(default_factory=list)


class _DeliberationMixin(_Base):
    def _deliberation_and_mediation(self, index: int, households: list[_HouseholdPlan]) -> None:
        rng = random.Random(f"chang-shan-demo/{self.seed}/{index}/deliberation")
        self._matters(rng)
        self._mediation(rng, households)

    # --- 四步议事 ------------------------------------------------------------------------------

    def _number(self, name: str, prefix: str, year: int) -> str:
        sequence: dict[int, int] = self.__dict__.setdefault(f"_{name}_sequence", {})
        sequence[year] = sequence.get(year, 0) + 1
        return f"{prefix}{year}-{sequence[year]:03d}"

    def _matters(self, rng: random.Random) -> None:
        today = self.today
        topics = list(MATTERS)
        rng.shuffle(topics)
        # The one in 公示 now: step 4 held two to four days ago, the notice runs on past today.
        current = next(t for t in topics if t[0] not in (REJECTED, SENT_BACK))
        others = [t for t in topics if t is not current]
        start, end = today - timedelta(days=365 * YEARS), today - timedelta(days=110)
        days = sorted(_random_day(rng, start, end) for _ in others)
        plans = list(zip(days, others))
        published = today - timedelta(days=rng.randint(2, 4))
        plans.append((published - timedelta(days=rng.randint(28, 40)), current))
        matters, steps = [], []
        notices: dict[int, int] = {}
        for proposed, (title, category, background, resolution) in sorted(plans, key=lambda p: p[0]):
            matter_id = self._ids("deliberation_matter")
            row = {
                "id": matter_id, "number": self._number("matter", "YS", proposed.year), "title": title,
                "background": background, "category": category, "proposed_on": proposed, "step": 5, "status": "已决议",
                "resolution": "", "notice_from": None, "notice_to": None, "notice_number": "", "closed_on": None,
                "close_reason": "", "created_by": RECORDER, "created_at": self.now, "version": 1,
            }
            held = proposed
            plan = [1, 2, 3]
            if title == SENT_BACK:
                plan = [1, 2, 3, 2, 3]
            if title != REJECTED:
                plan.append(4)
            last_step = title == current[0]
            for seq, step in enumerate(plan, start=1):
                gap = (3, 10) if step in (1, 4) else (6, 16)
                if last_step:  # steps 1–3 within the four weeks before the 公示
                    gap = (3, 8)
                held = held + timedelta(days=rng.randint(*gap))
                if last_step and step == 4:
                    held = published
                sent_back = title == SENT_BACK and seq == 3
                rejected = title == REJECTED and step == 3
                steps.append(self._step_row(rng, matter_id, seq, step, held, title, background, resolution,
                                            sent_back=sent_back, rejected=rejected))
                if rejected:
                    row.update(step=3, status="已终止", closed_on=held,
                               close_reason=f"第三步 党员和居民代表审议未通过：{steps[-1]['reason']}")
            if title != REJECTED:
                notice_from = held + timedelta(days=rng.choice((0, 1)))
                notice_to = notice_from + timedelta(days=rng.choice((6, 6, 9)))
                notices[notice_from.year] = notices.get(notice_from.year, 0) + 1
                row.update(resolution=resolution, notice_from=notice_from, notice_to=notice_to,
                           notice_number=f"{COMMUNITY}议〔{notice_from.year}〕{notices[notice_from.year]}号")
                if notice_to >= today:
                    row.update(status="公示中")
                else:
                    row.update(closed_on=min(notice_to + timedelta(days=rng.randint(1, 3)), today))
            matters.append(row)
        self._insert(DeliberationMatter.__table__, matters)
        self._insert(DeliberationStep.__table__, steps)
        self.counts["matters"] += len(matters)

    def _step_row(self, rng: random.Random, matter_id: int, seq: int, step: int, held: date, title: str,
                  background: str, resolution: str, *, sent_back: bool, rejected: bool) -> dict[str, Any]:
        row: dict[str, Any] = {
            "id": self._ids("deliberation_step"), "matter_id": matter_id, "seq": seq, "step": step, "held_on": held,
            "place": rng.choice(PLACES), "host": rng.choice(HOSTS), "expected": None, "present": None,
            "votes_for": 0, "votes_against": 0, "votes_abstain": 0, "outcome": "通过", "back_to": None, "reason": "",
            "recorded_by": RECORDER, "created_at": self.now,
        }
        if step == 1:
            members = rng.randint(5, 7)
            row.update(participants=f"社区党委委员{members}人", expected=members, present=members,
                       minutes=f"社区党委会议研究“{title}”议题。{background}经讨论，认为该事项涉及居民切身利益，"
                               "同意作为议题提出，交社区“两委”商议。")
        elif step == 2:
            row.update(participants="社区党委、居委会委员，网格员代表，自管会代表",
                       minutes=f"社区“两委”联席会议商议“{title}”。网格员汇报入户征求意见情况，"
                               f"{'根据审议中代表提出的意见重新测算费用分摊方案，' if seq > 2 else ''}"
                               "与会人员逐项讨论后形成初步方案，同意提交党员和居民代表会议审议。")
        elif step == 3:
            expected = rng.randint(26, 40)
            present = rng.randint(math.ceil(2 * expected / 3) + 1, expected)
            if rejected or sent_back:
                votes_for = rng.randint(present // 4, present // 2 - 1)
            else:
                votes_for = rng.randint(present // 2 + 2, present)
            against = rng.randint(0, present - votes_for)
            abstain = rng.randint(0, present - votes_for - against)
            row.update(participants=f"党员代表{expected // 3}人、居民代表{expected - expected // 3}人",
                       expected=expected, present=present, votes_for=votes_for, votes_against=against,
                       votes_abstain=abstain,
                       minutes=f"召开党员和居民代表会议审议“{title}”方案。社区介绍方案和前期征求意见情况，"
                               f"代表们逐一发言。举手表决：同意{votes_for}票，反对{against}票，弃权{abstain}票。")
            if rejected:
                row.update(outcome="不通过", reason="多数代表认为收费标准过高、外来车辆管理办法不明确")
            elif sent_back:
                row.update(outcome="退回", back_to=2, reason="代表对一楼住户是否出资、各楼层分摊比例意见分歧，请两委重新测算")
        else:
            row.update(participants="社区党委、居委会",
                       minutes=f"根据党员和居民代表会议审议结果，社区党委、居委会作出决议：{resolution}决议在社区公示栏和居民微信群公示。")
        return row

    # --- 人民调解 ------------------------------------------------------------------------------

    def _mediation(self, rng: random.Random, households: list[_HouseholdPlan]) -> None:
        today = self.today
        opened = today - timedelta(days=365 * YEARS)
        adults = [(p, plan) for plan in households for p in plan.people
                  if p.status == "在册" and p.age >= 22 and p.moved_in_on is not None]
        by_building: dict[int, list[tuple[_Person, _HouseholdPlan]]] = {}
        for p, plan in adults:
            by_building.setdefault(plan.dwelling.building_id, []).append((p, plan))
        couples = [plan for plan in households
                   if sum(1 for p in plan.people if p.status == "在册" and p.age >= 25) >= 2]
        chosen = rng.sample([pp for pp in adults if 35 <= pp[0].age <= 68], 10)
        mediator_rows, mediator_ids = self._mediators(rng, chosen, opened)
        cases = []
        days = []
        for ago in range(YEARS):  # about thirty in each of the last three years
            first, last = today - timedelta(days=365 * (ago + 1) - 1), today - timedelta(days=365 * ago + 2)
            days += [_random_day(rng, first, last) for _ in range(CASES_PER_YEAR + rng.randint(-3, 3))]
        for day in sorted(days):
            kind = _weighted(rng, KINDS)
            for _attempt in range(20):  # people who lived here that day
                parties = self._parties(rng, kind, adults, by_building, couples, day)
                if parties:
                    cases.append(_Case(kind, day, parties))
                    break
        self._outcomes(rng, cases, mediator_rows, mediator_ids)
        self._write_cases(rng, cases)

    def _mediators(self, rng: random.Random, chosen: list[tuple[_Person, _HouseholdPlan]],
                   opened: date) -> tuple[list[dict[str, Any]], list[int]]:
        phones = dict(self.connection.execute(
            select(Resident.id, Resident.phone).where(Resident.id.in_([p.id for p, _ in chosen]))).all())
        rows = []
        start = opened - timedelta(days=rng.randint(200, 600))
        for n, (person, _plan) in enumerate(chosen):
            role = MEDIATOR_ROLES[n] if n < len(MEDIATOR_ROLES) else "调解员"
            row = {"id": self._ids("mediation_mediator"), "resident_id": person.id, "name": person.name, "role": role,
                   "phone": phones.get(person.id) or "", "start_on": start, "end_on": None}
            rows.append(row)
        # the last of the ten replaced a 委员 who left a year and a half ago
        left = rows[4]
        left["end_on"] = self.today - timedelta(days=rng.randint(500, 560))
        rows[-1]["start_on"] = left["end_on"] + timedelta(days=rng.randint(10, 40))
        rows[-1]["role"] = "委员"
        self._insert(Mediator.__table__, rows)
        self._mediator_names = {r["id"]: r["name"] for r in rows}
        return rows, [r["id"] for r in rows]

    def _parties(self, rng: random.Random, kind: str, adults: list, by_building: dict, couples: list,
                 day: date) -> list[tuple[str, _Person, _HouseholdPlan]]:
        living = lambda p: p.moved_in_on <= day  # noqa: E731 - in the community when the case came
        if kind in SAME_HOUSEHOLD:
            plan = rng.choice(couples)
            pair = sorted((p for p in plan.people if p.status == "在册" and p.age >= 25 and p.moved_in_on
                           and living(p)), key=lambda p: p.sex, reverse=True)[:2]  # the wife applies
            if len(pair) < 2:
                return []
            return [("申请人", pair[0], plan), ("被申请人", pair[1], plan)]
        a, plan_a = rng.choice(adults)
        pool = [pp for pp in by_building.get(plan_a.dwelling.building_id, []) if pp[1] is not plan_a]
        if kind != "邻里纠纷" or len(pool) < 2:
            pool = [pp for pp in adults if pp[1] is not plan_a]
        b, plan_b = rng.choice(pool)
        if not (living(a) and living(b)):
            return []
        return [("申请人", a, plan_a), ("被申请人", b, plan_b)]

    def _outcomes(self, rng: random.Random, cases: list[_Case], mediators: list[dict[str, Any]],
                  ids: list[int]) -> None:
        today = self.today
        recent = today - timedelta(days=25)
        settled = [c for c in cases if c.received < recent]
        referred = set(id(c) for c in rng.sample([c for c in settled if c.kind in ("损害赔偿", "家庭暴力", "邻里纠纷")], 2))
        escalated = rng.sample([c for c in settled if id(c) not in referred], 2)
        for c in cases:
            c.story = rng.choice(STORIES[c.kind])
            serving = [m for m in mediators if m["start_on"] <= c.received and (m["end_on"] is None or m["end_on"] >= c.received)]
            c.mediators = [m["id"] for m in rng.sample(serving, rng.choice((1, 2, 2)))]
            if c.received >= recent:
                c.status = "调解中"
                continue
            c.mediated = min(c.received + timedelta(days=rng.randint(2, 18)), today - timedelta(days=1))
            if id(c) in referred:
                to, note = REFERRALS[len([x for x in cases if x.referred])]
                c.status, c.referred, c.note = "已移交", to, note
                continue
            roll = rng.random()
            if roll < 0.17:
                c.status, c.note = "未达成协议", rng.choice(NOT_AGREED)
            else:
                c.oral = roll > 0.95
        for c in escalated:
            c.escalated = rng.choice(ESCALATION)
        agreed = [c for c in cases if c.status == "达成协议"]
        due = [c for c in agreed if self._due(c) < today]
        overdue = set(id(c) for c in sorted(due, key=self._due)[-3:])
        for c in agreed:
            performed_by = self._due(c)
            if performed_by >= today:
                if rng.random() < 0.3:
                    c.visits.append((min(c.mediated + timedelta(days=rng.randint(3, 10)), today), "部分履行",
                                     "已部分履行，余下在期限内履行"))
                continue
            if id(c) in overdue:
                if rng.random() < 0.5:
                    c.visits.append((c.mediated + timedelta(days=1), "部分履行", "已开始履行，尚未全部完成"))
                continue
            if c.story[5] >= 30 and rng.random() < 0.4:  # a long term: visited halfway too
                c.visits.append((c.mediated + timedelta(days=c.story[5] // 2), "部分履行", "正在按协议履行"))
            visited = min(performed_by + timedelta(days=rng.randint(1, 15)), today)
            c.visits.append((visited, "已履行", rng.choice(("双方均表示协议已履行完毕", "电话回访，已按协议履行",
                                                            "上门回访，双方关系缓和"))))

    @staticmethod
    def _due(c: _Case) -> date:
        assert c.mediated is not None and c.story is not None
        return c.mediated + timedelta(days=c.story[5])

    def _facts(self, ids: list[int]) -> dict[int, tuple[str, str, str, str, str, date | None]]:
        """resident id → (ID number, phone, employment, ethnicity, address, birth)."""
        place = Whereabouts()
        found = {}
        for start in range(0, len(ids), 900):
            query = place.join(select(Resident.id, Resident.id_number, Resident.phone, Resident.employment,
                                      Resident.ethnicity_code, Resident.birth_date, *place.columns()))
            for row in self.connection.execute(query.where(Resident.id.in_(ids[start:start + 900]))):
                found[row.id] = (row.id_number or "", row.phone or "", row.employment or "", row.ethnicity_code or "",
                                 place.address(row), row.birth_date)
        return found

    def _write_cases(self, rng: random.Random, cases: list[_Case]) -> None:
        facts = self._facts(sorted({p.id for c in cases for _side, p, _plan in c.parties}))
        rows, parties, links, visits = [], [], [], []
        for c in cases:
            assert c.story is not None
            case_id = self._ids("mediation_case")
            names = {"a": c.parties[0][1].name, "b": c.parties[1][1].name}
            story_facts, disputed, duties, terms, method = (text.format(**names) for text in c.story[:5])
            agreed = c.status == "达成协议"
            rows.append({
                "id": case_id, "number": self._number("case", "TJ", c.received.year), "kind": c.kind,
                "received_on": c.received, "source": _weighted(rng, (("当事人申请", 8), ("主动调解", 2))),
                "facts": story_facts, "disputed_matters": disputed, "responsibilities": duties if agreed else "",
                "status": c.status, "mediated_on": c.mediated, "agreement_terms": terms if agreed else "",
                "performance_method": method if agreed and not c.oral else "",
                "performance_due": self._due(c) if agreed else None, "oral_agreement": c.oral,
                "referred_to": c.referred, "escalated": bool(c.escalated), "escalated_note": c.escalated,
                "note": c.note, "created_by": RECORDER, "created_at": self.now, "version": 1,
            })
            for position, (side, person, _plan) in enumerate(c.parties):
                number, phone, employment, ethnicity, address, birth = facts[person.id]
                parties.append({
                    "id": self._ids("mediation_party"), "case_id": case_id, "position": position, "side": side,
                    "resident_id": person.id, "name": person.name, "sex_code": person.sex if person.sex in "12" else "",
                    "age": age_on(birth, c.received), "ethnicity_code": ethnicity, "occupation": employment,
                    "address": address, "id_number": number, "phone": phone,
                })
            links += [{"case_id": case_id, "mediator_id": m} for m in c.mediators]
            visitor = self._mediator_names[c.mediators[0]]
            visits += [{"id": self._ids("mediation_visit"), "case_id": case_id, "visited_on": on, "performance": how,
                        "note": note, "visitor": visitor} for on, how, note in c.visits]
        self._insert(MediationCase.__table__, rows)
        self._insert(MediationParty.__table__, parties)
        self._insert(MediationCaseMediator.__table__, links)
        self._insert(MediationVisit.__table__, visits)
        self.counts["mediation_cases"] += len(rows)
