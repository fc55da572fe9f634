"""Helpers every family of claims actions shares: the transition table, refusals, snapshots
for the audit trail, the claim's row lock, its clocks, and `move` (the one way a status changes).
Registered tracks (`claims.tracks`) use `move`, `start_clock`, `meet_clock` and `stop_clock` from
their own services, inside their transaction, with the claim locked."""

from datetime import date
from decimal import Decimal

from django.db.models import Min

from idi.claims import selectors, tracks
from idi.claims.codes import Code
from idi.claims.models import FINAL_STATUSES, Claim, ClaimEvent, ClaimStatus
from idi.core import audit, clock
from idi.core.errors import Forbidden, RuleViolation
from idi.core.formats import in_language
from idi.core.permissions import Actor
from idi.core.rulebook import get_rulebook
from idi.notifications import services as deadlines
from idi.notifications.models import OPEN, Deadline
from idi.projects.models import Sale
from idi.rules import RulePack, fen
from idi.underwriting.selectors import pack_of

S = ClaimStatus
# The one table of allowed status changes: (from, to) -> the action that makes it. Registered
# tracks add their own rows (tracks.Track.transitions); `transitions()` is the whole table.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.RECEIVED, S.COMPLEX): "complex",
    (S.RECEIVED, S.COVERED): "determine",
    (S.RECEIVED, S.PARTLY_COVERED): "determine",
    (S.RECEIVED, S.NOT_COVERED): "determine",
    (S.COMPLEX, S.COVERED): "determine",
    (S.COMPLEX, S.PARTLY_COVERED): "determine",
    (S.COMPLEX, S.NOT_COVERED): "determine",
    (S.NOT_COVERED, S.REFUSED): "refusal-notice",
    (S.COVERED, S.REPAIRING): "agree",
    (S.COVERED, S.PAYING): "agree",
    (S.PARTLY_COVERED, S.REPAIRING): "agree",
    (S.PARTLY_COVERED, S.PAYING): "agree",
    (S.REPAIRING, S.DONE): "repair-done",
    (S.REJECTED, S.DONE): "repair-done",
    (S.PAYING, S.CLOSED): "payment",
    (S.DONE, S.CLOSED): "owner-decision",
    (S.DONE, S.REJECTED): "owner-decision",
    (S.REFUSED, S.DISPUTED): "dispute",
    (S.PARTLY_COVERED, S.DISPUTED): "dispute",
    (S.DONE, S.DISPUTED): "dispute",
    (S.REJECTED, S.DISPUTED): "dispute",
    (S.DISPUTED, S.CONFIRMING): "appraisal",
    (S.DISPUTED, S.REFUSED): "appraisal",
    (S.DISPUTED, S.CLOSED): "appraisal",
    (S.CONFIRMING, S.COVERED): "written-confirmation",
    (S.CONFIRMING, S.REPAIRING): "written-confirmation",
}


def transitions() -> dict[tuple[str, str], str]:
    table = dict(TRANSITIONS)
    for track in tracks.tracks():
        table.update(track.transitions)
    return table


def _refuse(rule: str | None, field: str | None, zh: str, en: str, code: str = Code.INVALID):
    return RuleViolation(rule=rule, field=field, message=zh, message_en=en, code=code)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _snapshot(claim: Claim) -> dict:
    return {
        "status": claim.status,
        "coverage": claim.coverage_status,
        "routed": claim.routed_role,
        "routed_org": claim.routed_org_id,
        "outcome": claim.outcome,
        "determined_amount": _money(claim.determined_amount),
        "remedy": claim.remedy,
        "agreed_amount": _money(claim.agreed_amount),
        "rating": claim.rating,
        "closed_on": claim.closed_on.isoformat() if claim.closed_on else None,
    }


def _locked(claim: Claim) -> Claim:
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("unit__building__permit", "unit__project", "policy")
        .get(pk=claim.pk)
    )


def _pack(claim: Claim) -> RulePack:
    return pack_of(claim.policy) if claim.policy else get_rulebook().pack()


def _status_label(status: str, language: str = "zh-hans") -> str:
    for track in tracks.tracks():
        if status in track.statuses:
            zh, en = track.statuses[status]
            return en if language == "en" else zh
    if status not in ClaimStatus.values:
        return status
    return in_language(ClaimStatus(status).label, language)


def _committed_days(claim: Claim, kind: str) -> int | None:
    """R-U13: the insurer's committed time for this clock, when the policy has one."""
    standard = getattr(claim.policy, "claims_standard", None) if claim.policy else None
    if standard is None:
        return None
    return {
        "claim_determination": standard.days_to_determine,
        "claim_performance": standard.days_to_repair,
    }.get(kind)


def _refresh_next_due(claim: Claim) -> None:
    """The earliest open duty of the claim; an opening (Track.openings) is no duty."""
    claim.next_due = (
        Deadline.objects.filter(OPEN, owner_type=selectors.OWNER_LABEL, owner_id=claim.pk)
        .exclude(kind__in=tracks.opening_kinds())
        .aggregate(m=Min("due"))["m"]
    )


