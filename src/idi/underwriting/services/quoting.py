"""The quote as Art. 9 has it: the developer asks the lead insurer; the insurer answers with
the rate (never below the floor, R-U5), the risk-management fee (R-U7) and the risk factors it
weighed; the developer accepts the quote or asks again. Only an accepted quote is issued."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from idi.core import audit, clock
from idi.core.limits import MAX_MONEY, check_length, check_range
from idi.core.permissions import Actor
from idi.underwriting import selectors
from idi.underwriting.codes import Code
from idi.underwriting.models import Policy, PolicyState, Quote, QuoteState
from idi.underwriting.services import guards
from idi.underwriting.services._common import (
    _lock_planning_permit,
    _locked,
    _money,
    _refuse,
    _require_developer,
    _require_state,
    _snapshot,
    _transition,
    move_quote,
)
from idi.underwriting.services.drafting import _check_terms, _require_terms, check_fee, check_rate
from idi.underwriting.services.shares import _check_same_lead, _lead_of, _require_valid_shares

# Art. 9's factors, in the order the article names them: (field, Chinese, English).
FACTORS = (
    ("engineering_risk", "工程风险与复杂程度", "engineering risk and complexity"),
    ("participants_quality", "参建单位资质与诚信", "participants' qualifications and integrity"),
    ("risk_management_needs", "风险管理需求", "risk-management needs"),
    ("claims_history", "历史理赔情况", "claims history"),
)


@dataclass(frozen=True)
class QuoteInput:
    """The lead insurer's answer: a rate (a fraction, 0.015 = 1.5%), the risk-management fee
    and how it weighed each factor of Art. 9."""

    rate: Decimal
    risk_management_fee: Decimal
    engineering_risk: str
    participants_quality: str
    risk_management_needs: str
    claims_history: str


def _open_quote(policy: Policy, state: str) -> Quote | None:
    return Quote.objects.select_for_update().filter(policy=policy, state=state).first()


@transaction.atomic
def request_quote(*, actor: Actor, policy: Policy, note: str = "") -> Quote:
    """Draft (or quoted, to ask again) → quote requested: the developer asks the lead insurer
    for a quote on the terms and shares as they are now (R-U2, R-U3, R-U4)."""
    _lock_planning_permit(policy)
    policy = _locked(policy)
    _require_developer(actor, policy, zh="询价", en="ask for a quote")
    _require_state(
        policy, (PolicyState.DRAFT, PolicyState.QUOTED), zh="询价", en="be sent for a quote"
    )
    before = _snapshot(policy)
    terms = _require_terms(policy)
    checked = _check_terms(selectors.pack_of(policy), policy.permit, terms)
    shares = _require_valid_shares(policy)
    lead_id = _lead_of(shares)
    _check_same_lead(policy, lead_id)
    answered = _open_quote(policy, QuoteState.ANSWERED)
    if answered is not None:
        move_quote(actor, answered, QuoteState.SUPERSEDED)
    action = _transition(policy, PolicyState.QUOTE_REQUESTED)
    policy.housing_type = checked.housing_type
    policy.rate = policy.premium = policy.risk_management_fee = policy.fund_contribution = None
    policy.quoted_at = None
    # R-U6 warnings on the lead asked, as they stand when it is asked.
    policy.quote_warnings = [
        {"rule": w.rule, "code": w.code, "message": w.message_zh, "message_en": w.message_en}
        for w in selectors.lead_warnings(policy)
    ]
    policy.save()
    quote = Quote.objects.create(
        policy=policy,
        insurer_id=lead_id,
        request_note=note.strip(),
        requested_by_id=actor.user_id,
        requested_at=clock.now(),
    )
    audit.record(
        actor=actor,
        action=action,
        obj=policy,
        before=before,
        after={
            **_snapshot(policy),
            "quote": quote.pk,
            "insurer": lead_id,
            "note": quote.request_note,
        },
    )
    return quote


@transaction.atomic
def give_quote(*, actor: Actor, policy: Policy, answer: QuoteInput) -> Quote:
    """Quote requested → quoted: the lead insurer's rate, never below the floor (R-U5), its
    risk-management fee (R-U7) and the factors it weighed (Art. 9)."""
    policy = _locked(policy)
    guards.may_give_quote(actor, policy)
    _require_state(policy, (PolicyState.QUOTE_REQUESTED,), zh="报价", en="be quoted")
    for name, zh, en in FACTORS:
        if not getattr(answer, name).strip():
            raise _refuse(
                Code.REQUIRED,
                None,
                name,
                f"请说明对“{zh}”的考虑：报价须写明所考虑的风险因素",
                f"say how you weighed the {en}: a quote states the risk factors it considered",
            )
    check_range("risk_management_fee", answer.risk_management_fee, high=MAX_MONEY)
    for name, _zh, _en in FACTORS:
        check_length(Quote, name, getattr(answer, name))
    pack = selectors.pack_of(policy)
    premium, fund = check_rate(pack, policy.contract_price, policy.housing_type, answer.rate)
    check_fee(pack, premium, answer.risk_management_fee)
    quote = _open_quote(policy, QuoteState.REQUESTED)
    before = _snapshot(policy)
    action = _transition(policy, PolicyState.QUOTED)
    now = clock.now()
    policy.rate = answer.rate
    policy.premium = premium
    policy.fund_contribution = fund
    policy.risk_management_fee = answer.risk_management_fee
    policy.quoted_at = now
    policy.save()
    quote.rate = answer.rate
    quote.premium = premium
    quote.risk_management_fee = answer.risk_management_fee
    for name, _zh, _en in FACTORS:
        setattr(quote, name, getattr(answer, name).strip())
    quote.quoted_by_id = actor.user_id
    quote.quoted_at = now
    quote.save()
    move_quote(actor, quote, QuoteState.ANSWERED)
    audit.record(
        actor=actor,
        action=action,
        obj=policy,
        before=before,
        after={
            **_snapshot(policy),
            "quote": quote.pk,
            "factors": {name: getattr(quote, name) for name, _zh, _en in FACTORS},
        },
    )
    return quote


@transaction.atomic
def accept_quote(*, actor: Actor, policy: Policy) -> Quote:
    """Quoted → accepted: the developer agrees the rate; the policy can now be paid for and
    issued (Art. 9, R-U3)."""
    policy = _locked(policy)
    _require_developer(actor, policy, zh="接受报价", en="accept the quote")
    _require_state(policy, (PolicyState.QUOTED,), zh="接受报价", en="accept a quote")
    quote = _open_quote(policy, QuoteState.ANSWERED)
    before = _snapshot(policy)
    action = _transition(policy, PolicyState.ACCEPTED)
    policy.save(update_fields=["state"])
    quote.decided_by_id = actor.user_id
    quote.decided_at = clock.now()
    quote.save(update_fields=["decided_by", "decided_at"])
    move_quote(actor, quote, QuoteState.ACCEPTED)
    audit.record(
        actor=actor,
        action=action,
        obj=policy,
        before=before,
        after={**_snapshot(policy), "quote": quote.pk, "premium": _money(quote.premium)},
    )
    return quote
