"""Every write of the claims app: one function per business action.

Each runs in one transaction, locks the claim, checks who acts (a claim the actor may not see
never reaches here: the selector answered 404), refuses with the rule that forbids the change,
moves the status only through TRANSITIONS (plus the rows registered tracks add), keeps the
claim's clocks in the notifications app and records one audit event per change (R-O3).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Min, Sum

from idi.claims import selectors, tracks
from idi.claims.codes import AuditAction, Code
from idi.claims.models import (
    FINAL_STATUSES,
    Claim,
    ClaimEvent,
    ClaimPayment,
    ClaimPaymentShare,
    ClaimPhoto,
    ClaimStatus,
    Dispute,
    DisputeAbout,
    EmergencyPlan,
    EmergencyRepair,
    Event,
    InsuranceNotice,
    Place,
    Recovery,
    Repair,
    RoutedRole,
)
from idi.core import audit, clock
from idi.core.errors import Forbidden, RuleViolation
from idi.core.permissions import SYSTEM, Actor
from idi.core.rulebook import get_rulebook
from idi.notifications import services as deadlines
from idi.notifications.models import OPEN, Deadline
from idi.parties.models import Organisation, OrgType
from idi.projects.models import Sale, Unit
from idi.rules import Assessment, RulePack, Share, assess, deadline, fen, split_by_shares
from idi.underwriting.models import Policy, PolicyShare
from idi.underwriting.selectors import lead_share, pack_of
from idi.underwriting.uploads import detect

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
# Filing: the first status of a claim, by how it is routed.
FILING_STATUSES = (S.RECEIVED, S.ANSWERED, S.REFERRED)
# R-K2: which clock a determination meets.
DETERMINATION_KINDS = ("claim_determination", "claim_determination_complex")
OUTCOMES = (S.COVERED, S.PARTLY_COVERED, S.NOT_COVERED)
ANSWERS = {
    "expired": (
        "保险期间已届满，本保险不再承担",
        "the insurance period of this category has ended",
    ),
    "not_covered": ("不属于本保单的保险责任", "not covered by the policy"),
    "not_completed": (
        "工程尚未竣工验收，属施工阶段质量问题，请联系建设单位",
        "construction is not yet accepted as complete: contact the developer",
    ),
    "no_policy": ("该房屋没有有效的保单", "the unit has no policy in force"),
    "developer_warranty": (
        "保险期间尚未开始，属建设单位保修责任，已转交建设单位",
        "the insurance period has not started: referred to the developer under its warranty",
    ),
    "fund_structural": (
        "属保障基金承担的主体结构倒塌或人员伤亡，已转交保障机构",
        "structural collapse or casualty after the 10-year window: referred to the guarantee fund",
    ),
}


def transitions() -> dict[tuple[str, str], str]:
    table = dict(TRANSITIONS)
    for track in tracks.tracks():
        table.update(track.transitions)
    return table


# --- small helpers -----------------------------------------------------------------------------


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


def _status_label(status: str) -> str:
    for track in tracks.tracks():
        if status in track.statuses:
            return track.statuses[status][0]
    return ClaimStatus(status).label if status in ClaimStatus.values else status


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
        subject=f"{claim.number}：{zh} / {en}",
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
            f"案件当前状态为“{_status_label(claim.status)}”，不能执行此操作",
            f"a claim in status {claim.status} cannot take the action {action}",
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
            f"仅承办本案的理赔人员可{what_zh} / only the claim's handlers may {what_en}"
        )


def _require_owner(actor: Actor, claim: Claim, what_zh: str, what_en: str) -> None:
    if not selectors.is_owner_of_unit(actor, claim.unit_id):
        raise Forbidden(f"仅业主本人可{what_zh} / only the owner may {what_en}")


def _require_status(claim: Claim, action: str) -> None:
    """Refuse early (before other checks) when the action has no row from the current status."""
    if not any(src == claim.status and act == action for (src, _), act in transitions().items()):
        raise _refuse(
            None,
            "status",
            f"案件当前状态为“{_status_label(claim.status)}”，不能执行此操作",
            f"a claim in status {claim.status} cannot take the action {action}",
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


# --- filing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filing:
    unit: Unit
    category: str
    place: str
    description: str
    noticed_on: date
    affects_basic_living: bool
    event: str = Event.OTHER
    sub_item: str = ""


def _check_filing(filing: Filing, pack: RulePack, today: date) -> None:
    categories = pack.coverage.categories
    if filing.category not in categories:
        known = ", ".join(categories)
        raise _refuse(
            "R-C1",
            "category",
            f"未知的类别 {filing.category!r}，应为：{known}",
            f"unknown category {filing.category!r}; expected one of: {known}",
        )
    spec = categories[filing.category]
    if spec.sub_items and not filing.sub_item:
        raise _refuse(
            "R-C1",
            "sub_item",
            "附加险须选择分项",
            "the additional cover needs a sub-item",
            Code.REQUIRED,
        )
    if filing.sub_item and filing.sub_item not in spec.sub_items:
        raise _refuse(
            "R-C1",
            "sub_item",
            f"该类别没有分项 {filing.sub_item!r}",
            f"the category has no sub-item {filing.sub_item!r}",
        )
    if filing.place not in Place.values:
        raise _refuse(
            None, "place", f"未知的部位 {filing.place!r}", f"unknown place {filing.place!r}"
        )
    if filing.event not in Event.values:
        raise _refuse(
            "R-C5", "event", f"未知的事件 {filing.event!r}", f"unknown event {filing.event!r}"
        )
    _text(filing.description, "description", None, "问题描述", "description")
    if filing.noticed_on > today:
        raise _refuse(
            None,
            "noticed_on",
            f"发现日期 {filing.noticed_on} 晚于今天",
            f"noticed_on {filing.noticed_on} is after today",
            Code.IN_FUTURE,
        )


def _assessment(
    filing: Filing, unit: Unit, policy: Policy | None, pack: RulePack, on: date
) -> Assessment | None:
    """R-C5 on the filing date; None when the unit has no policy."""
    if policy is None:
        return None
    permit = policy.permit
    building = unit.building
    if permit.completion_accepted_on is None:
        return Assessment("not_completed", None, fund_fallback=False, insurer_channel=False)
    included = dict(policy.additional_covers.values_list("sub_item", "years"))
    return assess(
        pack,
        filing.category,
        permit.completion_accepted_on,
        on,
        delivery=building.delivered_on,
        fully_decorated=building.fully_decorated,
        additional_years=included.get(filing.sub_item) if filing.sub_item else None,
        event=filing.event,
        sub_item=filing.sub_item or None,
        included_sub_items=list(included) if filing.category == "additional" else None,
    )


def _guarantee_institution() -> Organisation | None:
    return (
        Organisation.objects.filter(org_type=OrgType.GUARANTEE_INSTITUTION).order_by("id").first()
    )


def _contact(org: Organisation | None) -> str:
    if org is None:
        return ""
    phone = f"（{org.contact_phone}）" if org.contact_phone else ""
    return f"请联系 / contact: {org.name}{phone}"


def _may_file(actor: Actor, unit: Unit) -> bool:
    return selectors.units_to_file_for(actor).filter(pk=unit.pk).exists()


def file_claim(*, actor: Actor, filing: Filing, idempotency_key: str) -> tuple[Claim, bool]:
    """File a claim (or return the one this filer already filed with this key: created False).

    Receipt is today's date in Asia/Shanghai. R-C5 on that date routes the claim: insured (or
    under an accepted repair's warranty, R-K5) to the lead insurer with the R-K2 clock and, when
    basic living is affected, an emergency repair (R-K6); a registered track may take it; the
    developer's warranty and the fund's structural cover are referred; everything else is
    answered at once with the reason and whom to contact."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > 100:
        raise _refuse(
            None,
            "Idempotency-Key",
            "请求头 Idempotency-Key 必填（不超过 100 个字符）",
            "the Idempotency-Key header is required (at most 100 characters)",
            Code.REQUIRED,
        )
    existing = Claim.objects.filter(filed_by_id=actor.user_id, idempotency_key=key).first()
    if existing is not None:
        return existing, False
    try:
        return _file(actor=actor, filing=filing, key=key), True
    except IntegrityError:
        # The same filer sent the same key twice at once: the other request won.
        existing = Claim.objects.filter(filed_by_id=actor.user_id, idempotency_key=key).first()
        if existing is None:
            raise
        return existing, False


