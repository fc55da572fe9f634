"""The fund's own cases (R-F3, R-F4, R-F5): opened with the R-C5 status that lets the fund
answer, decided with reasons, paid from the project's sub-account within the R-F4 cap and, before
the insurance period, owed back by the developer."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from idi.core import audit, clock, formats
from idi.core.errors import Forbidden
from idi.core.formats import in_language
from idi.core.limits import check_length
from idi.core.permissions import Actor
from idi.core.rulebook import get_rulebook
from idi.fund.codes import AuditAction, Code
from idi.fund.models import (
    PRE_PERIOD_KINDS,
    Account,
    AccountKind,
    CaseEvidence,
    CaseKind,
    CaseState,
    EntryKind,
    FundCase,
)
from idi.fund.services.ledger import (
    Posting,
    _book_project_dues,
    _money,
    _not_future,
    _post,
    _refuse,
    account,
    require_institution,
)
from idi.parties.models import OrgType
from idi.projects.models import Building, Participant, ParticipantRole, Unit
from idi.rules import assess, check_fund_repair, replenishment_due_on
from idi.underwriting.models import CONTRACT_STATES, Policy
from idi.underwriting.uploads import detect

CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseState.OPEN: frozenset({CaseState.APPROVED, CaseState.REFUSED}),
    CaseState.APPROVED: frozenset({CaseState.PAID}),
    CaseState.REFUSED: frozenset(),
    CaseState.PAID: frozenset(),
}

# The R-C5 status each kind of case needs on the day of the event.
ELIGIBLE_STATUS = {
    CaseKind.ADVANCE_REPAIR: "developer_warranty",
    CaseKind.FALLBACK_REPAIR: "developer_warranty",
    CaseKind.STRUCTURAL: "fund_structural",
}
# What each needed status means, for the refusal of a case whose event falls outside it.
ELIGIBLE_PERIOD = {
    "developer_warranty": ("建设单位保修期内（保险期间开始前）", "the developer's warranty period"),
    "fund_structural": ("保障基金赔付期内", "the period the fund pays structural failures"),
}
CASE_RULE = {
    CaseKind.ADVANCE_REPAIR: "R-F3",
    CaseKind.FALLBACK_REPAIR: "R-F4",
    CaseKind.STRUCTURAL: "R-F5",
}


def _move(case: FundCase, target: str) -> None:
    if target not in CASE_TRANSITIONS[case.state]:
        raise _refuse(
            CASE_RULE[case.kind],
            "state",
            Code.INVALID_STATE,
            f"案件处于“{in_language(CaseState(case.state).label, 'zh-hans')}”状态，"
            f"不能再改为“{in_language(CaseState(target).label, 'zh-hans')}”",
            f"the case is “{in_language(CaseState(case.state).label, 'en')}” and cannot become "
            f"“{in_language(CaseState(target).label, 'en')}”",
        )
    case.state = target


def _snapshot(case: FundCase) -> dict:
    return {
        "state": case.state,
        "requested_amount": str(case.requested_amount),
        "approved_amount": str(case.approved_amount) if case.approved_amount else None,
        "reasons": case.reasons,
        "paid_on": case.paid_on,
        "replenishment_due_on": case.replenishment_due_on,
    }


def issued_policy(permit_id: int) -> Policy:
    policy = Policy.objects.filter(permit_id=permit_id, state__in=CONTRACT_STATES).first()
    if policy is None:
        raise _refuse(
            "R-F1",
            "building",
            Code.NOT_INSURED,
            "该楼栋所在施工许可证没有已签发的保单，未计提保障基金",
            "the building's permit has no issued policy, so nothing was set aside for it",
        )
    return policy


def assess_for_fund(
    *, kind: str, building: Building, category: str, event: str, occurred_on: date
) -> str:
    """R-C5 for a fund case: the status of the event, refused unless the fund answers for it
    (R-F3/R-F4 `developer_warranty`, R-F5 `fund_structural`)."""
    permit = building.permit
    policy = issued_policy(permit.pk)
    if permit.completion_accepted_on is None:
        raise _refuse(
            CASE_RULE[kind],
            "occurred_on",
            Code.NOT_ELIGIBLE,
            "工程尚未竣工验收，保障基金不承担维修",
            "completion acceptance is not recorded: the fund does not repair yet",
        )
    pack = get_rulebook().pack(policy.pack_id)
    result = assess(
        pack,
        category,
        completion=permit.completion_accepted_on,
        on=occurred_on,
        delivery=building.delivered_on,
        fully_decorated=building.fully_decorated,
        event=event,
        additional_years=max((c.years for c in policy.additional_covers.all()), default=None),
    )
    wanted = ELIGIBLE_STATUS[kind]
    if result.status != wanted:
        raise _refuse(
            CASE_RULE[kind],
            "occurred_on",
            Code.NOT_ELIGIBLE,
            f"{formats.day(occurred_on, 'zh-hans')} 发生的事件不在{ELIGIBLE_PERIOD[wanted][0]}，"
            "不能申请此项基金使用，请核对发生日期，或按保障查询的结果联系相应单位",
            f"an event on {formats.day(occurred_on, 'en')} is not within "
            f"{ELIGIBLE_PERIOD[wanted][1]}, so the fund cannot be used for it; check the date, "
            "or contact whom the coverage check names",
        )
    return result.status


@transaction.atomic
def open_case(
    *,
    actor: Actor,
    kind: str,
    building: Building,
    category: str,
    occurred_on: date,
    description: str,
    requested_amount: Decimal,
    event: str = "other",
    unit: Unit | None = None,
) -> FundCase:
    """The institution opens a case: R-F4 (nobody else can repair, before the insurance
    period) or R-F5 (collapse or casualties after the 10-year window, up to 25 years)."""
    require_institution(actor, zh="受理基金使用", en="open a fund case")
    if kind not in (CaseKind.FALLBACK_REPAIR, CaseKind.STRUCTURAL):
        raise _refuse(
            None,
            "kind",
            Code.INVALID,
            "先行维修由业主经理赔渠道申请",
            "an advance repair is applied for by the owner through the claim",
        )
    return create_case(
        actor=actor,
        kind=kind,
        building=building,
        unit=unit,
        category=category,
        event=event,
        occurred_on=occurred_on,
        description=description,
        requested_amount=requested_amount,
    )


def create_case(
    *,
    actor: Actor,
    kind: str,
    building: Building,
    unit: Unit | None,
    category: str,
    event: str,
    occurred_on: date,
    description: str,
    requested_amount: Decimal,
) -> FundCase:
    """A case of any kind, inside the caller's transaction (the claims track opens R-F3
    advance repairs through it)."""
    rule = CASE_RULE[kind]
    check_length(FundCase, "description", description)
    _money(requested_amount, field="requested_amount", rule=rule)
    _not_future(occurred_on, "occurred_on")
    if not description.strip():
        raise _refuse(rule, "description", Code.INVALID, "请说明情况", "a description is required")
    if unit is not None and unit.building_id != building.pk:
        raise _refuse(
            rule, "unit", Code.INVALID, "房屋不在该楼栋", "the unit is not in this building"
        )
    status = assess_for_fund(
        kind=kind, building=building, category=category, event=event, occurred_on=occurred_on
    )
    if kind in PRE_PERIOD_KINDS:
        _book_project_dues(actor, building.project_id)
        contributions, repairs = _cap_accounts(building.project_id)
        pack = get_rulebook().pack(issued_policy(building.permit_id).pack_id)
        check_fund_repair(pack, contributions.balance, repairs.balance, requested_amount)
    case = FundCase.objects.create(
        kind=kind,
        project_id=building.project_id,
        permit_id=building.permit_id,
        building=building,
        unit=unit,
        category=category,
        event=event,
        occurred_on=occurred_on,
        status=status,
        description=description.strip(),
        requested_amount=requested_amount,
        opened_at=clock.now(),
        opened_by_id=actor.user_id,
    )
    audit.record(
        actor=actor,
        action=AuditAction.OPEN_CASE,
        obj=case,
        after={**_snapshot(case), "kind": kind, "status": status, "building": building.pk},
    )
    return case


@transaction.atomic
def add_evidence(*, actor: Actor, case: FundCase, upload) -> CaseEvidence:
    """A document or photo behind the case, judged by its content."""
    require_institution(actor, zh="上传证据", en="add evidence")
    found = detect(upload)
    evidence = CaseEvidence(
        case=case,
        original_name=(upload.name or "")[:255],
        content_type=found.content_type,
        size=found.size,
        sha256=found.sha256,
        uploaded_by_id=actor.user_id,
        uploaded_at=clock.now(),
    )
    evidence.file.save(f"{found.sha256[:16]}.{found.extension}", upload, save=False)
    evidence.save()
    audit.record(
        actor=actor,
        action=AuditAction.ADD_EVIDENCE,
        obj=evidence,
        after={"case": case.pk, "sha256": found.sha256, "content_type": found.content_type},
    )
    return evidence


def _pack_for(case: FundCase):
    return get_rulebook().pack(issued_policy(case.permit_id).pack_id)


def _cap_accounts(project_id: int) -> tuple[Account, Account]:
    return account(AccountKind.CONTRIBUTIONS, project_id), account(AccountKind.REPAIRS, project_id)


def _check_cap(case: FundCase, amount: Decimal, *, locked: dict[int, Account] | None = None):
    """R-F4 on the project's fund repairs before its insurance period."""
    if case.kind not in PRE_PERIOD_KINDS:
        return
    contributions, repairs = _cap_accounts(case.project_id)
    if locked is not None:
        contributions, repairs = locked[contributions.pk], locked[repairs.pk]
    check_fund_repair(_pack_for(case), contributions.balance, repairs.balance, amount)


