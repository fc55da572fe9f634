"""Claims over HTTP (/api/v1/claims...): the contract of issue 10. Handlers find the claim
through a selector (404 for what the actor may not see), call one service and answer the claim;
refusals become `{"error": {"code", "rule", "field", "message"}}` (config/api.py)."""

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Sum
from ninja import Body, Field, File, Form, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict
from pydantic import ValidationError as PydanticValidationError

from idi.claims import selectors, services, tracks
from idi.claims.codes import Code
from idi.claims.models import (
    Claim,
    ClaimPayment,
    ClaimPaymentShare,
    EmergencyRepair,
    InsuranceNotice,
)
from idi.core import clock
from idi.core.api_auth import API_AUTH
from idi.core.errors import RuleViolation
from idi.core.limits import MAX_DAYS, MAX_TEXT, Id, Money, PageNumber
from idi.core.paging import page_body
from idi.core.permissions import Actor, actor_from_request
from idi.core.validation import schema_refusal
from idi.notifications.models import Deadline
from idi.notifications.selectors import deadlines_by_owner
from idi.underwriting.models import Policy

router = Router(auth=API_AUTH)


# --- schemas -----------------------------------------------------------------------------------


class ClaimWindowOut(Schema):
    start: date
    end: date


class CoverageOut(Schema):
    status: str
    window: ClaimWindowOut | None


class RoutedOut(Schema):
    role: str
    organisation: int | None
    name: str
    phone: str


class ClaimDeadlineOut(Schema):
    model_config = ConfigDict(populate_by_name=True)

    kind: str
    from_date: date = Field(..., alias="from")
    due: date
    moved_from: date | None
    provisional: bool
    basis: Literal["legal", "policy"]
    met_on: date | None
    overdue: bool


class PaymentShareOut(Schema):
    insurer: int
    amount: str


class EmergencyOut(Schema):
    opened_at: datetime
    respond_by: datetime | None
    responded_at: datetime | None
    overdue: bool


class ClaimOut(Schema):
    id: int
    number: str
    unit: int
    policy: int | None
    category: str
    sub_item: str | None
    place: str
    description: str
    noticed_on: date
    affects_basic_living: bool
    event: str
    status: str
    track: str
    filed_on: date
    coverage: CoverageOut
    routed_to: RoutedOut
    answer: str
    emergency: EmergencyOut | None
    linked_repair: int | None
    outcome: str | None
    reasons: str
    remedy: str | None
    agreed_amount: str | None
    deadlines: list[ClaimDeadlineOut]
    paid: str
    remaining_sum_insured: str | None
    shares_paid: list[PaymentShareOut]
    warranty_until: date | None


class ClaimPageOut(Schema):
    items: list[ClaimOut]
    count: int
    page: int
    pages: int
    limit: int


class FileIn(Schema):
    unit: Id
    category: str = Field(..., max_length=32)
    sub_item: str | None = Field(None, max_length=32)
    place: str = Field(..., max_length=32)
    description: str = Field(..., max_length=MAX_TEXT)
    noticed_on: date
    affects_basic_living: bool
    event: Literal["other", "collapse", "casualty"] | None = None


class ComplexIn(Schema):
    reason: str = Field(..., max_length=MAX_TEXT)


class DetermineIn(Schema):
    outcome: Literal["covered", "partly_covered", "not_covered"]
    reasons: str = Field("", max_length=MAX_TEXT)
    amount: Money | None = None


class RefusalIn(Schema):
    reasons: str = Field(..., max_length=MAX_TEXT)


class AgreeIn(Schema):
    remedy: Literal["repair", "payment"]
    amount: Money | None = None


class OwnerDecisionIn(Schema):
    accepted: bool
    rating: int | None = Field(None, ge=0, le=5)
    comment: str = Field("", max_length=MAX_TEXT)


class ClaimDisputeIn(Schema):
    about: Literal["determination", "repair"]
    reason: str = Field(..., max_length=MAX_TEXT)


