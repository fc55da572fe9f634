"""Property test (R-F1, R-F3, R-F4, R-F6): over random sequences of contributions received,
fund repairs and replenishments, every balance equals the sum of its entries, none goes below
zero, fund repairs never exceed 3 × the contribution, and each refusal changes nothing."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from fund_helpers import CAP, assert_ledger_consistent, figures, receive, withdraw
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from uw_helpers import FUND_CONTRIBUTION

from idi.core.errors import RuleViolation
from idi.fund import services

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("90000"), places=2)
steps = st.lists(
    st.tuples(st.sampled_from(["receive", "withdraw", "replenish"]), amounts),
    min_size=1,
    max_size=12,
)


class Rollback(Exception):
    pass


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
def test_r_f6_r_f4_random_sequences_keep_the_ledger_whole(fw, sequence):
    try:
        with transaction.atomic():
            _run(fw, sequence)
            raise Rollback
    except Rollback:
        pass


def _run(fw, sequence):
    services.book_contributions_due()
    received = withdrawn = replenished = Decimal("0.00")
    for op, amount in sequence:
        balance = received - withdrawn + replenished
        due = withdrawn - replenished
        if op == "receive":
            allowed = received + amount <= FUND_CONTRIBUTION
        elif op == "withdraw":
            allowed = amount <= balance and withdrawn + amount <= CAP
        else:
            allowed = amount <= due
        try:
            with transaction.atomic():
                if op == "receive":
                    receive(fw, amount)
                elif op == "withdraw":
                    withdraw(fw, amount)
                else:
                    services.record_replenishment(
                        actor=fw.gi.actor,
                        project=fw.project,
                        amount=amount,
                        received_on=date(2025, 3, 3),
                    )
        except RuleViolation as refused:
            assert not allowed, (op, amount, refused)
            assert refused.field == "amount"
        else:
            assert allowed, (op, amount)
            if op == "receive":
                received += amount
            elif op == "withdraw":
                withdrawn += amount
            else:
                replenished += amount
        f = figures(fw)
        assert f.received == received
        assert f.withdrawn == withdrawn
        assert f.replenished == replenished
        assert f.replenishment_due == withdrawn - replenished  # R-F3: the developer's debt
        assert f.balance == received - withdrawn + replenished >= 0
        assert f.withdrawn <= f.cap == CAP
        assert_ledger_consistent()
