"""R-U3 from the other side: construction is recorded only after the permit's policy is issued,
whichever way it is recorded (the projects service, its page, its API). The projects app does
not know underwriting: the check is underwriting's guard on the permit event
(Hook.PERMIT_GUARDS)."""

from contextlib import contextmanager
from datetime import date

import pytest
from django.urls import reverse
from uw_helpers import (
    assert_api_refused,
    attach_all,
    draft,
    nothing_written,
    pay,
    quoted,
    ready,
)

from idi.core.errors import RuleViolation
from idi.core.registry import Hook, providers
from idi.projects import services as projects
from idi.projects.models import ConstructionPermit
from idi.underwriting import services
from idi.underwriting.models import PolicyState

START = date(2025, 3, 1)


@contextmanager
def permit_unchanged(permit):
    """Nothing written: no underwriting row, no audit event, and the permit not started."""
    with nothing_written():
        yield
    assert ConstructionPermit.objects.get(pk=permit.pk).construction_started_on is None


def _start(world, day=START):
    return projects.record_construction_start(
        actor=world.developer.actor, permit=world.permit, started_on=day
    )


def test_the_guard_is_registered_by_underwriting():
    assert services.guard_construction_start in providers(Hook.PERMIT_GUARDS)


@pytest.mark.parametrize("stage", [draft, quoted, ready])
def test_R_U3_start_refused_while_the_policy_is_not_issued(world, stage):
    """R-U3: a draft, quoted or paid-but-unissued policy: construction may not start yet."""
    stage(world)
    with permit_unchanged(world.permit), pytest.raises(RuleViolation) as refused:
        _start(world)
    assert (refused.value.rule, refused.value.field) == ("R-U3", "construction_started_on")
    assert refused.value.code == "not_met"


def test_R_U3_start_refused_through_the_api(world):
    draft(world)
    with permit_unchanged(world.permit):
        response = world.developer.client().post(
            f"/api/v1/permits/{world.permit.pk}/construction-start",
            {"started_on": START.isoformat()},
            content_type="application/json",
        )
    assert_api_refused(response, rule="R-U3", field="construction_started_on")


def test_R_U3_start_refused_on_the_page(world):
    draft(world)
    with permit_unchanged(world.permit):
        response = world.developer.client().post(
            reverse("projects:permit_start", args=[world.permit.pk]),
            {"construction_started_on": START.isoformat()},
        )
    assert "R-U3" in response.content.decode()


def test_R_U3_start_before_the_issue_day_refused_and_from_it_recorded(world):
    """R-U3: signed before construction starts. Once the policy is issued, a start dated before
    the issue is refused; one on the day of issue is recorded (the issue was recorded first,
    whereas a start recorded before the issue blocks an issue that same day)."""
    policy = quoted(world)
    attach_all(world, policy)
    services.notify_participants(actor=world.developer.actor, policy=policy)
    pay(world, policy, paid_on=date(2025, 2, 20))
    issue_day = date(2025, 2, 25)
    policy = services.issue_policy(actor=world.developer.actor, policy=policy, issued_on=issue_day)
    assert policy.state == PolicyState.ISSUED
    with permit_unchanged(world.permit), pytest.raises(RuleViolation) as refused:
        _start(world, date(2025, 2, 24))
    assert (refused.value.rule, refused.value.code) == ("R-U3", "too_late")
    assert _start(world, issue_day).construction_started_on == issue_day


def test_a_permit_without_a_live_policy_is_not_guarded(world):
    """Insurance is required of affordable housing and encouraged for commercial housing (Art.
    3): a permit with no policy, or whose draft was cancelled, starts as the developer records."""
    policy = draft(world)
    services.cancel_policy(actor=world.developer.actor, policy=policy, reason="not insured")
    assert _start(world).construction_started_on == START
