"""Helpers every family of underwriting actions shares: refusals, snapshots for the audit
trail, row locks (in the order written in `services/__init__.py`), state moves and who acts."""

from datetime import date
from decimal import Decimal

from idi.core import audit, clock, formats
from idi.core.errors import Forbidden, RuleViolation
from idi.core.formats import in_language
from idi.core.permissions import Actor
from idi.projects.models import ConstructionPermit, PlanningPermit
from idi.underwriting import selectors
from idi.underwriting.codes import AuditAction, Code
from idi.underwriting.models import Policy, PolicyState, Quote, QuoteState, ShareRole
from idi.underwriting.transitions import QUOTE_TRANSITIONS, QUOTING_STATES, TRANSITIONS


def _refuse(code: Code, rule: str | None, field: str | None, zh: str, en: str) -> RuleViolation:
    return RuleViolation(rule=rule, field=field, code=code, message=zh, message_en=en)


def _renamed(exc: RuleViolation, field: str) -> RuleViolation:
    """The engine's refusal, pointing at the platform's name of the field."""
    return RuleViolation(
        rule=exc.rule, field=field, code=exc.code, message=exc.message, message_en=exc.message_en
    )


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _snapshot(policy: Policy) -> dict:
    return {
        "state": policy.state,
        "pack": policy.pack_id,
        "housing_type": policy.housing_type,
        "contract_price": _money(policy.contract_price),
        "rate": _money(policy.rate),
        "premium": _money(policy.premium),
        "sum_insured": _money(policy.sum_insured),
        "risk_management_fee": _money(policy.risk_management_fee),
        "fund_contribution": _money(policy.fund_contribution),
        "issued_on": policy.issued_on.isoformat() if policy.issued_on else None,
    }


def _locked(policy: Policy) -> Policy:
    return (
        Policy.objects.select_for_update(of=("self",))
        .select_related("permit__project", "permit__planning_permit")
        .get(pk=policy.pk)
    )


def _lock_planning_permit(policy: Policy) -> None:
    """Serialises every decision about the lead insurer of one planning permit (R-U2)."""
    planning_permit_id = (
        ConstructionPermit.objects.filter(pk=policy.permit_id)
        .values_list("planning_permit_id", flat=True)
        .get()
    )
    PlanningPermit.objects.select_for_update().filter(pk=planning_permit_id).first()


def _transition(policy: Policy, to: str) -> AuditAction:
    """Check the move against TRANSITIONS, set it, and return the action."""
    action = TRANSITIONS.get((policy.state, to))
    if action is None:
        current = PolicyState(policy.state).label
        target = PolicyState(to).label
        raise _refuse(
            Code.INVALID_STATE,
            None,
            "state",
            f"保单当前状态为“{in_language(current, 'zh-hans')}”，"
            f"不能变为“{in_language(target, 'zh-hans')}”",
            f"the policy is “{in_language(current, 'en')}” and cannot become "
            f"“{in_language(target, 'en')}”",
        )
    policy.state = to
    return action


def _require_state(policy: Policy, states: tuple, *, zh: str, en: str) -> None:
    if policy.state not in states:
        current = PolicyState(policy.state).label
        raise _refuse(
            Code.INVALID_STATE,
            None,
            "state",
            f"保单当前状态为“{in_language(current, 'zh-hans')}”，不能{zh}",
            f"the policy is “{in_language(current, 'en')}” and cannot {en}",
        )


def _require_developer(actor: Actor, policy: Policy, *, zh: str, en: str) -> None:
    if not selectors.is_developer_of(actor, policy):
        raise Forbidden(f"仅本项目建设单位可{zh}", f"only the project's developer may {en}")


def _require_lead(actor: Actor, policy: Policy, *, zh: str, en: str) -> None:
    share = selectors.underwriting_share_of(actor, policy)
    if share is None or share.role != ShareRole.LEAD:
        raise Forbidden(
            f"仅主承保公司的承保人员可{zh}", f"only the lead insurer's underwriters may {en}"
        )


def _require_developer_or_lead(actor: Actor, policy: Policy, *, zh: str, en: str) -> None:
    if selectors.is_developer_of(actor, policy):
        return
    share = selectors.underwriting_share_of(actor, policy)
    if share is not None and share.role == ShareRole.LEAD:
        return
    raise Forbidden(
        f"仅建设单位或主承保公司的承保人员可{zh}",
        f"only the developer or the lead insurer's underwriters may {en}",
    )


def _not_future(day: date, field_name: str) -> None:
    if day > clock.today():
        raise _refuse(
            Code.IN_FUTURE,
            None,
            field_name,
            f"日期 {formats.day(day, 'zh-hans')} 晚于今天",
            f"the date {formats.day(day, 'en')} is in the future",
        )


def back_to_draft(actor: Actor, policy: Policy) -> None:
    """Changing what a quote is for withdraws the quote: the policy goes back to draft without
    a rate, and the developer asks again (Art. 9)."""
    if policy.state not in QUOTING_STATES:
        return
    _transition(policy, PolicyState.DRAFT)
    for quote in Quote.objects.select_for_update().filter(
        policy=policy, state__in=(QuoteState.REQUESTED, QuoteState.ANSWERED, QuoteState.ACCEPTED)
    ):
        move_quote(actor, quote, QuoteState.WITHDRAWN)
    policy.rate = policy.premium = policy.risk_management_fee = policy.fund_contribution = None
    policy.quoted_at = None


def move_quote(actor: Actor, quote: Quote, to: str) -> AuditAction:
    """The one way a quote changes state: through QUOTE_TRANSITIONS, audited."""
    action = QUOTE_TRANSITIONS.get((quote.state, to))
    if action is None:
        raise _refuse(
            Code.INVALID_STATE,
            None,
            "quote",
            f"报价当前为“{QuoteState(quote.state).label}”，不能变为“{QuoteState(to).label}”",
            f"the quote is {QuoteState(quote.state).label.lower()}; it cannot become "
            f"{QuoteState(to).label.lower()}",
        )
    before = quote.state
    quote.state = to
    quote.save(update_fields=["state"])
    audit.record(
        actor=actor,
        action=action,
        obj=quote,
        before={"state": before},
        after={"state": to},
    )
    return action