@transaction.atomic
def decide_case(
    *,
    actor: Actor,
    case: FundCase,
    approved: bool,
    reasons: str,
    amount: Decimal | None = None,
) -> FundCase:
    """The institution approves (with the amount, within the R-F4 cap) or refuses, with its
    reasons either way."""
    require_institution(actor, zh="审核基金使用", en="decide a fund case")
    case = FundCase.objects.select_for_update().get(pk=case.pk)
    rule = CASE_RULE[case.kind]
    before = _snapshot(case)
    _move(case, CaseState.APPROVED if approved else CaseState.REFUSED)
    check_length(FundCase, "reasons", reasons)
    if not reasons.strip():
        raise _refuse(rule, "reasons", Code.INVALID, "请写明审核理由", "the reasons are required")
    if approved:
        if amount is None:
            raise _refuse(
                rule, "amount", Code.INVALID, "批准时须填写金额", "an approval needs the amount"
            )
        _money(amount, rule=rule)
        _check_cap(case, amount)
        case.approved_amount = amount
    case.reasons = reasons.strip()
    case.decided_at = clock.now()
    case.decided_by_id = actor.user_id
    case.save()
    audit.record(
        actor=actor, action=AuditAction.DECIDE_CASE, obj=case, before=before, after=_snapshot(case)
    )
    return case


