"""Identity numbers with their check characters: 统一社会信用代码 (GB 32100-2015) of an
organisation, 居民身份证号码 (GB 11643-1999) of a person, and mainland mobile numbers."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import get_language

from idi.core.spreadsheets import formula_like
from idi.rules.errors import is_english

# Why a value is wrong: (Chinese, English).
Problem = tuple[str, str]

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> Problem | None:
    """Why a code is not a valid USCC, or None when it is."""
    if len(code) != 18:
        return "应为 18 位", "must be 18 characters"
    bad = sorted({c for c in code if c not in USCC_CHARSET})
    if bad:
        return f"含无效字符 {''.join(bad)}", f"invalid characters {''.join(bad)}"
    if uscc_check_char(code[:17]) != code[17]:
        return "校验码错误", "wrong check character"
    return None


def validate_uscc(code: str) -> None:
    problem = uscc_problem(code)
    if problem:
        zh, en = problem
        message = f"credit code: {en}" if is_english(get_language()) else f"统一社会信用代码{zh}"
        raise ValidationError(message, code="uscc")


# 居民身份证号码 (GB 11643-1999): 17 digits then an ISO 7064 MOD 11-2 check character.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


def id_number_check_char(first17: str) -> str:
    return ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_number_problem(number: str) -> Problem | None:
    """Why a number is not a valid 18-digit ID card number, or None when it is."""
    if len(number) != 18:
        return "应为 18 位", "must be 18 characters"
    if not number[:17].isascii() or not number[:17].isdigit():
        return "前 17 位应为数字", "the first 17 characters must be digits"
    if number[17] not in "0123456789X":
        return "末位应为数字或 X", "the last character must be a digit or X"
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "出生日期无效", "invalid date of birth"
    if id_number_check_char(number[:17]) != number[17]:
        return "校验码错误", "wrong check character"
    return None


def normalise_id_number(number: str) -> str:
    """The stored form: no surrounding blanks, upper-case X."""
    return number.strip().upper()


# 中国大陆手机号: 11 digits starting with 1 and a second digit 3-9.
MOBILE_RE = re.compile(r"1[3-9]\d{9}")


def mobile_problem(phone: str) -> Problem | None:
    if not MOBILE_RE.fullmatch(phone):
        return "应为 11 位手机号", "must be an 11-digit mobile number"
    return None


def person_name_problem(name: str) -> Problem | None:
    """Why text cannot be a person's name, or None. Names never start with a formula character
    (= + - @) or hold control characters: such text is an attack on the spreadsheets the name
    will be exported to (core.spreadsheets), not a name."""
    if formula_like(name):
        return "不能以 = + - @ 开头", "must not start with = + - @"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "含控制字符", "contains control characters"
    return None
