"""Policies over HTTP (/api/v1/policies...). Handlers find the object through a selector (404
for what the actor may not see), call one service and answer with the shapes of `schemas.py`;
refusals become `{"error": {"rule", "field", "message"}}` (config/api.py)."""

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import get_language
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from idi.core.api_auth import API_AUTH
from idi.core.errors import NotFound
from idi.core.limits import Search
from idi.core.paging import Page, PageQuery, page_body
from idi.core.permissions import actor_from_request
from idi.projects.selectors import get_unit
from idi.underwriting import selectors, services
from idi.underwriting.models import (
    ChangeRequest,
    ParticipantNotice,
    Policy,
    PolicyAttachment,
    PolicyShare,
)
from idi.underwriting.schemas import (
    AmendIn,
    AttachmentOut,
    CancelIn,
    ChangeIn,
    ChangeOut,
    ClaimsStandardIn,
    ClaimsStandardOut,
    ConsentIn,
    CoverageLineOut,
    CreateIn,
    DepositIn,
    DepositOut,
    HomeOut,
    IssueIn,
    NoticeOut,
    PaymentIn,
    PaymentOut,
    PolicyOut,
    PolicySummaryOut,
    QuoteIn,
    QuoteOut,
    QuoteRequestIn,
    ReportIn,
    ShareOut,
    SharesIn,
    TermsIn,
)

router = Router(auth=API_AUTH)


# --- shaping -----------------------------------------------------------------------------------


def _share(share: PolicyShare | None) -> dict | None:
    if share is None:
        return None
    return {
        "id": share.pk,
        "insurer": share.insurer_id,
        "insurer_name": share.insurer.name,
        "role": share.role,
        "fraction": share.fraction,
        "confirmed_at": share.confirmed_at,
    }


def _summary(actor, policy: Policy) -> dict:
    return {
        "id": policy.pk,
        "number": policy.number,
        "state": policy.state,
        "project": policy.permit.project_id,
        "project_name": policy.permit.project.name,
        "permit": policy.permit_id,
        "permit_number": policy.permit.number,
        # The commercial figures of the contract are for its parties and the regulators.
        "premium": policy.premium if selectors.sees_policy_dealings(actor, policy) else None,
        "my_share": _share(selectors.share_of(actor, policy)),
    }


def _coverage(lines) -> list[dict]:
    return [
        {
            "category": line.category,
            "sub_item": line.sub_item,
            "label": line.label,
            "years": line.years,
            "covered": line.covered,
            "start": line.start,
            "end": line.end,
            "note": "竣工验收后确定 / set once completion is accepted" if line.pending else None,
        }
        for line in lines
    ]


def _policy_out(actor, policy: Policy) -> dict:
    policy = Policy.objects.select_related("permit__project__developer").get(pk=policy.pk)
    contract = selectors.sees_policy_dealings(actor, policy)
    period = selectors.policy_period(policy)
    due = getattr(policy, "fund_contribution_due", None)
    standard = getattr(policy, "claims_standard", None)
    payment = getattr(policy, "payment", None)
    decorated = policy.permit.buildings.filter(fully_decorated=True).exists()
    out = {
        **_summary(actor, policy),
        "pack": policy.pack_id,
        "developer": policy.permit.project.developer_id,
        "developer_name": policy.permit.project.developer.name,
        "district": policy.permit.project.district,
        "housing_type": policy.housing_type,
        "sum_insured": policy.sum_insured,
        "deductible": policy.deductible,
        "additional": [
            {"sub_item": c.sub_item, "years": c.years} for c in policy.additional_covers.all()
        ],
        "shares": [_share(s) for s in selectors.shares_of(policy)],
        "issued_on": policy.issued_on,
        "period_start": period[0] if period else None,
        "period_end": period[1] if period else None,
        "claims_standard": standard,
        "missing_attachments": selectors.missing_attachments(policy),
        "coverage": _coverage(selectors.coverage_lines(policy, fully_decorated=decorated)),
        "contract_price": policy.contract_price if contract else None,
        "rate": policy.rate if contract else None,
        "risk_management_fee": policy.risk_management_fee if contract else None,
        "min_risk_management_fee": selectors.min_fee_for(policy) if contract else None,
        "fund_contribution": policy.fund_contribution if contract else None,
        "warnings": selectors.quote_warnings(policy, get_language()) if contract else [],
        "fund_contribution_due": (
            {"insurer": due.insurer_id, "amount": due.amount, "due_since": due.due_since}
            if due and contract
            else None
        ),
        "contribution_split": [
            {
                "insurer": p.insurer.pk,
                "role": p.role,
                "fraction": p.fraction,
                "amount": p.amount,
            }
            for p in selectors.contribution_split(policy)
        ]
        if contract
        else [],
        "payment": payment if contract else None,
        "participants_not_notified": [p.pk for p in selectors.participants_not_notified(policy)]
        if contract
        else [],
    }
    return out


