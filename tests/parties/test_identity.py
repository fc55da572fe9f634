"""Check characters of credit codes and ID numbers, and the masks owners' numbers wear."""

import pytest

from idi.parties.privacy import mask_id_number, mask_phone, shown_identity
from idi.parties.validators import (
    id_number_check_char,
    id_number_problem,
    mobile_problem,
    uscc_check_char,
    uscc_problem,
)


def test_uscc_check_character_of_a_published_code():
    """GB 32100-2015: a code with its check character passes; any other last character fails."""
    code = "91330100000000001"
    full = code + uscc_check_char(code)
    assert uscc_problem(full) is None
    wrong = full[:17] + ("0" if full[17] != "0" else "1")
    assert uscc_problem(wrong) == ("校验码错误", "wrong check character")


@pytest.mark.parametrize(
    ("code", "why"),
    [("9133010000000001", "18"), ("91330100000000001I", "无效字符")],
)
def test_uscc_length_and_characters(code, why):
    assert why in uscc_problem(code)[0]


def test_id_number_check_digit_of_the_standard_example():
    """GB 11643-1999's example 11010519491231002X is valid; another last character is not."""
    assert id_number_problem("11010519491231002X") is None
    assert id_number_check_char("11010519491231002") == "X"
    assert id_number_problem("110105194912310021") == ("校验码错误", "wrong check character")


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("1101051949123100", "18"),
        ("11010519491231002Y", "末位"),
        ("1101051949123A002X", "前 17 位"),
        ("110105194913310024", "出生日期"),
    ],
)
def test_id_number_refusals_say_why(number, why):
    assert why in id_number_problem(number)[0]


def test_mobile_numbers():
    assert mobile_problem("13812345678") is None
    assert mobile_problem("12812345678") is not None
    assert mobile_problem("1381234567") is not None


def test_masks_keep_prefix_and_last_four():
    """DESIGN Privacy: 3301********1234 and 138****5678."""
    assert mask_id_number("330106198503120011") == "3301********0011"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("") == "" and mask_phone("") == ""
    assert shown_identity(id_number="330106198503120011", phone="13812345678", unmasked=True) == {
        "id_number": "330106198503120011",
        "phone": "13812345678",
    }
