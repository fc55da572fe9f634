"""The risk-management demo: an engaged RMA with inspections and defects in every state."""

from datetime import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from uw_helpers import SHANGHAI

from idi.core import demo as core_demo
from idi.core.models import AuditEvent
from idi.core.registry import Hook, providers
from idi.core.workspace import tasks_for
from idi.parties import demo as parties_demo
from idi.parties.selectors import actor_for_user
from idi.projects import demo as projects_demo
from idi.riskmgmt import demo
from idi.riskmgmt.models import ComplianceException, Defect, Engagement, FinalReport
from idi.underwriting import demo as underwriting_demo

pytestmark = pytest.mark.django_db

DUTIES = {"riskmgmt.record_inspection", "riskmgmt.check_inspection_shortfall"}


def _kinds(username: str) -> list[str]:
    actor = actor_for_user(get_user_model().objects.get(username=username))
    return [t.kind for t in tasks_for(actor) if t.kind in DUTIES]


# Late in a month, on the first day of one, and on the last of a short one.
@pytest.mark.parametrize("today", [(2026, 11, 24), (2026, 12, 1), (2027, 2, 28)])
def test_demo_shows_an_engaged_rma_with_inspections_and_defects(today):
    """On any date 云栖安置房 started on the first day of the previous month: that month had one
    inspection of the two R-R4 asks (the regulators' check) and this month has one so far (the
    RMA's to-do)."""
    assert demo.load in providers(Hook.DEMO_LOADERS)
    with time_machine.travel(datetime(*today, 10, tzinfo=SHANGHAI), tick=False):
        for loader in (
            core_demo.load,
            parties_demo.load,
            projects_demo.load,
            underwriting_demo.load,
        ):
            loader(password="demo-password-1")
        demo.load(password="demo-password-1")
        events = AuditEvent.objects.count()
        assert demo.load(password="x") == []
        assert AuditEvent.objects.count() == events
        assert _kinds("rma") == ["riskmgmt.record_inspection"]
        assert _kinds("reg_xihu") == ["riskmgmt.check_inspection_shortfall"]
        assert _kinds("reg_city") == ["riskmgmt.check_inspection_shortfall"]
        assert _kinds("reg_binjiang") == []

    yunqi = Engagement.objects.get(policy__permit__number=projects_demo.PERMIT_YUNQI)
    assert yunqi.rma.name == parties_demo.RMA
    statuses = sorted(Defect.objects.filter(engagement=yunqi).values_list("status", flat=True))
    assert statuses == ["closed", "confirmed", "disputed", "recorded"]
    assert ComplianceException.objects.count() == 0  # kickoff and plan came before the start
    xixi = Engagement.objects.get(policy__permit__number=projects_demo.PERMIT_XIXI)
    assert FinalReport.objects.get(engagement=xixi).reviewed_at is not None
    assert xixi.evaluations.get().rating == 4
