"""Every input of the API states its limits: strings a maximum length (the model's), numbers a
range, so that over-long or out-of-range input is answered 400 naming the field, never a
database error."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

# Strings whose shape is fixed elsewhere: dates, times and uploaded files.
FORMATS_WITH_OWN_LIMITS = {"date", "date-time", "binary"}


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def _unbounded(spec: dict, schema: dict, where: str) -> list[str]:
    schema = _resolve(spec, schema)
    if "enum" in schema or "const" in schema:
        return []
    branches = schema.get("anyOf") or schema.get("oneOf")
    if branches:
        kinds = [_resolve(spec, b).get("type") for b in branches]
        # A decimal is a number or its string: the number branch carries the range.
        if "number" in kinds and "string" in kinds:
            branches = [b for b in branches if _resolve(spec, b).get("type") != "string"]
        return [p for b in branches for p in _unbounded(spec, b, where)]
    kind = schema.get("type")
    if kind == "object":
        problems = []
        for name, prop in schema.get("properties", {}).items():
            problems += _unbounded(spec, prop, f"{where}.{name}")
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            problems += _unbounded(spec, extra, f"{where}.*")
        return problems
    if kind == "array":
        problems = [] if "maxItems" in schema else [f"{where}: array without maxItems"]
        return problems + _unbounded(spec, schema.get("items", {}), f"{where}[]")
    if kind == "string":
        if schema.get("format") in FORMATS_WITH_OWN_LIMITS or "maxLength" in schema:
            return []
        return [f"{where}: string without maxLength"]
    if kind in ("integer", "number"):
        low = "minimum" in schema or "exclusiveMinimum" in schema
        high = "maximum" in schema or "exclusiveMaximum" in schema
        return [] if low and high else [f"{where}: {kind} without a range"]
    return []


def test_every_api_input_states_its_limits():
    spec = Client().get("/api/v1/openapi.json").json()
    problems = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    continue  # ids in the path: an unknown or out-of-range id is a 404
                problems += _unbounded(spec, parameter["schema"], f"{where} ?{parameter['name']}")
            for media in operation.get("requestBody", {}).get("content", {}).values():
                problems += _unbounded(spec, media["schema"], f"{where} body")
    assert problems == [], "\n".join(problems)
