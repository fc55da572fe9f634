"""The guarantee fund over HTTP (/api/v1/fund/...). Handlers find objects through selectors
(404 for what the actor may not see), call one service and answer with fund/schemas.py."""

from datetime import date

from django.db.models import Count
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from idi.core.api_auth import API_AUTH
from idi.core.errors import RuleViolation
from idi.core.limits import Id, PageNumber
from idi.core.paging import page_body
from idi.core.permissions import actor_from_request
from idi.fund import selectors, services
from idi.fund.codes import Code
from idi.fund.models import Entry, FundCase
from idi.fund.schemas import (
    CaseIn,
    CaseOut,
    CasePage,
    ContributionIn,
    DecisionIn,
    DeductionIn,
    EntryOut,
    EntryPage,
    FundPaymentIn,
    MonthlyReportOut,
    ProjectFundOut,
    ReplenishmentIn,
    ReverseIn,
    TransferIn,
    money,
)
from idi.parties.selectors import get_organisation
from idi.projects.selectors import get_building, get_unit

router = Router(auth=API_AUTH)


def project_fund_body(figures: selectors.ProjectFigures) -> dict:
    return {
        name: money(getattr(figures, name))
        for name in (
            "contributed",
            "received",
            "withdrawn",
            "replenished",
            "balance",
            "cap",
            "cap_remaining",
            "replenishment_due",
        )
    }


def _account(account) -> dict:
    return {
        "id": account.pk,
        "kind": account.kind,
        "project": account.project_id,
        "organisation": account.organisation_id,
    }


def entry_body(entry: Entry) -> dict:
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "debit": _account(entry.debit),
        "credit": _account(entry.credit),
        "amount": money(entry.amount),
        "booked_on": entry.booked_on,
        "posted_at": entry.posted_at,
        "memo": entry.memo,
        "reference": entry.reference,
        "policy": entry.policy_id,
        "case": entry.case_id,
        "reverses": entry.reverses_id,
    }


def case_body(case: FundCase) -> dict:
    return {
        "id": case.pk,
        "kind": case.kind,
        "state": case.state,
        "project": case.project_id,
        "building": case.building_id,
        "unit": case.unit_id,
        "category": case.category,
        "event": case.event,
        "occurred_on": case.occurred_on,
        "status": case.status,
        "description": case.description,
        "requested_amount": money(case.requested_amount),
        "approved_amount": money(case.approved_amount),
        "reasons": case.reasons,
        "paid_on": case.paid_on,
        "replenishment_due_on": case.replenishment_due_on,
        "contractor": case.contractor_id,
        "quality_deposit_deduction": money(case.quality_deposit_deduction),
        "evidence": (
            case.evidence_count if hasattr(case, "evidence_count") else case.evidence.count()
        ),
    }


def _fund_project(request, pk: int):
    return selectors.get_fund_project(actor=actor_from_request(request), pk=pk)


# --- projects and entries ---------------------------------------------------------------------


@router.get(
    "/fund/projects/{project}",
    response=ProjectFundOut,
    summary="项目保障基金 / a project's fund figures",
    description="R-F1, R-F3, R-F4: what was set aside (contributed), what arrived (received), "
    "what the fund paid (withdrawn), what the developer paid back (replenished), the "
    "sub-account balance, the cap of fund repairs (3 × contributed) and what remains of it, "
    "and what the developer still owes.",
)
def get_project_fund(request, project: int):
    return project_fund_body(selectors.project_figures(_fund_project(request, project)))


@router.get("/fund/entries", response=EntryPage, summary="基金分录 / ledger entries")
def list_entries(
    request,
    project: Id | None = None,
    page: PageNumber = 1,
    limit: int = Query(50, ge=1, le=200),
):
    actor = actor_from_request(request)
    scoped = selectors.get_fund_project(actor=actor, pk=project) if project else None
    body = page_body(selectors.entries_visible_to(actor, project=scoped), page=page, limit=limit)
    body["items"] = [entry_body(e) for e in body["items"]]
    return body


@router.post(
    "/fund/contributions",
    response={201: EntryOut},
    summary="登记计提到账 / record a contribution received (R-F1)",
)
def post_contribution(request, body: ContributionIn):
    actor = actor_from_request(request)
    entry = services.record_contribution_received(
        actor=actor,
        project=selectors.get_fund_project(actor=actor, pk=body.project),
        insurer=get_organisation(actor=actor, pk=body.insurer),
        amount=body.amount,
        received_on=body.received_on,
        reference=body.reference,
    )
    return Status(201, entry_body(entry))


@router.post(
    "/fund/replenishments",
    response={201: EntryOut},
    summary="登记建设单位补足 / record a replenishment (R-F3)",
)
def post_replenishment(request, body: ReplenishmentIn):
    actor = actor_from_request(request)
    entry = services.record_replenishment(
        actor=actor,
        project=selectors.get_fund_project(actor=actor, pk=body.project),
        amount=body.amount,
        received_on=body.received_on,
        reference=body.reference,
    )
    return Status(201, entry_body(entry))


