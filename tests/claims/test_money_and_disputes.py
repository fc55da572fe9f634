"""Money (R-K9, R-U10, R-K8) and disputes with appraisal (R-K7)."""

from datetime import date
from decimal import Decimal

import pytest
from claims_helpers import at, build_claims_world, deadline_of, file, nothing_written

from idi.claims import selectors, services
from idi.claims.models import Claim, ClaimPaymentShare, Dispute
from idi.core.errors import Forbidden, RuleViolation
from idi.underwriting.models import Policy


def _agreed_payment(w, amount, **changes):
    with at(2025, 9, 26):
        claim = file(w, **changes)
        services.determine(actor=w.handler.actor, claim=claim, outcome="covered", reasons="")
        services.agree(actor=w.handler.actor, claim=claim, remedy="payment", amount=amount)
    return Claim.objects.get(pk=claim.pk)


def test_r_u10_payment_split_by_share_to_the_fen_with_the_remainder_on_the_lead(db):
    """R-U10: 100.01 over 50/30/20: followers 30.00 (30.003) and 20.00 (20.002), the lead the
    remainder 50.01, summing exactly to the whole."""
    w = build_claims_world(coinsurance=True)
    claim = _agreed_payment(w, Decimal("100.01"))
    with at(2025, 9, 28):
        services.record_payment(actor=w.handler.actor, claim=claim, amount=Decimal("100.01"))
    parts = {p.insurer_id: p.amount for p in ClaimPaymentShare.objects.filter(payment__claim=claim)}
    assert parts == {
        w.lead.org.pk: Decimal("50.01"),
        w.f1.org.pk: Decimal("30.00"),
        w.f2.org.pk: Decimal("20.00"),
    }
    claim.refresh_from_db()
    assert claim.status == "closed"
    assert deadline_of(claim, "claim_performance").met_on == date(2025, 9, 28)


def test_r_k9_payment_never_exceeds_the_remaining_sum_insured(cw):
    Policy.objects.filter(pk=cw.policy.pk).update(sum_insured=Decimal("1000.00"))
    first = _agreed_payment(cw, Decimal("700.00"))
    with at(2025, 9, 28):
        services.record_payment(actor=cw.handler.actor, claim=first, amount=Decimal("700.00"))
    assert selectors.remaining_sum_insured(Policy.objects.get(pk=cw.policy.pk)) == Decimal("300.00")
    with at(2025, 9, 29):
        second = file(cw, place="kitchen")
        services.determine(actor=cw.handler.actor, claim=second, outcome="covered", reasons="")
    with at(2025, 9, 29), nothing_written(), pytest.raises(RuleViolation) as exc:
        services.agree(
            actor=cw.handler.actor, claim=second, remedy="payment", amount=Decimal("300.01")
        )
    assert (exc.value.rule, exc.value.field, exc.value.code) == (
        "R-K9",
        "amount",
        "exceeds_sum_insured",
    )
    assert "300.00" in exc.value.message


def test_r_k9_partial_payments_and_no_more_than_agreed(cw):
    claim = _agreed_payment(cw, Decimal("500.00"))
    with at(2025, 9, 28):
        services.record_payment(actor=cw.handler.actor, claim=claim, amount=Decimal("200.00"))
        with nothing_written(), pytest.raises(RuleViolation) as exc:
            services.record_payment(actor=cw.handler.actor, claim=claim, amount=Decimal("300.01"))
        assert exc.value.code == "exceeds_agreed"
        services.record_payment(actor=cw.handler.actor, claim=claim, amount=Decimal("300.00"))
    assert Claim.objects.get(pk=claim.pk).status == "closed"


def test_r_k8_recovery_only_after_paying_and_never_more_than_paid(cw):
    claim = _agreed_payment(cw, Decimal("500.00"))
    with at(2025, 9, 28):
        with nothing_written(), pytest.raises(RuleViolation) as exc:
            services.record_recovery(
                actor=cw.handler.actor,
                claim=claim,
                from_org_id=cw.contractor.org.pk,
                amount=Decimal("100"),
            )
        assert (exc.value.rule, exc.value.code) == ("R-K8", "not_performed")
        services.record_payment(actor=cw.handler.actor, claim=claim, amount=Decimal("500.00"))
        services.record_recovery(
            actor=cw.handler.actor,
            claim=claim,
            from_org_id=cw.contractor.org.pk,
            amount=Decimal("400.00"),
        )
        with nothing_written(), pytest.raises(RuleViolation) as exc:
            services.record_recovery(
                actor=cw.handler.actor,
                claim=claim,
                from_org_id=cw.contractor.org.pk,
                amount=Decimal("100.01"),
            )
        assert exc.value.code == "exceeds_paid"
    assert claim.recoveries.get().amount == Decimal("400.00")