@transaction.atomic
def _file(*, actor: Actor, filing: Filing, key: str) -> Claim:
    unit = Unit.objects.select_related("building__permit", "project__developer").get(
        pk=filing.unit.pk
    )
    if not _may_file(actor, unit):
        raise Forbidden(
            "仅业主或其委托的建设单位、保险公司可报案 / only the owner, or on its behalf the "
            "developer or the insurer, may file"
        )
    now = clock.now()
    today = clock.today()
    policy = selectors.covering_policy(unit)
    pack = pack_of(policy) if policy else get_rulebook().pack()
    _check_filing(filing, pack, today)
    result = _assessment(filing, unit, policy, pack, today)
    linked = selectors.warranty_repair_for(
        unit=unit, category=filing.category, place=filing.place, on=today
    )
    on_behalf = None if selectors.is_owner_of_unit(actor, unit.pk) else actor.organisation_id
    claim = Claim(
        unit=unit,
        policy=policy,
        filed_by_id=actor.user_id,
        filed_for_owner_by_id=on_behalf,
        idempotency_key=key,
        filed_at=now,
        filed_on=today,
        category=filing.category,
        sub_item=filing.sub_item,
        place=filing.place,
        description=filing.description.strip(),
        noticed_on=filing.noticed_on,
        affects_basic_living=filing.affects_basic_living,
        event=filing.event,
        coverage_status=result.status if result else "not_covered",
        window_start=result.window.start if result and result.window else None,
        window_end=result.window.end if result and result.window else None,
        insurer_channel=bool(result and result.insurer_channel),
        linked_repair=linked,
        routed_role=RoutedRole.NONE,
        status=S.RECEIVED,
    )
    track = tracks.track_for(result) if result and linked is None else None
    lead = lead_share(policy) if policy else None
    developer = unit.project.developer
    if linked is not None or (result is not None and result.status == "insured"):
        claim.routed_role = RoutedRole.INSURER
        claim.routed_org = lead.insurer if lead else None
        claim.emergency = filing.affects_basic_living
    elif track is not None:
        claim.track = track.name
        claim.routed_role = track.routed_role
        claim.routed_org = (
            lead.insurer if track.routed_role == RoutedRole.INSURER and lead else developer
        )
    elif result is not None and result.status == "developer_warranty":
        claim.routed_role, claim.routed_org, claim.status = (
            RoutedRole.DEVELOPER,
            developer,
            S.REFERRED,
        )
    elif result is not None and result.status == "fund_structural":
        institution = _guarantee_institution()
        claim.routed_role, claim.routed_org = RoutedRole.GUARANTEE_INSTITUTION, institution
        claim.status = S.REFERRED
    else:
        claim.status = S.ANSWERED
    if claim.status in FINAL_STATUSES:
        zh, en = ANSWERS[result.status if result else "no_policy"]
        contact = _contact(claim.routed_org or developer)
        claim.answer = f"{zh} / {en}。{contact}"
        claim.is_open = False
        claim.closed_on = today
    claim.save(force_insert=True)
    if claim.status == S.RECEIVED and track is None:
        start_clock(actor=actor, claim=claim, kind="claim_determination", from_date=today)
        if claim.emergency and claim.routed_org is not None:
            _open_emergency(claim)
    if track is not None:
        track.start(actor=actor, claim=claim, pack=pack)
    claim.save()
    note = claim.answer or ("保修期内返修 / repair under warranty" if linked else "")
    _timeline(claim, actor, "file", note)
    audit.record(actor=actor, action=AuditAction.FILE_CLAIM, obj=claim, after=_snapshot(claim))
    return claim


