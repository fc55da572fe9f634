"""Concurrent postings on PostgreSQL (R-F6): parallel withdrawals from one sub-account lose
nothing and never overdraw it; parallel receipts are all counted."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection
from fund_helpers import assert_ledger_consistent, figures, receive, withdraw
from uw_helpers import FUND_CONTRIBUTION

from idi.core import audit
from idi.core.errors import RuleViolation
from idi.fund.models import Entry, EntryKind, FundCase

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _in_thread(fn):
    def run(*args):
        try:
            return fn(*args)
        except RuleViolation as refused:
            return refused
        finally:
            connection.close()

    return run


def test_r_f6_parallel_withdrawals_never_overdraw_and_lose_nothing(fw):
    receive(fw)  # 61,728.39 in the sub-account
    amount = Decimal("10000.00")
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(_in_thread(lambda _: withdraw(fw, amount)), range(8)))
    paid = [r for r in results if isinstance(r, FundCase)]
    refused = [r for r in results if isinstance(r, RuleViolation)]
    assert len(paid) == 6 and len(refused) == 2
    assert {r.code for r in refused} == {"insufficient_balance"}
    f = figures(fw)
    assert f.withdrawn == amount * 6
    assert f.balance == FUND_CONTRIBUTION - amount * 6 == Decimal("1728.39")
    assert Entry.objects.filter(kind=EntryKind.REPAIR_PAYMENT).count() == 6
    assert_ledger_consistent()
    assert audit.verify().ok


def test_r_f1_parallel_receipts_are_all_counted(fw):
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(_in_thread(lambda _: receive(fw, "1000.00")), range(6)))
    assert all(isinstance(r, Entry) for r in results), results
    assert figures(fw).received == Decimal("6000.00")
    assert Entry.objects.filter(kind=EntryKind.CONTRIBUTION_OWED).count() == 1
    assert_ledger_consistent()


def test_r_f6_a_bank_statement_of_a_thousand_lines_keeps_the_ledger_whole(fw):
    from datetime import date

    from idi.fund import services

    services.book_contributions_due()
    line = services.StatementLine(
        kind="contribution",
        project_id=fw.project.pk,
        insurer_id=fw.lead.org.pk,
        amount=Decimal("0.01"),
        received_on=date(2025, 3, 3),
    )
    assert services.record_bank_statement(actor=fw.gi.actor, lines=[line] * 1000) == 1000
    received = Entry.objects.filter(kind=EntryKind.CONTRIBUTION_RECEIVED).order_by("id")
    assert received.count() == 1000
    assert figures(fw).received == Decimal("0.01") * 1000
    assert_ledger_consistent()