def _refused(w):
    with at(2025, 9, 26):
        claim = file(w)
        services.determine(
            actor=w.handler.actor, claim=claim, outcome="not_covered", reasons="人为损坏"
        )
        services.issue_refusal_notice(actor=w.handler.actor, claim=claim, reasons="人为损坏")
    return Claim.objects.get(pk=claim.pk)


def test_r_k7_covered_finding_insurer_pays_fee_and_confirms_in_writing_within_10_days(cw):
    """R-K7: found covered on 2026-09-17: the insurer pays the fee; confirmation due +10 =
    2026-09-27, a Mid-Autumn holiday (09-25..27), so Monday 2026-09-28."""
    claim = _refused(cw)
    with at(2025, 10, 9):
        services.open_dispute(
            actor=cw.owner.actor, claim=claim, about="determination", reason="非人为"
        )
    with at(2026, 9, 17):
        services.record_appraisal(
            actor=cw.appraiser.actor,
            claim=claim,
            appraiser_id=cw.appraiser.org.pk,
            finding="covered",
            fee=Decimal("3000.00"),
        )
    dispute = Dispute.objects.get(claim=claim)
    assert (dispute.fee_payer, dispute.fee) == ("insurer", Decimal("3000.00"))
    d = deadline_of(claim, "appraisal_confirmation")
    assert (d.due, d.moved_from) == (date(2026, 9, 28), date(2026, 9, 27))
    with at(2026, 9, 28):
        services.confirm_in_writing(actor=cw.handler.actor, claim=claim)
    claim.refresh_from_db()
    assert (claim.status, claim.outcome) == ("covered", "covered")
    assert deadline_of(claim, "appraisal_confirmation").met_on == date(2026, 9, 28)


def test_r_k7_not_covered_finding_owner_pays_fee(cw):
    claim = _refused(cw)
    with at(2025, 10, 9):
        services.open_dispute(
            actor=cw.owner.actor, claim=claim, about="determination", reason="非人为"
        )
        services.record_appraisal(
            actor=cw.handler.actor,
            claim=claim,
            appraiser_id=cw.appraiser.org.pk,
            finding="not_covered",
            fee=Decimal("2000"),
        )
    assert Dispute.objects.get(claim=claim).fee_payer == "owner"
    assert Claim.objects.get(pk=claim.pk).status == "refused"


def test_r_k7_appraiser_must_be_an_appraisal_organisation_and_only_owner_disputes(cw):
    claim = _refused(cw)
    with at(2025, 10, 9):
        with nothing_written(), pytest.raises(Forbidden):
            services.open_dispute(
                actor=cw.developer.actor, claim=claim, about="determination", reason="x"
            )
        with nothing_written(), pytest.raises(RuleViolation) as exc:
            services.open_dispute(actor=cw.owner.actor, claim=claim, about="repair", reason="x")
        assert (exc.value.rule, exc.value.field) == ("R-K7", "about")
        services.open_dispute(actor=cw.owner.actor, claim=claim, about="determination", reason="x")
        with nothing_written(), pytest.raises(RuleViolation) as exc:
            services.record_appraisal(
                actor=cw.handler.actor,
                claim=claim,
                appraiser_id=cw.contractor.org.pk,
                finding="covered",
                fee=Decimal("1"),
            )
        assert (exc.value.rule, exc.value.field) == ("R-K7", "appraiser")


def test_r_k7_repair_dispute_found_covered_goes_back_to_repair(cw):
    with at(2025, 9, 26):
        claim = file(cw)
        services.determine(actor=cw.handler.actor, claim=claim, outcome="covered", reasons="")
        services.agree(actor=cw.handler.actor, claim=claim, remedy="repair")
        services.complete_repair(actor=cw.handler.actor, claim=claim)
        services.open_dispute(actor=cw.owner.actor, claim=claim, about="repair", reason="仍渗水")
        services.record_appraisal(
            actor=cw.handler.actor,
            claim=claim,
            appraiser_id=cw.appraiser.org.pk,
            finding="covered",
            fee=Decimal("500"),
        )
        services.confirm_in_writing(actor=cw.handler.actor, claim=claim)
    assert Claim.objects.get(pk=claim.pk).status == "repairing"
