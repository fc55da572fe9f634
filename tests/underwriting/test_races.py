"""Races on PostgreSQL: two requests doing the same thing to one policy at once, each in its
own thread and connection. Exactly one wins, the other is refused, and nothing is written
twice (rows and audit events counted)."""

import threading
from datetime import date, datetime

import pytest
from django.db import connection, transaction
from uw_helpers import TODAY, issued, quoted, ready, sell

from idi.core.errors import RuleViolation
from idi.core.models import AuditEvent
from idi.underwriting import services
from idi.underwriting.models import (
    BuyerConsent,
    ChangeKind,
    FundContributionDue,
    Policy,
    PolicyState,
    PremiumPayment,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrency needs PostgreSQL row locks (SQLite serialises every writer)",
    ),
]


def _at_once(*calls):
    """Run each call in its own thread and database connection, released together; returns
    each call's result or the RuleViolation that refused it."""
    start = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            outcomes[index] = call()
        except RuleViolation as refused:
            outcomes[index] = refused
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def _split(outcomes):
    refused = [o for o in outcomes if isinstance(o, RuleViolation)]
    won = [o for o in outcomes if o is not None and not isinstance(o, RuleViolation)]
    return won, refused


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_R_U3_two_payments_at_once_one_is_recorded(world):
    """R-U3: the developer and the lead insurer record the premium at the same moment."""
    policy = quoted(world)

    def pay(party):
        return lambda: services.record_payment(
            actor=party.actor, policy=policy, amount=policy.premium, paid_on=TODAY
        )

    won, refused = _split(_at_once(pay(world.developer), pay(world.lead)))
    assert len(won) == 1 and len(refused) == 1
    assert (refused[0].rule, refused[0].field) == ("R-U3", "payment")
    assert PremiumPayment.objects.filter(policy=policy).count() == 1
    assert _events("underwriting.record_payment") == 1


def test_two_issues_at_once_one_is_issued(world):
    """The developer and the lead insurer issue the same policy at the same moment: one issue,
    one fund contribution owed (R-F1), one audit event of each."""
    policy = ready(world)
    issue = lambda party: lambda: services.issue_policy(actor=party.actor, policy=policy)  # noqa: E731
    won, refused = _split(_at_once(issue(world.developer), issue(world.lead)))
    assert len(won) == 1 and len(refused) == 1
    assert refused[0].field == "state"
    assert Policy.objects.get(pk=policy.pk).state == PolicyState.ISSUED
    assert FundContributionDue.objects.filter(policy=policy).count() == 1
    assert _events("underwriting.issue") == 1
    assert _events("underwriting.fund_contribution_due") == 1


def test_R_U8_two_consents_to_one_change_at_once_one_is_recorded(world):
    """R-U8: the buyer and the developer record the buyer's consent at the same moment."""
    policy = issued(world)
    sell(world.unit, world.owner)
    change = services.open_change_request(
        actor=world.developer.actor, policy=policy, kind=ChangeKind.CANCEL, reason="项目调整"
    )

    def consent(party):
        return lambda: services.record_buyer_consent(
            actor=party.actor,
            change=change,
            unit=world.unit,
            buyer_id=world.owner.user.pk,
            consented_on=date(2025, 3, 1),
        )

    won, refused = _split(_at_once(consent(world.owner), consent(world.developer)))
    assert len(won) == 1 and len(refused) == 1
    assert refused[0].field == "buyer"
    assert BuyerConsent.objects.filter(change_request=change).count() == 1
    assert _events("underwriting.record_consent") == 1


def test_two_sweeps_at_once_move_each_policy_once(world):
    """Two workers sweep at the same moment (FOR UPDATE SKIP LOCKED): every due policy moves
    once, and the moves add up."""
    import time_machine
    from uw_helpers import SHANGHAI, add_permit

    from idi.core.permissions import SYSTEM
    from idi.projects.models import ConstructionPermit

    policies = [issued(world)]
    for n in range(2, 6):
        permit, _ = add_permit(world.project, world.planning, f"CP-2025-00{n}")
        policies.append(issued(world, permit=permit))
    for policy in policies:
        ConstructionPermit.objects.filter(pk=policy.permit_id).update(
            construction_started_on=date(2025, 3, 4), completion_accepted_on=date(2025, 3, 5)
        )
        permit = ConstructionPermit.objects.get(pk=policy.permit_id)
        with transaction.atomic():
            services.record_period(SYSTEM, permit, "completed", date(2025, 3, 5))
    # The period began on 2027-03-05 for every policy.
    with time_machine.travel(datetime(2027, 3, 6, 10, tzinfo=SHANGHAI), tick=False):
        moved = _at_once(services.sweep_policy_states, services.sweep_policy_states)
    assert sum(moved) == len(policies)
    assert set(Policy.objects.values_list("state", flat=True)) == {PolicyState.IN_FORCE}
    assert _events("underwriting.activate") == len(policies)