def _attachment_out(attachment: PolicyAttachment, current_ids: set[int]) -> dict:
    return {
        "id": attachment.pk,
        "kind": attachment.kind,
        "original_name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_at": attachment.uploaded_at,
        "confirmed_at": attachment.confirmed_at,
        "current": attachment.pk in current_ids,
        "download_url": reverse(
            "api:attachment_file",
            kwargs={"pk": attachment.policy_id, "attachment_pk": attachment.pk},
        ),
    }


def _notice_out(notice: ParticipantNotice) -> dict:
    return {
        "id": notice.pk,
        "policy": notice.policy_id,
        "participant": notice.participant_id,
        "organisation": notice.participant.organisation_id,
        "organisation_name": notice.participant.organisation.name,
        "role": notice.participant.role,
        "notified_at": notice.notified_at,
        "acknowledged_at": notice.acknowledged_at,
    }


def _change_out(actor, change: ChangeRequest) -> dict:
    change = ChangeRequest.objects.select_related("policy__permit").get(pk=change.pk)
    report = getattr(change, "regulator_report", None)
    given, total = selectors.consent_counts(change)
    return {
        "id": change.pk,
        "policy": change.policy_id,
        "kind": change.kind,
        "state": change.state,
        "reason": change.reason,
        "proposed": change.proposed,
        "requested_at": change.requested_at,
        "decided_at": change.decided_at,
        "consents_required": selectors.project_has_sales(change.policy),
        "consents_given": given,
        "consents_total": total,
        "consents": [
            {
                "unit": due.unit.pk,
                "unit_name": str(due.unit),
                "buyer": due.buyer_id,
                "buyer_name": due.buyer_name,
                "given": due.given,
            }
            for due in selectors.consents_visible_to(actor, change)
        ],
        "regulator_report": {
            "district": report.district,
            "regulator": report.regulator_id,
            "reported_on": report.reported_on,
            "reference": report.reference,
        }
        if report
        else None,
    }


def _get(request, pk: int):
    actor = actor_from_request(request)
    return actor, selectors.get_policy(actor=actor, pk=pk)


# --- policies ----------------------------------------------------------------------------------


@router.get("/policies", response=Page[PolicySummaryOut], summary="保单列表 / policies I may see")
def list_policies(
    request, paging: Query[PageQuery], q: Search = "", state: str = Query("", max_length=16)
):
    actor = actor_from_request(request)
    policies = selectors.search_policies(actor=actor, q=q, state=state)
    return page_body(policies, paging, shape=lambda policy: _summary(actor, policy))


@router.post("/policies", response={201: PolicyOut}, summary="新建投保草稿 / create a draft")
def create_policy(request, body: CreateIn):
    actor = actor_from_request(request)
    permit = selectors.get_permit_for_policy(actor=actor, pk=body.permit)
    policy = services.create_draft(actor=actor, permit=permit)
    return Status(201, _policy_out(actor, policy))


@router.get("/policies/{pk}", response=PolicyOut, summary="保单 / policy")
def get_policy(request, pk: int):
    actor, policy = _get(request, pk)
    return _policy_out(actor, policy)


@router.put("/policies/{pk}/terms", response=PolicyOut, summary="保险条款 / set the terms")
def set_terms(request, pk: int, body: TermsIn):
    actor, policy = _get(request, pk)
    policy = services.set_terms(actor=actor, policy=policy, terms=body.to_terms())
    return _policy_out(actor, policy)


@router.get("/policies/{pk}/shares", response=Page[ShareOut], summary="承保份额 / shares")
def get_shares(request, pk: int, paging: Query[PageQuery]):
    _, policy = _get(request, pk)
    return page_body([_share(s) for s in selectors.shares_of(policy)], paging)


