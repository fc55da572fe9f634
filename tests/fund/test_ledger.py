"""The fund ledger: contributions owed and received (R-F1), never below zero and never edited
(R-F6), corrections by reversal, transfers, and the R-F4 cap."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from fund_helpers import (
    CAP,
    assert_ledger_consistent,
    figures,
    nothing_written,
    other_insured_project,
    receive,
    withdraw,
)
from uw_helpers import FUND_CONTRIBUTION, coinsured

from idi.core.errors import Forbidden, RuleViolation
from idi.core.models import AuditEvent
from idi.fund import selectors, services
from idi.fund.models import Account, AccountKind, Entry, EntryKind


def test_r_f1_contribution_owed_is_booked_at_issue_and_the_sweep_books_nothing_twice(fw):
    # The world's policy was issued through underwriting: the ledger already shows the debt.
    f = figures(fw)
    assert f.contributed == FUND_CONTRIBUTION
    assert f.received == Decimal("0.00")
    assert f.cap == CAP
    owed = Entry.objects.get(kind=EntryKind.CONTRIBUTION_OWED)
    assert owed.amount == FUND_CONTRIBUTION
    assert owed.booked_on == fw.policy.issued_on
    assert owed.debit.organisation_id == fw.lead.org.pk  # the lead insurer owes it
    booked = AuditEvent.objects.get(action="fund.book_contribution_due")
    issue = AuditEvent.objects.get(action="underwriting.issue")
    assert booked.actor_id == issue.actor_id == fw.developer.user.pk
    assert services.book_contributions_due() == 0
    assert Entry.objects.filter(kind=EntryKind.CONTRIBUTION_OWED).count() == 1
    assert AuditEvent.objects.filter(action="fund.book_contribution_due").count() == 1


def test_r_f1_receipt_moves_the_insurers_debt_into_the_project_sub_account(fw):
    receive(fw, "60000.00")
    f = figures(fw)
    assert (f.contributed, f.received, f.balance) == (
        FUND_CONTRIBUTION,
        Decimal("60000.00"),
        Decimal("60000.00"),
    )
    receive(fw, "1728.39")
    assert figures(fw).received == FUND_CONTRIBUTION
    assert_ledger_consistent()


def test_r_f1_receiving_more_than_owed_is_refused_and_nothing_changes(fw):
    services.book_contributions_due()
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        receive(fw, "61728.40")
    assert (refused.value.rule, refused.value.field, refused.value.code) == (
        "R-F1",
        "amount",
        "over_outstanding",
    )


def test_r_f1_an_insurer_that_owes_nothing_is_refused(fw):
    services.book_contributions_due()
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        receive(fw, "1.00", insurer=fw.f1.org)
    assert (refused.value.rule, refused.value.field) == ("R-F1", "insurer")


def test_r_f1_coinsured_policy_contribution_is_owed_by_the_lead_alone(fw):
    policy = other_insured_project(fw, shares=coinsured)
    project = policy.permit.project
    services.book_contributions_due()
    assert figures(fw, project).contributed == policy.fund_contribution
    receivables = Account.objects.filter(kind=AccountKind.CONTRIBUTION_RECEIVABLE, project=project)
    assert [a.organisation_id for a in receivables] == [fw.lead.org.pk]


def test_r_f1_a_new_contract_price_books_the_difference(fw):
    services.book_contributions_due()
    fw.policy.refresh_from_db()
    # Underwriting changes the due when the contract price changes (R-F1 follows the price).
    due = fw.policy.fund_contribution_due
    due.amount = Decimal("50000.00")
    due.save()
    assert services.book_contributions_due() == 1
    assert figures(fw).contributed == Decimal("50000.00")
    assert figures(fw).cap == Decimal("150000.00")
    assert_ledger_consistent()


def test_r_f6_only_fund_staff_record_movements(fw):
    services.book_contributions_due()
    for party in (fw.gi_clerk, fw.lead, fw.developer, fw.reg_city, fw.owner):
        with nothing_written(), pytest.raises(Forbidden):
            services.record_contribution_received(
                actor=party.actor,
                project=fw.project,
                insurer=fw.lead.org,
                amount=Decimal("1.00"),
                received_on=date(2025, 3, 3),
            )


@pytest.mark.parametrize("amount", ["0", "-1.00", "1.001", "NaN"])
def test_r_f6_bad_amounts_are_refused_naming_the_field(fw, amount):
    services.book_contributions_due()
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        receive(fw, amount)
    assert refused.value.field == "amount"


def test_future_receipt_date_is_refused(fw):
    services.book_contributions_due()
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        receive(fw, "1.00", on=date(2025, 3, 4))
    assert refused.value.field == "received_on"


def test_r_f6_reversal_corrects_a_receipt_once(fw):
    entry = receive(fw, "1000.00")
    reversal = services.reverse_entry(actor=fw.gi.actor, entry=entry, reason="重复登记")
    assert (reversal.debit_id, reversal.credit_id) == (entry.credit_id, entry.debit_id)
    assert reversal.reverses_id == entry.pk
    assert figures(fw).received == Decimal("0.00")
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.reverse_entry(actor=fw.gi.actor, entry=entry, reason="again")
    assert refused.value.code == "already_reversed"
    assert_ledger_consistent()


def test_r_f6_a_reversal_that_would_overdraw_is_refused(fw):
    entry = receive(fw, FUND_CONTRIBUTION)
    withdraw(fw, "60000.00")
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.reverse_entry(actor=fw.gi.actor, entry=entry, reason="错账")
    assert (refused.value.rule, refused.value.code) == ("R-F6", "insufficient_balance")


def test_r_f6_entries_are_never_edited(fw):
    entry = receive(fw, "1.00")
    with pytest.raises(Exception, match="never edited"), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(amount=Decimal("2.00"))
    entry.refresh_from_db()
    assert entry.amount == Decimal("1.00")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps DELETE for flushes")
def test_r_f6_entries_are_never_deleted_on_postgresql(fw):
    entry = receive(fw, "1.00")
    with pytest.raises(Exception, match="never edited or deleted"), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).delete()


def test_r_f6_the_database_refuses_an_unbalanced_or_negative_posting(fw):
    entry = receive(fw, "1.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            kind="transfer",
            debit=entry.debit,
            credit=entry.debit,
            amount=Decimal("1.00"),
            booked_on=date(2025, 3, 3),
            posted_at=entry.posted_at,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=entry.debit_id).update(balance=Decimal("-0.01"))


def test_transfer_through_the_general_sub_account_lets_a_project_reach_its_cap(fw):
    """R-F4 allows 3 × the contribution; the project's own money is 1 ×: the institution pools
    the fund (G 5.2) by transfers, and no sub-account ever goes below zero (R-F6)."""
    receive(fw)
    other = other_insured_project(fw)
    receive(fw, other.fund_contribution, project=other.permit.project)
    services.transfer(
        actor=fw.gi.actor,
        source=other.permit.project,
        target=None,
        amount=Decimal("50000.00"),
        booked_on=date(2025, 3, 3),
        reason="统筹使用",
    )
    services.transfer(
        actor=fw.gi.actor,
        source=None,
        target=fw.project,
        amount=Decimal("50000.00"),
        booked_on=date(2025, 3, 3),
        reason="江南花园先行维修",
    )
    withdraw(fw, "100000.00")
    f = figures(fw)
    assert f.withdrawn == Decimal("100000.00")
    assert f.balance == FUND_CONTRIBUTION + Decimal("50000.00") - Decimal("100000.00")
    assert f.cap_remaining == CAP - Decimal("100000.00")
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.transfer(
            actor=fw.gi.actor,
            source=None,
            target=fw.project,
            amount=Decimal("0.01"),
            booked_on=date(2025, 3, 3),
            reason="再调",
        )
    assert refused.value.code == "insufficient_balance"
    assert_ledger_consistent()


def test_r_f4_withdrawals_stop_at_three_times_the_contribution(fw):
    receive(fw)
    withdraw(fw, "60000.00")
    services.record_replenishment(
        actor=fw.gi.actor,
        project=fw.project,
        amount=Decimal("60000.00"),
        received_on=date(2025, 3, 3),
    )
    withdraw(fw, "60000.00")
    services.record_replenishment(
        actor=fw.gi.actor,
        project=fw.project,
        amount=Decimal("60000.00"),
        received_on=date(2025, 3, 3),
    )
    withdraw(fw, "60000.00")
    services.record_replenishment(
        actor=fw.gi.actor,
        project=fw.project,
        amount=Decimal("60000.00"),
        received_on=date(2025, 3, 3),
    )
    f = figures(fw)
    assert f.cap_remaining == CAP - Decimal("180000.00") == Decimal("5185.17")
    assert f.balance > Decimal("5185.18")
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        withdraw(fw, "5185.18")
    assert (refused.value.rule, refused.value.code) == ("R-F4", "over_cap")
    withdraw(fw, "5185.17")
    assert figures(fw).cap_remaining == Decimal("0.00")
    assert_ledger_consistent()


def test_r_f1_r_f3_bank_statement_is_all_or_nothing(fw):
    line = services.StatementLine(
        kind="contribution",
        project_id=fw.project.pk,
        insurer_id=fw.lead.org.pk,
        amount=Decimal("30000.00"),
        received_on=date(2025, 3, 3),
        reference="S-1",
    )
    assert services.record_bank_statement(actor=fw.gi.actor, lines=[line, line]) == 2
    assert figures(fw).received == Decimal("60000.00")
    # The third 30,000 would be more than the insurer still owes (1,728.39): nothing is posted.
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.record_bank_statement(actor=fw.gi.actor, lines=[line])
    assert (refused.value.rule, refused.value.code) == ("R-F1", "over_outstanding")
    assert refused.value.field == "lines.1.amount"
    assert_ledger_consistent()


def _statement_line(project, insurer, amount, reference=""):
    return services.StatementLine(
        kind="contribution",
        project_id=project.pk,
        insurer_id=insurer.pk,
        amount=Decimal(amount),
        received_on=date(2025, 3, 3),
        reference=reference,
    )


def test_r_f6_a_statement_over_two_projects_keeps_every_balance_equal_to_its_entries(fw):
    other = other_insured_project(fw)
    mine, theirs = fw.project, other.permit.project
    # Escapes of the COPY text format in a reference travel unchanged.
    lines = [
        _statement_line(mine, fw.lead.org, "0.01", "tab\there\\new\nline"),
        _statement_line(theirs, fw.lead.org, "2.50"),
        *[_statement_line(mine, fw.lead.org, "100.00", f"B{n}") for n in range(1, 51)],
        _statement_line(theirs, fw.lead.org, "0.50"),
    ]
    assert services.record_bank_statement(actor=fw.gi.actor, lines=lines) == 53
    assert figures(fw).received == Decimal("5000.01")
    other_figures = selectors.figures_of([theirs.pk])[theirs.pk]
    assert (other_figures.received, other_figures.balance) == (Decimal("3.00"), Decimal("3.00"))
    entries = Entry.objects.filter(kind=EntryKind.CONTRIBUTION_RECEIVED).order_by("id")
    assert [e.reference for e in entries[:3]] == ["tab\there\\new\nline", "", "B1"]
    assert entries.first().posted_by_id == fw.gi.user.pk
    # One audit event names the whole statement: its entries, first and last, and its total.
    event = AuditEvent.objects.get(action="fund.record_bank_statement")
    ids = list(entries.values_list("id", flat=True))
    assert event.after == {"entries": 53, "first": ids[0], "last": ids[-1], "total": "5003.01"}
    assert_ledger_consistent()


def test_r_f6_an_overdraw_inside_a_statement_refuses_the_whole_statement(fw):
    other = other_insured_project(fw)
    lines = [
        _statement_line(other.permit.project, fw.lead.org, "1.00"),
        _statement_line(fw.project, fw.lead.org, "60000.00"),
        _statement_line(fw.project, fw.lead.org, "1728.39"),
        # One fen more than the lead owes for the project once the lines above are counted.
        _statement_line(fw.project, fw.lead.org, "0.01"),
        _statement_line(other.permit.project, fw.lead.org, "1.00"),
    ]
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.record_bank_statement(actor=fw.gi.actor, lines=lines)
    assert (refused.value.rule, refused.value.field, refused.value.code) == (
        "R-F1",
        "lines.4.amount",
        "over_outstanding",
    )
    assert not Entry.objects.filter(kind=EntryKind.CONTRIBUTION_RECEIVED).exists()
    assert services.record_bank_statement(actor=fw.gi.actor, lines=lines[:3]) == 3
    assert figures(fw).received == FUND_CONTRIBUTION
    assert_ledger_consistent()


def test_a_statement_line_of_unknown_kind_is_refused_naming_it(fw):
    line = _statement_line(fw.project, fw.lead.org, "1.00")._replace(kind="refund")
    with nothing_written(), pytest.raises(RuleViolation) as refused:
        services.record_bank_statement(
            actor=fw.gi.actor, lines=[_statement_line(fw.project, fw.lead.org, "1.00"), line]
        )
    assert (refused.value.field, refused.value.code) == ("lines.2.kind", "invalid")


@pytest.mark.django_db(transaction=True)
def test_r_f3_the_developer_records_a_deposit_deduction_in_its_own_transaction(fw):
    # Called as the service it is, outside any request: it locks the case and audits itself.
    receive(fw)
    case = withdraw(fw, "1000.00")
    case = services.record_deposit_deduction(
        actor=fw.developer.actor,
        case=case,
        contractor_id=fw.contractor.org.pk,
        amount=Decimal("1000.00"),
    )
    assert case.quality_deposit_deduction == Decimal("1000.00")
    assert AuditEvent.objects.filter(action="fund.record_deposit_deduction").count() == 1
