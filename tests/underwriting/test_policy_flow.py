"""Draft → quoted → issued: the figures, the pack, the contribution and the conditions of issue
(R-U1, R-U2, R-U3, R-U5, R-U7, R-F1, R-U10)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from uw_helpers import (
    FUND_CONTRIBUTION,
    MIN_RM_FEE,
    PREMIUM,
    TODAY,
    add_permit,
    assert_api_refused,
    assert_ui_refused,
    attach_all,
    coinsured,
    draft,
    issued,
    nothing_written,
    pay,
    quoted,
    ready,
    single,
    terms,
)

from idi.core import clock
from idi.core.errors import RuleViolation
from idi.core.models import AuditEvent
from idi.underwriting import selectors, services
from idi.underwriting.models import (
    FundContributionDue,
    Policy,
    PolicyShare,
    PolicyState,
    PremiumPayment,
)

pytestmark = pytest.mark.django_db

TERMS_JSON = {
    "contract_price": "123456789.00",
    "rate": "0.015",
    "sum_insured": "200000000.00",
    "risk_management_fee": "300000.00",
    "additional": {"decoration": 2, "hvac": 5},
}
TERMS_FORM = {
    "contract_price": "123456789.00",
    "rate": "0.015",
    "sum_insured": "200000000.00",
    "risk_management_fee": "300000.00",
    "decoration_years": "2",
    "hvac_years": "5",
}


def test_R_U5_R_F1_happy_path_over_the_api(world):
    """R-U5, R-F1, R-U3: draft → quoted → issued over the API with exact premium and fund
    contribution, and the contribution recorded as owed by the lead insurer."""
    api = world.developer.client()
    response = api.post(
        "/api/v1/policies", {"permit": world.permit.pk}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    pk = body["id"]
    assert body["state"] == "draft"
    assert body["pack"] == "hangzhou-2024"

    response = api.put(f"/api/v1/policies/{pk}/terms", TERMS_JSON, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert Decimal(body["premium"]) == PREMIUM == Decimal("1851851.84")
    assert Decimal(body["fund_contribution"]) == FUND_CONTRIBUTION == Decimal("61728.39")
    assert Decimal(body["min_risk_management_fee"]) == MIN_RM_FEE
    assert Decimal(body["deductible"]) == 0
    assert body["housing_type"] == "commercial"
    # Figures come back as sent: money to the fen, the rate without the column's padding.
    assert (body["contract_price"], body["rate"], body["deductible"]) == (
        "123456789.00",
        "0.015",
        "0.00",
    )
    assert (body["premium"], body["fund_contribution"]) == ("1851851.84", "61728.39")

    shares = {"shares": [{"insurer": world.lead.org.pk, "role": "lead", "fraction": "1"}]}
    response = api.put(f"/api/v1/policies/{pk}/shares", shares, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["warnings"] == []

    response = api.post(f"/api/v1/policies/{pk}/quote")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "quoted"

    policy = Policy.objects.get(pk=pk)
    attach_all(world, policy)
    response = api.post(f"/api/v1/policies/{pk}/participant-notices")
    assert response.status_code == 201, response.content
    assert response.json()["count"] == len(response.json()["items"]) == 2
    response = api.post(
        f"/api/v1/policies/{pk}/payment",
        {"amount": "1851851.84", "paid_on": "2025-03-03"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content

    response = api.post(f"/api/v1/policies/{pk}/issue", content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "issued"
    assert body["issued_on"] == "2025-03-03"
    due = body["fund_contribution_due"]
    assert due == {"insurer": world.lead.org.pk, "amount": "61728.39", "due_since": "2025-03-03"}
    row = FundContributionDue.objects.get(policy_id=pk)
    assert (row.insurer_id, row.amount, row.due_since) == (
        world.lead.org.pk,
        Decimal("61728.39"),
        TODAY,
    )
    assert AuditEvent.objects.filter(action="underwriting.issue", object_id=str(pk)).count() == 1


def test_R_U5_happy_path_in_the_ui(world):
    """R-U5, R-F1, R-U11, R-U12, R-U3: the developer's pages take a draft to issued and show the
    computed premium, contribution and minimum fee."""
    ui = world.developer.client()
    response = ui.post(reverse("underwriting:create"), {"permit": world.permit.pk})
    assert response.status_code == 302
    policy = Policy.objects.get(permit=world.permit)
    detail = reverse("underwriting:detail", args=[policy.pk])
    assert response["Location"] == detail

    response = ui.post(reverse("underwriting:terms", args=[policy.pk]), TERMS_FORM)
    assert response.status_code == 302
    response = ui.post(
        reverse("underwriting:shares", args=[policy.pk]),
        {"insurer_0": world.lead.org.pk, "role_0": "lead", "fraction_0": "1"},
    )
    assert response.status_code == 302
    html = ui.get(detail).content.decode()
    assert '<dd id="premium">1851851.84</dd>' in html
    assert '<dd id="fund-contribution">61728.39</dd>' in html
    assert '<span id="min-fee">277777.78</span>' in html

    assert ui.post(reverse("underwriting:quote", args=[policy.pk])).status_code == 302
    attach_all(world, policy)
    assert ui.post(reverse("underwriting:notify", args=[policy.pk])).status_code == 302
    response = ui.post(
        reverse("underwriting:payment", args=[policy.pk]),
        {"amount": "1851851.84", "paid_on": "2025-03-03"},
    )
    assert response.status_code == 302
    response = ui.post(reverse("underwriting:issue", args=[policy.pk]), {"issued_on": ""})
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.state == PolicyState.ISSUED
    assert policy.issued_on == TODAY
    assert policy.fund_contribution_due.amount == Decimal("61728.39")


# --- R-U1 -------------------------------------------------------------------------------------


def test_R_U1_pack_chosen_from_the_permit_date_and_kept(world):
    """R-U1: the pack in force on the permit's application date is stored and never re-chosen."""
    policy = draft(world)
    assert policy.pack_id == "hangzhou-2024"
    world.permit.applied_on = date(2023, 1, 1)
    world.permit.save()
    services.set_terms(actor=world.developer.actor, policy=policy, terms=terms())
    policy.refresh_from_db()
    assert policy.pack_id == "hangzhou-2024"


