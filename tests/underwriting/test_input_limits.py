"""Over-long or out-of-range input is a 400 naming the field, never a database error: the API
states the limits and the services check them again (a 101-character payment reference gave a
500 on PostgreSQL, where the column holds 100)."""

from datetime import date
from decimal import Decimal

import pytest
from uw_helpers import (
    TODAY,
    assert_api_refused,
    issued,
    nothing_written,
    quoted,
    terms,
)

from idi.core.errors import RuleViolation
from idi.underwriting import services
from idi.underwriting.models import ChangeKind

pytestmark = pytest.mark.django_db

LONG_REFERENCE = "R" * 101


def test_api_refuses_a_101_character_payment_reference(world):
    policy = quoted(world)
    with nothing_written():
        response = world.developer.client().post(
            f"/api/v1/policies/{policy.pk}/payment",
            {
                "amount": str(policy.premium),
                "paid_on": TODAY.isoformat(),
                "reference": LONG_REFERENCE,
            },
            content_type="application/json",
        )
    assert_api_refused(response, rule=None, field="reference")


def test_service_refuses_a_101_character_payment_reference(world):
    policy = quoted(world)
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.record_payment(
            actor=world.developer.actor,
            policy=policy,
            amount=policy.premium,
            paid_on=TODAY,
            reference=LONG_REFERENCE,
        )
    assert (refused.value.field, refused.value.code) == ("reference", "too_long")
    services.record_payment(
        actor=world.developer.actor,
        policy=policy,
        amount=policy.premium,
        paid_on=TODAY,
        reference="R" * 100,
    )


def test_services_refuse_over_long_text_naming_the_field(world):
    policy = issued(world)
    actor = world.developer.actor
    with nothing_written():
        with pytest.raises(RuleViolation) as refused:
            services.open_change_request(
                actor=actor, policy=policy, kind=ChangeKind.CANCEL, reason="理" * 2001
            )
        assert refused.value.field == "reason"
        with pytest.raises(RuleViolation) as refused:
            services.record_maintenance_deposit(
                actor=actor,
                policy=policy,
                amount=Decimal("1000.00"),
                paid_on=TODAY,
                reference=LONG_REFERENCE,
            )
        assert refused.value.field == "reference"
    change = services.open_change_request(
        actor=actor, policy=policy, kind=ChangeKind.CANCEL, reason="理" * 2000
    )
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.record_regulator_report(
            actor=actor, change=change, reported_on=TODAY, reference=LONG_REFERENCE
        )
    assert refused.value.field == "reference"


def test_api_refuses_an_over_long_cancellation_reason(world):
    policy = quoted(world)
    with nothing_written():
        response = world.developer.client().post(
            f"/api/v1/policies/{policy.pk}/cancel",
            {"reason": "理" * 2001},
            content_type="application/json",
        )
    assert_api_refused(response, rule=None, field="reason")
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.cancel_policy(actor=world.developer.actor, policy=policy, reason="理" * 2001)
    assert refused.value.field == "reason"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"contract_price": "1e20"}, "contract_price"),
        ({"contract_price": "12345678901234567.00"}, "contract_price"),
        ({"sum_insured": "NaN"}, "sum_insured"),
        ({"rate": "1.5"}, "rate"),
        ({"rate": "0.0150001"}, "rate"),
        ({"risk_management_fee": "-1e30"}, "risk_management_fee"),
        ({"additional": {"decoration": 100000}}, "additional.decoration"),
    ],
)
def test_api_refuses_out_of_range_terms(world, change, field):
    policy = services.create_draft(actor=world.developer.actor, permit=world.permit)
    body = {
        "contract_price": "123456789.00",
        "rate": "0.015",
        "sum_insured": "200000000.00",
        "risk_management_fee": "300000.00",
        "additional": {"decoration": 2},
        **change,
    }
    with nothing_written():
        response = world.developer.client().put(
            f"/api/v1/policies/{policy.pk}/terms", body, content_type="application/json"
        )
    assert_api_refused(response, rule=None, field=field)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"contract_price": Decimal("1e20")}, "contract_price"),
        ({"sum_insured": Decimal("1e17")}, "sum_insured"),
        ({"rate": Decimal("1.5")}, "rate"),
        ({"additional": {"decoration": 100000}}, "additional.decoration"),
    ],
)
def test_services_refuse_out_of_range_terms(world, change, field):
    """A rate of 1.5 would pass the rate floor (R-U5) and break the database CHECK; a period
    of 100,000 years would overflow the calendar."""
    policy = services.create_draft(actor=world.developer.actor, permit=world.permit)
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.set_terms(actor=world.developer.actor, policy=policy, terms=terms(**change))
    assert (refused.value.field, refused.value.code) == (field, "out_of_range")


def test_claims_standards_out_of_range(world):
    policy = quoted(world)
    body = {
        "days_to_accept": 40000,
        "days_to_survey": 3,
        "days_to_determine": 5,
        "days_to_repair": 5,
    }
    with nothing_written():
        response = world.lead.client().put(
            f"/api/v1/policies/{policy.pk}/claims-standards", body, content_type="application/json"
        )
    assert_api_refused(response, rule=None, field="days_to_accept")
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.set_claims_standards(
            actor=world.lead.actor,
            policy=policy,
            standard=services.ClaimsStandardInput(40000, 3, 5, 5),
        )
    assert refused.value.field == "days_to_accept"


def test_public_rules_api_refuses_a_period_beyond_the_calendar(client):
    response = client.get(
        "/api/v1/rules/window",
        {"category": "additional", "completion": date(2025, 1, 1), "additional_years": 100000},
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "additional_years"
