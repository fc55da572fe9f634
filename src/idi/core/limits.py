"""The limits of free input, shared by the API schemas and the services.

The API states them (OpenAPI `maxLength`, `minimum`, `maximum`) so that a caller learns them
and bad input is answered 400 naming the field; the services check them again, because a
service never trusts its caller, so that over-long text is a refusal, never a database error.
"""

from decimal import Decimal
from typing import Annotated

from django.db import models
from ninja import Field

from idi.core.codes import Code
from idi.core.errors import RuleViolation

# A primary key (bigint).
MAX_ID = 2**63 - 1
# MoneyField: 18 digits, 2 of them after the point.
MAX_MONEY = Decimal("9999999999999999.99")
# A rate (Policy.rate): a fraction below 1, six decimals.
MAX_RATE = Decimal("0.999999")
# Free text stored in a TextField (a reason, a note): what a person writes, not a document.
MAX_TEXT = 2000
# A search box.
MAX_SEARCH = 100
# Numbered pages of a list.
MAX_PAGE = 1_000_000
# A password as typed (the hash is what the column holds).
MAX_PASSWORD = 128
# The buyers named on one sale contract.
MAX_BUYERS = 20
# A period in years or a time in days that a person types.
MAX_YEARS = 99
MAX_DAYS = 3650

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Money = Annotated[Decimal, Field(ge=0, le=MAX_MONEY, max_digits=18, decimal_places=2)]
# An amount whose sign a rule checks itself (and refuses naming the rule).
SignedMoney = Annotated[
    Decimal, Field(ge=-MAX_MONEY, le=MAX_MONEY, max_digits=18, decimal_places=2)
]
Search = Annotated[str, Field(max_length=MAX_SEARCH)]
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE)]


# The messages do not repeat the field's name: a page shows them on the field itself and the
# API gives the field beside them.
def too_long(field: str, limit: int, length: int) -> RuleViolation:
    return RuleViolation(
        rule=None,
        field=field,
        code=Code.TOO_LONG,
        message=f"内容过长：最多 {limit} 个字符，当前 {length} 个，请删减后再提交",
        message_en=f"too long: at most {limit} characters, got {length}; shorten it and try again",
    )


def check_length(model: type[models.Model], column: str, value: str, *, field: str = "") -> None:
    """Refuse text longer than the model's column (a TextField: MAX_TEXT), naming the field
    (the column's name unless the caller knows it by another)."""
    limit = model._meta.get_field(column).max_length or MAX_TEXT
    if len(value) > limit:
        raise too_long(field or column, limit, len(value))


def check_range(
    field: str, value: Decimal | int, *, high: Decimal | int, low: Decimal | int | None = None
) -> None:
    """Refuse a number above `high` or below `low` (or not a finite number), naming the field.
    Rules that have their own lower bound (a rate floor, a positive sum) check it themselves."""
    finite = not isinstance(value, Decimal) or value.is_finite()
    if finite and value <= high and (low is None or value >= low):
        return
    if low is None:
        zh, en = f"不能大于 {high}", f"must be at most {high}"
    else:
        zh, en = f"应在 {low} 到 {high} 之间", f"must be between {low} and {high}"
    raise RuleViolation(
        rule=None,
        field=field,
        code=Code.OUT_OF_RANGE,
        message=f"数值{zh}（当前：{value}），请改正后再提交",
        message_en=f"the number {en} (got {value}); correct it and try again",
    )
