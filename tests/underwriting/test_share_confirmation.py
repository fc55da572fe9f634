"""Each co-insurer confirms its share under the co-insurance agreement (Art. 8, R-U4): a follower,
once, from the developer's request for a quote on; a changed share is confirmed again; never a
condition of issue (the rules do not make it one)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from uw_helpers import (
    add_permit,
    asked,
    assert_api_refused,
    assert_ui_refused,
    coinsured,
    draft,
    issued,
    nothing_written,
    ready,
    single,
    terms,
)

from idi.core import clock
from idi.core.errors import Forbidden, RuleViolation
from idi.core.models import AuditEvent
from idi.core.workspace import tasks_for
from idi.underwriting import services
from idi.underwriting.models import PolicyShare, PolicyState

pytestmark = pytest.mark.django_db


def _share(policy, party) -> PolicyShare:
    return policy.shares.get(insurer=party.org)


def _confirm(policy, party, *, by=None) -> PolicyShare:
    return services.confirm_share(actor=(by or party).actor, share=_share(policy, party))


def _url(policy, share) -> str:
    return f"/api/v1/policies/{policy.pk}/shares/{share.pk}/confirm"


def _confirm_tasks(party):
    return [t for t in tasks_for(party.actor) if t.kind == "underwriting.confirm_share"]


# --- the confirmation -------------------------------------------------------------------------


def test_R_U4_a_follower_confirms_its_share_once_and_it_is_audited(world):
    """Art. 8: the follower's confirmation is stored on its share (who, when) and audited."""
    policy = asked(world, shares=coinsured(world))
    share = _confirm(policy, world.f1)
    share.refresh_from_db()
    assert share.confirmed_by == world.f1.user
    assert share.confirmed_at == clock.now()
    event = AuditEvent.objects.filter(action="underwriting.confirm_share").get()
    assert event.actor == world.f1.user
    assert event.object_id == str(share.pk)
    assert (event.before, event.after["confirmed"]) == ({"confirmed": False}, True)
    assert event.after["fraction"] == "0.3000"
    # The other follower's share is its own to confirm.
    assert _share(policy, world.f2).confirmed_at is None


def test_R_U4_a_second_confirmation_is_refused_and_writes_nothing(world):
    policy = asked(world, shares=coinsured(world))
    _confirm(policy, world.f1)
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        _confirm(policy, world.f1)
    assert (refused.value.rule, refused.value.field) == ("R-U4", "share")


def test_R_U4_confirmation_is_open_at_every_state_from_the_request_to_issue(world):
    """Quoted, accepted and issued policies take a confirmation as the quoted one does."""
    policy = issued(world, shares=coinsured(world))
    assert policy.state == PolicyState.ISSUED
    assert _confirm(policy, world.f2).confirmed_at is not None


# --- who may confirm, and which share ---------------------------------------------------------


@pytest.mark.parametrize("who", ["developer", "lead", "f2", "reg_city", "operator"])
def test_R_U4_only_the_insurer_holding_the_share_confirms_it(world, who):
    """A share is confirmed by its own insurer: the developer, the lead, another follower and
    those who see everything are refused, with nothing written."""
    policy = asked(world, shares=coinsured(world))
    with nothing_written(), pytest.raises(Forbidden) as refused:
        _confirm(policy, world.f1, by=getattr(world, who))
    assert refused.value.rule == "R-U4"


def test_R_U4_the_lead_share_is_not_confirmed_this_way(world):
    """The lead states its share by quoting; its own share is refused, naming the rule."""
    policy = asked(world, shares=coinsured(world))
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        _confirm(policy, world.lead)
    assert (refused.value.rule, refused.value.field) == ("R-U4", "share")


def test_R_U4_a_single_insurer_has_no_co_insurance_agreement_to_confirm(world):
    policy = asked(world, shares=single(world))
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        _confirm(policy, world.lead)
    assert (refused.value.rule, refused.value.field) == ("R-U4", "share")


# --- when -------------------------------------------------------------------------------------


def test_R_U4_a_draft_s_shares_are_not_confirmed_before_the_quote_is_asked(world):
    """The developer is still choosing the insurers of a draft: confirmation waits."""
    policy = draft(world)
    services.set_terms(actor=world.developer.actor, policy=policy, terms=terms())
    services.set_shares(actor=world.developer.actor, policy=policy, shares=coinsured(world))
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        _confirm(policy, world.f1)
    assert (refused.value.rule, refused.value.field) == ("R-U4", "state")
    assert not _confirm_tasks(world.f1)


def test_R_U4_a_cancelled_policy_s_share_is_not_confirmed(world):
    policy = asked(world, shares=coinsured(world))
    services.cancel_policy(actor=world.developer.actor, policy=policy, reason="不再投保")
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        _confirm(policy, world.f1)
    assert (refused.value.rule, refused.value.field) == ("R-U4", "state")


def test_R_U4_a_changed_share_loses_its_confirmation_an_unchanged_one_keeps_it(world):
    """Art. 8: when the developer changes the shares, the confirmation of a changed share does
    not survive; the follower is asked again once the quote is asked again."""
    policy = asked(world, shares=coinsured(world))
    _confirm(policy, world.f1)
    _confirm(policy, world.f2)
    stale = _share(policy, world.f2)
    services.set_shares(
        actor=world.developer.actor,
        policy=policy,
        shares=[
            services.ShareInput(world.lead.org.pk, "lead", Decimal("0.55")),
            services.ShareInput(world.f1.org.pk, "follower", Decimal("0.3")),
            services.ShareInput(world.f2.org.pk, "follower", Decimal("0.15")),
        ],
    )
    assert _share(policy, world.f1).confirmed_by == world.f1.user
    assert _share(policy, world.f2).confirmed_at is None
    event = AuditEvent.objects.filter(action="underwriting.set_shares").last()
    assert [s["confirmed"] for s in event.after["shares"]] == [False, True, False]
    # The share confirmed before the change is gone: confirming it is refused.
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.confirm_share(actor=world.f2.actor, share=stale)
    assert (refused.value.rule, refused.value.field) == ("R-U4", "share")
    assert not _confirm_tasks(world.f2)  # a draft again
    services.request_quote(actor=world.developer.actor, policy=policy)
    assert [t.subject for t in _confirm_tasks(world.f2)] == [f"江南花园 · {policy.number}"]
    assert not _confirm_tasks(world.f1)


