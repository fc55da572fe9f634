"""R-U9 on the policy page: an insured project is exempt from the maintenance deposit until a
cancellation in the policy period needs it, said once and the same way in both languages."""

from datetime import date
from decimal import Decimal

import pytest
from uw_helpers import issued

from idi.underwriting import services

pytestmark = pytest.mark.django_db


def _changes(client, policy) -> str:
    html = client.get(f"/policies/{policy.pk}/").content.decode()
    start = html.index('<section id="changes">')
    return html[start : html.index("</section>", start)]


def test_R_U9_exempt_until_a_cancellation_needs_it_in_both_languages(world):
    policy = issued(world)
    client = world.developer.client()
    section = _changes(client, policy)
    assert "物业保修金：投保项目免缴，直至保险期间内退保或保单失效时须先缴存" in section
    assert "已免缴" not in section  # never "exempt" beside "must pay first"
    assert f'href="/policies/{policy.pk}/deposit/"' in section
    assert 'href="/rules/R-U9/"' in section

    client.post("/i18n/setlang/", {"language": "en"})
    english = _changes(client, policy)
    assert "an insured project is exempt until a cancellation or voiding" in english
    assert "Record it before cancelling" in english
    assert "exempt (insured project)" not in english

    services.record_maintenance_deposit(
        actor=world.developer.actor,
        policy=policy,
        amount=Decimal("50000"),
        paid_on=date(2025, 3, 3),
    )
    paid = _changes(client, policy)
    assert "Property maintenance deposit paid" in paid and "exempt" not in paid
