"""What risk management asks of the agency, the lead insurer and the regulator on their
workspaces: the inspections the month still needs and the plan not yet submitted (R-R4, R-R3),
the agency to appoint, the final report to review and the agency to rate (R-R1, R-R7, R-R9),
and the past months in which an engagement of the district fell short of R-R4 (R-O1).
Registered in RiskmgmtConfig.ready() (Hook.TASKS) beside selectors.tasks_for.

A to-do list is read on every visit of the workspace, so R-R4 is computed only for the plan
rows of the months concerned, in two queries whatever the number of engagements."""

from collections import defaultdict
from datetime import date

from django.db.models import QuerySet
from django.urls import reverse

from idi.core import clock
from idi.core.formats import in_language
from idi.core.permissions import Actor
from idi.core.workspace import Task, task
from idi.parties.models import OrgType
from idi.riskmgmt.models import (
    Engagement,
    Evaluation,
    FinalReport,
    Inspection,
    PlannedStage,
    Stage,
)
from idi.riskmgmt.selectors import pack_of, visible_project_ids
from idi.rules import MonthCompliance, add_days, add_months, inspection_compliance
from idi.rules import PlannedStage as PlanItem
from idi.underwriting.models import Policy, PolicyShare, PolicyState, ShareRole
from idi.underwriting.selectors import UNDERWRITING_ROLES

# How many past months a regulator's list looks back for a shortfall (a quarter); older ones
# stay on the oversight list (selectors.oversight_page).
SHORTFALL_MONTHS = 3


def tasks(actor: Actor) -> list[Task]:
    """Hook.TASKS: the duties of section 5 of the party's kind."""
    if actor.organisation_id is None:
        return []
    if actor.organisation_type == OrgType.RMA:
        return _rma_tasks(actor.organisation_id)
    if actor.organisation_type == OrgType.INSURER:
        if not actor.has_role(*UNDERWRITING_ROLES):
            return []
        return _lead_insurer_tasks(actor.organisation_id)
    if actor.organisation_type == OrgType.REGULATOR:
        return _regulator_tasks(actor)
    return []