def test_R_U1_permit_outside_every_pack_refused_in_api(world):
    """R-U1: a permit first applied for before the pilot is refused, naming the date and packs."""
    permit, _ = add_permit(world.project, world.planning, "CP-OLD", applied_on=date(2024, 2, 29))
    with nothing_written():
        response = world.developer.client().post(
            "/api/v1/policies", {"permit": permit.pk}, content_type="application/json"
        )
    error = assert_api_refused(response, rule="R-U1", field="permit")
    assert "2024-02-29" in error["message"]
    assert "hangzhou-2024" in error["message"]


def test_R_U1_permit_outside_every_pack_refused_in_ui(world):
    """R-U1: the same refusal on the create form's permit field."""
    permit, _ = add_permit(world.project, world.planning, "CP-LATE", applied_on=date(2024, 2, 1))
    with nothing_written():
        response = world.developer.client().post(
            reverse("underwriting:create"), {"permit": permit.pk}
        )
    html = assert_ui_refused(response, rule="R-U1", field="permit")
    assert "2024-02-01" in html


# --- R-U2 -------------------------------------------------------------------------------------


def test_R_U2_one_policy_per_permit_in_api(world):
    """R-U2: a second policy for the same construction permit is refused."""
    draft(world)
    with nothing_written():
        response = world.developer.client().post(
            "/api/v1/policies", {"permit": world.permit.pk}, content_type="application/json"
        )
    assert_api_refused(response, rule="R-U2", field="permit")


