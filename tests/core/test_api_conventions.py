"""The OpenAPI schema keeps the conventions docs/api.md writes down: every list is one page of
an envelope, references are named by the object (never `..._id`), every documented error is the
one error shape, and figures are strings."""

import pytest
from django.test import Client

ENVELOPE = {"items", "count", "page", "pages", "limit"}
ERROR_REF = "#/components/schemas/ErrorBody"


@pytest.fixture(scope="module")
def schema():
    return Client().get("/api/v1/openapi.json").json()


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def _json_schema(response):
    return response.get("content", {}).get("application/json", {}).get("schema")


def _properties(schema, node, seen=None):
    """Every (name, property schema) reachable from a schema node, through refs and unions."""
    seen = set() if seen is None else seen
    if "$ref" in node:
        if node["$ref"] in seen:
            return
        seen.add(node["$ref"])
        yield from _properties(schema, _resolve(schema, node), seen)
        return
    for name, prop in node.get("properties", {}).items():
        yield name, prop
        yield from _properties(schema, prop, seen)
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            yield from _properties(schema, node[key], seen)
    for key in ("anyOf", "allOf", "oneOf"):
        for option in node.get(key, []):
            yield from _properties(schema, option, seen)


def test_every_list_answers_the_page_envelope(schema):
    """No operation answers a bare array; every answer with items has the whole envelope."""
    lists = 0
    for name, operation in _operations(schema):
        for status, response in operation["responses"].items():
            body = _json_schema(response)
            if not status.startswith("2") or body is None:
                continue
            resolved = _resolve(schema, body)
            assert resolved.get("type") != "array", f"{name} answers a bare array"
            if "items" in resolved.get("properties", {}):
                lists += 1
                assert set(resolved["properties"]) >= ENVELOPE, name
    assert lists >= 20  # the registry, underwriting, claims and notifications lists


def test_no_reference_is_named_with_an_id_suffix(schema):
    """References are named by the object (`project`, `permit`, `insurer`) and hold its id."""
    offenders = set()
    for name, operation in _operations(schema):
        bodies = [_json_schema(r) for r in operation["responses"].values()]
        request = operation.get("requestBody", {}).get("content", {})
        bodies += [media.get("schema") for media in request.values()]
        for body in filter(None, bodies):
            offenders |= {f"{name}: {p}" for p, _ in _properties(schema, body) if p.endswith("_id")}
    assert not offenders


def test_every_documented_error_is_the_error_shape(schema):
    """400 and 404 everywhere, 401 where a log-in is needed, 403 on authenticated writes; each
    is `{"error": {code, rule, field, message, problems}}`."""
    for name, operation in _operations(schema):
        responses = operation["responses"]
        expected = {"400", "404"}
        if operation.get("security"):
            expected |= {"401"} | ({"403"} if not name.startswith("GET ") else set())
        assert expected <= set(responses), name
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                assert _json_schema(response) == {"$ref": ERROR_REF}, f"{name} {status}"
    error = _resolve(schema, _resolve(schema, {"$ref": ERROR_REF})["properties"]["error"])
    assert set(error["required"]) == {"code", "rule", "field", "message", "problems"}


def test_money_rates_and_shares_are_strings(schema):
    """Figures are decimal strings, never JSON numbers that a client would read as floats."""
    figures = {"premium", "rate", "fraction", "amount", "contract_price", "sum_insured"}
    seen = 0
    for name, operation in _operations(schema):
        for response in operation["responses"].values():
            body = _json_schema(response)
            for prop, node in _properties(schema, body or {}):
                if prop in figures:
                    seen += 1
                    options = node.get("anyOf", [node])
                    assert all(o.get("type") in ("string", "null") for o in options), (name, prop)
    assert seen
