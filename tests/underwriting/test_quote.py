"""The quote as Art. 9 has it: the developer asks the lead insurer, the insurer answers with the
rate and the risk factors it weighed, never below the floor (R-U5), the developer accepts or asks
again, and only an accepted quote is issued. Both sides' acts are audited (R-O3)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from uw_helpers import (
    answer,
    asked,
    assert_api_refused,
    assert_ui_refused,
    attach_all,
    coinsured,
    draft,
    nothing_written,
    pay,
    single,
    terms,
)

from idi.core.errors import Forbidden, RuleViolation
from idi.core.models import AuditEvent
from idi.underwriting import services
from idi.underwriting.models import Policy, PolicyState, Quote

pytestmark = pytest.mark.django_db


def test_R_U5_quote_flow_ask_quote_accept_issue(world):
    """Art. 9, R-U5: asked by the developer, quoted with the four factors by the lead insurer,
    accepted, then issued; each act is audited."""
    policy = asked(world)
    assert policy.state == PolicyState.QUOTE_REQUESTED
    assert policy.premium is None
    quote = services.give_quote(actor=world.lead.actor, policy=policy, answer=answer())
    assert quote.premium == Decimal("1851851.84")
    assert quote.engineering_risk.startswith("18 层")
    assert Policy.objects.get(pk=policy.pk).state == PolicyState.QUOTED
    services.accept_quote(actor=world.developer.actor, policy=policy)
    policy = Policy.objects.get(pk=policy.pk)
    assert policy.state == PolicyState.ACCEPTED
    assert (policy.rate, policy.premium) == (Decimal("0.015"), Decimal("1851851.84"))
    attach_all(world, policy)
    services.notify_participants(actor=world.developer.actor, policy=policy)
    pay(world, policy)
    assert services.issue_policy(actor=world.lead.actor, policy=policy).state == "issued"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "underwriting.request_quote",
        "underwriting.give_quote",
        "underwriting.accept_quote",
        "underwriting.issue",
    } <= actions


def test_R_U5_quote_below_the_floor_refused(world):
    """R-U5: 1.49% is below the 1.5% floor of commercial housing; nothing changes."""
    policy = asked(world)
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.give_quote(
            actor=world.lead.actor, policy=policy, answer=answer(rate=Decimal("0.0149"))
        )
    assert (refused.value.rule, refused.value.field) == ("R-U5", "rate")


def test_R_U5_quote_below_the_floor_refused_in_api(world):
    """R-U5 over the API: 400 naming the rule and the rate."""
    policy = asked(world)
    body = {
        "rate": "0.0149",
        "risk_management_fee": "300000.00",
        "engineering_risk": "a",
        "participants_quality": "b",
        "risk_management_needs": "c",
        "claims_history": "d",
    }
    with nothing_written():
        response = world.lead.client().post(
            f"/api/v1/policies/{policy.pk}/quote", body, content_type="application/json"
        )
    assert_api_refused(response, rule="R-U5", field="rate")


def test_R_U5_quote_below_the_floor_refused_in_ui(world):
    """R-U5 on the insurer's quote form: on the rate field, with the rule linked."""
    policy = asked(world)
    form = {
        "rate_percent": "1.49",
        "risk_management_fee": "300000.00",
        "engineering_risk": "a",
        "participants_quality": "b",
        "risk_management_needs": "c",
        "claims_history": "d",
    }
    with nothing_written():
        response = world.lead.client().post(
            reverse("underwriting:give_quote", args=[policy.pk]), form
        )
    assert_ui_refused(response, rule="R-U5", field="rate_percent")


def test_R_U5_affordable_floor_applies_to_affordable_buildings(world):
    """R-U5: a permit whose buildings are all affordable housing may be quoted at 1.43%."""
    world.building.housing_type = "affordable"
    world.building.save()
    policy = asked(world)
    quote = services.give_quote(
        actor=world.lead.actor, policy=policy, answer=answer(rate=Decimal("0.0143"))
    )
    # 123,456,789.00 × 0.0143 = 1,765,432.0827 → 1,765,432.08
    assert quote.premium == Decimal("1765432.08")