class ClaimAppraiserIn(Schema):
    appraiser: Id


class ClaimAppraisalIn(Schema):
    # Left out once the appraiser is chosen: the finding is then the chosen appraiser's.
    appraiser: Id | None = None
    finding: Literal["covered", "not_covered"]
    fee: Money


class ClaimPaymentIn(Schema):
    amount: Money


class RecoveryIn(Schema):
    model_config = ConfigDict(populate_by_name=True)

    from_org: Id = Field(..., alias="from")
    amount: Money


class PhotoOut(Schema):
    id: int
    kind: str
    content_type: str
    size: int
    sha256: str
    url: str


class NoticeReceiptOut(Schema):
    owner: int
    confirmed_at: datetime


class InsuranceNoticeOut(Schema):
    unit: int
    policy: int
    handed_over_on: date | None
    content: dict[str, Any]
    receipts: list[NoticeReceiptOut]


class HandOverIn(Schema):
    handed_over_on: date


class EmergencyPlanIn(Schema):
    response_hours: int = Field(..., ge=0, le=MAX_DAYS * 24)
    hotline: str = Field("", max_length=32)


# --- shaping -----------------------------------------------------------------------------------


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _deadline(d: Deadline, today: date, openings: set[str]) -> dict:
    return {
        "kind": d.kind,
        "from": d.from_date,
        "due": d.due,
        "moved_from": d.moved_from,
        "provisional": d.provisional,
        "basis": d.basis,
        "met_on": d.met_on,
        "overdue": d.is_open and d.due < today and d.kind not in openings,
    }


def shape_claims(claims: list[Claim]) -> list[dict]:
    """The contract's claim body for many claims, in a fixed number of queries."""
    if not claims:
        return []
    ids = [c.pk for c in claims]
    today, now, openings = clock.today(), clock.now(), tracks.opening_kinds()
    deadlines = deadlines_by_owner(selectors.OWNER_LABEL, ids)
    paid = dict(
        ClaimPayment.objects.filter(claim_id__in=ids)
        .values("claim_id")
        .annotate(s=Sum("amount"))
        .values_list("claim_id", "s")
    )
    policy_ids = {c.policy_id for c in claims if c.policy_id}
    paid_policy = dict(
        ClaimPayment.objects.filter(policy_id__in=policy_ids)
        .values("policy_id")
        .annotate(s=Sum("amount"))
        .values_list("policy_id", "s")
    )
    sums = dict(Policy.objects.filter(pk__in=policy_ids).values_list("pk", "sum_insured"))
    parts: dict[int, list[dict]] = defaultdict(list)
    rows = (
        ClaimPaymentShare.objects.filter(payment__claim_id__in=ids)
        .values("payment__claim_id", "insurer_id")
        .annotate(s=Sum("amount"))
        .order_by("payment__claim_id", "insurer_id")
    )
    for r in rows:
        parts[r["payment__claim_id"]].append({"insurer": r["insurer_id"], "amount": _money(r["s"])})
    emergencies = {e.claim_id: e for e in EmergencyRepair.objects.filter(claim_id__in=ids)}
    out = []
    for c in claims:
        org = c.routed_org
        e = emergencies.get(c.pk)
        remaining = (
            sums[c.policy_id] - (paid_policy.get(c.policy_id) or Decimal(0))
            if c.policy_id and sums.get(c.policy_id) is not None
            else None
        )
        out.append(
            {
                "id": c.pk,
                "number": c.number,
                "unit": c.unit_id,
                "policy": c.policy_id,
                "category": c.category,
                "sub_item": c.sub_item or None,
                "place": c.place,
                "description": c.description,
                "noticed_on": c.noticed_on,
                "affects_basic_living": c.affects_basic_living,
                "event": c.event,
                "status": c.status,
                "track": c.track,
                "filed_on": c.filed_on,
                "coverage": {
                    "status": c.coverage_status,
                    "window": {"start": c.window_start, "end": c.window_end}
                    if c.window_start
                    else None,
                },
                "routed_to": {
                    "role": c.routed_role,
                    "organisation": c.routed_org_id,
                    "name": org.name if org else "",
                    "phone": org.contact_phone if org else "",
                },
                "answer": c.answer,
                "emergency": {
                    "opened_at": e.opened_at,
                    "respond_by": e.respond_by,
                    "responded_at": e.responded_at,
                    "overdue": e.responded_at is None
                    and e.respond_by is not None
                    and e.respond_by < now,
                }
                if e
                else None,
                "linked_repair": c.linked_repair_id,
                "outcome": c.outcome or None,
                "reasons": c.reasons,
                "remedy": c.remedy or None,
                "agreed_amount": _money(c.agreed_amount),
                "deadlines": [_deadline(d, today, openings) for d in deadlines.get(c.pk, [])],
                "paid": _money(paid.get(c.pk) or Decimal(0)),
                "remaining_sum_insured": _money(remaining),
                "shares_paid": parts.get(c.pk, []),
                "warranty_until": c.repair.warranty_until if c.repair else None,
            }
        )
    return out