def _open_emergency(claim: Claim) -> EmergencyRepair:
    """R-K6: the emergency repair starts at filing, under the insurer's plan (Art. 17)."""
    plan = EmergencyPlan.objects.filter(insurer=claim.routed_org).first()
    return EmergencyRepair.objects.create(
        claim=claim,
        insurer=claim.routed_org,
        opened_at=claim.filed_at,
        respond_by=claim.filed_at + timedelta(hours=plan.response_hours) if plan else None,
    )


# --- determination (R-K2, R-K4) ------------------------------------------------------------------


@transaction.atomic
def mark_complex(*, actor: Actor, claim: Claim, reason: str) -> Claim:
    """R-K2: a complex claim, marked with a reason before the 10-day deadline, gets 30 days from
    receipt instead."""
    claim = _locked(claim)
    _require_handler(actor, claim, "标记复杂案件", "mark the claim complex")
    _require_status(claim, "complex")
    reason = _text(reason, "reason", "R-K2", "复杂原因", "the reason")
    running = Deadline.objects.filter(
        OPEN, owner_type=selectors.OWNER_LABEL, owner_id=claim.pk, kind="claim_determination"
    ).first()
    if running is None or clock.today() > running.due:
        raise _refuse(
            "R-K2",
            "reason",
            "10 日核定期限已过，不能再标记为复杂案件",
            "the 10-day determination deadline has passed: too late to mark the claim complex",
            Code.TOO_LATE,
        )
    before = _snapshot(claim)
    stop_clock(actor=actor, claim=claim, kind="claim_determination")
    start_clock(
        actor=actor, claim=claim, kind="claim_determination_complex", from_date=claim.filed_on
    )
    claim.complex_reason = reason
    move(actor=actor, claim=claim, to=S.COMPLEX, action="complex", note=reason)
    return _finish(actor, claim, AuditAction.MARK_COMPLEX, before, {"reason": reason})


