"""GB 11643 identity numbers: what a data-entry form must accept, reject and upgrade.

Check digits here come from an independent implementation of ISO 7064 MOD 11-2 (the rule GB 11643
cites), written from the standard's formula, never from the code under test.
"""

from __future__ import annotations

from datetime import date

import pytest

from chang_shan.errors import ValidationError
from chang_shan.population import idnumber

TODAY = date(2026, 11, 21)
FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")


def iso7064_check(first17: str) -> str:
    """ISO 7064 MOD 11-2: weight of position i (1-based from the right, check digit at 1) is 2^(i-1) mod 11."""
    assert len(first17) == 17 and first17.isdigit()
    total = sum(int(digit) * pow(2, 17 - index, 11) for index, digit in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def make(first17: str) -> str:
    return first17 + iso7064_check(first17)


def wrong_check(number: str) -> str:
    """The same number with a different (hence wrong) last character."""
    replacement = "1" if number[-1] != "1" else "2"
    return number[:-1] + replacement


def rejected(raw: str) -> str:
    with pytest.raises(ValidationError) as caught:
        idnumber.parse(raw, today=TODAY)
    assert set(caught.value.errors) == {"id_number"}
    return caught.value.errors["id_number"]


# --- the independent check digit agrees with published examples --------------------------------


def test_reference_check_digits_from_the_standard() -> None:
    # The worked example of GB 11643-1999 appendix: 11010519491231002 → X.
    assert iso7064_check("11010519491231002") == "X"
    # The commonly cited sample number 440524188001010014 (Guangdong, 1880) is valid.
    assert iso7064_check("44052418800101001") == "4"


# --- valid numbers --------------------------------------------------------------------------------


def test_valid_18_digit_number_gives_birth_date_sex_and_region() -> None:
    number = make("22010319850101123")  # 长春市宽城区, 1985-01-01, 17th digit 3 → male
    facts = idnumber.parse(number, today=TODAY)
    assert facts.number == number
    assert facts.birth_date == date(1985, 1, 1)
    assert facts.sex_code == "1"
    assert facts.region_code == "220103"
    assert facts.region_name == "吉林省长春市宽城区"
    assert facts.upgraded_from_15 is False
    assert idnumber.is_valid(number)


def test_female_is_an_even_17th_digit() -> None:
    facts = idnumber.parse(make("11010519491231002"), today=TODAY)
    assert facts.number == "11010519491231002X"
    assert facts.sex_code == "2"
    assert facts.birth_date == date(1949, 12, 31)
    assert facts.region_name == "北京市朝阳区"


def test_lowercase_x_is_accepted_and_stored_upper_case() -> None:
    facts = idnumber.parse("11010519491231002x", today=TODAY)
    assert facts.number == "11010519491231002X"


def test_full_width_digits_and_x_are_accepted() -> None:
    number = make("11010519491231002")
    typed = number.translate(FULL_WIDTH)
    assert typed == "１１０１０５１９４９１２３１００２Ｘ"
    assert idnumber.parse(typed, today=TODAY).number == number
    assert idnumber.parse(typed.replace("Ｘ", "ｘ"), today=TODAY).number == number


def test_spaces_and_hyphens_typed_between_groups_are_ignored() -> None:
    number = make("22010319850101123")
    assert idnumber.parse(f" {number[:6]} {number[6:14]}-{number[14:]} ", today=TODAY).number == number


def test_leap_day_in_a_leap_year_is_a_real_date() -> None:
    facts = idnumber.parse(make("11010520000229001"), today=TODAY)
    assert facts.birth_date == date(2000, 2, 29)


def test_birth_today_is_allowed() -> None:
    facts = idnumber.parse(make("220102" + TODAY.strftime("%Y%m%d") + "002"), today=TODAY)
    assert facts.birth_date == TODAY


# --- the legacy 15-digit form -----------------------------------------------------------------------


def test_15_digit_number_is_upgraded_with_a_computed_check_digit() -> None:
    facts = idnumber.parse("110105491231002", today=TODAY)
    assert facts.number == "11010519491231002X"
    assert facts.upgraded_from_15 is True
    assert facts.birth_date == date(1949, 12, 31)
    assert facts.sex_code == "2"


@pytest.mark.parametrize(
    ("legacy", "first17"),
    [("110105800101123", "11010519800101123"), ("110101650315451", "11010119650315451")],
)
def test_15_digit_upgrade_inserts_19_and_appends_check_digit(legacy: str, first17: str) -> None:
    assert idnumber.upgrade_15(legacy) == make(first17)
    assert idnumber.parse(legacy.translate(FULL_WIDTH), today=TODAY).number == make(first17)


# The address code is that of the place where the number was issued (GB 11643: 常住户口所在地),
# not of the birth place at birth. Numbers were issued from 1984 on, so the many residents born
# before 宽城区 got its code 220103 (1983) carry it. (stdnum.cn.ric refuses such numbers.)


def test_elder_born_before_the_district_code_existed_is_valid() -> None:
    number = make("22010319450817002")  # 宽城区, born 1945
    facts = idnumber.parse(number, today=TODAY)
    assert facts.birth_date == date(1945, 8, 17)
    assert facts.region_name == "吉林省长春市宽城区"


def test_legacy_15_digit_number_of_an_elder_in_the_district_is_valid() -> None:
    assert idnumber.parse("220103450817002", today=TODAY).number == make("22010319450817002")


def test_15_digit_number_with_an_impossible_date_is_refused() -> None:
    assert "19650230" in rejected("220104650230451")


def test_15_digit_number_with_letters_is_refused() -> None:
    assert "数字" in rejected("22010465031545X")


# --- refused ------------------------------------------------------------------------------------------


def test_wrong_check_digit_is_refused_and_names_the_right_one() -> None:
    number = make("22010319850101123")
    message = rejected(wrong_check(number))
    assert "校验位" in message
    assert f"应为 {number[-1]}" in message
    assert not idnumber.is_valid(wrong_check(number))


def test_every_wrong_check_character_is_refused() -> None:
    number = make("11010519491231002")
    for last in "0123456789X":
        candidate = number[:-1] + last
        assert idnumber.is_valid(candidate) == (last == number[-1]), candidate


@pytest.mark.parametrize(
    ("first17", "shown"),
    [
        ("11010519900230123", "19900230"),  # February 30th
        ("11010519901301123", "19901301"),  # month 13
        ("11010519900000123", "19900000"),  # month 0, day 0
        ("11010519000229123", "19000229"),  # 1900 was not a leap year
        ("11010519900431123", "19900431"),  # April has 30 days
    ],
)
def test_impossible_birth_dates_are_refused(first17: str, shown: str) -> None:
    message = rejected(make(first17))  # the check digit is right: only the date is wrong
    assert shown in message
    assert "不存在" in message


def test_birth_date_in_the_future_is_refused() -> None:
    tomorrow = date(2026, 11, 22)
    message = rejected(make("220102" + tomorrow.strftime("%Y%m%d") + "123"))
    assert "晚于今天" in message
    # The same number is fine once that day has come.
    assert idnumber.parse(make("22010220261122123"), today=tomorrow).birth_date == tomorrow


@pytest.mark.parametrize("region", ["000000", "999999", "220199"])
def test_a_region_code_that_is_no_region_is_refused(region: str) -> None:
    message = rejected(make(region + "19850101123"))
    assert region in message
    assert "行政区划" in message


@pytest.mark.parametrize("length", [1, 14, 16, 17, 19, 20])
def test_wrong_length_is_refused_and_says_how_long_it_is(length: int) -> None:
    raw = ("220102198001011234567890")[:length]
    message = rejected(raw)
    assert f"{length} 位" in message


def test_empty_is_refused() -> None:
    assert "请填写" in rejected("   ")
    assert "请填写" in rejected("")


@pytest.mark.parametrize(
    "raw",
    [
        "2201021980010112A4",  # a letter among the first 17
        "A20102198001011234",
        "22010219800101123Y",  # only X may close the number
        "22010219800101123Ｙ",
    ],
)
def test_letters_are_refused(raw: str) -> None:
    assert "X" in rejected(raw)


# --- masking ---------------------------------------------------------------------------------------


def test_mask_keeps_region_and_last_four_only() -> None:
    assert idnumber.mask("22010219800101123" + "4") == "220102********1234"
    assert idnumber.mask("11010519491231002X") == "110105********002X"
    masked = idnumber.mask("110105491231002")
    assert masked == "110105*****1002"
    assert "491231" not in masked


def test_mask_of_nothing_or_short_values_reveals_nothing() -> None:
    assert idnumber.mask(None) == ""
    assert idnumber.mask("") == ""
    assert idnumber.mask("1234567890") == "**********"


def test_mask_phone() -> None:
    assert idnumber.mask_phone("13812345678") == "138****5678"
    assert idnumber.mask_phone(" 13812345678 ") == "138****5678"
    assert idnumber.mask_phone("84561234") == "****1234"  # a landline keeps its last four
    assert idnumber.mask_phone("110") == "110"
    assert idnumber.mask_phone(None) == ""
    assert idnumber.mask_phone("") == ""