def test_R_U4_issue_does_not_wait_for_the_confirmations(world):
    """RULES.md does not make the confirmation a condition of issue, so issue never waits."""
    policy = ready(world, shares=coinsured(world))
    policy = services.issue_policy(actor=world.developer.actor, policy=policy)
    assert policy.state == PolicyState.ISSUED
    assert not policy.shares.filter(confirmed_at__isnull=False).exists()


# --- the workspace ----------------------------------------------------------------------------


def test_R_U4_each_follower_is_asked_to_confirm_and_the_item_leaves_once_done(world):
    policy = asked(world, shares=coinsured(world))
    for follower in (world.f1, world.f2):
        (item,) = _confirm_tasks(follower)
        share = _share(policy, follower)
        assert item.title_zh == "确认共保份额（共保协议）"
        assert item.title_en == "Confirm your share under the co-insurance agreement"
        assert item.subject == f"江南花园 · {policy.number}"
        assert item.rule == "R-U4"
        assert item.url == reverse("underwriting:detail", args=[policy.pk]) + "#share-confirm"
        page = follower.client().get(item.url).content.decode()
        form = page.split('id="share-confirm"', 1)[1].split("</form>", 1)[0]
        assert f"{share.fraction * 100:.0f}%" in form
    _confirm(policy, world.f1)
    assert not _confirm_tasks(world.f1)
    assert len(_confirm_tasks(world.f2)) == 1


def test_R_U4_the_lead_and_other_insurers_are_not_asked_to_confirm(world):
    asked(world, shares=coinsured(world))
    permit2, _ = add_permit(world.project, world.planning, "CP-2025-002")
    asked(world, permit2, shares=single(world))
    for party in (world.lead, world.outsider):
        assert not _confirm_tasks(party)


# --- the API ----------------------------------------------------------------------------------


def test_R_U4_follower_confirms_through_the_api(world):
    policy = asked(world, shares=coinsured(world))
    share = _share(policy, world.f1)
    response = world.f1.client().post(_url(policy, share))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["insurer"], body["role"]) == (share.pk, world.f1.org.pk, "follower")
    assert body["confirmed_at"]
    listed = world.developer.client().get(f"/api/v1/policies/{policy.pk}/shares").json()
    confirmed = {item["insurer"]: item["confirmed_at"] is not None for item in listed["items"]}
    assert confirmed == {world.lead.org.pk: False, world.f1.org.pk: True, world.f2.org.pk: False}


def test_R_U4_api_refusals_name_the_rule_and_write_nothing(world):
    policy = asked(world, shares=coinsured(world))
    f1_share, lead_share = _share(policy, world.f1), _share(policy, world.lead)
    with nothing_written():
        refused = world.lead.client().post(_url(policy, lead_share))
        assert_api_refused(refused, rule="R-U4", field="share")
        other = world.f2.client().post(_url(policy, f1_share))
        assert_api_refused(other, rule="R-U4", field=None, status=403)
        developer = world.developer.client().post(_url(policy, f1_share))
        assert_api_refused(developer, rule="R-U4", field=None, status=403)
        # An insurer without a share does not know the policy exists.
        assert world.outsider.client().post(_url(policy, f1_share)).status_code == 404


def test_R_U4_a_share_of_another_policy_is_not_found(world):
    policy = asked(world, shares=coinsured(world))
    permit2, _ = add_permit(world.project, world.planning, "CP-2025-002")
    other = asked(world, permit2, shares=coinsured(world))
    with nothing_written():
        response = world.f1.client().post(_url(policy, _share(other, world.f1)))
    assert response.status_code == 404


# --- the policy page --------------------------------------------------------------------------


def test_R_U4_the_page_shows_each_share_s_confirmation_and_the_follower_s_button(world):
    policy = asked(world, shares=coinsured(world))
    share = _share(policy, world.f1)
    detail = reverse("underwriting:detail", args=[policy.pk])
    action = reverse("underwriting:share_confirm", args=[policy.pk, share.pk])
    page = world.f1.client().get(detail).content.decode()
    # Below the share table, not in it: on a phone the table scrolls sideways.
    section = page.split('<section id="shares">', 1)[1].split("</section>", 1)[0]
    table, below = section.split("</table>", 1)
    assert action not in table and action in below
    for party in (world.f2, world.lead, world.developer):
        assert action not in party.client().get(detail).content.decode()
    assert world.f1.client().post(action).status_code == 302
    html = world.developer.client().get(detail).content.decode()
    assert f'id="share-{share.pk}"' in html
    assert "✓ 2025年3月3日 10:00" in html
    assert "待确认" in html  # the other follower's


def test_R_U4_the_page_shows_the_refusal_with_its_rule(world):
    policy = asked(world, shares=coinsured(world))
    action = reverse("underwriting:share_confirm", args=[policy.pk, _share(policy, world.lead).pk])
    with nothing_written():
        response = world.lead.client().post(action)
    assert_ui_refused(response, rule="R-U4")