@transaction.atomic
def determine(
    *, actor: Actor, claim: Claim, outcome: str, reasons: str, amount: Decimal | None = None
) -> Claim:
    """R-K2: the determination meets the running determination clock; not covered starts the
    3-day refusal notice clock (R-K4)."""
    claim = _locked(claim)
    _require_handler(actor, claim, "核定", "determine the claim")
    _require_status(claim, "determine")
    if outcome not in OUTCOMES:
        raise _refuse(
            "R-K2", "outcome", f"核定结果 {outcome!r} 无效", f"invalid outcome {outcome!r}"
        )
    reasons = (reasons or "").strip()
    if outcome != S.COVERED:
        reasons = _text(reasons, "reasons", "R-K2", "核定理由", "the reasons")
    value = _amount(amount, "amount", "R-K2", positive=False) if amount is not None else None
    before = _snapshot(claim)
    for kind in DETERMINATION_KINDS:
        meet_clock(actor=actor, claim=claim, kind=kind)
    claim.outcome, claim.reasons, claim.determined_amount = outcome, reasons, value
    claim.determined_on = clock.today()
    if outcome == S.NOT_COVERED:
        start_clock(actor=actor, claim=claim, kind="denial_notice", from_date=clock.today())
    move(actor=actor, claim=claim, to=outcome, action="determine", note=reasons)
    _tell_owner(actor, claim, f"核定结果：{ClaimStatus(outcome).label}", f"determined {outcome}")
    return _finish(actor, claim, AuditAction.DETERMINE, before)


@transaction.atomic
def issue_refusal_notice(*, actor: Actor, claim: Claim, reasons: str) -> Claim:
    """R-K4: the written refusal with reasons, within 3 days of the determination."""
    claim = _locked(claim)
    _require_handler(actor, claim, "发出拒赔通知", "issue the refusal notice")
    _require_status(claim, "refusal-notice")
    reasons = _text(reasons, "reasons", "R-K4", "拒赔理由", "the reasons")
    before = _snapshot(claim)
    meet_clock(actor=actor, claim=claim, kind="denial_notice")
    claim.refusal_reasons, claim.refusal_notified_on = reasons, clock.today()
    move(actor=actor, claim=claim, to=S.REFUSED, action="refusal-notice", note=reasons)
    _tell_owner(actor, claim, "拒赔通知", "refusal notice")
    return _finish(actor, claim, AuditAction.ISSUE_REFUSAL_NOTICE, before)


# --- performance (R-K3, R-K5) --------------------------------------------------------------------


@transaction.atomic
def agree(
    *, actor: Actor, claim: Claim, remedy: str, amount: Decimal | None = None, repairer: str = ""
) -> Claim:
    """R-K3: the agreement with the owner (repair or payment) starts the 7-day clock."""
    claim = _locked(claim)
    _require_handler(actor, claim, "与业主达成维修或赔偿协议", "record the agreement")
    _require_status(claim, "agree")
    if remedy not in ("repair", "payment"):
        raise _refuse(
            "R-K3",
            "remedy",
            f"方式 {remedy!r} 无效，应为 repair 或 payment",
            f"invalid remedy {remedy!r}",
        )
    if remedy == "payment" and amount is None:
        raise _refuse(
            "R-K3", "amount", "赔偿方式须填写金额", "a payment needs an amount", Code.REQUIRED
        )
    value = (
        _amount(amount, "amount", "R-K3", positive=remedy == "payment")
        if amount is not None
        else None
    )
    if remedy == "payment":
        _check_remaining(claim, value)
    before = _snapshot(claim)
    today = clock.today()
    claim.remedy, claim.agreed_amount, claim.agreed_on = remedy, value, today
    if remedy == "repair":
        claim.repair = Repair.objects.create(
            unit=claim.unit,
            category=claim.category,
            sub_item=claim.sub_item,
            place=claim.place,
            repairer=repairer or (claim.routed_org.name if claim.routed_org else ""),
            scope=claim.description,
            started_on=today,
        )
    start_clock(actor=actor, claim=claim, kind="claim_performance", from_date=today)
    move(
        actor=actor,
        claim=claim,
        to=S.REPAIRING if remedy == "repair" else S.PAYING,
        action="agree",
        note=f"{remedy} {value or ''}".strip(),
    )
    return _finish(actor, claim, AuditAction.AGREE, before)