def test_R_U2_one_policy_per_permit_is_a_database_constraint(world):
    """R-U2: the database itself holds one policy per permit."""
    from django.db import IntegrityError, transaction

    draft(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Policy.objects.create(permit=world.permit, pack_id="hangzhou-2024", created_at=clock.now())


def test_R_U2_one_policy_per_permit_in_ui(world):
    """R-U2: a permit with a policy is no longer offered; posting it anyway names the field."""
    draft(world)
    with nothing_written():
        response = world.developer.client().post(
            reverse("underwriting:create"), {"permit": world.permit.pk}
        )
    assert response.status_code == 400
    assert 'id="permit-errors"' in response.content.decode()


# --- R-U5 -------------------------------------------------------------------------------------


def test_R_U5_rate_below_floor_refused_in_api(world):
    """R-U5: 1.49% is below the 1.5% floor of commercial housing."""
    policy = draft(world)
    with nothing_written():
        response = world.developer.client().put(
            f"/api/v1/policies/{policy.pk}/terms",
            {**TERMS_JSON, "rate": "0.0149"},
            content_type="application/json",
        )
    error = assert_api_refused(response, rule="R-U5", field="rate")
    assert "0.015" in error["message"]


def test_R_U5_rate_below_floor_refused_in_ui(world):
    """R-U5: the refusal shows on the rate field of the terms form."""
    policy = draft(world)
    with nothing_written():
        response = world.developer.client().post(
            reverse("underwriting:terms", args=[policy.pk]), {**TERMS_FORM, "rate": "0.0149"}
        )
    assert_ui_refused(response, rule="R-U5", field="rate")


def test_R_U5_affordable_floor_applies_to_affordable_buildings(world):
    """R-U5: a permit whose buildings are all affordable housing has the 1.43% floor."""
    world.building.housing_type = "affordable"
    world.building.save()
    policy = draft(world)
    policy = services.set_terms(
        actor=world.developer.actor, policy=policy, terms=terms(rate=Decimal("0.0143"))
    )
    assert policy.housing_type == "affordable"
    # 123,456,789.00 × 0.0143 = 1,765,432.0827 → 1,765,432.08
    assert policy.premium == Decimal("1765432.08")


def test_R_U5_mixed_housing_takes_the_higher_floor(world):
    """R-U5 (choice): a permit mixing affordable and commercial buildings has the stricter
    (higher) commercial floor, so 1.43% is refused."""
    world.building.housing_type = "affordable"
    world.building.save()
    from idi.projects.models import Building

    Building.objects.create(
        project=world.project,
        permit=world.permit,
        name="2幢",
        housing_type="commercial",
        floors_above=10,
    )
    policy = draft(world)
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.set_terms(
            actor=world.developer.actor, policy=policy, terms=terms(rate=Decimal("0.0143"))
        )
    assert (refused.value.rule, refused.value.field) == ("R-U5", "rate")


def test_R_U5_quote_rechecks_the_floor_against_the_buildings_as_they_are(world):
    """R-U5: a building added after the terms can raise the floor; the quote refuses then."""
    world.building.housing_type = "affordable"
    world.building.save()
    policy = draft(world)
    services.set_terms(
        actor=world.developer.actor, policy=policy, terms=terms(rate=Decimal("0.0143"))
    )
    services.set_shares(actor=world.developer.actor, policy=policy, shares=single(world))
    from idi.projects.models import Building

    Building.objects.create(
        project=world.project,
        permit=world.permit,
        name="3幢",
        housing_type="commercial",
        floors_above=6,
    )
    with nothing_written():
        response = world.developer.client().post(f"/api/v1/policies/{policy.pk}/quote")
    assert_api_refused(response, rule="R-U5", field="rate")


# --- R-U7 -------------------------------------------------------------------------------------


def test_R_U7_risk_management_fee_below_15_percent_refused_in_api(world):
    """R-U7: 277,777.77 is one fen below 15% of the premium (277,777.78)."""
    policy = draft(world)
    with nothing_written():
        response = world.developer.client().put(
            f"/api/v1/policies/{policy.pk}/terms",
            {**TERMS_JSON, "risk_management_fee": "277777.77"},
            content_type="application/json",
        )
    assert_api_refused(response, rule="R-U7", field="risk_management_fee")


def test_R_U7_risk_management_fee_at_15_percent_accepted(world):
    """R-U7: exactly 15% of the premium is enough."""
    policy = draft(world)
    policy = services.set_terms(
        actor=world.developer.actor, policy=policy, terms=terms(risk_management_fee=MIN_RM_FEE)
    )
    assert policy.risk_management_fee == MIN_RM_FEE


def test_R_U7_risk_management_fee_below_15_percent_refused_in_ui(world):
    """R-U7: the refusal shows on the fee field."""
    policy = draft(world)
    with nothing_written():
        response = world.developer.client().post(
            reverse("underwriting:terms", args=[policy.pk]),
            {**TERMS_FORM, "risk_management_fee": "277777.77"},
        )
    assert_ui_refused(response, rule="R-U7", field="risk_management_fee")


# --- R-U3 (terms) -----------------------------------------------------------------------------


def test_R_U3_deductible_must_be_zero_in_api(world):
    """R-U3: a deductible other than 0 is refused (and the database holds 0 by a CHECK)."""
    policy = draft(world)
    with nothing_written():
        response = world.developer.client().put(
            f"/api/v1/policies/{policy.pk}/terms",
            {**TERMS_JSON, "deductible": "1000"},
            content_type="application/json",
        )
    assert_api_refused(response, rule="R-U3", field="deductible")


def test_R_U3_deductible_is_a_database_check(world):
    """R-U3: the database refuses a non-zero deductible."""
    from django.db import IntegrityError, transaction

    policy = draft(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Policy.objects.filter(pk=policy.pk).update(deductible=Decimal("1"))


def test_R_U3_sum_insured_must_be_positive_in_ui(world):
    """R-U3: the sum insured is the maximum indemnity and must be above 0."""
    policy = draft(world)
    with nothing_written():
        response = world.developer.client().post(
            reverse("underwriting:terms", args=[policy.pk]), {**TERMS_FORM, "sum_insured": "0"}
        )
    assert_ui_refused(response, rule="R-U3", field="sum_insured")


def test_R_U3_additional_cover_is_mandatory_in_api(world):
    """R-U3 (Art. 7): basic and additional cover are both included."""
    policy = draft(world)
    with nothing_written():
        response = world.developer.client().put(
            f"/api/v1/policies/{policy.pk}/terms",
            {**TERMS_JSON, "additional": {}},
            content_type="application/json",
        )
    assert_api_refused(response, rule="R-U3", field="additional")


def test_R_C1_additional_years_below_minimum_refused_in_ui(world):
    """R-C1: an additional sub-item's period is at least 2 years."""
    policy = draft(world)
    with nothing_written():
        response = world.developer.client().post(
            reverse("underwriting:terms", args=[policy.pk]), {**TERMS_FORM, "hvac_years": "1"}
        )
    assert_ui_refused(response, rule="R-C1", field="hvac_years")


# --- R-U3 (issue) -----------------------------------------------------------------------------


def test_R_U3_issue_refused_once_construction_started_in_api(world):
    """R-U3: the policy is signed before construction starts (started today counts)."""
    policy = ready(world)
    world.permit.construction_started_on = TODAY
    world.permit.save()
    with nothing_written():
        response = world.developer.client().post(
            f"/api/v1/policies/{policy.pk}/issue", {}, content_type="application/json"
        )
    assert_api_refused(response, rule="R-U3", field="construction_started_on")


def test_R_U3_issue_refused_once_construction_started_in_ui(world):
    """R-U3: the refusal shows on the policy page, naming the rule."""
    policy = ready(world)
    world.permit.construction_started_on = date(2025, 3, 1)
    world.permit.save()
    with nothing_written():
        response = world.developer.client().post(
            reverse("underwriting:issue", args=[policy.pk]), {"issued_on": ""}
        )
    html = assert_ui_refused(response, rule="R-U3")
    assert 'id="action-errors"' in html


def test_R_U3_construction_starting_tomorrow_does_not_block(world):
    """R-U3: a start date after the issue date is fine."""
    policy = ready(world)
    world.permit.construction_started_on = date(2025, 3, 4)
    world.permit.save()
    policy = services.issue_policy(actor=world.developer.actor, policy=policy)
    assert policy.state == PolicyState.ISSUED


def test_R_U3_issue_refused_without_payment_in_api(world):
    """R-U3: the premium is paid in one payment before issue."""
    policy = quoted(world)
    attach_all(world, policy)
    services.notify_participants(actor=world.developer.actor, policy=policy)
    with nothing_written():
        response = world.developer.client().post(
            f"/api/v1/policies/{policy.pk}/issue", {}, content_type="application/json"
        )
    assert_api_refused(response, rule="R-U3", field="payment")


def test_R_U3_issue_refused_without_payment_in_ui(world):
    """R-U3: the same refusal on the policy page."""
    policy = quoted(world)
    attach_all(world, policy)
    services.notify_participants(actor=world.developer.actor, policy=policy)
    with nothing_written():
        response = world.developer.client().post(
            reverse("underwriting:issue", args=[policy.pk]), {}
        )
    assert_ui_refused(response, rule="R-U3")


def test_R_U3_partial_payment_refused_in_api(world):
    """R-U3: one payment of the full premium; a partial amount is refused."""
    policy = quoted(world)
    with nothing_written():
        response = world.developer.client().post(
            f"/api/v1/policies/{policy.pk}/payment",
            {"amount": "1000000.00", "paid_on": "2025-03-03"},
            content_type="application/json",
        )
    assert_api_refused(response, rule="R-U3", field="amount")


def test_R_U3_second_payment_refused_in_ui(world):
    """R-U3: one payment only; a second is refused on the payment form."""
    policy = quoted(world)
    pay(world, policy)
    with nothing_written():
        response = world.developer.client().post(
            reverse("underwriting:payment", args=[policy.pk]),
            {"amount": str(PREMIUM), "paid_on": "2025-03-03"},
        )
    assert_ui_refused(response, rule="R-U3", field="amount")
    assert PremiumPayment.objects.filter(policy=policy).count() == 1


def test_R_U3_terms_frozen_once_paid(world):
    """R-U3: after the payment the premium cannot change."""
    policy = quoted(world)
    pay(world, policy)
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.set_terms(actor=world.developer.actor, policy=policy, terms=terms())
    assert refused.value.rule == "R-U3"


def test_R_U3_historic_issue_date_checked_against_construction_start(world):
    """R-U3: a policy entered after the fact is checked as of its issue date."""
    policy = quoted(world)
    attach_all(world, policy)
    services.notify_participants(actor=world.developer.actor, policy=policy)
    pay(world, policy, paid_on=date(2025, 2, 10))
    world.permit.construction_started_on = date(2025, 2, 20)
    world.permit.save()
    policy = services.issue_policy(
        actor=world.developer.actor, policy=policy, issued_on=date(2025, 2, 15)
    )
    assert policy.issued_on == date(2025, 2, 15)
    assert policy.fund_contribution_due.due_since == date(2025, 2, 15)


# --- R-F1 and R-U10 ---------------------------------------------------------------------------


def test_R_F1_contribution_owed_by_the_lead_of_a_coinsurance(world):
    """R-F1: the whole contribution is recorded as owed by the lead insurer."""
    policy = issued(world, shares=coinsured(world))
    due = FundContributionDue.objects.get(policy=policy)
    assert due.insurer == world.lead.org
    assert due.amount == Decimal("61728.39")


def test_R_U10_contribution_split_by_share_remainder_on_lead(world):
    """R-U10: 61,728.39 split 0.5/0.3/0.2: followers 18,518.52 (18,518.517) and 12,345.68
    (12,345.678), the lead the remainder 30,864.19; the parts sum to the whole."""
    policy = issued(world, shares=coinsured(world))
    parts = {p.insurer.pk: p.amount for p in selectors.contribution_split(policy)}
    assert parts == {
        world.lead.org.pk: Decimal("30864.19"),
        world.f1.org.pk: Decimal("18518.52"),
        world.f2.org.pk: Decimal("12345.68"),
    }
    assert sum(parts.values()) == FUND_CONTRIBUTION
    body = world.developer.client().get(f"/api/v1/policies/{policy.pk}").json()
    assert {p["insurer"]: p["amount"] for p in body["contribution_split"]} == {
        world.lead.org.pk: "30864.19",
        world.f1.org.pk: "18518.52",
        world.f2.org.pk: "12345.68",
    }


def test_R_F1_contribution_shown_on_the_policy_page(world):
    """R-F1, R-U10: the page shows the amount owed and the split by share."""
    policy = issued(world, shares=coinsured(world))
    html = world.developer.client().get(reverse("underwriting:detail", args=[policy.pk]))
    html = html.content.decode()
    assert "61728.39" in html
    assert "30864.19" in html and "18518.52" in html and "12345.68" in html


def test_editing_a_quoted_policy_returns_it_to_draft(world):
    """The transition table: new terms on a quoted policy need a new quote."""
    policy = quoted(world)
    policy = services.set_terms(
        actor=world.developer.actor, policy=policy, terms=terms(rate=Decimal("0.016"))
    )
    assert policy.state == PolicyState.DRAFT
    # 123,456,789.00 × 0.016 = 1,975,308.624 → 1,975,308.62
    assert policy.premium == Decimal("1975308.62")


def test_quote_without_terms_or_shares_is_refused(world):
    """A draft needs terms and insurers before it is quoted (R-U4 names the missing insurer)."""
    policy = draft(world)
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.quote(actor=world.developer.actor, policy=policy)
    assert refused.value.field == "terms"
    services.set_terms(actor=world.developer.actor, policy=policy, terms=terms())
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.quote(actor=world.developer.actor, policy=policy)
    assert (refused.value.rule, refused.value.field) == ("R-U4", "shares")


def test_issue_twice_is_refused_by_the_transition_table(world):
    """An issued policy cannot be issued again."""
    policy = issued(world)
    with nothing_written():
        response = world.developer.client().post(
            f"/api/v1/policies/{policy.pk}/issue", {}, content_type="application/json"
        )
    assert_api_refused(response, rule=None, field="state")


def test_only_the_developer_sets_terms(world):
    """An insurer of the policy sees it but may not set its terms: 403, nothing written."""
    policy = quoted(world)
    with nothing_written():
        response = world.lead.client().put(
            f"/api/v1/policies/{policy.pk}/terms", TERMS_JSON, content_type="application/json"
        )
    assert response.status_code == 403


def test_bearer_token_reaches_the_api(world):
    """Token auth: a script with a bearer token lists the policies its organisation may see."""
    from idi.core.api_auth import create_token
    from idi.core.permissions import SYSTEM

    policy = quoted(world)
    key = create_token(actor=SYSTEM, user=world.lead.user, name="script")
    from django.test import Client

    response = Client().get("/api/v1/policies", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [policy.pk]
    assert items[0]["my_share"]["fraction"] == "1"
    assert Client().get("/api/v1/policies").status_code == 401
    assert PolicyShare.objects.count() == 1


def test_openapi_documents_the_policy_api(world):
    """The schemas are in the OpenAPI document at /api/v1/openapi.json."""
    document = world.developer.client().get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/policies/{pk}/quote",
        "/api/v1/policies/{pk}/issue",
        "/api/v1/policies/{pk}/attachments",
        "/api/v1/policies/{pk}/changes",
    ):
        assert path in document["paths"]
    assert {"PolicyOut", "TermsIn", "ChangeOut"} <= set(document["components"]["schemas"])


def test_R_F1_no_contribution_without_a_positive_contract_price(world):
    """R-F1: the contribution is 0.05% of the contract price, which must be above 0; the premium
    check (R-U5) refuses a zero contract price first, naming the field, in the API and the UI."""
    policy = draft(world)
    with nothing_written():
        response = world.developer.client().put(
            f"/api/v1/policies/{policy.pk}/terms",
            {**TERMS_JSON, "contract_price": "0"},
            content_type="application/json",
        )
    assert_api_refused(response, rule="R-U5", field="contract_price")
    with nothing_written():
        response = world.developer.client().post(
            reverse("underwriting:terms", args=[policy.pk]), {**TERMS_FORM, "contract_price": "0"}
        )
    assert_ui_refused(response, rule="R-U5", field="contract_price")
    assert policy.fund_contribution is None
