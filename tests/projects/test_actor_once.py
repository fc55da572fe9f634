"""Every page resolves the signed-in party once per request: the menu, the unread count and the
view all ask for it, and the request keeps the answer (idi.core.permissions)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from projects_helpers import page

from idi.core.permissions import actor_from_request

pytestmark = pytest.mark.django_db


def _profile_lookups(queries) -> int:
    return sum(1 for q in queries if 'FROM "parties_profile"' in q["sql"])


@pytest.mark.parametrize("path", ["/projects/", "/workspace/", "/policies/my-homes/"])
def test_a_page_looks_the_party_up_once(world, path):
    user = world.owner.user if "homes" in path else world.dev_a.user
    client = page(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    assert _profile_lookups(captured.captured_queries) == 1


def test_a_new_log_in_during_the_request_is_a_new_party(world, rf):
    request = rf.get("/")
    request.user = world.dev_a.user
    first = actor_from_request(request)
    assert actor_from_request(request) is first
    request.user = world.dev_b.user
    assert actor_from_request(request).organisation_id == world.dev_b.org.pk