def _claim_out(claim: Claim) -> dict:
    fresh = Claim.objects.select_related("routed_org", "repair").filter(pk=claim.pk).get()
    return shape_claims([fresh])[0]


def _actor(request) -> Actor:
    return actor_from_request(request)


# --- endpoints ----------------------------------------------------------------------------------


@router.post(
    "/claims",
    response={200: ClaimOut, 201: ClaimOut},
    by_alias=True,
    summary="报案 / file a claim",
    description="Idempotent per `Idempotency-Key` and filer: the same key again answers 200 with "
    "the same claim. Receipt is the filing's date in Asia/Shanghai; R-C5 routes the claim.",
)
def file_claim(
    request,
    body: FileIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=100),
):
    actor = _actor(request)
    unit = selectors.unit_for_filing(actor=actor, pk=body.unit)
    filing = services.Filing(
        unit=unit,
        category=body.category,
        sub_item=body.sub_item or "",
        place=body.place,
        description=body.description,
        noticed_on=body.noticed_on,
        affects_basic_living=body.affects_basic_living,
        event=body.event or "other",
    )
    claim, created = services.file_claim(
        actor=actor, filing=filing, idempotency_key=idempotency_key or ""
    )
    return Status(201 if created else 200, _claim_out(claim))


@router.get("/claims", response=ClaimPageOut, by_alias=True, summary="理赔案件列表 / list claims")
def list_claims(
    request,
    status: str = Query("", max_length=32),
    overdue: bool = False,
    unit: Id | None = None,
    policy: Id | None = None,
    page: PageNumber = 1,
    limit: int = Query(20, ge=1, le=200),
):
    qs = selectors.search_claims(
        actor=_actor(request), status=status, overdue=overdue, unit=unit, policy=policy
    ).select_related("routed_org", "repair")
    body = page_body(qs, page=page, limit=limit)
    body["items"] = shape_claims(body["items"])
    return body


@router.get("/claims/{pk}", response=ClaimOut, by_alias=True, summary="理赔案件 / one claim")
def get_claim(request, pk: int):
    return _claim_out(selectors.get_claim(actor=_actor(request), pk=pk))


def _act(request, pk: int, run) -> dict:
    actor = _actor(request)
    claim = selectors.get_claim(actor=actor, pk=pk)
    return _claim_out(run(actor, claim))


@router.post(
    "/claims/{pk}/complex", response=ClaimOut, by_alias=True, summary="标记复杂案件 (R-K2)"
)
def complex_claim(request, pk: int, body: ComplexIn):
    return _act(
        request, pk, lambda a, c: services.mark_complex(actor=a, claim=c, reason=body.reason)
    )


