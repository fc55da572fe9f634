"""How the API writes numbers: money to the fen ("1851851.84"), rates, shares and ratios as the
caller wrote them ("0.015", not the column's "0.015000"). Both are JSON strings, so no client
reads a binary float."""

from decimal import Decimal
from typing import Annotated

from pydantic import PlainSerializer, WithJsonSchema

CENT = Decimal("0.01")


def money_text(value: Decimal) -> str:
    return str(value.quantize(CENT))


def plain_text(value: Decimal) -> str:
    """The shortest exact form: trailing zeros dropped, never an exponent."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


MoneyOut = Annotated[
    Decimal,
    PlainSerializer(money_text, return_type=str),
    WithJsonSchema({"type": "string", "format": "decimal", "example": "1851851.84"}),
]
FractionOut = Annotated[
    Decimal,
    PlainSerializer(plain_text, return_type=str),
    WithJsonSchema({"type": "string", "format": "decimal", "example": "0.015"}),
]