@transaction.atomic
def pay_case(*, actor: Actor, case: FundCase, paid_on: date | None = None) -> FundCase:
    """Pay an approved case from the project's sub-account. Before the insurance period the
    payment counts against the R-F4 cap and becomes the developer's debt, due before the
    period starts (R-F3)."""
    require_institution(actor, zh="支付基金款项", en="pay a fund case")
    case = (
        FundCase.objects.select_for_update(of=("self",))
        .select_related("project", "permit")
        .get(pk=case.pk)
    )
    before = _snapshot(case)
    _move(case, CaseState.PAID)
    paid_on = _not_future(paid_on or clock.today(), "paid_on")
    amount = case.approved_amount
    assert amount is not None  # the database refuses an approved case without an amount
    project = case.project
    pre_period = case.kind in PRE_PERIOD_KINDS
    contributions, repairs = _cap_accounts(project.pk)
    expense = repairs if pre_period else account(AccountKind.STRUCTURAL, project)
    postings = [
        Posting(
            kind=EntryKind.REPAIR_PAYMENT if pre_period else EntryKind.STRUCTURAL_PAYMENT,
            debit=expense,
            credit=account(AccountKind.PROJECT, project),
            amount=amount,
            booked_on=paid_on,
            memo=f"{case.get_kind_display()} #{case.pk}",
            case_id=case.pk,
        )
    ]
    if pre_period:
        postings.append(
            Posting(
                kind=EntryKind.REPLENISHMENT_OWED,
                debit=account(AccountKind.REPLENISHMENT_RECEIVABLE, project, project.developer_id),
                credit=account(AccountKind.RECOVERIES, project),
                amount=amount,
                booked_on=paid_on,
                memo=f"建设单位补足 #{case.pk} / R-F3",
                case_id=case.pk,
            )
        )
        pack = _pack_for(case)
        completion = case.permit.completion_accepted_on
        assert completion is not None  # a pre-period case is opened after completion
        case.replenishment_due_on = replenishment_due_on(pack, completion)
    # The cap is checked on balances read under the same lock as the payment.
    _post(
        actor,
        postings,
        lock_also=[contributions, repairs],
        check=lambda locked: _check_cap(case, amount, locked=locked),
    )
    case.paid_on = paid_on
    case.save()
    audit.record(
        actor=actor, action=AuditAction.PAY_CASE, obj=case, before=before, after=_snapshot(case)
    )
    return case


