"""The OpenAPI schema names each request and response shape once: django-ninja names a component
after its class, so two apps' classes of the same name would show one app's shape on the other's
endpoint. Every schema class of the platform has a name of its own."""

from collections import defaultdict

from ninja import Schema

from idi.config.api import api


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def test_no_two_schema_classes_share_a_component_name():
    api.get_openapi_schema()  # every router and its schemas are imported
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("idi."):
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not clashes, clashes


def test_each_app_s_payment_has_its_own_component():
    """The clash that was: a claim's, a fund's and a policy's payment each keep their shape."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    assert {"ClaimPaymentIn", "FundPaymentIn", "PaymentIn"} <= set(components)
    body = schema["paths"]["/api/v1/claims/{pk}/payment"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"]["$ref"].endswith("/ClaimPaymentIn")
