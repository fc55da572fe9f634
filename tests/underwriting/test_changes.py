"""Changes after issue: buyers' consent and the regulator report once units are sold (R-U8), the
maintenance deposit before a cancellation in force (R-U9)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from uw_helpers import (
    assert_api_refused,
    assert_ui_refused,
    coinsured,
    draft,
    issued,
    nothing_written,
    sell,
    terms,
)

from idi.core.errors import Forbidden, RuleViolation
from idi.underwriting import services
from idi.underwriting.models import (
    BuyerConsent,
    ChangeKind,
    ChangeState,
    FundContributionDue,
    PolicyState,
)

pytestmark = pytest.mark.django_db

CONSENTED = date(2025, 3, 1)


def _open(world, policy, kind, **extra):
    return services.open_change_request(
        actor=world.developer.actor, policy=policy, kind=kind, reason="项目调整", **extra
    )


def _consent_all(world, change, *pairs):
    for unit, party in pairs:
        services.record_buyer_consent(
            actor=world.developer.actor,
            change=change,
            unit=unit,
            buyer_id=party.user.pk,
            consented_on=CONSENTED,
        )


def _report(world, change):
    services.record_regulator_report(
        actor=world.developer.actor,
        change=change,
        reported_on=CONSENTED,
        reference="滨建〔2025〕1号",
    )


def _deposit(world, policy):
    services.record_maintenance_deposit(
        actor=world.developer.actor, policy=policy, amount=Decimal("500000"), paid_on=CONSENTED
    )


@pytest.fixture
def sold(world):
    """An issued policy; unit 101 sold to two buyers, unit 102 to one."""
    policy = issued(world)
    sell(world.unit, world.owner, world.other_owner)
    sell(world.unit2, world.other_owner)
    return policy


def _cancel_api(world, policy, change, who=None):
    client = (who or world.developer).client()
    return client.post(
        f"/api/v1/policies/{policy.pk}/cancel",
        {"change_request": change.pk},
        content_type="application/json",
    )


# --- R-U8 -------------------------------------------------------------------------------------


def test_R_U8_cancel_refused_without_every_buyer_consent_in_api(world, sold):
    """R-U8: after a sale, cancelling needs every buyer of every sold unit: 2 of 3 is not enough."""
    change = _open(world, sold, ChangeKind.CANCEL)
    _deposit(world, sold)
    _consent_all(world, change, (world.unit, world.owner), (world.unit, world.other_owner))
    _report(world, change)
    with nothing_written():
        response = _cancel_api(world, sold, change)
    error = assert_api_refused(response, rule="R-U8", field="consents")
    assert "1" in error["message"]
    sold.refresh_from_db()
    assert sold.state == PolicyState.ISSUED


def test_R_U8_cancel_refused_without_regulator_report_in_ui(world, sold):
    """R-U8: every consent but no report to the district regulator: refused on the page."""
    change = _open(world, sold, ChangeKind.CANCEL)
    _deposit(world, sold)
    _consent_all(
        world,
        change,
        (world.unit, world.owner),
        (world.unit, world.other_owner),
        (world.unit2, world.other_owner),
    )
    url = reverse("underwriting:change_apply", args=[sold.pk, change.pk])
    assert world.developer.client().get(url).status_code == 200  # the confirmation page
    with nothing_written():
        response = world.developer.client().post(url)
    assert_ui_refused(response, rule="R-U8")


def test_R_U8_cancel_after_consents_and_report(world, sold):
    """R-U8, R-U9: with every consent, the report and the deposit, the policy is cancelled and
    the request closed."""
    change = _open(world, sold, ChangeKind.CANCEL)
    _deposit(world, sold)
    _consent_all(
        world,
        change,
        (world.unit, world.owner),
        (world.unit, world.other_owner),
        (world.unit2, world.other_owner),
    )
    _report(world, change)
    response = _cancel_api(world, sold, change)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "cancelled"
    change.refresh_from_db()
    assert change.state == ChangeState.APPLIED
    sold.refresh_from_db()
    assert sold.cancel_reason == "项目调整"


def test_R_U8_change_of_insurer_refused_until_consented_in_api(world, sold):
    """R-U8: changing insurer needs the same consents; then the new shares apply."""
    change = _open(world, sold, ChangeKind.CHANGE_INSURER, shares=coinsured(world))
    page = world.developer.client().get(
        reverse("underwriting:change_detail", args=[sold.pk, change.pk])
    )
    assert world.f2.org.name in page.content.decode()
    with nothing_written():
        response = world.developer.client().post(
            f"/api/v1/policies/{sold.pk}/amend",
            {"change_request": change.pk},
            content_type="application/json",
        )
    assert_api_refused(response, rule="R-U8", field="consents")
    assert list(sold.shares.values_list("insurer_id", flat=True)) == [world.lead.org.pk]

    for unit, party in (
        (world.unit, world.owner),
        (world.unit, world.other_owner),
        (world.unit2, world.other_owner),
    ):
        response = world.developer.client().post(
            f"/api/v1/policies/{sold.pk}/changes/{change.pk}/consents",
            {"unit": unit.pk, "buyer": party.user.pk, "consented_on": "2025-03-01"},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
    response = world.developer.client().post(
        f"/api/v1/policies/{sold.pk}/changes/{change.pk}/regulator-report",
        {"reported_on": "2025-03-02", "reference": "滨建〔2025〕2号"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["regulator_report"]["regulator"] == world.reg_binjiang.org.pk
    response = world.developer.client().post(
        f"/api/v1/policies/{sold.pk}/amend",
        {"change_request": change.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert sorted(sold.shares.values_list("fraction", flat=True)) == [
        Decimal("0.2"),
        Decimal("0.3"),
        Decimal("0.5"),
    ]


def test_R_U8_change_of_terms_refused_until_consented_in_ui(world, sold):
    """R-U8: changing terms is refused on the page until every buyer consented."""
    change = _open(world, sold, ChangeKind.CHANGE_TERMS, terms=terms(rate=Decimal("0.016")))
    with nothing_written():
        response = world.developer.client().post(
            reverse("underwriting:change_apply", args=[sold.pk, change.pk])
        )
    assert_ui_refused(response, rule="R-U8")


def test_R_U8_change_of_terms_updates_premium_and_contribution(world, sold):
    """R-U8, R-F1: once consented and reported, new terms apply and the contribution owed
    follows the new contract price (150,000,000 × 0.0005 = 75,000.00)."""
    new = terms(contract_price=Decimal("150000000.00"), risk_management_fee=Decimal("400000"))
    change = _open(world, sold, ChangeKind.CHANGE_TERMS, terms=new)
    _consent_all(
        world,
        change,
        (world.unit, world.owner),
        (world.unit, world.other_owner),
        (world.unit2, world.other_owner),
    )
    _report(world, change)
    policy = services.amend_policy(actor=world.developer.actor, change=change)
    assert policy.premium == Decimal("2250000.00")
    assert FundContributionDue.objects.get(policy=policy).amount == Decimal("75000.00")


def test_R_U8_a_sale_after_the_request_needs_its_buyer_too(world):
    """R-U8: the buyers are counted when the change is carried out."""
    policy = issued(world)
    change = _open(world, policy, ChangeKind.CHANGE_TERMS, terms=terms(rate=Decimal("0.016")))
    sell(world.unit, world.owner)
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.amend_policy(actor=world.developer.actor, change=change)
    assert (refused.value.rule, refused.value.field) == ("R-U8", "consents")


def test_R_U8_nothing_sold_no_consent_needed(world):
    """R-U8: before any sale the change applies without consents or report."""
    policy = issued(world)
    change = _open(world, policy, ChangeKind.CHANGE_TERMS, terms=terms(rate=Decimal("0.016")))
    policy = services.amend_policy(actor=world.developer.actor, change=change)
    assert policy.premium == Decimal("1975308.62")


def test_R_U8_buyer_records_own_consent(world, sold):
    """R-U8: a buyer may record its own written consent; not someone else's."""
    change = _open(world, sold, ChangeKind.CANCEL)
    services.record_buyer_consent(
        actor=world.owner.actor,
        change=change,
        unit=world.unit,
        buyer_id=world.owner.user.pk,
        consented_on=CONSENTED,
    )
    assert BuyerConsent.objects.filter(change_request=change).count() == 1
    with nothing_written(), pytest.raises(Forbidden):
        services.record_buyer_consent(
            actor=world.owner.actor,
            change=change,
            unit=world.unit,
            buyer_id=world.other_owner.user.pk,
            consented_on=CONSENTED,
        )