@router.post("/claims/{pk}/determine", response=ClaimOut, by_alias=True, summary="核定 (R-K2)")
def determine(request, pk: int, body: DetermineIn):
    return _act(
        request,
        pk,
        lambda a, c: services.determine(
            actor=a, claim=c, outcome=body.outcome, reasons=body.reasons, amount=body.amount
        ),
    )


@router.post(
    "/claims/{pk}/refusal-notice", response=ClaimOut, by_alias=True, summary="拒赔通知 (R-K4)"
)
def refusal_notice(request, pk: int, body: RefusalIn):
    return _act(
        request,
        pk,
        lambda a, c: services.issue_refusal_notice(actor=a, claim=c, reasons=body.reasons),
    )


@router.post(
    "/claims/{pk}/agree", response=ClaimOut, by_alias=True, summary="维修或赔偿协议 (R-K3)"
)
def agree(request, pk: int, body: AgreeIn):
    return _act(
        request,
        pk,
        lambda a, c: services.agree(actor=a, claim=c, remedy=body.remedy, amount=body.amount),
    )


@router.post("/claims/{pk}/repair-done", response=ClaimOut, by_alias=True, summary="维修完成")
def repair_done(request, pk: int):
    return _act(request, pk, lambda a, c: services.complete_repair(actor=a, claim=c))


@router.post(
    "/claims/{pk}/owner-decision", response=ClaimOut, by_alias=True, summary="业主确认 (R-K5)"
)
def owner_decision(request, pk: int, body: OwnerDecisionIn):
    return _act(
        request,
        pk,
        lambda a, c: services.owner_decision(
            actor=a, claim=c, accepted=body.accepted, rating=body.rating, comment=body.comment
        ),
    )


@router.post("/claims/{pk}/dispute", response=ClaimOut, by_alias=True, summary="争议 (R-K7)")
def dispute(request, pk: int, body: ClaimDisputeIn):
    return _act(
        request,
        pk,
        lambda a, c: services.open_dispute(actor=a, claim=c, about=body.about, reason=body.reason),
    )


@router.post(
    "/claims/{pk}/appraiser",
    response=ClaimOut,
    by_alias=True,
    summary="登记共同选定的鉴定机构 / the jointly chosen appraiser (handler; R-K7)",
)
def choose_appraiser(request, pk: int, body: ClaimAppraiserIn):
    return _act(
        request,
        pk,
        lambda a, c: services.choose_appraiser(actor=a, claim=c, appraiser_id=body.appraiser),
    )


@router.post("/claims/{pk}/appraisal", response=ClaimOut, by_alias=True, summary="鉴定结论 (R-K7)")
def appraisal(request, pk: int, body: ClaimAppraisalIn):
    return _act(
        request,
        pk,
        lambda a, c: services.record_appraisal(
            actor=a, claim=c, appraiser_id=body.appraiser, finding=body.finding, fee=body.fee
        ),
    )


@router.post(
    "/claims/{pk}/written-confirmation", response=ClaimOut, by_alias=True, summary="书面确认 (R-K7)"
)
def written_confirmation(request, pk: int):
    return _act(request, pk, lambda a, c: services.confirm_in_writing(actor=a, claim=c))


@router.post("/claims/{pk}/payment", response=ClaimOut, by_alias=True, summary="赔款 (R-K9, R-U10)")
def payment(request, pk: int, body: ClaimPaymentIn):
    return _act(
        request, pk, lambda a, c: services.record_payment(actor=a, claim=c, amount=body.amount)
    )


@router.post("/claims/{pk}/recovery", response=ClaimOut, by_alias=True, summary="追偿 (R-K8)")
def recovery(request, pk: int, body: RecoveryIn):
    return _act(
        request,
        pk,
        lambda a, c: services.record_recovery(
            actor=a, claim=c, from_org_id=body.from_org, amount=body.amount
        ),
    )


