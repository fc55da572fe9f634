"""The insurance period (R-C2, R-C3): stored with the policy when completion acceptance is
recorded, and moving the policy issued → in force → expired as the days pass (the sweep)."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q

from idi.core import audit, clock
from idi.core.permissions import SYSTEM, Actor
from idi.projects.models import ConstructionPermit
from idi.projects.services import PermitEvent
from idi.rules import ADDITIONAL, RulePack, basic_categories, window
from idi.underwriting import selectors
from idi.underwriting.codes import AuditAction
from idi.underwriting.models import Policy, PolicyState, PolicyWindow
from idi.underwriting.services._common import _locked, _snapshot, _transition
from idi.underwriting.transitions import LIVE_STATES

# The states in which a policy covers its units and so has an insurance period to store.
COVERING_STATES = (PolicyState.ISSUED, PolicyState.IN_FORCE, PolicyState.EXPIRED)


@dataclass(frozen=True)
class WindowRow:
    category: str
    sub_item: str
    years: int
    starts_on: date
    ends_on: date


def window_rows(pack: RulePack, completion: date, additional: dict[str, int]) -> list[WindowRow]:
    """Every basic category's window (R-C1..R-C3) and each additional sub-item's (with the
    policy's own years), from completion acceptance."""
    rows = []
    for category in basic_categories(pack):
        span = window(pack, category, completion)
        years = pack.coverage.categories[category].years or 0
        rows.append(WindowRow(category, "", years, span.start, span.end))
    for sub_item, years in sorted(additional.items()):
        span = window(pack, ADDITIONAL, completion, years)
        rows.append(WindowRow(ADDITIONAL, sub_item, years, span.start, span.end))
    return rows


def period_of(pack: RulePack, rows: list[WindowRow], *, any_decorated: bool) -> tuple[date, date]:
    """The insurance period: the first window's start to the last window's end, over the
    categories the permit's buildings have (concealed works only where fully decorated, R-C4)."""
    covered = [
        row
        for row in rows
        if any_decorated
        or row.category == ADDITIONAL
        or not pack.coverage.categories[row.category].fully_decorated_only
    ]
    return min(r.starts_on for r in covered), max(r.ends_on for r in covered)


def _store_period(actor: Actor, policy: Policy) -> None:
    """Write the policy's windows and period from its permit's completion acceptance (the
    policy is locked by the caller), with one audit event."""
    permit = policy.permit
    pack = selectors.pack_of(policy)
    additional = dict(policy.additional_covers.values_list("sub_item", "years"))
    rows = window_rows(pack, permit.completion_accepted_on, additional)
    any_decorated = permit.buildings.filter(fully_decorated=True).exists()
    before = _period_snapshot(policy)
    policy.period_starts_on, policy.period_ends_on = period_of(
        pack, rows, any_decorated=any_decorated
    )
    policy.save(update_fields=["period_starts_on", "period_ends_on"])
    policy.windows.all().delete()
    PolicyWindow.objects.bulk_create(PolicyWindow(policy=policy, **vars(row)) for row in rows)
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_PERIOD,
        obj=policy,
        before=before,
        after=_period_snapshot(policy),
    )


def _period_snapshot(policy: Policy) -> dict:
    windows = {
        f"{w.category}.{w.sub_item}" if w.sub_item else w.category: [
            w.starts_on.isoformat(),
            w.ends_on.isoformat(),
        ]
        for w in policy.windows.order_by("id")
    }
    start, end = policy.period_starts_on, policy.period_ends_on
    return {"period": [start.isoformat(), end.isoformat()] if start else None, "windows": windows}


def store_period_if_completed(actor: Actor, policy: Policy) -> None:
    """For a locked policy whose cover or terms were just fixed: store its period when the
    permit's completion acceptance is already known (a policy entered after completion, or
    terms changed during the period)."""
    if policy.state in COVERING_STATES and policy.permit.completion_accepted_on is not None:
        _store_period(actor, policy)


def record_period(actor: Actor, permit: ConstructionPermit, event: str, on: date) -> None:
    """Hook.PERMIT_EVENTS: completion acceptance recorded, inside its transaction: the
    covering policy of the permit stores its insurance period and moves if it has begun."""
    if event != PermitEvent.COMPLETED:
        return
    policy = Policy.objects.filter(permit=permit, state__in=COVERING_STATES).first()
    if policy is None:
        return
    policy = _locked(policy)
    _store_period(actor, policy)
    _refresh(actor=actor, policy=policy)


def _refresh(*, actor: Actor, policy: Policy) -> Policy:
    """issued → in_force once the period has started; in_force → expired after its last day."""
    start, end = policy.period_starts_on, policy.period_ends_on
    if start is None or end is None:
        return policy
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
    """Bring one policy's state in line with its stored insurance period and today's date."""
    return _refresh(actor=actor, policy=_locked(policy))


def _due(today: date) -> Q:
    """The policies whose stored period has started (issued) or ended (issued or in force),
    found through the (state, period_starts_on) and (state, period_ends_on) indexes."""
    return Q(state=PolicyState.ISSUED, period_starts_on__lte=today) | Q(
        state__in=LIVE_STATES, period_ends_on__lt=today
    )


def sweep_policy_states(*, actor: Actor = SYSTEM) -> int:
    """Move every policy whose period has started or ended; returns how many moved.

    Idempotent and safe on several workers at once: each policy is taken in its own
    transaction with FOR UPDATE SKIP LOCKED (a policy another worker holds is its to move), in
    primary-key order so that the sweep never revisits one, and never holds many locks.
    """
    today = clock.today()
    changed = 0
    last = 0
    while True:
        with transaction.atomic():
            policy = (
                Policy.objects.select_for_update(skip_locked=True)
                .filter(_due(today), pk__gt=last)
                .order_by("pk")
                .first()
            )
            if policy is None:
                return changed
            last = policy.pk
            before = policy.state
            _refresh(actor=actor, policy=policy)
            changed += policy.state != before
