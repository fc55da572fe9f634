"""What an owner of an insured home sees of its policy (issue 7): the cover, its own consent to a
change and the counts; never the contract figures (through a form pre-filled with them), other
buyers' names, or the participants' notices. A form page is never served to someone who may not
submit it: 404 where the policy is unknown to the actor, 403 otherwise."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from uw_helpers import CONTRACT_PRICE, PREMIUM, coinsured, issued, make_user, quoted, sell

from idi.underwriting import services
from idi.underwriting.models import ChangeKind

pytestmark = pytest.mark.django_db

# Every form page about a policy, with who may submit it.
FORM_PAGES = {
    "terms": "developer",
    "shares": "developer",
    "give_quote": "lead",
    "payment": "developer or lead",
    "deposit": "developer",
    "claims_standards": "lead",
    "attachment_upload": "insurers",
    "cancel": "developer",
    "change_create": "developer or insurers",
}


def _may(who: str, role: str) -> bool:
    allowed = {"developer": {"developer"}, "lead": {"lead", "insurers"}, "f1": {"insurers"}}
    grants = allowed.get(role, set())
    return any(part in grants for part in who.replace(" or ", ",").split(","))


def _figures(policy) -> list[str]:
    """The contract's figures as a form would pre-fill them."""
    return [
        str(CONTRACT_PRICE),
        str(PREMIUM),
        str(policy.rate),
        str(policy.sum_insured),
        str(policy.risk_management_fee),
    ]


@pytest.mark.parametrize("page", FORM_PAGES)
def test_owner_gets_403_and_no_contract_figures_on_every_form_page(world, page):
    """Issue 7 item 3: as an owner, /policies/1/terms/, /payment/, /changes/new/ (and every other
    form page of its policy) answer 403 without the contract price, rate, sum insured, fee or
    premium."""
    policy = issued(world, shares=coinsured(world))
    sell(world.unit, world.owner)
    assert (
        world.owner.client().get(reverse("underwriting:detail", args=[policy.pk])).status_code
        == 200
    )
    answer = world.owner.client().get(reverse(f"underwriting:{page}", args=[policy.pk]))
    assert answer.status_code == 403
    body = answer.content.decode()
    assert not [figure for figure in _figures(policy) if figure in body]


@pytest.mark.parametrize("page", FORM_PAGES)
@pytest.mark.parametrize("role", ["developer", "lead", "f1", "reg_binjiang", "reg_city"])
def test_form_pages_answer_only_those_who_may_submit(world, page, role):
    """Each party that sees the policy gets the form only where its service would take the
    submission; otherwise 403. The state is one where every form applies: quoted for the
    drafting forms, issued for the ones after issue."""
    after_issue = page in ("deposit", "change_create")
    policy = (
        issued(world, shares=coinsured(world))
        if after_issue
        else quoted(world, shares=coinsured(world))
    )
    answer = getattr(world, role).client().get(reverse(f"underwriting:{page}", args=[policy.pk]))
    expected = 200 if _may(FORM_PAGES[page], role) else 403
    assert answer.status_code == expected, answer.content.decode()[:300]


@pytest.mark.parametrize("page", FORM_PAGES)
def test_a_policy_unknown_to_the_actor_is_404_on_every_form_page(world, page):
    policy = quoted(world)
    for party in (world.other_developer, world.outsider, world.owner):
        answer = party.client().get(reverse(f"underwriting:{page}", args=[policy.pk]))
        assert answer.status_code == 404


# --- other buyers' names (item 4) --------------------------------------------------------------


def _change_with_three_buyers(world):
    policy = issued(world)
    neighbour = make_user("邻居王五")
    sell(world.unit, world.owner, world.other_owner)  # a co-owner of the same home
    sell(world.unit2, SimpleNamespace(user=neighbour))
    change = services.open_change_request(
        actor=world.developer.actor, policy=policy, kind=ChangeKind.CANCEL, reason="项目调整"
    )
    services.record_buyer_consent(
        actor=world.developer.actor,
        change=change,
        unit=world.unit2,
        buyer_id=neighbour.pk,
        consented_on=change.requested_at.date(),
    )
    return policy, change


def test_owner_reads_only_its_own_consent_and_the_counts_in_the_api(world):
    """Issue 7 item 4: GET /api/v1/policies/{pk}/changes/{id} gives an owner its own consent row
    and the counts (1 of 3 consented), never another buyer's name or id, not even its
    co-owner's; the developer gets every row and the same counts."""
    policy, change = _change_with_three_buyers(world)
    url = f"/api/v1/policies/{policy.pk}/changes/{change.pk}"
    mine = world.owner.client().get(url).json()
    assert [(c["unit"], c["buyer"], c["given"]) for c in mine["consents"]] == [
        (world.unit.pk, world.owner.user.pk, False)
    ]
    assert (mine["consents_given"], mine["consents_total"]) == (1, 3)
    text = str(mine)
    assert "邻居王五" not in text and "owner2" not in text
    assert str(world.other_owner.user.pk) not in [str(c["buyer"]) for c in mine["consents"]]
    everyone = world.developer.client().get(url).json()
    assert len(everyone["consents"]) == 3
    assert (everyone["consents_given"], everyone["consents_total"]) == (1, 3)


def test_owner_change_page_shows_its_consent_and_counts_only(world):
    policy, change = _change_with_three_buyers(world)
    page = world.owner.client().get(
        reverse("underwriting:change_detail", args=[policy.pk, change.pk])
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "邻居王五" not in body and "owner2" not in body
    assert "1 / 3" in body


def test_participant_notices_are_not_shown_to_owners_in_the_api(world):
    """Issue 7 item 4: the participants' notices of a policy are the developer's and insurers'
    business (and each participant's own), not its buyers'."""
    policy = issued(world)
    sell(world.unit, world.owner)
    url = f"/api/v1/policies/{policy.pk}/participant-notices"
    developer = world.developer.client().get(url).json()
    assert developer["count"] >= 1
    owner = world.owner.client().get(url)
    assert owner.status_code == 200
    assert owner.json()["items"] == [] and owner.json()["count"] == 0
    contractor = world.contractor.client().get(url)
    assert contractor.status_code in (200, 404)


def test_contract_figures_stay_off_the_owners_policy_page(world):
    policy = issued(world)
    sell(world.unit, world.owner)
    body = world.owner.client().get(reverse("underwriting:detail", args=[policy.pk])).content
    assert str(CONTRACT_PRICE).encode() not in body
    assert str(PREMIUM).encode() not in body
