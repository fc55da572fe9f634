"""An insurer underwrites through its underwriters, staff and admins (parties' roles). A member
who only handles claims sees the policy of its company but may neither quote, upload, confirm a
co-insurance share, issue nor appoint the RMA; its pages offer none of it and its to-do list
holds none of it."""

import pytest
from django.urls import reverse
from uw_helpers import Party, answer, asked, coinsured, issued, make_user, nothing_written, single

from idi.core.errors import Forbidden
from idi.core.workspace import tasks_for
from idi.riskmgmt import services as riskmgmt
from idi.underwriting import services
from idi.underwriting.models import AttachmentKind, PolicyShare

pytestmark = pytest.mark.django_db


def _handler(world, party) -> Party:
    org = party.org
    return Party(org, make_user(f"handler_{org.pk}", org, roles=("claims_handler",)))


def test_a_claims_handler_of_the_lead_may_not_quote_or_upload(world):
    policy = asked(world)
    handler = _handler(world, world.lead)
    detail = reverse("underwriting:detail", args=[policy.pk])
    page = handler.client().get(detail)
    assert page.status_code == 200  # it sees its company's policy
    html = page.content.decode()
    assert reverse("underwriting:give_quote", args=[policy.pk]) not in html
    assert reverse("underwriting:attachment_upload", args=[policy.pk]) not in html
    with nothing_written():
        with pytest.raises(Forbidden):
            services.give_quote(actor=handler.actor, policy=policy, answer=answer())
        with pytest.raises(Forbidden):
            services.upload_attachment(
                actor=handler.actor,
                policy=policy,
                kind=AttachmentKind.CLAIMS_PLAN,
                upload=None,
            )
    assert (
        handler.client().get(reverse("underwriting:give_quote", args=[policy.pk])).status_code
        == 403
    )
    # The underwriter of the same company may.
    assert (
        world.lead.client().get(reverse("underwriting:give_quote", args=[policy.pk])).status_code
        == 200
    )


def test_a_claims_handler_of_a_follower_may_not_confirm_its_share(world):
    policy = asked(world, shares=coinsured(world))
    share = PolicyShare.objects.get(policy=policy, insurer=world.f1.org)
    handler = _handler(world, world.f1)
    assert not [t for t in tasks_for(handler.actor) if t.kind == "underwriting.confirm_share"]
    html = handler.client().get(reverse("underwriting:detail", args=[policy.pk])).content.decode()
    assert 'id="share-confirm"' not in html
    with nothing_written(), pytest.raises(Forbidden) as refused:
        services.confirm_share(actor=handler.actor, share=share)
    assert refused.value.rule == "R-U4"


def test_a_claims_handler_of_the_lead_may_not_appoint_the_rma(world):
    policy = issued(world, shares=single(world))
    handler = _handler(world, world.lead)
    with nothing_written(), pytest.raises(Forbidden):
        riskmgmt.appoint_rma(
            actor=handler.actor,
            policy=policy,
            rma=world.outsider.org.pk,
            fee=policy.risk_management_fee,
            contract_signed_on=policy.issued_on,
            letter_valid_from=policy.issued_on,
            letter_valid_to=policy.issued_on,
        )