@router.post(
    "/claims/{pk}/emergency-response", response=ClaimOut, by_alias=True, summary="应急响应 (R-K6)"
)
def emergency_response(request, pk: int):
    return _act(request, pk, lambda a, c: services.respond_to_emergency(actor=a, claim=c))


@router.post("/claims/{pk}/photos", response={201: PhotoOut}, summary="上传照片 / add a photo")
def add_photo(
    request, pk: int, photo: File[UploadedFile], kind: str = Form("report", max_length=16)
):
    actor = _actor(request)
    claim = selectors.get_claim(actor=actor, pk=pk)
    row = services.add_photo(actor=actor, claim=claim, upload=photo, kind=kind)
    return Status(
        201,
        {
            "id": row.pk,
            "kind": row.kind,
            "content_type": row.content_type,
            "size": row.size,
            "sha256": row.sha256,
            "url": f"/claims/{claim.pk}/photos/{row.pk}/",
        },
    )


@router.post(
    "/claims/{pk}/{action}",
    response=ClaimOut,
    by_alias=True,
    summary="其他流程操作 / an action a registered track adds",
    description="Actions of registered claim tracks (e.g. the guarantee fund's pre-period "
    "repair requests); the body is the action's own JSON object.",
)
def track_action(request, pk: int, action: str, body: Body[dict[str, Any]] = None):
    spec = tracks.action(action)
    if spec is None:
        raise RuleViolation(
            rule=None,
            field="action",
            message=f"未知的操作“{action}”",
            message_en=f"unknown action '{action}'",
            code=Code.UNKNOWN_ACTION,
        )
    data = None
    if spec.body is not None:
        try:
            data = spec.body.model_validate(body or {})
        except PydanticValidationError as exc:
            raise schema_refusal(exc.errors()) from exc
    return _act(request, pk, lambda a, c: spec.run(actor=a, claim=c, data=data))


@router.get(
    "/units/{pk}/insurance-notice", response=InsuranceNoticeOut, summary="保险告知书 (R-K1)"
)
def get_notice(request, pk: int):
    unit, policy, content, stored = selectors.notice_for_unit(actor=_actor(request), unit_id=pk)
    return _notice_out(unit.pk, policy.pk, content, stored)


def _notice_out(unit: int, policy: int, content: dict, stored: InsuranceNotice | None) -> dict:
    return {
        "unit": unit,
        "policy": policy,
        "handed_over_on": stored.handed_over_on if stored else None,
        "content": content,
        "receipts": [
            {"owner": r.owner_id, "confirmed_at": r.confirmed_at}
            for r in selectors.receipts_of(stored)
        ],
    }


@router.post(
    "/units/{pk}/insurance-notice/handover",
    response=InsuranceNoticeOut,
    summary="交付保险告知书 (R-K1)",
)
def hand_over_notice(request, pk: int, body: HandOverIn):
    actor = _actor(request)
    unit, _, _, _ = selectors.notice_for_unit(actor=actor, unit_id=pk)
    notice = services.hand_over_notice(actor=actor, unit=unit, handed_over_on=body.handed_over_on)
    return _notice_out(unit.pk, notice.policy_id, notice.content, notice)


@router.post(
    "/units/{pk}/insurance-notice/receipt",
    response=InsuranceNoticeOut,
    summary="业主签收保险告知书 (R-K1)",
)
def confirm_notice(request, pk: int):
    actor = _actor(request)
    unit, _, _, _ = selectors.notice_for_unit(actor=actor, unit_id=pk)
    notice = services.confirm_notice(actor=actor, unit=unit).notice
    return _notice_out(unit.pk, notice.policy_id, notice.content, notice)


@router.put("/emergency-plan", response=EmergencyPlanIn, summary="应急预案响应时限 (R-K6)")
def set_emergency_plan(request, body: EmergencyPlanIn):
    plan = services.set_emergency_plan(
        actor=_actor(request), response_hours=body.response_hours, hotline=body.hotline
    )
    return {"response_hours": plan.response_hours, "hotline": plan.hotline}