def test_R_U7_fee_below_15_percent_refused(world):
    """R-U7: 277,777.77 is one fen below 15% of the premium (277,777.78)."""
    policy = asked(world)
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.give_quote(
            actor=world.lead.actor,
            policy=policy,
            answer=answer(risk_management_fee=Decimal("277777.77")),
        )
    assert (refused.value.rule, refused.value.field) == ("R-U7", "risk_management_fee")
    quote = services.give_quote(
        actor=world.lead.actor,
        policy=policy,
        answer=answer(risk_management_fee=Decimal("277777.78")),
    )
    assert quote.risk_management_fee == Decimal("277777.78")


def test_a_quote_states_every_factor(world):
    """Art. 9: a quote without the claims history it weighed is refused on that field."""
    policy = asked(world)
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.give_quote(
            actor=world.lead.actor, policy=policy, answer=answer(claims_history=" ")
        )
    assert refused.value.field == "claims_history"


def test_only_the_lead_insurer_quotes_and_only_the_developer_accepts(world):
    """Art. 9: a follower cannot quote; the insurer cannot accept its own quote."""
    policy = asked(world, shares=coinsured(world))
    with nothing_written(), pytest.raises(Forbidden):
        services.give_quote(actor=world.f1.actor, policy=policy, answer=answer())
    services.give_quote(actor=world.lead.actor, policy=policy, answer=answer())
    with nothing_written(), pytest.raises(Forbidden):
        services.accept_quote(actor=world.lead.actor, policy=policy)


def test_the_developer_does_not_set_the_rate(world):
    """Art. 9: terms with a rate are refused; the rate is the insurer's to quote."""
    policy = draft(world)
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.set_terms(
            actor=world.developer.actor, policy=policy, terms=terms(rate=Decimal("0.015"))
        )
    assert (refused.value.rule, refused.value.field) == ("R-U5", "rate")


def test_only_an_accepted_quote_is_issued(world):
    """Art. 9: a quoted policy not yet accepted cannot be paid for or issued."""
    policy = asked(world)
    services.give_quote(actor=world.lead.actor, policy=policy, answer=answer())
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.issue_policy(actor=world.developer.actor, policy=policy)
    assert refused.value.field == "state"
    with nothing_written(), pytest.raises(RuleViolation):
        pay(world, Policy.objects.get(pk=policy.pk))


def test_asking_again_supersedes_the_quote(world):
    """Art. 9: the developer may ask again; the earlier answer is kept, superseded."""
    policy = asked(world)
    services.give_quote(actor=world.lead.actor, policy=policy, answer=answer())
    second = services.request_quote(
        actor=world.developer.actor, policy=policy, note="请考虑本单位以往无理赔记录"
    )
    assert Policy.objects.get(pk=policy.pk).state == PolicyState.QUOTE_REQUESTED
    states = dict(Quote.objects.values_list("pk", "state"))
    assert sorted(states.values()) == ["requested", "superseded"]
    assert second.request_note == "请考虑本单位以往无理赔记录"


def test_quote_flow_over_the_api_and_its_list(world):
    """The API: ask, quote, accept, and the quotes listed in the list envelope."""
    policy = draft(world)
    services.set_terms(actor=world.developer.actor, policy=policy, terms=terms())
    services.set_shares(actor=world.developer.actor, policy=policy, shares=single(world))
    api = world.developer.client()
    response = api.post(
        f"/api/v1/policies/{policy.pk}/quote-request",
        {"note": "首次询价"},
        content_type="application/json",
    )
    assert response.json()["state"] == "quote_requested"
    body = {
        "rate": "0.016",
        "risk_management_fee": "400000.00",
        "engineering_risk": "a",
        "participants_quality": "b",
        "risk_management_needs": "c",
        "claims_history": "d",
    }
    response = world.lead.client().post(
        f"/api/v1/policies/{policy.pk}/quote", body, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "quoted"
    assert api.post(f"/api/v1/policies/{policy.pk}/quote/accept").json()["state"] == "accepted"
    listing = api.get(f"/api/v1/policies/{policy.pk}/quotes").json()
    assert set(listing) == {"items", "count", "page", "pages", "limit"}
    assert listing["count"] == 1
    item = listing["items"][0]
    assert (item["state"], item["rate"], item["premium"]) == ("accepted", "0.016000", "1975308.62")