def may_record_deposit_deduction(actor: Actor, case: FundCase) -> None:
    """The project's developer (or the operator); its page runs the same guard (issue 7)."""
    if not (
        actor.is_operator
        or (
            actor.organisation_type == OrgType.DEVELOPER
            and actor.organisation_id == case.project.developer_id
        )
    ):
        raise Forbidden(
            "只有本项目建设单位可以登记质量保证金扣除",
            "only the project's developer may record a quality deposit deduction",
        )


@transaction.atomic
def record_deposit_deduction(
    *, actor: Actor, case: FundCase, contractor_id: int, amount: Decimal
) -> FundCase:
    """R-F3: the developer records that it deducts what it repaid from the responsible
    contractor's quality deposit."""
    case = FundCase.objects.select_for_update().get(pk=case.pk)
    may_record_deposit_deduction(actor, case)
    if case.kind not in PRE_PERIOD_KINDS or case.state != CaseState.PAID:
        raise _refuse(
            "R-F3",
            "case",
            Code.INVALID_STATE,
            "只有已支付的先行维修可以从质量保证金中扣除",
            "only a paid pre-period fund repair can be deducted from the quality deposit",
        )
    if case.quality_deposit_deduction is not None:
        raise _refuse(
            "R-F3", "case", Code.INVALID_STATE, "已登记扣除", "the deduction is already recorded"
        )
    participant = (
        Participant.objects.select_related("organisation")
        .filter(
            project_id=case.project_id,
            organisation_id=contractor_id,
            role=ParticipantRole.CONTRACTOR,
        )
        .first()
    )
    if participant is None:
        raise _refuse(
            "R-F3",
            "contractor",
            Code.INVALID,
            "该单位不是本项目的施工单位",
            "the organisation is not a contractor of this project",
        )
    contractor = participant.organisation
    _money(amount, rule="R-F3")
    assert case.approved_amount is not None
    if amount > case.approved_amount:
        raise _refuse(
            "R-F3",
            "amount",
            Code.OVER_OUTSTANDING,
            f"扣除金额不能超过基金支付的 {case.approved_amount} 元",
            f"the deduction cannot exceed the {case.approved_amount} the fund paid",
        )
    before = {"contractor": None, "quality_deposit_deduction": None}
    case.contractor = contractor
    case.quality_deposit_deduction = amount
    case.deduction_recorded_at = clock.now()
    case.save()
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_DEPOSIT_DEDUCTION,
        obj=case,
        before=before,
        after={"contractor": contractor.pk, "quality_deposit_deduction": str(amount)},
    )
    return case
