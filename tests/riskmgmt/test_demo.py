"""The risk-management demo: an engaged RMA with inspections and defects in every state."""

from datetime import datetime

import pytest
import time_machine
from uw_helpers import SHANGHAI

from idi.core import demo as core_demo
from idi.core.models import AuditEvent
from idi.core.registry import Hook, providers
from idi.parties import demo as parties_demo
from idi.projects import demo as projects_demo
from idi.riskmgmt import demo
from idi.riskmgmt.models import ComplianceException, Defect, Engagement, FinalReport
from idi.underwriting import demo as underwriting_demo

pytestmark = pytest.mark.django_db


def test_demo_shows_an_engaged_rma_with_inspections_and_defects():
    assert demo.load in providers(Hook.DEMO_LOADERS)
    with time_machine.travel(datetime(2026, 11, 24, 10, tzinfo=SHANGHAI), tick=False):
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

    yunqi = Engagement.objects.get(policy__permit__number=projects_demo.PERMIT_YUNQI)
    assert yunqi.rma.name == parties_demo.RMA
    statuses = sorted(Defect.objects.filter(engagement=yunqi).values_list("status", flat=True))
    assert statuses == ["closed", "confirmed", "disputed", "recorded"]
    assert ComplianceException.objects.count() == 0  # kickoff and plan came before the start
    xixi = Engagement.objects.get(policy__permit__number=projects_demo.PERMIT_XIXI)
    assert FinalReport.objects.get(engagement=xixi).reviewed_at is not None
    assert xixi.evaluations.get().rating == 4
