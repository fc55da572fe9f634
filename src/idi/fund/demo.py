"""Demo data of the guarantee fund: every issued policy's contribution booked as owed (R-F1)
and received from its lead insurer, so that the fund pages show sub-accounts with money."""

from idi.core import clock
from idi.core.permissions import Actor
from idi.fund import services
from idi.fund.models import Account, AccountKind

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
    return []