def test_R_U8_consent_from_a_non_buyer_refused_in_ui(world, sold):
    """R-U8: only buyers of the sold unit count; the form offers only the missing ones."""
    change = _open(world, sold, ChangeKind.CANCEL)
    url = reverse("underwriting:change_consent", args=[sold.pk, change.pk])
    with nothing_written():
        response = world.developer.client().post(
            url,
            {"unit_buyer": f"{world.unit2.pk}:{world.owner.user.pk}", "consented_on": "2025-03-01"},
        )
    assert response.status_code == 400
    assert 'id="unit_buyer-errors"' in response.content.decode()


# --- R-U9 -------------------------------------------------------------------------------------


def test_R_U9_cancel_refused_until_deposit_recorded_in_api(world):
    """R-U9: nothing sold, but the maintenance deposit is not recorded: neither the developer
    nor the insurer may cancel."""
    policy = issued(world)
    change = _open(world, policy, ChangeKind.CANCEL)
    for who in (world.developer, world.lead):
        with nothing_written():
            response = _cancel_api(world, policy, change, who=who)
        assert_api_refused(response, rule="R-U9", field="maintenance_deposit")
    _deposit(world, policy)
    response = _cancel_api(world, policy, change, who=world.lead)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "cancelled"


def test_R_U9_cancel_refused_until_deposit_recorded_in_ui(world):
    """R-U9: the same refusal on the confirmation page."""
    policy = issued(world)
    change = _open(world, policy, ChangeKind.CANCEL)
    with nothing_written():
        response = world.developer.client().post(
            reverse("underwriting:change_apply", args=[policy.pk, change.pk])
        )
    assert_ui_refused(response, rule="R-U9")