@router.put("/policies/{pk}/shares", response=PolicyOut, summary="设定承保份额 / set shares")
def set_shares(request, pk: int, body: SharesIn):
    actor, policy = _get(request, pk)
    policy = services.set_shares(actor=actor, policy=policy, shares=body.to_shares())
    return _policy_out(actor, policy)


@router.post(
    "/policies/{pk}/shares/{share_pk}/confirm",
    response=ShareOut,
    summary="确认共保份额 / confirm a co-insurer's share",
    description="A follower insurer confirms its share under the co-insurance agreement "
    "(Art. 8, R-U4), once, from the developer's request for a quote on; a later change of that "
    "share by the developer drops the confirmation.",
)
def confirm_share(request, pk: int, share_pk: int):
    actor, policy = _get(request, pk)
    share = selectors.get_share(policy=policy, pk=share_pk)
    return _share(services.confirm_share(actor=actor, share=share))


@router.post(
    "/policies/{pk}/quote-request",
    response=PolicyOut,
    summary="Ask the lead insurer for a quote",
    description="The developer asks (or asks again) for a quote on the terms and shares as "
    "they are (Art. 9); the policy becomes `quote_requested`.",
)
def request_quote(request, pk: int, body: QuoteRequestIn):
    actor, policy = _get(request, pk)
    services.request_quote(actor=actor, policy=policy, note=body.note)
    return _policy_out(actor, selectors.get_policy(actor=actor, pk=pk))


@router.post(
    "/policies/{pk}/quote",
    response=PolicyOut,
    summary="Quote: the lead insurer's rate, fee and risk factors",
    description="The lead insurer answers a request with a rate never below the floor (R-U5), "
    "the risk-management fee (R-U7) and how it weighed each factor of Art. 9; the policy "
    "becomes `quoted`.",
)
def give_quote(request, pk: int, body: QuoteIn):
    actor, policy = _get(request, pk)
    services.give_quote(actor=actor, policy=policy, answer=body.to_answer())
    return _policy_out(actor, selectors.get_policy(actor=actor, pk=pk))


@router.post(
    "/policies/{pk}/quote/accept",
    response=PolicyOut,
    summary="Accept the quote",
    description="The developer accepts the lead insurer's quote; only an accepted quote can "
    "be paid for and issued (Art. 9, R-U3).",
)
def accept_quote(request, pk: int):
    actor, policy = _get(request, pk)
    services.accept_quote(actor=actor, policy=policy)
    return _policy_out(actor, selectors.get_policy(actor=actor, pk=pk))


@router.get(
    "/policies/{pk}/quotes",
    response=Page[QuoteOut],
    summary="The quotes asked and given for a policy, newest first",
)
def list_quotes(request, pk: int, paging: Query[PageQuery]):
    actor, policy = _get(request, pk)
    if not selectors.sees_policy_dealings(actor, policy):
        raise NotFound("policy")
    return page_body(policy.quotes.order_by("-id"), paging)


@router.post(
    "/policies/{pk}/payment", response={201: PaymentOut}, summary="登记保费缴纳 / record payment"
)
def record_payment(request, pk: int, body: PaymentIn):
    actor, policy = _get(request, pk)
    payment = services.record_payment(
        actor=actor,
        policy=policy,
        amount=body.amount,
        paid_on=body.paid_on,
        reference=body.reference,
    )
    return Status(201, payment)


@router.post("/policies/{pk}/issue", response=PolicyOut, summary="签发 / issue")
def issue(request, pk: int, body: IssueIn | None = None):
    actor, policy = _get(request, pk)
    issued_on = body.issued_on if body else None
    return _policy_out(
        actor, services.issue_policy(actor=actor, policy=policy, issued_on=issued_on)
    )


@router.post("/policies/{pk}/cancel", response=PolicyOut, summary="解除 / cancel")
def cancel(request, pk: int, body: CancelIn):
    actor, policy = _get(request, pk)
    change = (
        selectors.get_change_request(policy=policy, pk=body.change_request)
        if body.change_request
        else None
    )
    policy = services.cancel_policy(actor=actor, policy=policy, reason=body.reason, change=change)
    return _policy_out(actor, policy)


