"""Money in fen and Decimal yuan, never a float; amounts in Chinese capitals as receipts write them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chang_shan.canteen.money import in_capitals, to_fen, yuan


def test_yuan_and_fen_are_exact() -> None:
    assert yuan(700) == Decimal("7.00") and str(yuan(700)) == "7.00"
    assert str(yuan(5)) == "0.05" and str(yuan(0)) == "0.00" and str(yuan(123456789)) == "1234567.89"
    assert isinstance(yuan(700), Decimal)
    assert to_fen(Decimal("7")) == 700 and to_fen(Decimal("0.1")) == 10 and to_fen(Decimal("1234567.89")) == 123456789
    assert type(to_fen(Decimal("7.50"))) is int
    # The reason for all this: in binary floating point 0.10 + 0.20 is not 0.30.
    assert 0.10 + 0.20 != 0.30
    assert yuan(to_fen(Decimal("0.10")) + to_fen(Decimal("0.20"))) == Decimal("0.30")
    assert yuan(to_fen(Decimal("7.00")) * 61) == Decimal("427.00")


@pytest.mark.parametrize("bad", [7.0, 0.1, "7.00", 700])
def test_to_fen_takes_only_decimals(bad: object) -> None:
    with pytest.raises(TypeError):
        to_fen(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [7.0, True, "700", Decimal("700")])
def test_yuan_takes_only_whole_fen(bad: object) -> None:
    with pytest.raises(TypeError):
        yuan(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [Decimal("7.005"), Decimal("NaN"), Decimal("Infinity")])
def test_to_fen_refuses_fractions_of_a_fen(bad: Decimal) -> None:
    with pytest.raises(ValueError):
        to_fen(bad)


@pytest.mark.parametrize(("amount", "capitals"), [
    # The examples of 中国人民银行《正确填写票据和结算凭证的基本规定》 (where a zero is optional: none).
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("1409.50", "壹仟肆佰零玖元伍角"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("107000.53", "壹拾万柒仟元伍角叁分"),
    # The canteen's own sums.
    ("7.00", "柒元整"), ("7.50", "柒元伍角"), ("427.00", "肆佰贰拾柒元整"), ("0.30", "叁角"), ("0.05", "伍分"),
    ("0", "零元整"), ("10", "壹拾元整"), ("15.00", "壹拾伍元整"), ("110", "壹佰壹拾元整"), ("101", "壹佰零壹元整"),
    ("1000", "壹仟元整"), ("1001", "壹仟零壹元整"), ("1010.10", "壹仟零壹拾元壹角"), ("10000", "壹万元整"),
    ("100010", "壹拾万零壹拾元整"), ("1000000", "壹佰万元整"), ("100000000.01", "壹亿元零壹分"),
    ("100000001", "壹亿零壹元整"), ("120003000", "壹亿贰仟万叁仟元整"), ("120000300", "壹亿贰仟万零叁佰元整"),
])
def test_capitals(amount: str, capitals: str) -> None:
    assert in_capitals(Decimal(amount)) == capitals


def test_capitals_refuse_floats_and_negative_amounts() -> None:
    with pytest.raises(TypeError):
        in_capitals(7.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        in_capitals(Decimal("-1"))