@transaction.atomic
def complete_repair(*, actor: Actor, claim: Claim) -> Claim:
    """The repair is done (R-K3 met); the owner is asked to accept it."""
    claim = _locked(claim)
    _require_handler(actor, claim, "登记维修完成", "record the repair as done")
    _require_status(claim, "repair-done")
    before = _snapshot(claim)
    repair = claim.repair
    repair.completed_on = clock.today()
    repair.save(update_fields=["completed_on"])
    meet_clock(actor=actor, claim=claim, kind="claim_performance")
    move(actor=actor, claim=claim, to=S.DONE, action="repair-done")
    _tell_owner(actor, claim, "维修完成，请确认", "repair done: please accept or reject it")
    return _finish(actor, claim, AuditAction.COMPLETE_REPAIR, before)


@transaction.atomic
def owner_decision(
    *, actor: Actor, claim: Claim, accepted: bool, rating: int | None = None, comment: str = ""
) -> Claim:
    """The owner accepts the repair (its 180-day warranty starts the day after, R-K5) or
    rejects it (the repairer comes back, or the owner disputes)."""
    claim = _locked(claim)
    _require_owner(actor, claim, "确认维修结果", "decide on the repair")
    _require_status(claim, "owner-decision")
    if rating is not None and not 1 <= rating <= 5:
        raise _refuse(
            None,
            "rating",
            f"评分应为 1 至 5（当前：{rating}）",
            f"rating must be 1-5 (got {rating})",
        )
    before = _snapshot(claim)
    claim.rating, claim.owner_comment = rating, (comment or "").strip()
    if accepted:
        today = clock.today()
        book = get_rulebook()
        warranty = deadline(_pack(claim), book.calendar, "repair_warranty", today)
        repair = claim.repair
        repair.accepted_on, repair.warranty_until = today, warranty.due
        repair.save(update_fields=["accepted_on", "warranty_until"])
        move(
            actor=actor, claim=claim, to=S.CLOSED, action="owner-decision", note=claim.owner_comment
        )
    else:
        move(
            actor=actor,
            claim=claim,
            to=S.REJECTED,
            action="owner-decision",
            note=claim.owner_comment,
        )
    return _finish(actor, claim, AuditAction.OWNER_DECISION, before, {"accepted": accepted})


# --- money (R-K9, R-U10, R-K8) -------------------------------------------------------------------


def _check_remaining(claim: Claim, amount: Decimal) -> Decimal:
    """R-K9: never more than what remains of the sum insured. Locks the policy row so that two
    payments on one policy are decided one after the other."""
    policy = Policy.objects.select_for_update().get(pk=claim.policy_id)
    remaining = selectors.remaining_sum_insured(policy) or Decimal("0.00")
    if amount > remaining:
        raise _refuse(
            "R-K9",
            "amount",
            f"金额 {amount} 超过剩余保险金额 {remaining}",
            f"amount {amount} exceeds the remaining sum insured {remaining}",
            Code.EXCEEDS_SUM_INSURED,
        )
    return remaining


@transaction.atomic
def record_payment(*, actor: Actor, claim: Claim, amount: Decimal) -> Claim:
    """An indemnity on the agreement, split across the insurers by share to the fen with the
    remainder on the lead (R-U10), never beyond the remaining sum insured (R-K9). Paying the
    agreed amount in full meets R-K3 and closes the claim."""
    claim = _locked(claim)
    _require_handler(actor, claim, "登记赔款", "record a payment")
    _require_status(claim, "payment")
    value = _amount(amount, "amount", "R-K9")
    paid = selectors.paid_on_claim(claim)
    if claim.agreed_amount is not None and paid + value > claim.agreed_amount:
        raise _refuse(
            "R-K3",
            "amount",
            f"累计赔款 {paid + value} 超过约定金额 {claim.agreed_amount}",
            f"payments of {paid + value} would exceed the agreed {claim.agreed_amount}",
            Code.EXCEEDS_AGREED,
        )
    _check_remaining(claim, value)
    before = _snapshot(claim)
    payment = ClaimPayment.objects.create(
        claim=claim,
        policy_id=claim.policy_id,
        amount=value,
        paid_on=clock.today(),
        recorded_by_id=actor.user_id,
        recorded_at=clock.now(),
    )
    shares = list(PolicyShare.objects.filter(policy_id=claim.policy_id).order_by("id"))
    parts = split_by_shares(
        value, [Share(role=s.role, insurer=str(s.insurer_id), fraction=s.fraction) for s in shares]
    )
    ClaimPaymentShare.objects.bulk_create(
        ClaimPaymentShare(payment=payment, insurer_id=s.insurer_id, amount=parts[str(s.insurer_id)])
        for s in shares
    )
    if paid + value == claim.agreed_amount:
        meet_clock(actor=actor, claim=claim, kind="claim_performance")
        move(actor=actor, claim=claim, to=S.CLOSED, action="payment", note=str(value))
    else:
        _timeline(claim, actor, "payment", str(value))
    return _finish(
        actor,
        claim,
        AuditAction.RECORD_PAYMENT,
        before,
        {"payment": str(value), "parts": {k: str(v) for k, v in parts.items()}},
    )


