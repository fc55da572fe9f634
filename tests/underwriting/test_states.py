"""The insurance period moves an issued policy to in force, then to expired (the transition
table's activate and expire), by a sweep that is safe to repeat."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.management import call_command
from uw_helpers import SHANGHAI, issued, quoted

from idi.core.models import AuditEvent
from idi.core.permissions import SYSTEM
from idi.underwriting import selectors, services
from idi.underwriting.models import PolicyState

pytestmark = pytest.mark.django_db


def _complete(permit, on=date(2025, 2, 28)):
    permit.construction_started_on = date(2025, 1, 20)
    permit.completion_accepted_on = on
    permit.save()
    # Set directly (construction started before the test's issue date): tell underwriting as
    # projects' record_completion_acceptance does (Hook.PERMIT_EVENTS).
    services.record_period(SYSTEM, permit, "completed", on)


def _at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI))


def test_R_C2_policy_in_force_from_completion_plus_two_years_then_expired(world):
    """R-C2, R-C3: completed 2025-02-28, the period is 2027-02-28..2037-02-27 (the foundation's
    10 years, the longest window); the sweep activates and expires the policy on those days."""
    policy = issued(world)
    _complete(world.permit)
    policy.refresh_from_db()
    assert selectors.policy_period(policy) == (date(2027, 2, 28), date(2037, 2, 27))
    assert services.sweep_policy_states() == 0
    with _at(date(2027, 2, 27)):
        assert services.sweep_policy_states() == 0
    with _at(date(2027, 2, 28)):
        assert services.sweep_policy_states() == 1
        assert services.sweep_policy_states() == 0
    policy.refresh_from_db()
    assert policy.state == PolicyState.IN_FORCE
    with _at(date(2037, 2, 27)):
        assert services.sweep_policy_states() == 0
    with _at(date(2037, 2, 28)):
        assert services.sweep_policy_states() == 1
    policy.refresh_from_db()
    assert policy.state == PolicyState.EXPIRED
    actions = list(
        AuditEvent.objects.filter(
            object_id=str(policy.pk), action__in=("underwriting.activate", "underwriting.expire")
        ).values_list("action", flat=True)
    )
    assert actions == ["underwriting.activate", "underwriting.expire"]


def test_a_late_sweep_takes_both_steps(world):
    """A policy found after its period has passed goes issued → in force → expired."""
    policy = issued(world)
    _complete(world.permit)
    with _at(date(2040, 1, 1)):
        assert services.sweep_policy_states() == 1
    policy.refresh_from_db()
    assert policy.state == PolicyState.EXPIRED


def test_sweep_leaves_unissued_and_uncompleted_policies(world):
    policy = quoted(world)
    _complete(world.permit)
    with _at(date(2030, 1, 1)):
        assert services.sweep_policy_states() == 0
    policy.refresh_from_db()
    assert policy.state == PolicyState.QUOTED


def test_transition_table_is_the_only_way(world):
    """Every move is in TRANSITIONS; an expired policy cannot be cancelled."""
    assert (PolicyState.EXPIRED, PolicyState.CANCELLED) not in services.TRANSITIONS
    assert (PolicyState.DRAFT, PolicyState.ISSUED) not in services.TRANSITIONS


def test_idi_sweep_command_runs_the_policy_sweep(world, capsys):
    """`idi sweep` activates a policy whose insurance period started (R-C2), and says how many."""
    policy = issued(world)
    _complete(world.permit)
    with _at(date(2027, 3, 1)):
        call_command("sweep")
        call_command("sweep")
    policy.refresh_from_db()
    assert policy.state == PolicyState.IN_FORCE
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith("policy states")] == [
        "policy states / 保单状态: 1",
        "policy states / 保单状态: 0",
    ]