@router.post("/policies/{pk}/amend", response=PolicyOut, summary="执行变更 / amend")
def amend(request, pk: int, body: AmendIn):
    actor, policy = _get(request, pk)
    change = selectors.get_change_request(policy=policy, pk=body.change_request)
    return _policy_out(actor, services.amend_policy(actor=actor, change=change))


# --- attachments, standards, notices -----------------------------------------------------------


@router.get(
    "/policies/{pk}/attachments", response=Page[AttachmentOut], summary="附件 / attachments"
)
def list_attachments(request, pk: int, paging: Query[PageQuery]):
    _, policy = _get(request, pk)
    current = {a.pk for a in selectors.current_attachments(policy).values()}
    rows = policy.attachments.order_by("-id")
    return page_body(rows, paging, shape=lambda a: _attachment_out(a, current))


@router.post(
    "/policies/{pk}/attachments",
    response={201: AttachmentOut},
    summary="上传附件 / upload an attachment (multipart: kind, file)",
)
def upload_attachment(
    request, pk: int, file: File[UploadedFile], kind: str = Form(..., max_length=32)
):
    actor, policy = _get(request, pk)
    attachment = services.upload_attachment(actor=actor, policy=policy, kind=kind, upload=file)
    return Status(201, _attachment_out(attachment, {attachment.pk}))


@router.post(
    "/policies/{pk}/attachments/{attachment_pk}/confirm",
    response=AttachmentOut,
    summary="确认附件 / confirm an attachment",
)
def confirm_attachment(request, pk: int, attachment_pk: int):
    actor, policy = _get(request, pk)
    attachment = selectors.get_attachment(policy=policy, pk=attachment_pk)
    attachment = services.confirm_attachment(actor=actor, attachment=attachment)
    return _attachment_out(attachment, {attachment.pk})