@transaction.atomic
def record_recovery(*, actor: Actor, claim: Claim, from_org_id: int, amount: Decimal) -> Claim:
    """R-K8: after paying (or repairing), the insurer records what it recovered from the
    responsible organisation; never more than it paid."""
    claim = _locked(claim)
    _require_handler(actor, claim, "登记追偿", "record a recovery")
    value = _amount(amount, "amount", "R-K8")
    paid = selectors.paid_on_claim(claim)
    repaired = claim.repair is not None and claim.repair.completed_on is not None
    if paid == 0 and not repaired:
        raise _refuse(
            "R-K8",
            "amount",
            "保险公司尚未赔付或维修，不能追偿",
            "the insurer has neither paid nor repaired yet: nothing to recover",
            Code.NOT_PERFORMED,
        )
    source = Organisation.objects.filter(pk=from_org_id).first()
    if source is None or source.org_type in (OrgType.INSURER, OrgType.REGULATOR):
        raise _refuse(
            "R-K8", "from", "追偿对象应为责任单位", "recover from the responsible organisation"
        )
    recovered = claim.recoveries.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")
    if paid > 0 and recovered + value > paid:
        raise _refuse(
            "R-K8",
            "amount",
            f"累计追偿 {recovered + value} 超过已赔付 {paid}",
            f"recoveries of {recovered + value} would exceed the {paid} paid",
            Code.EXCEEDS_PAID,
        )
    before = _snapshot(claim)
    Recovery.objects.create(
        claim=claim,
        from_org=source,
        amount=value,
        recovered_on=clock.today(),
        recorded_by_id=actor.user_id,
    )
    _timeline(claim, actor, "recovery", f"{source.name} {value}")
    return _finish(
        actor,
        claim,
        AuditAction.RECORD_RECOVERY,
        before,
        {"recovery": str(value), "from": source.pk},
    )


# --- disputes (R-K7) ----------------------------------------------------------------------------

DISPUTE_FROM = {
    DisputeAbout.DETERMINATION: (S.REFUSED, S.PARTLY_COVERED),
    DisputeAbout.REPAIR: (S.DONE, S.REJECTED),
}


@transaction.atomic
def open_dispute(*, actor: Actor, claim: Claim, about: str, reason: str) -> Claim:
    """R-K7: the owner disputes the determination or the repair; an appraiser will decide."""
    claim = _locked(claim)
    _require_owner(actor, claim, "提出争议", "dispute")
    if about not in DISPUTE_FROM:
        raise _refuse(
            "R-K7", "about", f"争议事项 {about!r} 无效", f"invalid dispute subject {about!r}"
        )
    if claim.status not in DISPUTE_FROM[about]:
        raise _refuse(
            "R-K7",
            "about",
            f"案件当前状态为“{_status_label(claim.status)}”，不能就{DisputeAbout(about).label}提出争议",
            f"a claim in status {claim.status} cannot be disputed about its {about}",
            Code.INVALID_STATE,
        )
    reason = _text(reason, "reason", "R-K7", "争议理由", "the reason")
    before = _snapshot(claim)
    Dispute.objects.create(
        claim=claim, about=about, reason=reason, opened_by_id=actor.user_id, opened_on=clock.today()
    )
    move(actor=actor, claim=claim, to=S.DISPUTED, action="dispute", note=reason)
    return _finish(actor, claim, AuditAction.OPEN_DISPUTE, before, {"about": about})


