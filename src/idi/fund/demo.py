"""Demo data of the guarantee fund: every issued policy's contribution booked as owed (R-F1)
and received from its lead insurer, so that the fund pages show sub-accounts with money; and one
R-F4 case for the guarantee institution to decide (a leak nobody repairs before the insurance
period), so that its workspace has something to do."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from idi.core import clock
from idi.core.errors import RuleViolation
from idi.core.permissions import Actor
from idi.fund import services
from idi.fund.models import Account, AccountKind, CaseKind
from idi.parties.selectors import actor_for_user
from idi.projects.models import Unit

LOADER = Actor(user_id=None, label="demo", is_operator=True)


def load(*, password: str) -> list[tuple[str, str]]:
    if Account.objects.filter(kind=AccountKind.PROJECT).exists():
        return []
    services.book_contributions_due(actor=LOADER)
    owed = Account.objects.filter(kind=AccountKind.CONTRIBUTION_RECEIVABLE, balance__gt=0)
    lines = [
        services.StatementLine(
            kind="contribution",
            project_id=acc.project_id,
            insurer_id=acc.organisation_id,
            amount=acc.balance,
            received_on=clock.today(),
            reference=f"DEMO-{acc.pk}",
        )
        for acc in owed
    ]
    if lines:
        services.record_bank_statement(actor=LOADER, lines=lines)
    _case_to_decide()
    return []


def _case_to_decide() -> None:
    institution = get_user_model().objects.filter(username="guarantee").first()
    unit = Unit.objects.filter(sale__buyers__username="owner_li").select_related("building").first()
    if institution is None or unit is None:
        return
    try:
        services.open_case(
            actor=actor_for_user(institution),
            kind=CaseKind.FALLBACK_REPAIR,
            building=unit.building,
            unit=unit,
            category="waterproofing",
            occurred_on=clock.today() - timedelta(days=29),
            description="卫生间渗漏，建设单位一直未安排维修",
            requested_amount=Decimal("1000.00"),
        )
    except RuleViolation:
        # On a later day the home may be past the pre-period R-F4 covers: no case then.
        return
