"""The API's schema errors (pydantic's) as refusals in the caller's language, naming the field.

Pydantic's own messages are English only and name no field; the common kinds of error are
written out here in both languages, the rest fall back to a plain "invalid" with pydantic's
text in English.
"""

from decimal import Decimal

from idi.core.codes import Code
from idi.core.errors import RuleViolation, RuleViolations

# Where ninja puts a parameter: not part of the field's name as the caller wrote it.
_SOURCES = frozenset({"body", "query", "path", "form", "file", "header", "cookie"})

# pydantic error type → (code, Chinese, English); the texts take the field and pydantic's ctx.
_KINDS: dict[str, tuple[Code, str, str]] = {
    "missing": (Code.REQUIRED, "{field}：必填", "{field}: required"),
    "string_too_long": (
        Code.TOO_LONG,
        "{field}：不能超过 {max_length} 个字符",
        "{field}: at most {max_length} characters",
    ),
    "string_too_short": (
        Code.TOO_SHORT,
        "{field}：至少 {min_length} 个字符",
        "{field}: at least {min_length} characters",
    ),
    "too_long": (
        Code.TOO_LONG,
        "{field}：最多 {max_length} 项",
        "{field}: at most {max_length} items",
    ),
    "too_short": (
        Code.TOO_SHORT,
        "{field}：至少 {min_length} 项",
        "{field}: at least {min_length} items",
    ),
    "greater_than": (
        Code.OUT_OF_RANGE,
        "{field}：应大于 {gt}",
        "{field}: must be greater than {gt}",
    ),
    "greater_than_equal": (
        Code.OUT_OF_RANGE,
        "{field}：不能小于 {ge}",
        "{field}: must be at least {ge}",
    ),
    "less_than": (Code.OUT_OF_RANGE, "{field}：应小于 {lt}", "{field}: must be less than {lt}"),
    "less_than_equal": (
        Code.OUT_OF_RANGE,
        "{field}：不能大于 {le}",
        "{field}: must be at most {le}",
    ),
    "string_pattern_mismatch": (
        Code.INVALID,
        "{field}：格式不正确",
        "{field}: does not match the expected format",
    ),
    "literal_error": (
        Code.INVALID_CHOICE,
        "{field}：应为 {expected} 之一",
        "{field}: must be one of {expected}",
    ),
    "enum": (
        Code.INVALID_CHOICE,
        "{field}：应为 {expected} 之一",
        "{field}: must be one of {expected}",
    ),
    "decimal_max_places": (
        Code.BAD_DECIMAL,
        "{field}：最多 {decimal_places} 位小数",
        "{field}: at most {decimal_places} decimal places",
    ),
    "decimal_max_digits": (
        Code.BAD_DECIMAL,
        "{field}：最多 {max_digits} 位数字",
        "{field}: at most {max_digits} digits",
    ),
    "decimal_whole_digits": (
        Code.BAD_DECIMAL,
        "{field}：整数部分最多 {whole_digits} 位",
        "{field}: at most {whole_digits} digits before the point",
    ),
}
_DATE = (Code.BAD_DATE, "{field}：日期应为 YYYY-MM-DD", "{field}: a date must be YYYY-MM-DD")
_DATETIME = (
    Code.BAD_DATE,
    "{field}：时间应为 ISO 8601 格式",
    "{field}: a time must be ISO 8601 (YYYY-MM-DDTHH:MM:SS+08:00)",
)
_DECIMAL = (Code.BAD_DECIMAL, "{field}：应为十进制数字", "{field}: must be a decimal number")
_INTEGER = (Code.WRONG_TYPE, "{field}：应为整数", "{field}: must be an integer")
_BOOL = (Code.WRONG_TYPE, "{field}：应为 true 或 false", "{field}: must be true or false")
_STRING = (Code.WRONG_TYPE, "{field}：应为文本", "{field}: must be a string")
_LIST = (Code.WRONG_TYPE, "{field}：应为列表", "{field}: must be a list")
_OBJECT = (Code.WRONG_TYPE, "{field}：应为对象", "{field}: must be an object")
_NUMBER = (Code.WRONG_TYPE, "{field}：应为数字", "{field}: must be a number")
_BY_PREFIX = (
    ("datetime_", _DATETIME),
    ("date_", _DATE),
    ("decimal_", _DECIMAL),
    ("int_", _INTEGER),
    ("bool_", _BOOL),
    ("string_", _STRING),
    ("list_", _LIST),
    ("dict_", _OBJECT),
    ("model_", _OBJECT),
    ("float_", _NUMBER),
)


def _field(loc) -> str | None:
    parts = [str(part) for part in loc]
    # ninja: (source, parameter name, field...); a flattened query or path keeps only source.
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
        if len(parts) > 1:
            parts = parts[1:]
    return ".".join(parts) or None


def _kind(error_type: str) -> tuple[Code, str, str] | None:
    if error_type in _KINDS:
        return _KINDS[error_type]
    for prefix, kind in _BY_PREFIX:
        if error_type.startswith(prefix):
            return kind
    return None


def _ctx(ctx: dict) -> dict:
    return {
        key: (format(value, "f") if isinstance(value, Decimal) else value)
        for key, value in ctx.items()
    }


def problem(error: dict) -> RuleViolation:
    field = _field(error.get("loc", ()))
    name = field or "input"
    kind = _kind(str(error.get("type", "")))
    if kind is None:
        detail = error.get("msg", "invalid input")
        return RuleViolation(
            rule=None,
            field=field,
            code=Code.INVALID,
            message=f"{name}：输入无效（{detail}）",
            message_en=f"{name}: {detail}",
        )
    code, zh, en = kind
    values = {**_ctx(error.get("ctx") or {}), "field": name}
    try:
        return RuleViolation(
            rule=None,
            field=field,
            code=code,
            message=zh.format(**values),
            message_en=en.format(**values),
        )
    except KeyError:  # a ctx pydantic left out: the field and the kind still say enough
        return RuleViolation(
            rule=None,
            field=field,
            code=code,
            message=f"{name}：输入无效",
            message_en=f"{name}: {error.get('msg', 'invalid input')}",
        )


def schema_refusal(errors: list[dict]) -> RuleViolation:
    """Every schema error of one request as one refusal (several when there are several)."""
    problems = [problem(error) for error in errors] or [
        RuleViolation(
            rule=None, field=None, code=Code.INVALID, message="输入无效", message_en="invalid input"
        )
    ]
    return problems[0] if len(problems) == 1 else RuleViolations(problems)