def test_issued_policy_is_cancelled_only_through_a_request(world):
    """An issued policy is not cancelled by a bare cancel: the request carries the consents."""
    policy = issued(world)
    _deposit(world, policy)
    with nothing_written():
        response = world.developer.client().post(
            f"/api/v1/policies/{policy.pk}/cancel",
            {"reason": "不想要了"},
            content_type="application/json",
        )
    assert_api_refused(response, rule=None, field="change_request")


def test_draft_cancelled_after_a_confirmation_page(world):
    """Before issue the developer cancels directly, after confirming."""
    policy = draft(world)
    url = reverse("underwriting:cancel", args=[policy.pk])
    page = world.developer.client().get(url)
    assert page.status_code == 200
    assert "确认取消" in page.content.decode()
    response = world.developer.client().post(url, {"reason": "项目暂停"})
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.state == PolicyState.CANCELLED


def test_one_open_change_at_a_time(world):
    """Consents are given to one precise proposal: a second open request is refused."""
    policy = issued(world)
    _open(world, policy, ChangeKind.CANCEL)
    with nothing_written():
        response = world.developer.client().post(
            f"/api/v1/policies/{policy.pk}/changes",
            {"kind": "change_terms", "reason": "x", "terms": None},
            content_type="application/json",
        )
    assert_api_refused(response, rule=None, field="kind")


