"""The underwriting demo: loaded through the services on top of the projects demo, once."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from uw_helpers import SHANGHAI

from idi.core import demo as core_demo
from idi.core.models import AuditEvent
from idi.core.workspace import tasks_for
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


def _kinds(username: str) -> list[tuple[str, str]]:
    actor = actor_for_user(get_user_model().objects.get(username=username))
    return [(t.kind, t.subject) for t in tasks_for(actor) if t.kind.startswith("underwriting.")]


def test_demo_gives_the_insurers_and_the_regulators_their_underwriting_to_dos():
    """On any day: the lead is to quote 良渚未来里二期 and its followers to confirm their shares
    (Art. 8, R-U4), those of 云栖安置房 confirmed before its issue; 滨江's affordable housing
    built without a policy is the regulators' exception (R-U1); 余杭's first permit still waits
    for its draft."""
    with time_machine.travel(datetime(2026, 11, 24, 10, tzinfo=SHANGHAI), tick=False):
        _load_all()
    second = _policy(projects_demo.PERMIT_LIANGZHU_2)
    assert second.state == PolicyState.QUOTE_REQUESTED
    assert [(s.role, s.fraction, s.confirmed_at) for s in selectors.shares_of(second)] == [
        ("lead", Decimal("0.6"), None),
        ("follower", Decimal("0.25"), None),
        ("follower", Decimal("0.15"), None),
    ]
    yunqi = _policy(projects_demo.PERMIT_YUNQI)
    confirmed = AuditEvent.objects.filter(
        action="underwriting.confirm_share",
        object_id__in=[str(pk) for pk in yunqi.shares.values_list("pk", flat=True)],
    )
    issue = AuditEvent.objects.get(action="underwriting.issue", object_id=str(yunqi.pk))
    assert yunqi.shares.filter(role="follower", confirmed_at__isnull=False).count() == 2
    assert sorted(e.pk < issue.pk for e in confirmed) == [True, True]

    subject = f"{projects_demo.PROJECT_LIANGZHU_2} · {second.number}"
    assert ("underwriting.give_quote", subject) in _kinds("ins_lead")
    for follower in ("ins_follow1", "ins_follow2"):
        assert [k for k in _kinds(follower) if k[0] == "underwriting.confirm_share"] == [
            ("underwriting.confirm_share", subject)
        ]
    assert not [k for k in _kinds("ins_lead") if k[0] == "underwriting.confirm_share"]
    exception = (
        "underwriting.uninsured_affordable_housing",
        f"{projects_demo.PROJECT_JIANGNAN_ANJU} · {projects_demo.PERMIT_JIANGNAN_ANJU}",
    )
    for regulator in ("reg_binjiang", "reg_city"):
        assert _kinds(regulator) == [exception]
    assert exception not in _kinds("reg_xihu")
    drafts = [s for k, s in _kinds("dev_yuhang") if k == "underwriting.create_draft"]
    assert drafts[0].endswith(projects_demo.PERMIT_LIANGZHU)
    assert "underwriting.decide_quote" in {k for k, _ in _kinds("dev_binjiang")}
