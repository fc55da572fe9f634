"""What higher apps add to projects through idi.core.registry: projects knows no higher app, so
who else sees a project, the columns of its permit table, and the guards and listeners of a
permit's events all come from providers (here underwriting's, or a test's own)."""

from datetime import date

import pytest
from django.urls import reverse
from projects_helpers import cancel_draft_policy, page

from idi.core import registry
from idi.core.errors import RuleViolation
from idi.core.registry import Hook
from idi.projects import selectors, services
from idi.projects.models import ConstructionPermit

pytestmark = pytest.mark.django_db


def _only(monkeypatch, hook: Hook, *found) -> None:
    monkeypatch.setitem(registry._providers, hook, list(found))


def test_an_insurer_sees_its_projects_only_through_the_visibility_hook(world, monkeypatch):
    assert list(selectors.projects_visible_to(world.insurer.actor)) == [world.a.project]
    _only(monkeypatch, Hook.PROJECT_VISIBILITY)
    assert list(selectors.projects_visible_to(world.insurer.actor)) == []
    assert list(selectors.projects_visible_to(world.dev_a.actor)) == [world.a.project]


def test_claims_handlers_see_identities_through_the_visibility_hook(world, monkeypatch):
    assert selectors.sees_identities_in(world.claims.actor, world.a.project.pk)
    assert not selectors.sees_identities_in(world.claims.actor, world.b.project.pk)
    _only(monkeypatch, Hook.PROJECT_VISIBILITY)
    assert not selectors.sees_identities_in(world.claims.actor, world.a.project.pk)


def test_the_policy_column_comes_from_underwriting(world, monkeypatch):
    url = reverse("projects:detail", args=[world.a.project.pk])
    assert "data-policy" in page(world.dev_a.user).get(url).content.decode()
    _only(monkeypatch, Hook.PERMIT_COLUMNS)
    html = page(world.dev_a.user).get(url).content.decode()
    assert "data-policy" not in html
    assert world.a.permit.number in html


def test_a_guard_refuses_a_permit_event_before_anything_is_written(world, monkeypatch):
    cancel_draft_policy(world)

    def guard(permit, event, on):
        raise RuleViolation(rule="R-X1", field="on", code="invalid", message="不", message_en="no")

    _only(monkeypatch, Hook.PERMIT_GUARDS, guard)
    with pytest.raises(RuleViolation):
        services.record_construction_start(
            actor=world.dev_a.actor, permit=world.a.permit, started_on=date(2025, 3, 1)
        )
    assert ConstructionPermit.objects.get(pk=world.a.permit.pk).construction_started_on is None


def test_listeners_hear_each_permit_event_in_the_same_transaction(world, monkeypatch):
    cancel_draft_policy(world)
    heard = []

    def listener(actor, permit, event, on):
        heard.append((actor.organisation_id, permit.pk, event, on, permit.construction_started_on))

    _only(monkeypatch, Hook.PERMIT_EVENTS, listener)
    services.record_construction_start(
        actor=world.dev_a.actor, permit=world.a.permit, started_on=date(2025, 3, 1)
    )
    services.record_completion_acceptance(
        actor=world.dev_a.actor, permit=world.a.permit, accepted_on=date(2026, 6, 30)
    )
    org, permit = world.dev_a.actor.organisation_id, world.a.permit.pk
    assert heard == [
        (org, permit, "construction_started", date(2025, 3, 1), date(2025, 3, 1)),
        (org, permit, "completed", date(2026, 6, 30), date(2025, 3, 1)),
    ]
