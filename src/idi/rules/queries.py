"""The one query layer shared by the CLI, `idi rules eval` and the HTTP API.

`run_query(book, op, params)` takes JSON-shaped input (ISO date strings, numbers or decimal
strings, snake_case names) and returns a JSON-ready dict. Bad input raises RuleViolation naming
the field, so every front end reports the same error the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from .book import Rulebook
from .codes import Code
from .coinsurance import check_shares
from .coverage import assess, window
from .deadlines import deadline
from .errors import RuleViolation
from .money import premium_quote
from .results import Share
from .schema import RulePack

__all__ = ["OPS", "eval_line", "eval_lines", "run_query"]

Params = Mapping[str, Any]
Result = dict[str, Any]


# --- parameter parsing -------------------------------------------------------------------------


def _bad(field: str | None, zh: str, en: str, *, code: Code = Code.INVALID) -> RuleViolation:
    return RuleViolation(rule=None, field=field, code=code, message=zh, message_en=en)


def _missing(field: str) -> RuleViolation:
    return _bad(field, f"缺少参数 {field}", f"missing parameter {field}", code=Code.REQUIRED)


@lru_cache(maxsize=8192)
def _parse_iso(text: str) -> date | None:
    # fromisoformat alone would also take "20250926" or "2025-W39-5": insist on YYYY-MM-DD.
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _date(params: Params, name: str, required: bool = True) -> date | None:
    value = params.get(name)
    if value is None:
        if required:
            raise _missing(name)
        return None
    if isinstance(value, str):
        parsed = _parse_iso(value)
        if parsed is not None:
            return parsed
    elif isinstance(value, date) and not isinstance(value, datetime):
        return value
    raise _bad(
        name,
        f"{name}：日期格式应为 YYYY-MM-DD（当前：{value!r}）",
        f"{name}: date must be YYYY-MM-DD (got: {value!r})",
    )


def _req_date(params: Params, name: str) -> date:
    d = _date(params, name)
    assert d is not None  # required=True never returns None
    return d


def _decimal(params: Params, name: str, value: Any = None) -> Decimal:
    if value is None:
        value = params.get(name)
        if value is None:
            raise _missing(name)
    result: Decimal | None = None
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int) and not isinstance(value, bool):
        result = Decimal(value)
    elif isinstance(value, float | str):
        # str(float) is the shortest repr, so 0.015 becomes Decimal("0.015"), never binary noise.
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation:
            result = None
    if result is None or not result.is_finite():
        raise _bad(
            name,
            f"{name}：应为数字（当前：{value!r}）",
            f"{name}: must be a number (got: {value!r})",
        )
    return result


_INT = re.compile(r"-?[0-9]{1,9}")


def _int(params: Params, name: str) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INT.fullmatch(value.strip()):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise _bad(
        name, f"{name}：应为整数（当前：{value!r}）", f"{name}: must be an integer (got: {value!r})"
    )


def _bool(params: Params, name: str, default: bool) -> bool:
    value = params.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _bad(
        name, f"{name}：应为 true 或 false（当前：{value!r}）", f"{name}: must be true or false"
    )


def _str(params: Params, name: str, required: bool = True) -> str | None:
    value = params.get(name)
    if value is None:
        if required:
            raise _missing(name)
        return None
    if isinstance(value, str) and value:
        return value
    raise _bad(name, f"{name}：应为非空文本", f"{name}: must be a non-empty string")


def _req_str(params: Params, name: str) -> str:
    s = _str(params, name)
    assert s is not None
    return s


def _check_keys(params: Params, allowed: frozenset[str]) -> None:
    for key in params:
        if key not in allowed:
            raise _bad(
                str(key),
                f"未知参数 {key}，可用参数：{', '.join(sorted(allowed))}",
                f"unknown parameter {key}; expected: {', '.join(sorted(allowed))}",
                code=Code.UNKNOWN,
            )


def _pack(book: Rulebook, params: Params) -> RulePack:
    return book.pack(_str(params, "pack", required=False))


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


# --- operations --------------------------------------------------------------------------------


def _op_packs(book: Rulebook, params: Params, language: str | None) -> Result:
    _check_keys(params, frozenset({"pack"}))
    packs = [_pack(book, params)] if params.get("pack") is not None else book.packs
    return {
        "packs": [
            {
                "id": p.id,
                "jurisdiction": p.jurisdiction,
                "permits_from": p.permits_from.isoformat(),
                "permits_to": p.permits_to.isoformat(),
            }
            for p in packs
        ]
    }


_PACK_FOR_KEYS = frozenset({"jurisdiction", "permit_date"})


def _op_pack_for(book: Rulebook, params: Params, language: str | None) -> Result:
    _check_keys(params, _PACK_FOR_KEYS)
    p = book.pack_for(_req_str(params, "jurisdiction"), _req_date(params, "permit_date"))
    return {
        "id": p.id,
        "jurisdiction": p.jurisdiction,
        "permits_from": p.permits_from.isoformat(),
        "permits_to": p.permits_to.isoformat(),
    }


_WINDOW_KEYS = frozenset({"pack", "category", "completion", "additional_years"})


def _op_window(book: Rulebook, params: Params, language: str | None) -> Result:
    _check_keys(params, _WINDOW_KEYS)
    w = window(
        _pack(book, params),
        _req_str(params, "category"),
        _req_date(params, "completion"),
        _int(params, "additional_years"),
    )
    return {"category": w.category, "start": w.start.isoformat(), "end": w.end.isoformat()}


_ASSESS_KEYS = frozenset(
    {
        "pack",
        "category",
        "completion",
        "on",
        "delivery",
        "fully_decorated",
        "additional_years",
        "event",
        "sub_item",
        "included_sub_items",
    }
)


def _str_list(params: Params, name: str) -> list[str] | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise _bad(name, f"{name}：应为文本列表", f"{name}: must be a list of strings")


def _op_assess(book: Rulebook, params: Params, language: str | None) -> Result:
    _check_keys(params, _ASSESS_KEYS)
    a = assess(
        _pack(book, params),
        _req_str(params, "category"),
        _req_date(params, "completion"),
        _req_date(params, "on"),
        delivery=_date(params, "delivery", required=False),
        fully_decorated=_bool(params, "fully_decorated", True),
        additional_years=_int(params, "additional_years"),
        event=_str(params, "event", required=False),
        sub_item=_str(params, "sub_item", required=False),
        included_sub_items=_str_list(params, "included_sub_items"),
    )
    w = a.window
    return {
        "status": a.status,
        "window": None if w is None else {"start": w.start.isoformat(), "end": w.end.isoformat()},
        "fund_fallback": a.fund_fallback,
        "insurer_channel": a.insurer_channel,
    }


_DEADLINE_KEYS = frozenset({"pack", "kind", "from"})


def _op_deadline(book: Rulebook, params: Params, language: str | None) -> Result:
    _check_keys(params, _DEADLINE_KEYS)
    d = deadline(
        _pack(book, params), book.calendar, _req_str(params, "kind"), _req_date(params, "from")
    )
    return {
        "kind": d.kind,
        "from": d.from_date.isoformat(),
        "due": d.due.isoformat(),
        "moved_from": _iso(d.moved_from),
        "provisional": d.provisional,
    }


_PREMIUM_KEYS = frozenset({"pack", "contract_price", "housing", "rate"})


def _op_premium(book: Rulebook, params: Params, language: str | None) -> Result:
    _check_keys(params, _PREMIUM_KEYS)
    q = premium_quote(
        _pack(book, params),
        _decimal(params, "contract_price"),
        _req_str(params, "housing"),
        _decimal(params, "rate"),
    )
    return {
        "premium": _money(q.premium),
        "fund_contribution": _money(q.fund_contribution),
        "min_risk_management_fee": _money(q.min_risk_management_fee),
        "rate_floor": str(q.rate_floor),
    }


_COINSURANCE_KEYS = frozenset({"pack", "shares"})
_SHARE_KEYS = frozenset({"role", "insurer", "fraction"})


def _shares(params: Params) -> list[Share]:
    value = params.get("shares")
    if value is None:
        raise _missing("shares")
    if not isinstance(value, list):
        raise _bad("shares", "shares：应为列表", "shares: must be a list")
    out: list[Share] = []
    for i, item in enumerate(value):
        where = f"shares[{i}]"
        if not isinstance(item, dict):
            raise _bad(
                where,
                f"{where}：应为 {{role, insurer, fraction}}",
                f"{where}: must be {{role, insurer, fraction}}",
            )
        for key in item:
            if key not in _SHARE_KEYS:
                raise _bad(
                    f"{where}.{key}",
                    f"未知参数 {key}",
                    f"unknown parameter {key}",
                    code=Code.UNKNOWN,
                )
        role = item.get("role")
        insurer = item.get("insurer")
        for key, text in (("role", role), ("insurer", insurer)):
            if not isinstance(text, str) or not text:
                raise _bad(
                    f"{where}.{key}",
                    f"{where}.{key}：应为非空文本",
                    f"{where}.{key}: must be a non-empty string",
                )
        fraction = item.get("fraction")
        if fraction is None:
            raise _missing(f"{where}.fraction")
        assert isinstance(role, str) and isinstance(insurer, str)
        out.append(Share(role, insurer, _decimal(item, f"{where}.fraction", fraction)))
    return out


def _op_coinsurance(book: Rulebook, params: Params, language: str | None) -> Result:
    _check_keys(params, _COINSURANCE_KEYS)
    check = check_shares(_pack(book, params), _shares(params))
    return {
        "valid": check.valid,
        "violations": [
            {
                "code": str(v.code),
                "rule": v.rule,
                "severity": v.severity,
                "message": v.message_for(language),
            }
            for v in check.violations
        ],
    }


def _op_calendar(book: Rulebook, params: Params, language: str | None) -> Result:
    _check_keys(params, frozenset())
    return {"years": [{"year": y, "source": s} for y, s in book.calendar.years()]}


OPS: dict[str, Callable[[Rulebook, Params, str | None], Result]] = {
    "packs": _op_packs,
    "pack_for": _op_pack_for,
    "window": _op_window,
    "assess": _op_assess,
    "deadline": _op_deadline,
    "premium": _op_premium,
    "coinsurance": _op_coinsurance,
    "calendar": _op_calendar,
}


def run_query(book: Rulebook, op: str, params: Params, *, language: str | None = None) -> Result:
    """Answer one query; raises RuleViolation (with the field) on bad input. `language` is the
    language of the messages inside an answer (Chinese unless English)."""
    handler = OPS.get(op)
    if handler is None:
        raise _bad(
            "op",
            f"未知操作 {op!r}，应为：{', '.join(OPS)}",
            f"unknown op {op!r}; expected one of: {', '.join(OPS)}",
            code=Code.UNKNOWN,
        )
    try:
        return handler(book, params, language)
    except (ArithmeticError, ValueError) as exc:
        # Only absurd input gets here (a year past 9999, a 10^999 price): refuse, don't crash.
        raise _bad(
            None,
            f"数值或日期超出支持范围（{exc}）",
            f"a number or date is out of the supported range ({exc})",
            code=Code.OUT_OF_RANGE,
        ) from exc


# --- JSON lines (`idi rules eval`) -------------------------------------------------------------


def eval_line(book: Rulebook, line: str, *, language: str | None = None) -> Result:
    """One JSON object `{"op": ..., params...}` in, one answer or `{"error": ...}` out."""
    try:
        obj = json.loads(line)
    except ValueError as exc:
        refusal = _bad(None, f"不是有效的 JSON（{exc}）", f"not valid JSON ({exc})")
        return {"error": refusal.to_dict(language)}
    if not isinstance(obj, dict):
        refusal = _bad(None, "每行应为一个 JSON 对象", "each line must be a JSON object")
        return {"error": refusal.to_dict(language)}
    op = obj.pop("op", None)
    try:
        if not isinstance(op, str):
            raise _missing("op")
        return run_query(book, op, obj, language=language)
    except RuleViolation as exc:
        return {"error": exc.to_dict(language)}


def eval_lines(
    book: Rulebook, lines: Iterable[str], *, language: str | None = None
) -> Iterator[str]:
    """One output line (JSON, no newline) per input line, in order."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for line in lines:
        yield dumps(eval_line(book, line, language=language))