def refresh_next_due(claim_ids: list[int]) -> None:
    """After the R-T5 recompute moved some of these claims' due dates."""
    for claim in Claim.objects.filter(pk__in=claim_ids):
        _refresh_next_due(claim)
        claim.save(update_fields=["next_due"])


def start_clock(*, actor: Actor, claim: Claim, kind: str, from_date: date) -> Deadline:
    """Start a clock of the claim (for tracks too); the stricter policy time applies (R-U13)."""
    d = deadlines.start_deadline(
        actor=actor,
        owner=claim,
        kind=kind,
        pack_id=_pack(claim).id,
        from_date=from_date,
        committed_days=_committed_days(claim, kind),
    )
    _refresh_next_due(claim)
    return d


def meet_clock(*, actor: Actor, claim: Claim, kind: str) -> Deadline | None:
    d = deadlines.meet_deadline(actor=actor, owner=claim, kind=kind, on=clock.today())
    _refresh_next_due(claim)
    return d


def stop_clock(*, actor: Actor, claim: Claim, kind: str) -> Deadline | None:
    d = deadlines.cancel_deadline(actor=actor, owner=claim, kind=kind, on=clock.today())
    _refresh_next_due(claim)
    return d


def _tell_owner(actor: Actor, claim: Claim, zh: str, en: str) -> None:
    """The owner hears of each result in its inbox (R-K2: the owner is told the result)."""
    buyers = Sale.buyers.through.objects.filter(sale__unit_id=claim.unit_id).values_list(
        "user_id", flat=True
    )
    deadlines.notify(
        actor=actor,
        recipients=list(buyers),
        subject=f"{claim.number}：{zh}",
        subject_en=f"{claim.number}: {en}",
        body=claim.reasons or claim.refusal_reasons,
        link=f"/claims/{claim.pk}/",
    )


def _timeline(claim: Claim, actor: Actor, action: str, note: str = "") -> None:
    ClaimEvent.objects.create(
        claim=claim,
        at=clock.now(),
        action=action,
        actor_label=actor.label,
        status=claim.status,
        note=note,
    )


def move(*, actor: Actor, claim: Claim, to: str, action: str, note: str = "") -> None:
    """The one way a claim's status changes: checked against the transition table. Tracks call
    it from their own services, inside their transaction, with the claim locked."""
    if transitions().get((claim.status, to)) != action:
        raise _refuse(
            None,
            "status",
            f"案件当前状态为“{_status_label(claim.status)}”，不能办理此项，请刷新页面查看案件进展",
            f"the claim is at “{_status_label(claim.status, 'en')}” and cannot take this step; "
            "reload the page to see where it stands",
            Code.INVALID_STATE,
        )
    claim.status = to
    if to in FINAL_STATUSES:
        claim.is_open = False
        claim.closed_on = clock.today()
        for d in Deadline.objects.filter(OPEN, owner_type=selectors.OWNER_LABEL, owner_id=claim.pk):
            stop_clock(actor=actor, claim=claim, kind=d.kind)
    _timeline(claim, actor, action, note)


def _finish(actor: Actor, claim: Claim, action: str, before: dict, extra: dict | None = None):
    claim.save()
    audit.record(
        actor=actor,
        action=action,
        obj=claim,
        before=before,
        after={**_snapshot(claim), **(extra or {})},
    )
    return claim


def _require_handler(actor: Actor, claim: Claim, what_zh: str, what_en: str) -> None:
    if not selectors.is_handler(actor, claim):
        raise Forbidden(
            f"仅承办本案的理赔人员可{what_zh}", f"only the claim's handlers may {what_en}"
        )


def _require_owner(actor: Actor, claim: Claim, what_zh: str, what_en: str) -> None:
    if not selectors.is_owner_of_unit(actor, claim.unit_id):
        raise Forbidden(f"仅业主本人可{what_zh}", f"only the owner may {what_en}")


def _require_status(claim: Claim, action: str) -> None:
    """Refuse early (before other checks) when the action has no row from the current status."""
    if not any(src == claim.status and act == action for (src, _), act in transitions().items()):
        raise _refuse(
            None,
            "status",
            f"案件当前状态为“{_status_label(claim.status)}”，不能办理此项，请刷新页面查看案件进展",
            f"the claim is at “{_status_label(claim.status, 'en')}” and cannot take this step; "
            "reload the page to see where it stands",
            Code.INVALID_STATE,
        )


def _text(value: str, field: str, rule: str | None, zh: str, en: str) -> str:
    value = (value or "").strip()
    if not value:
        raise _refuse(rule, field, f"请填写{zh}", f"{en} is required", Code.REQUIRED)
    return value


def _amount(value, field: str, rule: str | None, *, positive: bool = True) -> Decimal:
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0 or (positive and amount == 0):
        raise _refuse(rule, field, f"金额无效：{value}", f"invalid amount: {value}")
    if amount != fen(amount):
        raise _refuse(rule, field, f"金额 {value} 应精确到分", f"amount {value} must be whole fen")
    return fen(amount)