@transaction.atomic
def record_appraisal(
    *, actor: Actor, claim: Claim, appraiser_id: int, finding: str, fee: Decimal
) -> Claim:
    """R-K7: the appraiser's finding. Covered: the insurer pays the fee and must confirm in
    writing within 10 days. Not covered: the owner pays the fee."""
    claim = _locked(claim)
    dispute = claim.disputes.select_for_update().filter(decided_on__isnull=True).first()
    appraiser = Organisation.objects.filter(pk=appraiser_id).first()
    if not (
        selectors.is_handler(actor, claim)
        or (actor.organisation_type == OrgType.APPRAISER and actor.organisation_id == appraiser_id)
    ):
        raise Forbidden(
            "仅承办的保险公司或鉴定机构可登记鉴定结论 / "
            "only the insurer or the appraiser may record the finding"
        )
    _require_status(claim, "appraisal")
    if appraiser is None or appraiser.org_type != OrgType.APPRAISER:
        raise _refuse(
            "R-K7",
            "appraiser",
            "鉴定机构应为已登记的第三方鉴定机构",
            "the appraiser must be a registered appraisal organisation",
            Code.NOT_APPRAISER,
        )
    if finding not in ("covered", "not_covered"):
        raise _refuse(
            "R-K7", "finding", f"鉴定结论 {finding!r} 无效", f"invalid finding {finding!r}"
        )
    value = _amount(fee, "fee", "R-K7", positive=False)
    before = _snapshot(claim)
    today = clock.today()
    dispute.appraiser, dispute.finding, dispute.fee = appraiser, finding, value
    dispute.fee_payer = "insurer" if finding == "covered" else "owner"
    dispute.decided_on = today
    dispute.save()
    if finding == "covered":
        start_clock(actor=actor, claim=claim, kind="appraisal_confirmation", from_date=today)
        to = S.CONFIRMING
    else:
        to = S.REFUSED if dispute.about == DisputeAbout.DETERMINATION else S.CLOSED
    move(
        actor=actor,
        claim=claim,
        to=to,
        action="appraisal",
        note=f"{appraiser.name}: {finding}, {value}",
    )
    return _finish(
        actor,
        claim,
        AuditAction.RECORD_APPRAISAL,
        before,
        {"finding": finding, "fee": str(value), "fee_payer": dispute.fee_payer},
    )


@transaction.atomic
def confirm_in_writing(*, actor: Actor, claim: Claim) -> Claim:
    """R-K7: the insurer's written confirmation after a finding of cover."""
    claim = _locked(claim)
    _require_handler(actor, claim, "书面确认", "confirm in writing")
    _require_status(claim, "written-confirmation")
    dispute = (
        claim.disputes.filter(finding="covered", confirmed_on__isnull=True).order_by("-id").first()
    )
    before = _snapshot(claim)
    dispute.confirmed_on = clock.today()
    dispute.save(update_fields=["confirmed_on"])
    meet_clock(actor=actor, claim=claim, kind="appraisal_confirmation")
    if dispute.about == DisputeAbout.DETERMINATION:
        claim.outcome = S.COVERED
        to = S.COVERED
    else:
        to = S.REPAIRING
    move(actor=actor, claim=claim, to=to, action="written-confirmation")
    return _finish(actor, claim, AuditAction.CONFIRM_IN_WRITING, before)


# --- emergency (R-K6) -------------------------------------------------------------------------


@transaction.atomic
def respond_to_emergency(*, actor: Actor, claim: Claim) -> Claim:
    claim = _locked(claim)
    _require_handler(actor, claim, "登记应急响应", "record the emergency response")
    emergency = EmergencyRepair.objects.select_for_update().filter(claim=claim).first()
    if emergency is None or emergency.responded_at is not None:
        raise _refuse(
            "R-K6",
            "emergency",
            "该案件没有待响应的应急维修",
            "the claim has no emergency repair awaiting a response",
            Code.INVALID_STATE,
        )
    before = _snapshot(claim)
    emergency.responded_at = clock.now()
    emergency.save(update_fields=["responded_at"])
    _timeline(claim, actor, "emergency-response")
    return _finish(actor, claim, AuditAction.RESPOND_TO_EMERGENCY, before)


def sweep_emergencies(*, actor: Actor = SYSTEM) -> int:
    """Escalate, once, each emergency repair whose response time has passed unanswered."""
    handled = 0
    while True:
        with transaction.atomic():
            rows = list(
                EmergencyRepair.objects.select_for_update(skip_locked=True)
                .filter(
                    responded_at__isnull=True, escalated_at__isnull=True, respond_by__lt=clock.now()
                )
                .order_by("id")[:200]
            )
            if not rows:
                return handled
            recipients = selectors.claim_recipients([e.claim_id for e in rows], "escalation")
            names = selectors.describe_claims([e.claim_id for e in rows])
            for e in rows:
                name, link = names[e.claim_id]
                when = e.respond_by.astimezone(clock.LEGAL_TZ).strftime("%Y-%m-%d %H:%M")
                deadlines.notify(
                    actor=actor,
                    recipients=recipients.get(e.claim_id, set()),
                    subject=f"应急维修响应超时 / emergency response overdue：{name}",
                    body=f"应于 {when} 前响应 / respond by {when}",
                    link=link,
                )
                e.escalated_at = clock.now()
                e.save(update_fields=["escalated_at"])
                audit.record(
                    actor=actor,
                    action=AuditAction.ESCALATE_EMERGENCY,
                    obj=e,
                    after={"claim": e.claim_id},
                )
            handled += len(rows)


# --- photos ------------------------------------------------------------------------------------

PHOTO_TYPES = ("image/png", "image/jpeg")
MAX_PHOTO_BYTES = 10 * 1024 * 1024