@router.get(
    "/policies/{pk}/attachments/{attachment_pk}/file",
    url_name="attachment_file",
    summary="下载附件 / download an attachment",
    description="The stored file, streamed with the content type found at upload.",
    openapi_extra={
        "responses": {
            200: {
                "description": "the file",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_attachment(request, pk: int, attachment_pk: int):
    _, policy = _get(request, pk)
    attachment = selectors.get_attachment(policy=policy, pk=attachment_pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.download_name,
        content_type=attachment.content_type,
    )


@router.put(
    "/policies/{pk}/claims-standards",
    response=ClaimsStandardOut,
    summary="理赔服务标准 / claims service standards",
)
def set_claims_standards(request, pk: int, body: ClaimsStandardIn):
    actor, policy = _get(request, pk)
    return services.set_claims_standards(
        actor=actor, policy=policy, standard=services.ClaimsStandardInput(**body.dict())
    )


@router.get(
    "/policies/{pk}/participant-notices",
    response=Page[NoticeOut],
    summary="参建单位告知 / participant notices",
)
def list_notices(request, pk: int, paging: Query[PageQuery]):
    actor, policy = _get(request, pk)
    notices = selectors.participant_notices_of(actor, policy)
    return page_body(notices.order_by("id"), paging, shape=_notice_out)


@router.post(
    "/policies/{pk}/participant-notices",
    response={201: Page[NoticeOut]},
    summary="书面告知参建单位 / notify the participants",
)
def notify(request, pk: int):
    actor, policy = _get(request, pk)
    notices = [_notice_out(n) for n in services.notify_participants(actor=actor, policy=policy)]
    return Status(201, page_body(notices, limit=max(len(notices), 1)))


@router.get(
    "/participant-notices", response=Page[NoticeOut], summary="本单位收到的告知 / my notices"
)
def my_notices(request, paging: Query[PageQuery]):
    actor = actor_from_request(request)
    return page_body(selectors.participant_notices_visible_to(actor), paging, shape=_notice_out)


@router.post(
    "/participant-notices/{notice_pk}/acknowledge",
    response=NoticeOut,
    summary="确认收到告知 / acknowledge a notice",
)
def acknowledge(request, notice_pk: int):
    actor = actor_from_request(request)
    notice = selectors.get_participant_notice(actor=actor, pk=notice_pk)
    return _notice_out(services.acknowledge_notice(actor=actor, notice=notice))


# --- changes after issue -----------------------------------------------------------------------


@router.get("/policies/{pk}/changes", response=Page[ChangeOut], summary="变更申请 / changes")
def list_changes(request, pk: int, paging: Query[PageQuery]):
    actor, policy = _get(request, pk)
    changes = policy.change_requests.order_by("id")
    return page_body(changes, paging, shape=lambda change: _change_out(actor, change))


@router.post(
    "/policies/{pk}/changes",
    response={201: ChangeOut},
    summary="申请变更或退保 / request a change or a cancellation",
)
def open_change(request, pk: int, body: ChangeIn):
    actor, policy = _get(request, pk)
    change = services.open_change_request(
        actor=actor,
        policy=policy,
        kind=body.kind,
        reason=body.reason,
        terms=body.terms.to_terms() if body.terms else None,
        shares=[services.ShareInput(s.insurer, s.role, s.fraction) for s in body.shares]
        if body.shares
        else None,
    )
    return Status(201, _change_out(actor, change))


@router.get("/policies/{pk}/changes/{change_pk}", response=ChangeOut, summary="变更 / change")
def get_change(request, pk: int, change_pk: int):
    actor, policy = _get(request, pk)
    return _change_out(actor, selectors.get_change_request(policy=policy, pk=change_pk))


@router.post(
    "/policies/{pk}/changes/{change_pk}/consents",
    response={201: ChangeOut},
    summary="购房人书面同意 / a buyer's consent",
)
def record_consent(request, pk: int, change_pk: int, body: ConsentIn):
    actor, policy = _get(request, pk)
    change = selectors.get_change_request(policy=policy, pk=change_pk)
    unit = get_unit(actor=actor, pk=body.unit)
    services.record_buyer_consent(
        actor=actor, change=change, unit=unit, buyer_id=body.buyer, consented_on=body.consented_on
    )
    return Status(201, _change_out(actor, change))


@router.post(
    "/policies/{pk}/changes/{change_pk}/regulator-report",
    response={201: ChangeOut},
    summary="向主管部门报告 / report to the regulator",
)
def record_report(request, pk: int, change_pk: int, body: ReportIn):
    actor, policy = _get(request, pk)
    change = selectors.get_change_request(policy=policy, pk=change_pk)
    services.record_regulator_report(
        actor=actor, change=change, reported_on=body.reported_on, reference=body.reference
    )
    return Status(201, _change_out(actor, change))


@router.post(
    "/policies/{pk}/changes/{change_pk}/withdraw", response=ChangeOut, summary="撤回 / withdraw"
)
def withdraw_change(request, pk: int, change_pk: int):
    actor, policy = _get(request, pk)
    change = selectors.get_change_request(policy=policy, pk=change_pk)
    return _change_out(actor, services.withdraw_change_request(actor=actor, change=change))


@router.post(
    "/policies/{pk}/maintenance-deposit",
    response={201: DepositOut},
    summary="物业保修金 / maintenance deposit",
)
def record_deposit(request, pk: int, body: DepositIn):
    actor, policy = _get(request, pk)
    deposit = services.record_maintenance_deposit(
        actor=actor,
        policy=policy,
        amount=body.amount,
        paid_on=body.paid_on,
        reference=body.reference,
    )
    return Status(201, deposit)


# --- owners ------------------------------------------------------------------------------------


@router.get("/my-homes", response=Page[HomeOut], summary="我的房屋 / my homes and their cover")
def my_homes(request, paging: Query[PageQuery]):
    actor = actor_from_request(request)
    homes = [
        {
            "unit": home.unit.pk,
            "unit_name": str(home.unit),
            "project_name": home.unit.project.name,
            "policy": _summary(actor, home.policy) if home.policy else None,
            "lead_insurer": home.lead.insurer.name if home.lead else None,
            "lead_insurer_phone": home.lead.insurer.contact_phone if home.lead else None,
            "coverage": _coverage(home.lines),
        }
        for home in selectors.homes_of(actor)
    ]
    return page_body(homes, paging)


@router.get(
    "/units/{unit_pk}/coverage",
    response=Page[CoverageLineOut],
    summary="房屋保险期间 / a unit's coverage windows",
)
def unit_coverage(request, unit_pk: int, paging: Query[PageQuery]):
    actor = actor_from_request(request)
    unit = get_unit(actor=actor, pk=unit_pk)
    return page_body(_coverage(selectors.coverage_windows_for_unit(actor, unit)), paging)