def test_proposed_terms_checked_when_requested(world):
    """A change of terms is checked when requested: a rate below the floor is R-U5 at once."""
    policy = issued(world)
    with nothing_written():
        response = world.developer.client().post(
            f"/api/v1/policies/{policy.pk}/changes",
            {
                "kind": "change_terms",
                "reason": "降费率",
                "terms": {
                    "contract_price": "123456789.00",
                    "rate": "0.014",
                    "sum_insured": "200000000",
                    "risk_management_fee": "300000",
                    "additional": {"decoration": 2},
                },
            },
            content_type="application/json",
        )
    assert_api_refused(response, rule="R-U5", field="rate")


def test_change_request_page_shows_requirements(world, sold):
    """The change page lists each buyer's consent and the report still missing."""
    change = _open(world, sold, ChangeKind.CANCEL)
    html = (
        world.developer.client()
        .get(reverse("underwriting:change_detail", args=[sold.pk, change.pk]))
        .content.decode()
    )
    assert "owner2" in html
    assert "R-U9" in html


def test_withdrawn_request_cannot_be_carried_out(world):
    """A change request is carried out or withdrawn, once (its transition table)."""
    policy = issued(world)
    change = _open(world, policy, ChangeKind.CHANGE_TERMS, terms=terms(rate=Decimal("0.016")))
    response = world.developer.client().post(
        reverse("underwriting:change_withdraw", args=[policy.pk, change.pk])
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.state == ChangeState.WITHDRAWN
    with nothing_written():
        response = world.developer.client().post(
            f"/api/v1/policies/{policy.pk}/amend",
            {"change_request": change.pk},
            content_type="application/json",
        )
    assert_api_refused(response, rule=None, field="change_request")


def test_R_U8_an_owner_sees_only_its_own_units_consents(world):
    """An owner sees the change to its policy and the consents of its own unit's buyers, never
    its neighbours' names; the developer sees every buyer of the project."""
    from uw_helpers import make_user

    from idi.underwriting.models import Policy

    policy = issued(world)
    neighbour = make_user("邻居王五")
    sell(world.unit, world.owner)
    sale = sell(world.unit2, world.other_owner)
    sale.buyers.add(neighbour)
    change = _open(world, Policy.objects.get(pk=policy.pk), ChangeKind.CANCEL)
    url = f"/api/v1/policies/{policy.pk}/changes/{change.pk}"
    mine = world.owner.client().get(url).json()["consents"]
    assert [(c["unit"], c["buyer"]) for c in mine] == [(world.unit.pk, world.owner.user.pk)]
    everyone = world.developer.client().get(url).json()["consents"]
    assert len(everyone) == 3
    page = world.owner.client().get(
        reverse("underwriting:change_detail", args=[policy.pk, change.pk])
    )
    assert page.status_code == 200
    assert "邻居王五" not in page.content.decode()
    assert "owner2" not in page.content.decode()


def test_R_U8_an_owner_cannot_name_a_neighbours_unit_for_a_consent(world):
    """The unit of a consent comes from the units selector: a neighbour's unit is a 404 (its
    name is never echoed in a refusal)."""
    policy = issued(world)
    sell(world.unit, world.owner)
    sell(world.unit2, world.other_owner)
    change = _open(world, policy, ChangeKind.CANCEL)
    with nothing_written():
        response = world.owner.client().post(
            f"/api/v1/policies/{policy.pk}/changes/{change.pk}/consents",
            {"unit": world.unit2.pk, "buyer": world.owner.user.pk, "consented_on": "2025-03-01"},
            content_type="application/json",
        )
    assert response.status_code == 404
    assert "102" not in response.content.decode()


def test_R_U8_missing_consents_are_counted_without_loading_every_buyer(world):
    """The refusal counts the missing consents in the database and names the first three."""
    policy = issued(world)
    sell(world.unit, world.owner, world.other_owner)
    sell(world.unit2, world.other_owner)
    change = _open(world, policy, ChangeKind.CANCEL)
    _consent_all(world, change, (world.unit, world.owner))
    _deposit(world, policy)
    _report(world, change)
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.cancel_policy(actor=world.developer.actor, policy=policy, change=change)
    assert refused.value.rule == "R-U8"
    assert "尚缺 2 位" in refused.value.message