def _month_span(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    return first, add_days(add_months(first, 1), -1)


def _subject(engagement: Engagement) -> str:
    return f"{engagement.project.name} · {engagement.policy.number}"


def _stage_label(stage: str, language: str | None = None) -> str:
    """The stage's name in `language`, or in the page's."""
    if stage not in Stage.values:
        return stage
    label = Stage(stage).label
    return in_language(label, language) if language else str(label)


def short_months(
    stages: QuerySet[PlannedStage], *, first: date, last: date
) -> list[tuple[Engagement, MonthCompliance]]:
    """R-R4: the (engagement, month and stage) rows short of inspections in the whole months
    from `first` to `last`, for the plan rows of `stages` that overlap them."""
    plans: dict[int, list[PlanItem]] = defaultdict(list)
    engagements: dict[int, Engagement] = {}
    for row in (
        stages.filter(starts_on__lte=last, ends_on__gte=first)
        .select_related("engagement__policy__permit", "engagement__project")
        .order_by("starts_on", "id")
    ):
        plans[row.engagement_id].append(PlanItem(row.stage, row.starts_on, row.ends_on))
        engagements[row.engagement_id] = row.engagement
    done: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for engagement_id, day, stage in Inspection.objects.filter(
        engagement_id__in=list(plans), inspected_on__range=(first, last)
    ).values_list("engagement_id", "inspected_on", "stage"):
        done[engagement_id].append((day, stage))
    since = f"{first.year:04d}-{first.month:02d}"
    out = []
    for engagement_id, plan in plans.items():
        engagement = engagements[engagement_id]
        rows = inspection_compliance(pack_of(engagement), plan, done[engagement_id], until=last)
        # A stage begun before `first` has earlier months too, counted without their inspections.
        out.extend((engagement, row) for row in rows if row.short and row.month >= since)
    return sorted(out, key=lambda pair: (pair[1].month, pair[0].pk))


# --- the agency (R-R3, R-R4) ------------------------------------------------------------------


def _rma_tasks(rma_id: int) -> list[Task]:
    return _inspections_due(rma_id) + _plans_due(rma_id)


def _inspections_due(rma_id: int) -> list[Task]:
    """R-R4: the process inspections each planned stage still needs in the current month,
    due on its last day."""
    first, last = _month_span(clock.today())
    out = []
    for engagement, row in short_months(
        PlannedStage.objects.filter(engagement__rma_id=rma_id), first=first, last=last
    ):
        out.append(
            task(
                kind="riskmgmt.record_inspection",
                title_zh=f"本月还需过程检查 {row.short} 次（{_stage_label(row.stage, 'zh-hans')}"
                "阶段）",
                title_en=f"{row.short} more process inspection{'s' if row.short > 1 else ''} "
                f"needed this month ({_stage_label(row.stage, 'en')} stage)",
                subject=_subject(engagement),
                url=reverse("riskmgmt:inspection_create", args=[engagement.pk]),
                due=last,
                rule="R-R4",
            )
        )
    return out


def _plans_due(rma_id: int) -> list[Task]:
    """R-R3: an engagement without an inspection plan, before its construction is completed;
    due on the start of construction when that is recorded."""
    out = []
    for engagement in (
        Engagement.objects.filter(
            rma_id=rma_id,
            plan_set_on__isnull=True,
            policy__permit__completion_accepted_on__isnull=True,
        )
        .select_related("policy__permit", "project")
        .order_by("id")
    ):
        out.append(
            task(
                kind="riskmgmt.set_plan",
                title_zh="提交检查计划（开工前）",
                title_en="Submit the inspection plan (before construction starts)",
                subject=_subject(engagement),
                url=reverse("riskmgmt:plan", args=[engagement.pk]),
                due=engagement.policy.permit.construction_started_on,
                rule="R-R3",
            )
        )
    return out


# --- the lead insurer (R-R1, R-R7, R-R9) ------------------------------------------------------


def _lead_insurer_tasks(insurer_id: int) -> list[Task]:
    led = PolicyShare.objects.filter(insurer_id=insurer_id, role=ShareRole.LEAD).values("policy_id")
    return _appointments_due(led) + _reviews_due(led) + _ratings_due(led)


def _appointments_due(led: QuerySet) -> list[Task]:
    """R-R1: an issued policy the insurer leads with no agency engaged."""
    out = []
    for policy in (
        Policy.objects.filter(pk__in=led, state=PolicyState.ISSUED, engagement__isnull=True)
        .select_related("permit__project")
        .order_by("id")
    ):
        out.append(
            task(
                kind="riskmgmt.appoint_rma",
                title_zh="委托风险管理机构并出具授权书",
                title_en="Appoint a risk-management agency and issue its authorisation letter",
                subject=f"{policy.permit.project.name} · {policy.number}",
                url=reverse("riskmgmt:appoint", args=[policy.pk]),
                rule="R-R1",
            )
        )
    return out


def _reviews_due(led: QuerySet) -> list[Task]:
    """R-R7: a final report written and not yet reviewed."""
    out = []
    for report in (
        FinalReport.objects.filter(engagement__policy_id__in=led, reviewed_at__isnull=True)
        .select_related("engagement__policy__permit", "engagement__project")
        .order_by("id")
    ):
        out.append(
            task(
                kind="riskmgmt.review_final_report",
                title_zh="审核最终检查报告并交建设单位",
                title_en="Review the final inspection report and hand it to the developer",
                subject=_subject(report.engagement),
                url=reverse("riskmgmt:engagement", args=[report.engagement_id]) + "#final-report",
                rule="R-R7",
            )
        )
    return out


def _ratings_due(led: QuerySet) -> list[Task]:
    """R-R9: an engagement whose final report is written and not yet rated at it."""
    out = []
    for engagement in (
        Engagement.objects.filter(policy_id__in=led, final_report__isnull=False)
        .exclude(pk__in=Evaluation.objects.filter(at_final_report=True).values("engagement_id"))
        .select_related("policy__permit", "project")
        .order_by("id")
    ):
        out.append(
            task(
                kind="riskmgmt.evaluate_rma",
                title_zh="评价风险管理机构的工作（最终检查报告）",
                title_en="Rate the agency's work at its final report",
                subject=_subject(engagement),
                url=reverse("riskmgmt:evaluation", args=[engagement.pk]),
                rule="R-R9",
            )
        )
    return out


# --- the regulator (R-O1 with R-R4) -----------------------------------------------------------


def _regulator_tasks(actor: Actor) -> list[Task]:
    """R-O1: each stage and past month of the last SHORTFALL_MONTHS in which an engagement of
    the regulator's district (the city's: every one) fell short of R-R4. The current month is
    still running and is not judged."""
    this_month, _ = _month_span(clock.today())
    first = add_months(this_month, -SHORTFALL_MONTHS)
    out = []
    for engagement, row in short_months(
        PlannedStage.objects.filter(engagement__project_id__in=visible_project_ids(actor)),
        first=first,
        last=add_days(this_month, -1),
    ):
        out.append(
            task(
                kind="riskmgmt.check_inspection_shortfall",
                title_zh="核查：过程检查次数不足",
                title_en="Check: too few process inspections",
                subject=f"{engagement.project.name} · {row.month} · {_stage_label(row.stage)}",
                url=reverse("riskmgmt:engagement", args=[engagement.pk]) + "#compliance",
                rule="R-R4",
            )
        )
    return out
