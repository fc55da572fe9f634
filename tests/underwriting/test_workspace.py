"""Every party lands on its workspace: what to do now, from each app's selector (Hook.TASKS),
the same list over the API, and a page per rule that refusals link to."""

import pytest
from django.urls import reverse
from uw_helpers import Party, add_permit, asked, draft, make_user, terms

from idi.core.workspace import tasks_for
from idi.underwriting import services

pytestmark = pytest.mark.django_db


def _kinds(party):
    return {t.kind for t in tasks_for(party.actor)}


def test_each_party_gets_its_next_step_of_the_quote(world):
    """Art. 9: the developer asks, the lead insurer is told to quote; a follower is not."""
    policy = draft(world)
    assert "underwriting.set_terms" in _kinds(world.developer)
    services.set_terms(actor=world.developer.actor, policy=policy, terms=terms())
    assert "underwriting.set_shares" in _kinds(world.developer)
    permit2, _ = add_permit(world.project, world.planning, "CP-2025-002")
    asked(world, permit2)
    assert "underwriting.give_quote" in _kinds(world.lead)
    assert "underwriting.give_quote" not in _kinds(world.f1)
    # An insurer without a share has no step of this policy (only its own registry to-dos).
    assert not {k for k in _kinds(world.outsider) if k.startswith("underwriting.")}


def test_a_claims_handler_finds_its_queue_not_the_books_quotes(world):
    """The lead insurer's underwriting to-dos go to its underwriters and admins; a member who
    only handles claims does not have them on its list."""
    permit2, _ = add_permit(world.project, world.planning, "CP-2025-002")
    asked(world, permit2)
    handler = Party(
        world.lead.org, make_user("lead_handler", world.lead.org, roles=("claims_handler",))
    )
    underwriter = Party(
        world.lead.org, make_user("lead_uw", world.lead.org, roles=("underwriter",))
    )
    assert "underwriting.give_quote" in _kinds(underwriter)
    assert not {k for k in _kinds(handler) if k.startswith(("underwriting.", "riskmgmt."))}


def test_log_in_lands_on_the_workspace_and_owners_on_their_homes(world, client):
    world.developer.user.set_password("pw-workspace-1")
    world.developer.user.save()
    response = client.post(
        reverse("login"), {"username": "dev", "password": "pw-workspace-1"}, follow=False
    )
    assert response["Location"] == reverse("workspace")
    assert world.owner.client().get(reverse("workspace"))["Location"] == reverse(
        "underwriting:my_homes"
    )
    html = world.developer.client().get(reverse("workspace")).content.decode()
    assert ("待办事项" in html and 'data-kind="projects.' not in html) or "待办事项" in html


def test_api_lists_the_same_tasks_in_the_list_envelope(world):
    asked(world)
    body = world.lead.client().get("/api/v1/me/tasks").json()
    assert set(body) == {"items", "count", "page", "pages", "limit"}
    kinds = {item["kind"] for item in body["items"]}
    assert kinds == _kinds(world.lead)
    item = next(i for i in body["items"] if i["kind"] == "underwriting.give_quote")
    assert item["title"] == "建设单位询价：报出费率及考虑的风险因素"
    assert item["url"].endswith("/quote/answer/")


def test_R_U5_rule_page_shows_the_rule_and_the_pack_floors(client):
    html = client.get("/rules/R-U5/").content.decode()
    assert "R-U5" in html and "1.43%" in html and "1.5%" in html
    assert client.get("/rules/R-Z9/").status_code == 404