@transaction.atomic
def add_photo(*, actor: Actor, claim: Claim, upload, kind: str = "report") -> ClaimPhoto:
    """A photo of the defect or of the repair, judged by its content (PNG or JPEG, 10 MB)."""
    claim = _locked(claim)
    if not (
        selectors.is_owner_of_unit(actor, claim.unit_id)
        or selectors.is_handler(actor, claim)
        or claim.filed_by_id == actor.user_id
    ):
        raise Forbidden(
            "仅业主或承办人员可上传照片 / only the owner or the handlers may add photos"
        )
    if kind not in ("report", "before", "after"):
        raise _refuse(None, "kind", f"照片类型 {kind!r} 无效", f"invalid photo kind {kind!r}")
    if getattr(upload, "size", 0) > MAX_PHOTO_BYTES:
        raise _refuse(None, "photo", "照片超过 10 MB", "the photo is larger than 10 MB")
    found = detect(upload)
    if found.content_type not in PHOTO_TYPES:
        raise _refuse(
            None, "photo", "照片应为 PNG 或 JPEG 图片", "a photo must be a PNG or JPEG image"
        )
    photo = ClaimPhoto(
        claim=claim,
        kind=kind,
        content_type=found.content_type,
        size=found.size,
        sha256=found.sha256,
        uploaded_by_id=actor.user_id,
        uploaded_at=clock.now(),
    )
    photo.file.save(f"{found.sha256[:16]}.{found.extension}", upload, save=False)
    photo.save()
    _timeline(claim, actor, "photo", kind)
    audit.record(
        actor=actor,
        action=AuditAction.ADD_PHOTO,
        obj=photo,
        after={"claim": claim.pk, "sha256": found.sha256},
    )
    return photo


# --- insurance notice (R-K1) and emergency plans ------------------------------------------------


@transaction.atomic
def hand_over_notice(*, actor: Actor, unit: Unit, handed_over_on: date) -> InsuranceNotice:
    """R-K1: the developer records the unit's notice as handed over with the unit; its content
    is generated from the policy and pack once and kept as handed over."""
    policy = selectors.covering_policy(unit)
    if policy is None:
        raise _refuse(
            "R-K1", "unit", "该房屋没有有效保单", "the unit has no policy in force", Code.NO_POLICY
        )
    if not (
        actor.organisation_type == OrgType.DEVELOPER
        and actor.organisation_id == unit.project.developer_id
    ):
        raise Forbidden("仅建设单位可交付保险告知书 / only the developer hands over the notice")
    if handed_over_on > clock.today():
        raise _refuse(
            "R-K1",
            "handed_over_on",
            "交付日期晚于今天",
            "the handover date is in the future",
            Code.IN_FUTURE,
        )
    notice = InsuranceNotice.objects.select_for_update().filter(unit=unit).first()
    before = None
    if notice is None:
        notice = InsuranceNotice(
            unit=unit,
            policy=policy,
            content=selectors.notice_content(unit, policy),
            generated_at=clock.now(),
        )
    else:
        before = {
            "handed_over_on": notice.handed_over_on.isoformat() if notice.handed_over_on else None
        }
    notice.handed_over_on = handed_over_on
    notice.handed_over_by_id = actor.user_id
    notice.save()
    audit.record(
        actor=actor,
        action=AuditAction.HAND_OVER_NOTICE,
        obj=notice,
        before=before,
        after={"unit": unit.pk, "handed_over_on": handed_over_on.isoformat()},
    )
    return notice


@transaction.atomic
def set_emergency_plan(*, actor: Actor, response_hours: int, hotline: str = "") -> EmergencyPlan:
    """R-K6 / Art. 17: an insurer's emergency response time, in hours."""
    if actor.organisation_type != OrgType.INSURER or not actor.has_role(
        "org_admin", "claims_handler"
    ):
        raise Forbidden("仅保险公司可设定应急预案 / only an insurer sets its emergency plan")
    if not isinstance(response_hours, int) or response_hours <= 0:
        raise _refuse(
            "R-K6",
            "response_hours",
            "响应时限应为正整数小时",
            "the response time must be a positive number of hours",
        )
    plan = (
        EmergencyPlan.objects.select_for_update().filter(insurer_id=actor.organisation_id).first()
    )
    before = {"response_hours": plan.response_hours} if plan else None
    plan = plan or EmergencyPlan(insurer_id=actor.organisation_id)
    plan.response_hours, plan.hotline, plan.set_at = response_hours, hotline, clock.now()
    plan.save()
    audit.record(
        actor=actor,
        action=AuditAction.SET_EMERGENCY_PLAN,
        obj=plan,
        before=before,
        after={"response_hours": response_hours},
    )
    return plan