@router.post("/fund/transfers", response={201: EntryOut}, summary="子账户调拨 / transfer (R-F6)")
def post_transfer(request, body: TransferIn):
    actor = actor_from_request(request)

    def sub_account(pk):
        return selectors.get_fund_project(actor=actor, pk=pk) if pk else None

    entry = services.transfer(
        actor=actor,
        source=sub_account(body.source),
        target=sub_account(body.target),
        amount=body.amount,
        booked_on=body.booked_on,
        reason=body.reason,
    )
    return Status(201, entry_body(entry))


@router.post(
    "/fund/entries/{entry}/reverse",
    response={201: EntryOut},
    summary="冲正分录 / reverse an entry (R-F6)",
)
def post_reversal(request, entry: int, body: ReverseIn):
    actor = actor_from_request(request)
    original = selectors.get_entry(actor=actor, pk=entry)
    return Status(
        201, entry_body(services.reverse_entry(actor=actor, entry=original, reason=body.reason))
    )


# --- cases ------------------------------------------------------------------------------------


@router.get("/fund/cases", response=CasePage, summary="基金使用案件 / fund cases")
def list_cases(
    request,
    state: str = Query("", max_length=16),
    page: PageNumber = 1,
    limit: int = Query(50, ge=1, le=200),
):
    qs = selectors.cases_visible_to(actor_from_request(request), state=state).annotate(
        evidence_count=Count("evidence")
    )
    body = page_body(qs, page=page, limit=limit)
    body["items"] = [case_body(c) for c in body["items"]]
    return body


@router.get("/fund/cases/{case}", response=CaseOut, summary="基金使用案件 / a fund case")
def get_case(request, case: int):
    return case_body(selectors.get_case(actor=actor_from_request(request), pk=case))


@router.post(
    "/fund/cases",
    response={201: CaseOut},
    summary="受理基金使用 / open a fund case (R-F4, R-F5)",
)
def post_case(request, body: CaseIn):
    actor = actor_from_request(request)
    building = get_building(actor=actor, pk=body.building)
    unit = get_unit(actor=actor, pk=body.unit) if body.unit else None
    case = services.open_case(
        actor=actor,
        kind=body.kind,
        building=building,
        unit=unit,
        category=body.category,
        event=body.event,
        occurred_on=body.occurred_on,
        description=body.description,
        requested_amount=body.requested_amount,
    )
    return Status(201, case_body(case))


@router.post("/fund/cases/{case}/decision", response=CaseOut, summary="审核 / decide")
def post_decision(request, case: int, body: DecisionIn):
    actor = actor_from_request(request)
    found = selectors.get_case(actor=actor, pk=case)
    return case_body(
        services.decide_case(
            actor=actor,
            case=found,
            approved=body.approved,
            amount=body.amount,
            reasons=body.reasons,
        )
    )


@router.post("/fund/cases/{case}/payment", response=CaseOut, summary="支付 / pay")
def post_payment(request, case: int, body: FundPaymentIn):
    actor = actor_from_request(request)
    found = selectors.get_case(actor=actor, pk=case)
    return case_body(services.pay_case(actor=actor, case=found, paid_on=body.paid_on))


@router.post(
    "/fund/cases/{case}/deduction",
    response=CaseOut,
    summary="质量保证金扣除 / quality deposit deduction (R-F3)",
)
def post_deduction(request, case: int, body: DeductionIn):
    actor = actor_from_request(request)
    found = selectors.get_case(actor=actor, pk=case)
    return case_body(
        services.record_deposit_deduction(
            actor=actor,
            case=found,
            contractor_id=body.contractor,
            amount=body.amount,
        )
    )


@router.post("/fund/cases/{case}/evidence", response={201: CaseOut}, summary="证据 / evidence")
def post_evidence(request, case: int, file: File[UploadedFile]):
    actor = actor_from_request(request)
    found = selectors.get_case(actor=actor, pk=case)
    services.add_evidence(actor=actor, case=found, upload=file)
    return Status(201, case_body(found))


# --- reports ----------------------------------------------------------------------------------


@router.get(
    "/fund/reports/monthly",
    response=MonthlyReportOut,
    summary="月度基金使用报告 / monthly report to the regulator (R-F6)",
)
def get_monthly_report(request, month: str = Query(..., max_length=7)):
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise RuleViolation(
            rule="R-F6",
            field="month",
            code=Code.INVALID,
            message=f"月份应为 YYYY-MM（当前：{month}）",
            message_en=f"the month must be YYYY-MM (got: {month})",
        ) from None
    report = selectors.monthly_report(actor_from_request(request), month=first)
    return monthly_report_body(report)


def monthly_report_body(report: selectors.MonthlyReport) -> dict:
    return {
        "month": report.month,
        "opening_balance": money(report.opening_balance),
        "inflows": money(report.inflows),
        "outflows": money(report.outflows),
        "closing_balance": money(report.closing_balance),
        "projects": [
            {
                "project": row.project.pk,
                "name": row.project.name,
                "district": row.project.district,
                **project_fund_body(row.figures),
                "received_in_month": money(row.received_in_month),
                "withdrawn_in_month": money(row.withdrawn_in_month),
                "replenished_in_month": money(row.replenished_in_month),
            }
            for row in report.projects
        ],
        "overdue_replenishments": [
            {"project": o.project.pk, "due_on": o.due_on, "amount": money(o.amount)}
            for o in report.overdue_replenishments
        ],
    }
