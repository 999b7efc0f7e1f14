"""The demo's governance records: a few years of 四步议事 matters and mediation cases
(``demo.deliberation``), then property fees, 诚信借款 loans and the 八零 entries.

Property fees for the past three years at 0.30 元/平方米·年 (each year's rate recorded) on the
households' own areas: in the past years nearly every household paid (a few partly, a few not at
all); this year about 8 % still owe (most of them nothing paid yet, some part); a few households
pay in two instalments; one duplicate entry of this year was voided the same day. Receipt numbers
run per calendar year in the order of payment (WY2026-00001 …), across communities.

About a dozen 诚信借款 loans per community since the start of the three years, to working-age
residents who run a small business or look for work: the older ones repaid (已还清), one or two
overdue (还款中 past their due date), one written off, the recent ones still being repaid on
schedule. The 八零 entries of the three years with their sources: mostly 0, two of them not.

Drawn from its own random stream (seed, community, "governance"), so the other demo data stays as
it was.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from chang_shan.canteen.money import to_fen
from chang_shan.codes import HEAD_RELATION
from chang_shan.db.models import Resident
from chang_shan.db.models.fees import Loan, LoanRepayment, PropertyFeePayment, PropertyFeeRate
from chang_shan.db.models.indicators import EightZeroEntry
from chang_shan.demo.deliberation import _DeliberationMixin
from chang_shan.demo.households import _HouseholdPlan, _Person
from chang_shan.demo.sampling import _random_day, _weighted
from chang_shan.fees.amounts import fee_due

if TYPE_CHECKING:
    from chang_shan.demo.writer import _BulkWriter

    _Base = _BulkWriter
else:
    _Base = object

RATE = Decimal("0.30")
FEE_YEARS = 3
RATE_NOTE = "社区“两委”会议商议、居民代表会议通过"
COLLECTORS = ("王秀梅", "刘春燕", "赵立新")
# (unpaid, partly paid) shares of households: the past years, this year.
PAST_ARREARS = (0.015, 0.01)
THIS_YEAR_ARREARS = (0.055, 0.025)
INSTALMENTS = 0.05  # pay in two instalments
METHODS_PAST = (("现金", 70), ("微信", 22), ("支付宝", 5), ("转账", 3))
METHODS_NOW = (("现金", 50), ("微信", 35), ("支付宝", 10), ("转账", 5))
VOID_REASON = "重复录入，作废（同日已开收据 {}）"

LOANS = 12
LOAN_EMPLOYMENT = ("个体经营", "灵活就业", "失业")
LOAN_AMOUNTS = ((3000, 2), (5000, 4), (8000, 2), (10000, 3), (20000, 1))
PURPOSES = ("开小卖店进货", "修鞋摊添置设备", "开早餐铺", "家政服务创业", "网店进货", "理发店装修",
            "早市蔬菜摊位", "缝纫铺添置缝纫机", "快递代收点", "家电维修铺购置工具", "社区洗衣店", "水果摊")
WRITE_OFF_REASON = "借款人患重病丧失劳动能力，经社区“两委”会议研究，核销剩余借款"

# (indicator, years ago, count, source) of the entries that are not 0.
NONZERO = {("public_security", 2): (1, "派出所通报：酒后滋事治安案件 1 起，已处理"),
           ("petitions", 1): (1, "街道信访办通报：物业维修问题到区上访 1 人次，已化解")}
SOURCES = {
    "petitions": "街道信访办通报",
    "drugs": "派出所禁毒通报",
    "crime": "派出所通报",
    "dropouts": "长山小学、团山中学控辍保学统计",
    "public_security": "派出所通报",
    "zero_employment": "街道劳动保障事务所：零就业家庭已全部动态清零",
    "domestic_violence": "派出所、街道妇联通报（不含社区调解的案件）",
}


@dataclass
class _Payment:
    household: _HouseholdPlan
    year: int
    fen: int
    paid_on: date
    payer: str
    method: str
    voided: str = ""  # the reason, for the voided duplicate
    number: str = ""


@dataclass
class _LoanPlan:
    borrower: _Person
    amount: int  # yuan
    lent_on: date
    due_on: date
    status: str = "还款中"
    closed_on: date | None = None
    repayments: list[tuple[date, int]] = field(default_factory=list)  # (day, fen)
    note: str = ""


def _payer(plan: _HouseholdPlan, on: date) -> str:
    """Who paid on ``on``: the head if living there then, else another member, else family."""
    def present(p: _Person) -> bool:
        return (p.died_on is None or p.died_on > on) and (p.moved_out_on is None or p.moved_out_on > on)

    living = [p for p in plan.people if present(p)]
    heads = [p for p in living if p.relation == HEAD_RELATION]
    if heads or living:
        return (heads or living)[0].name
    return f"{plan.people[0].name}家属" if plan.people else ""


def _pool(weights: tuple[tuple[str, int], ...]) -> list[str]:
    """The values repeated by their weights: one draw is an index (cheaper than ``choices``)."""
    return [value for value, weight in weights for _ in range(weight)]


class _GovernanceMixin(_DeliberationMixin, _Base):
    def _governance(self, index: int, households: list[Any]) -> None:
        """四步议事 and 人民调解 (``demo.deliberation``), then fees, loans and 八零."""
        self._deliberation_and_mediation(index, households)
        rng = random.Random(f"chang-shan-demo/{self.seed}/{index}/governance")
        years = [self.today.year - n for n in range(FEE_YEARS - 1, -1, -1)]
        if index == 0:
            self._insert(PropertyFeeRate.__table__,
                         [{"year": year, "rate": RATE, "note": RATE_NOTE} for year in years])
            self._eight_zero(years)
        self._fees(rng, households, years)
        self._loans(rng, households)

    # --- property fees ------------------------------------------------------------------------

    def _fees(self, rng: random.Random, households: list[_HouseholdPlan], years: list[int]) -> None:
        payments: list[_Payment] = []
        dues = [to_fen(fee_due(plan.dwelling.area, RATE)) for plan in households]
        yesterday = self.today - timedelta(days=1)
        for year in years:
            current = year == self.today.year
            first = date(year, 1, 5) if current else date(year, 3, 1)
            drive = max(0, (min(date(year, 6, 30), yesterday) - first).days) + 1  # the collection drive
            later = max(0, (min(date(year, 12, 20), yesterday) - first).days) + 1
            last = first + timedelta(days=later - 1)
            unpaid, partly = THIS_YEAR_ARREARS if current else PAST_ARREARS
            methods = _pool(METHODS_NOW if current else METHODS_PAST)
            mid_year = date(year, 7, 1)
            for plan, due in zip(households, dues):
                draw = rng.random()
                if draw < unpaid:
                    continue
                day = first + timedelta(days=int(rng.random() * (drive if rng.random() < 0.85 else later)))
                method = methods[int(rng.random() * len(methods))]
                payer = _payer(plan, mid_year)
                if draw < unpaid + partly:
                    part = max(100, due * rng.randint(3, 7) // 1000 * 100)  # whole yuan, 30–70 %
                    payments.append(_Payment(plan, year, min(part, due - 100), day, payer, method))
                elif rng.random() < INSTALMENTS and (last - day).days >= 30:
                    part = due // 200 * 100  # half, in whole yuan
                    second = _random_day(rng, day + timedelta(days=20), last)
                    payments.append(_Payment(plan, year, part, day, payer, method))
                    payments.append(_Payment(plan, year, due - part, second, payer, method))
                else:
                    payments.append(_Payment(plan, year, due, day, payer, method))
        this_year = [p for p in payments if p.year == self.today.year]
        if this_year:
            original = rng.choice(this_year)
            payments.append(_Payment(original.household, original.year, original.fen, original.paid_on,
                                     original.payer, original.method, voided="duplicate"))
        self._number_payments(payments)
        first_id = self._ids("property_fee_payment", len(payments))
        rows = [{
            "id": first_id + n, "household_id": p.household.id, "year": p.year, "amount_fen": p.fen,
            "paid_on": p.paid_on, "receipt_number": p.number, "payer": p.payer, "method": p.method,
            "area_m2": p.household.dwelling.area, "rate": RATE,
            "recorded_by": COLLECTORS[int(rng.random() * len(COLLECTORS))],
            "voided_on": p.paid_on if p.voided else None,
            "void_reason": VOID_REASON.format(p.voided) if p.voided else "", "note": "", "created_at": self.now,
        } for n, p in enumerate(payments)]
        self._insert(PropertyFeePayment.__table__, rows)
        self.counts["fee_payments"] += len(rows)

    def _number_payments(self, payments: list[_Payment]) -> None:
        """Receipt numbers per calendar year in the order paid (a voided duplicate right after
        the receipt it repeats), continuing the previous communities' numbers."""
        serials: dict[int, int] = self.__dict__.setdefault("_fee_serials", {})
        originals = {}
        for p in sorted(payments, key=lambda p: (p.paid_on, p.household.id, p.year, bool(p.voided))):
            serial = serials[p.paid_on.year] = serials.get(p.paid_on.year, 0) + 1
            p.number = f"WY{p.paid_on.year}-{serial:05d}"
            key = (p.household.id, p.year, p.paid_on, p.fen)
            if p.voided:
                p.voided = originals.get(key, "")
            else:
                originals.setdefault(key, p.number)

    # --- 诚信借款 -------------------------------------------------------------------------------

    def _loans(self, rng: random.Random, households: list[_HouseholdPlan]) -> None:
        start = date(self.today.year - FEE_YEARS + 1, 1, 1)
        adults = [p for plan in households for p in plan.people if p.status == "在册" and 25 <= p.age <= 55]
        employment = dict(self.connection.execute(
            select(Resident.id, Resident.employment).where(Resident.id.in_([p.id for p in adults]))).all()
        ) if adults else {}
        pool = [p for p in adults if employment.get(p.id) in LOAN_EMPLOYMENT
                and (p.moved_in_on is None or p.moved_in_on < start)]
        borrowers = rng.sample(pool, min(LOANS, len(pool)))
        last_lent = self.today - timedelta(days=30)
        plans = []
        for borrower in borrowers:
            lent = _random_day(rng, start + timedelta(days=20), last_lent)
            months = rng.choice((12, 12, 18, 24))
            plans.append(_LoanPlan(borrower, _weighted(rng, LOAN_AMOUNTS), lent, lent + timedelta(days=months * 365 // 12)))
        plans.sort(key=lambda plan: plan.lent_on)
        past_due = [plan for plan in plans if plan.due_on < self.today]
        troubled = past_due[-2:] if len(past_due) >= 3 else past_due[-1:]  # overdue (the latest due)
        written_off = past_due[0] if len(past_due) >= 4 else None
        for plan in plans:
            self._repay_loan(rng, plan, overdue=plan in troubled, written_off=plan is written_off)
        self._write_loans(rng, plans)

    def _repay_loan(self, rng: random.Random, plan: _LoanPlan, *, overdue: bool, written_off: bool) -> None:
        """Quarterly instalments until the due date; an overdue or written-off loan stops paying
        about halfway."""
        fen = plan.amount * 100
        quarters = max(1, (plan.due_on - plan.lent_on).days // 91)
        instalment = fen // quarters // 10000 * 10000  # whole hundreds of yuan; the last pays the rest
        paid = 0
        yesterday = self.today - timedelta(days=1)
        stop = quarters // 2 if overdue or written_off else quarters
        for q in range(1, quarters + 1):
            day = plan.lent_on + timedelta(days=91 * q + rng.randint(-10, 12))
            if q == quarters:
                day = min(day, plan.due_on)
            if day > yesterday or q > stop:
                break
            amount = fen - paid if q == quarters else instalment
            plan.repayments.append((day, amount))
            paid += amount
        if paid == fen:
            plan.status, plan.closed_on = "已还清", plan.repayments[-1][0]
        elif written_off:
            closed = min(plan.due_on + timedelta(days=rng.randint(90, 200)), yesterday)
            plan.status, plan.closed_on = "已核销", closed
            plan.note = f"{closed:%Y-%m-%d} 核销余额 {(fen - paid) // 100} 元：{WRITE_OFF_REASON}"

    def _write_loans(self, rng: random.Random, plans: list[_LoanPlan]) -> None:
        serials: dict[int, int] = self.__dict__.setdefault("_loan_serials", {})
        names = [plan.borrower.name for plan in plans]
        loan_rows, repayment_rows = [], []
        for plan in plans:
            loan_id = self._ids("loan")
            serial = serials[plan.lent_on.year] = serials.get(plan.lent_on.year, 0) + 1
            meeting = plan.lent_on - timedelta(days=rng.randint(3, 15))
            guarantor = rng.choice([n for n in names if n != plan.borrower.name] or ["社区党委"])
            repaid = sum(fen for _day, fen in plan.repayments)
            loan_rows.append({
                "id": loan_id, "number": f"JK{plan.lent_on.year}-{serial:02d}", "borrower_id": plan.borrower.id,
                "amount_fen": plan.amount * 100, "repaid_fen": repaid, "purpose": rng.choice(PURPOSES),
                "guarantor": f"{guarantor}（居民）", "lent_on": plan.lent_on, "due_on": plan.due_on,
                "status": plan.status, "closed_on": plan.closed_on,
                "approved_by": f"社区“两委”会议 {meeting:%Y-%m-%d}", "note": plan.note, "created_at": self.now,
                "version": 1,
            })
            for day, fen in plan.repayments:
                repayment_rows.append({"id": self._ids("loan_repayment"), "loan_id": loan_id, "paid_on": day,
                                       "amount_fen": fen, "receipt_number": "", "recorded_by": rng.choice(COLLECTORS),
                                       "note": ""})
        self._insert(Loan.__table__, loan_rows)
        self._insert(LoanRepayment.__table__, repayment_rows)
        self.counts["loans"] += len(loan_rows)

    # --- 八零 -----------------------------------------------------------------------------------

    def _eight_zero(self, years: list[int]) -> None:
        """The entered indicators of each year (zero-employment only for the past years: this
        year's is counted from the residents; 零矛盾升级 always comes from the mediation cases)."""
        rows = []
        for year in years:
            ago = self.today.year - year
            entered = max(date(year, 1, 1), min(date(year, 12, 28), self.today - timedelta(days=2)))
            for key, source in SOURCES.items():
                if key == "zero_employment" and ago == 0:
                    continue
                count, text = NONZERO.get((key, ago), (0, source))
                note = "" if ago else f"截至 {entered:%m月%d日}"
                rows.append({"year": year, "indicator": key, "count": count, "source": text,
                             "entered_by": COLLECTORS[0], "entered_on": entered, "note": note})
        self._insert(EightZeroEntry.__table__, rows)
        self.counts["eight_zero_entries"] += len(rows)
