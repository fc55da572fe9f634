"""The underwriting demo: loaded through the services on top of the projects demo, once."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from uw_helpers import SHANGHAI

from idi.core import demo as core_demo
from idi.core.models import AuditEvent
from idi.parties import demo as parties_demo
from idi.parties.selectors import actor_for_user
from idi.projects import demo as projects_demo
from idi.projects.models import Unit
from idi.underwriting import demo, selectors
from idi.underwriting.models import FundContributionDue, Policy, PolicyState

pytestmark = pytest.mark.django_db


def _load_all():
    for loader in (core_demo.load, parties_demo.load, projects_demo.load, demo.load):
        loader(password="demo-password-1")


def _policy(permit: str) -> Policy:
    return Policy.objects.get(permit__number=permit)


def test_demo_loads_once_with_every_kind_of_policy():
    with time_machine.travel(datetime(2026, 11, 24, 10, tzinfo=SHANGHAI), tick=False):
        _load_all()
        events = AuditEvent.objects.count()
        assert demo.load(password="x") == []
        assert AuditEvent.objects.count() == events

        xixi = _policy(projects_demo.PERMIT_XIXI)
        assert xixi.state == PolicyState.ISSUED
        assert xixi.issued_on == date(2024, 6, 20)
        assert [s.role for s in xixi.shares.all()] == ["lead"]
        assert xixi.premium == Decimal("1851851.84")

        yunqi = _policy(projects_demo.PERMIT_YUNQI)
        assert yunqi.state == PolicyState.ISSUED
        assert sorted(yunqi.shares.values_list("role", flat=True)) == [
            "follower",
            "follower",
            "lead",
        ]
        # 86,000,000.00 × 0.0005 = 43,000.00, owed by the lead (R-F1), split 0.5/0.3/0.2.
        due = FundContributionDue.objects.get(policy=yunqi)
        assert due.amount == Decimal("43000.00")
        assert due.insurer == parties_demo.organisation(parties_demo.INSURER_LEAD)
        assert [p.amount for p in selectors.contribution_split(yunqi)] == [
            Decimal("21500.00"),
            Decimal("12900.00"),
            Decimal("8600.00"),
        ]

        jianghui = _policy(projects_demo.PERMIT_JIANGHUI)
        assert jianghui.state == PolicyState.QUOTED
        assert jianghui.housing_type == "commercial"
        assert [w.rule for w in selectors.lead_warnings(jianghui)] == ["R-U6"]
        assert len(selectors.missing_attachments(jianghui)) == 4

        # An owner of 西溪云庐 sees real windows and whom to call.
        zhang = actor_for_user(get_user_model().objects.get(username="owner_zhang"))
        unit = Unit.objects.filter(sale__buyers=zhang.user_id).order_by("id").first()
        lines = selectors.coverage_windows_for_unit(zhang, unit)
        foundation = next(line for line in lines if line.category == "foundation_structure")
        assert (foundation.start, foundation.end) == (date(2028, 6, 30), date(2038, 6, 29))
        assert selectors.lead_share(xixi).insurer.contact_phone
