"""R-C2/R-C3: the insurance period is stored with the policy when completion acceptance is
recorded (through Hook.PERMIT_EVENTS: projects never imports underwriting), per category and
additional sub-item, and every read shows the stored windows without recomputing them."""

from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from uw_helpers import SHANGHAI, coinsured, issued, sell

from idi.core.models import AuditEvent
from idi.core.permissions import SYSTEM
from idi.projects import services as projects
from idi.projects.models import ConstructionPermit
from idi.underwriting import selectors, services
from idi.underwriting.models import Policy, PolicyState, PolicyWindow

pytestmark = pytest.mark.django_db

COMPLETED = date(2025, 9, 30)
# By hand (R-C2: completion + 2 years; R-C3: start + N years − 1 day).
EXPECTED = {
    ("foundation_structure", ""): (10, date(2027, 9, 30), date(2037, 9, 29)),
    ("insulation", ""): (5, date(2027, 9, 30), date(2032, 9, 29)),
    ("waterproofing", ""): (6, date(2027, 9, 30), date(2033, 9, 29)),
    ("concealed_works", ""): (6, date(2027, 9, 30), date(2033, 9, 29)),
    ("additional", "decoration"): (2, date(2027, 9, 30), date(2029, 9, 29)),
    ("additional", "hvac"): (5, date(2027, 9, 30), date(2032, 9, 29)),
}


def _at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI))


def _build_and_complete(world) -> Policy:
    """Issued today (2025-03-03), construction from 03-10, completion accepted 09-30, each
    recorded through the projects services as a developer does."""
    policy = issued(world, shares=coinsured(world))
    with _at(date(2025, 3, 10)):
        projects.record_construction_start(
            actor=world.developer.actor, permit=world.permit, started_on=date(2025, 3, 10)
        )
    with _at(COMPLETED):
        projects.record_completion_acceptance(
            actor=world.developer.actor,
            permit=ConstructionPermit.objects.get(pk=world.permit.pk),
            accepted_on=COMPLETED,
        )
    return Policy.objects.get(pk=policy.pk)


def test_R_C2_R_C3_completion_stores_each_window_and_the_period(world):
    policy = _build_and_complete(world)
    stored = {
        (w.category, w.sub_item): (w.years, w.starts_on, w.ends_on)
        for w in PolicyWindow.objects.filter(policy=policy)
    }
    assert stored == EXPECTED
    assert (policy.period_starts_on, policy.period_ends_on) == (
        date(2027, 9, 30),
        date(2037, 9, 29),
    )
    event = AuditEvent.objects.get(action="underwriting.record_period", object_id=str(policy.pk))
    assert event.after["period"] == ["2027-09-30", "2037-09-29"]
    assert event.after["windows"]["additional.decoration"] == ["2027-09-30", "2029-09-29"]


def test_reads_show_the_stored_windows_never_recomputed(world):
    """Change the permit's completion date behind the platform's back: the owner's home page,
    the policy page, the API and the sweep still read the stored windows."""
    policy = _build_and_complete(world)
    sell(world.unit, world.owner)
    ConstructionPermit.objects.filter(pk=world.permit.pk).update(
        completion_accepted_on=date(2025, 4, 1)
    )
    home = world.owner.client().get(reverse("underwriting:my_homes")).content.decode()
    assert "2027-09-30" in home and "2037-09-29" in home
    page = world.developer.client().get(reverse("underwriting:detail", args=[policy.pk]))
    assert "2029-09-29" in page.content.decode()
    body = world.developer.client().get(f"/api/v1/policies/{policy.pk}").json()
    assert (body["period_start"], body["period_end"]) == ("2027-09-30", "2037-09-29")
    coverage = world.owner.client().get(f"/api/v1/units/{world.unit.pk}/coverage").json()
    assert coverage["items"][0]["start"] == "2027-09-30"
    with _at(date(2027, 5, 1)):
        assert services.sweep_policy_states() == 0  # 2025-04-01 + 2 years would activate it
    assert Policy.objects.get(pk=policy.pk).state == PolicyState.ISSUED


def test_amended_additional_cover_restores_its_window(world):
    """R-C1: changing the additional sub-items after completion stores their new windows."""
    from uw_helpers import terms

    from idi.underwriting.models import ChangeKind

    policy = _build_and_complete(world)
    change = services.open_change_request(
        actor=world.developer.actor,
        policy=policy,
        kind=ChangeKind.CHANGE_TERMS,
        reason="附加险调整",
        terms=terms(additional={"decoration": 3}),
    )
    services.amend_policy(actor=world.developer.actor, change=change)
    stored = dict(
        PolicyWindow.objects.filter(policy=policy, category="additional").values_list(
            "sub_item", "ends_on"
        )
    )
    assert stored == {"decoration": date(2030, 9, 29)}


def test_the_sweep_selects_by_the_stored_due_dates_and_skips_locked_rows(world):
    """The sweep's query reads the indexed period columns of the policy alone (no join to the
    permit) and, on PostgreSQL, takes each row FOR UPDATE SKIP LOCKED."""
    _build_and_complete(world)
    with _at(date(2027, 9, 30)), CaptureQueriesContext(connection) as queries:
        assert services.sweep_policy_states() == 1
    select = next(q["sql"] for q in queries if "period_starts_on" in q["sql"])
    assert "construction_permit" not in select.lower()
    assert "period_ends_on" in select
    if connection.features.has_select_for_update_skip_locked:
        assert "SKIP LOCKED" in select
    indexes = {tuple(i.fields) for i in Policy._meta.indexes}
    assert {("state", "period_starts_on"), ("state", "period_ends_on")} <= indexes


def test_backfill_stores_the_period_of_existing_policies(world):
    """The migration stores the windows of policies completed before periods were stored."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("idi.underwriting.migrations.0003_policy_windows")
    policy = _build_and_complete(world)
    PolicyWindow.objects.all().delete()
    Policy.objects.update(period_starts_on=None, period_ends_on=None)
    migration.backfill_periods(apps, None)
    policy.refresh_from_db()
    assert selectors.policy_period(policy) == (date(2027, 9, 30), date(2037, 9, 29))
    assert PolicyWindow.objects.filter(policy=policy).count() == len(EXPECTED)


def test_a_policy_entered_after_completion_stores_its_period_at_issue(world):
    """A policy issued on an earlier date and entered after completion was recorded (the
    demo's 西溪云庐) stores its period at issue; other permit events store nothing."""
    from uw_helpers import attach_all, pay, quoted

    policy = quoted(world)
    attach_all(world, policy)
    services.notify_participants(actor=world.developer.actor, policy=policy)
    pay(world, policy, paid_on=date(2025, 1, 12))
    ConstructionPermit.objects.filter(pk=world.permit.pk).update(
        construction_started_on=date(2025, 1, 20), completion_accepted_on=date(2025, 2, 28)
    )
    permit = ConstructionPermit.objects.get(pk=world.permit.pk)
    services.record_period(SYSTEM, permit, "construction_started", date(2025, 1, 20))
    assert Policy.objects.get(pk=policy.pk).period_starts_on is None
    services.issue_policy(
        actor=world.developer.actor,
        policy=Policy.objects.get(pk=policy.pk),
        issued_on=date(2025, 1, 15),
    )
    policy.refresh_from_db()
    assert selectors.policy_period(policy) == (date(2027, 2, 28), date(2037, 2, 27))
