"""A page number far past the last page (200000000000000000000) answers the last page or a 400,
never a 500 (issue 7), on every API list that pages (found in the OpenAPI schema, so that new
lists join) and on the list pages."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from idi.config.api import api

pytestmark = pytest.mark.django_db

HUGE = "200000000000000000000"


def _paged_lists() -> list[str]:
    schema = api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path:
            continue
        names = {p["name"] for p in get.get("parameters", []) if p.get("in") == "query"}
        if "page" in names:
            found.append(path)
    return found


def _operator() -> Client:
    user = get_user_model().objects.create_user(
        username="op_pages", password="x-pass-1", is_staff=True, is_superuser=True
    )
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_every_api_list_bounds_its_page_number():
    paths = _paged_lists()
    assert len(paths) >= 5
    client = _operator()
    answers = {path: client.get(f"{path}?page={HUGE}").status_code for path in paths}
    assert {path: status for path, status in answers.items() if status not in (200, 400)} == {}


@pytest.mark.parametrize("path", ["/orgs/", "/projects/", "/policies/", "/policies/notices/"])
def test_list_pages_bound_their_page_number(path):
    assert _operator().get(f"{path}?page={HUGE}").status_code in (200, 400)
