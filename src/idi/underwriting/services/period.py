"""The insurance period moves a policy: issued → in force → expired (R-C2)."""

from django.db import transaction

from idi.core import audit, clock
from idi.core.permissions import SYSTEM, Actor
from idi.underwriting import selectors
from idi.underwriting.models import Policy, PolicyState
from idi.underwriting.services._common import _locked, _snapshot, _transition
from idi.underwriting.transitions import LIVE_STATES


def _refresh(*, actor: Actor, policy: Policy) -> Policy:
    """issued → in_force once the period has started; in_force → expired after its last day."""
    period = selectors.policy_period(policy)
    if period is None:
        return policy
    start, end = period
    today = clock.today()
    moves = []
    if policy.state == PolicyState.ISSUED and start <= today:
        moves.append(PolicyState.IN_FORCE)
    if policy.state in LIVE_STATES and end < today:
        moves.append(PolicyState.EXPIRED)
    for to in [m for m in (PolicyState.IN_FORCE, PolicyState.EXPIRED) if m in moves]:
        before = _snapshot(policy)
        action = _transition(policy, to)
        policy.save(update_fields=["state"])
        audit.record(
            actor=actor,
            action=action,
            obj=policy,
            before=before,
            after={**_snapshot(policy), "period": [start.isoformat(), end.isoformat()]},
        )
    return policy


@transaction.atomic
def refresh_policy_state(*, actor: Actor, policy: Policy) -> Policy:
    """Bring one policy's state in line with its insurance period and today's date."""
    return _refresh(actor=actor, policy=_locked(policy))


def sweep_policy_states(*, actor: Actor = SYSTEM) -> int:
    """Refresh every issued or in-force policy; returns how many changed state. Idempotent, and
    each policy is its own transaction so that one sweep never holds many locks."""
    changed = 0
    ids = Policy.objects.filter(
        state__in=LIVE_STATES, permit__completion_accepted_on__isnull=False
    ).values_list("pk", flat=True)
    for pk in list(ids):
        policy = Policy.objects.get(pk=pk)
        before = policy.state
        if refresh_policy_state(actor=actor, policy=policy).state != before:
            changed += 1
    return changed
