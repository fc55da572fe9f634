"""统一社会信用代码 (unified social credit code, GB 32100-2015) with its check digit."""

from django.core.exceptions import ValidationError

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why a code is not a valid USCC, or None when it is."""
    if len(code) != 18:
        return "应为 18 位 / must be 18 characters"
    bad = sorted({c for c in code if c not in USCC_CHARSET})
    if bad:
        return f"含无效字符 {''.join(bad)} / invalid characters {''.join(bad)}"
    if uscc_check_char(code[:17]) != code[17]:
        return "校验码错误 / wrong check character"
    return None


def validate_uscc(code: str) -> None:
    problem = uscc_problem(code)
    if problem:
        raise ValidationError(f"统一社会信用代码{problem}", code="uscc")
