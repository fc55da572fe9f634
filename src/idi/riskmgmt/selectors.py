"""Reads of risk management that depend on who asks.

Who sees what: whoever sees the project (projects.selectors, which asks this app for the
engaged RMA through Hook.PROJECT_VISIBILITY) sees its engagement, inspections, defects and
evidence, except owners: construction-phase findings are the parties' and the regulator's.
The appraiser jointly chosen for a disputed defect (R-R6) sees that defect, its inspection and
evidence, and nothing else of the project. An object the actor may not see is "not found".
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from idi.core import clock
from idi.core.errors import NotFound
from idi.core.paging import DEFAULT_LIMIT, MAX_LIMIT, page_body
from idi.core.permissions import Actor
from idi.core.registry import Panel, Task
from idi.core.rulebook import get_rulebook
from idi.core.workspace import task
from idi.notifications.models import OPEN, Deadline
from idi.parties.models import OrgType
from idi.projects.models import ConstructionPermit, Participant, Project, Unit
from idi.projects.selectors import is_owner_actor, projects_visible_to
from idi.riskmgmt.models import (
    SETTLED_STATUSES,
    ComplianceException,
    Defect,
    DefectEvent,
    DefectStatus,
    Engagement,
    Evaluation,
    Evidence,
    FinalReport,
    Inspection,
    JointInspection,
    PlannedStage,
)
from idi.rules import PlannedStage as PlanItem
from idi.rules import RulePack, add_years, inspection_compliance
from idi.rules.errors import is_english
from idi.underwriting.models import Policy, PolicyShare, ShareRole
from idi.underwriting.selectors import UNDERWRITING_ROLES

# --- the pack and the parties -----------------------------------------------------------------


def pack_of_policy(policy: Policy) -> RulePack:
    """R-U1: the pack stored on the policy."""
    return get_rulebook().pack(policy.pack_id)


def pack_of(engagement: Engagement) -> RulePack:
    return pack_of_policy(engagement.policy)


def lead_insurer_id(policy: Policy) -> int | None:
    return (
        PolicyShare.objects.filter(policy=policy, role=ShareRole.LEAD)
        .values_list("insurer_id", flat=True)
        .first()
    )


def member_ids(organisation_ids) -> set[int]:
    """The active accounts of these organisations (who reads what is sent to them)."""
    from django.contrib.auth import get_user_model

    return set(
        get_user_model()
        .objects.filter(profile__organisation_id__in=organisation_ids, is_active=True)
        .values_list("pk", flat=True)
    )


def participant_ids(project_id: int, *, role: str | None = None) -> set[int]:
    qs = Participant.objects.filter(project_id=project_id)
    if role:
        qs = qs.filter(role=role)
    return set(qs.values_list("organisation_id", flat=True))


def period_start(policy: Policy, permit: ConstructionPermit) -> date | None:
    """R-C2: the insurance period starts completion + N years; None before completion."""
    if permit.completion_accepted_on is None:
        return None
    return add_years(
        permit.completion_accepted_on, pack_of_policy(policy).coverage.start_offset_years
    )


def category_labels(pack: RulePack) -> dict[str, str]:
    """The R-C1 categories' names from the pack, in the page's language."""
    english = (translation.get_language() or "").startswith("en")
    return {
        key: spec.label_en if english else spec.label_zh
        for key, spec in pack.coverage.categories.items()
    }


# --- visibility -------------------------------------------------------------------------------


def visible_project_ids(actor: Actor) -> QuerySet:
    if is_owner_actor(actor) or actor.user_id is None:
        return Project.objects.none().values("pk")
    return projects_visible_to(actor).values("pk")


def get_project(*, actor: Actor, pk: int) -> Project:
    """A project whose construction-phase findings the actor may see (its defect board):
    whoever sees the project except owners, to whom the board is not found."""
    found = projects_visible_to(actor).filter(pk__in=visible_project_ids(actor), pk=pk).first()
    if found is None:
        raise NotFound("project")
    return found


def engaged_projects(actor: Actor) -> Q | None:
    """Hook.PROJECT_VISIBILITY: an RMA sees the projects it is engaged on."""
    if actor.organisation_type != OrgType.RMA or actor.organisation_id is None:
        return None
    return Q(pk__in=Engagement.objects.filter(rma_id=actor.organisation_id).values("project_id"))


def engagements_visible_to(actor: Actor) -> QuerySet[Engagement]:
    return Engagement.objects.filter(project_id__in=visible_project_ids(actor)).select_related(
        "policy__permit", "project__developer", "rma"
    )


def get_engagement(*, actor: Actor, pk: int) -> Engagement:
    found = engagements_visible_to(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound("engagement")
    return found


def engagements_of(*, actor: Actor, project: Project) -> list[Engagement]:
    return list(engagements_visible_to(actor).filter(project=project).order_by("policy__permit"))


def _defects_seen(actor: Actor, path: str = "") -> Q:
    """The defects (at `path`, e.g. "defect__") whose project's findings the actor sees, and
    those it was chosen to appraise (R-R6)."""
    seen = Q(**{f"{path}project_id__in": visible_project_ids(actor)})
    if actor.organisation_type == OrgType.APPRAISER and actor.organisation_id is not None:
        seen |= Q(**{f"{path}appraiser_id": actor.organisation_id})
    return seen


def defects_visible_to(actor: Actor) -> QuerySet[Defect]:
    return Defect.objects.filter(_defects_seen(actor))


def get_defect(*, actor: Actor, pk: int) -> Defect:
    found = (
        defects_visible_to(actor)
        .select_related(
            "project__developer",
            "engagement__policy",
            "inspection",
            "building",
            "responsible",
            "appraiser",
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound("defect")
    return found


def get_inspection(*, actor: Actor, pk: int) -> Inspection:
    found = (
        Inspection.objects.filter(
            Q(project_id__in=visible_project_ids(actor))
            | Q(pk__in=defects_visible_to(actor).values("inspection_id"))
        )
        .select_related("engagement__policy__permit", "project")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound("inspection")
    return found


def get_evidence(*, actor: Actor, pk: int) -> Evidence:
    found = Evidence.objects.filter(_defects_seen(actor, "defect__")).filter(pk=pk).first()
    if found is None:
        raise NotFound("evidence")
    return found


def get_permit(*, actor: Actor, pk: int) -> ConstructionPermit:
    found = (
        ConstructionPermit.objects.filter(project_id__in=visible_project_ids(actor))
        .select_related("project")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound("permit")
    return found


# --- states (for the audit log) ---------------------------------------------------------------


def plan_rows(engagement: Engagement) -> list[dict]:
    return [
        {"stage": s.stage, "starts_on": s.starts_on.isoformat(), "ends_on": s.ends_on.isoformat()}
        for s in PlannedStage.objects.filter(engagement=engagement).order_by("starts_on", "id")
    ]


def defect_state(defect: Defect) -> dict:
    return {
        "status": defect.status,
        "grade": defect.grade,
        "category": defect.category,
        "building": defect.building_id,
        "floor": defect.floor,
        "part": defect.part,
        "responsible": defect.responsible_id,
        "appraiser": defect.appraiser_id,
        "appraisal_fee": None if defect.appraisal_fee is None else str(defect.appraisal_fee),
    }


def report_state(report: FinalReport) -> dict:
    return {
        "risk_rating": report.risk_rating,
        "open_items": len(report.open_items),
        "reviewed": report.reviewed_at is not None,
    }


def defect_label(defect: Defect) -> str:
    return f"#{defect.pk}（{defect.grade}，{defect.building.name} {defect.floor}层 {defect.part}）"


def open_major_defects(engagement: Engagement) -> list[Defect]:
    return list(
        Defect.objects.filter(engagement=engagement, major=True)
        .exclude(status__in=SETTLED_STATUSES)
        .select_related("building")
        .order_by("id")
    )


# --- one defect, the board --------------------------------------------------------------------


def defect_answer(defect: Defect) -> dict:
    """The API's defect: the contract's fields, with its history."""
    events = DefectEvent.objects.filter(defect=defect).order_by("id")
    return {
        "id": defect.pk,
        "grade": defect.grade,
        "major": defect.major,
        "category": defect.category,
        "building": defect.building_id,
        "floor": defect.floor,
        "part": defect.part,
        "status": defect.status,
        "responsible": defect.responsible_id,
        "appraiser": defect.appraiser_id,
        "history": [{"action": e.action, "by": e.by_label, "at": e.at} for e in events],
    }


@dataclass(frozen=True)
class DefectFilters:
    status: str = ""
    grade: str = ""
    stage: str = ""
    responsible: int | None = None
    building: int | None = None
    category: str = ""

    def apply(self, qs: QuerySet) -> QuerySet:
        for name in ("status", "grade", "stage", "category"):
            value = getattr(self, name)
            if value:
                qs = qs.filter(**{name: value})
        if self.responsible:
            qs = qs.filter(responsible_id=self.responsible)
        if self.building:
            qs = qs.filter(building_id=self.building)
        return qs


BOARD_FIELDS = (
    "id",
    "grade",
    "major",
    "category",
    "building_id",
    "building__name",
    "floor",
    "part",
    "stage",
    "status",
    "responsible_id",
    "responsible__name",
    "description",
    "recorded_at",
)


def clamp_limit(limit: int | None) -> int:
    return max(1, min(limit or DEFAULT_LIMIT, MAX_LIMIT))


def defects_of(*, actor: Actor, project: Project, filters: DefectFilters) -> QuerySet:
    """The project's defects the actor sees (`project` came from get_project of this module
    for this actor; owners see none), filtered, newest first."""
    if is_owner_actor(actor):
        return Defect.objects.none()
    return filters.apply(Defect.objects.filter(project=project)).order_by("-id")


def defect_board(
    *,
    actor: Actor,
    project: Project,
    filters: DefectFilters,
    page: int = 1,
    limit: int | None = None,
) -> dict:
    """One page of the board: two queries (count, rows) whatever the size of the project."""
    limit = clamp_limit(limit)
    qs = defects_of(actor=actor, project=project, filters=filters)
    count = qs.count()
    pages = max(1, -(-count // limit))
    page = max(1, min(page, pages))
    offset = (page - 1) * limit
    items = list(qs.values(*BOARD_FIELDS)[offset : offset + limit])
    return {"items": items, "count": count, "page": page, "pages": pages, "limit": limit}


def board_choices(project: Project) -> dict:
    """What the board's filters offer: the project's buildings and responsible units."""
    from idi.parties.models import Organisation

    return {
        "buildings": list(project.buildings.order_by("name").values_list("id", "name")),
        "responsible": list(
            Organisation.objects.filter(
                pk__in=Participant.objects.filter(project=project).values("organisation_id")
            )
            .order_by("name")
            .values_list("id", "name")
        ),
    }


def defects_of_inspection(*, actor: Actor, inspection: Inspection) -> QuerySet[Defect]:
    """The inspection's defects the actor sees: all of them for whoever sees the project, the
    one it appraises for a chosen appraiser."""
    return (
        defects_visible_to(actor).filter(inspection=inspection).select_related("building")
    ).order_by("id")


def sees_board(actor: Actor, project_id: int) -> bool:
    return visible_project_ids(actor).filter(pk=project_id).exists()


def history_of(defect: Defect) -> list[DefectEvent]:
    return list(DefectEvent.objects.filter(defect=defect).select_related("by_org").order_by("id"))


def evidence_of(defect: Defect) -> list[Evidence]:
    return list(Evidence.objects.filter(defect=defect).order_by("id"))


def defects_at(
    *,
    actor: Actor,
    unit: Unit | None = None,
    building: int | None = None,
    floor: int | None = None,
    category: str | None = None,
) -> QuerySet[Defect]:
    """The construction-phase defects recorded at a place, for the claims process: those of the
    unit's building and floor (or of a building, optionally one floor), optionally in one R-C1
    category, that the actor may see; newest first. Claims call this when determining a claim
    and when pursuing a responsible party (R-K8)."""
    if unit is not None:
        building, floor = unit.building_id, unit.floor
    if building is None:
        raise ValueError("defects_at needs a unit or a building")
    qs = defects_visible_to(actor).filter(building_id=building)
    if floor is not None:
        qs = qs.filter(floor=floor)
    if category:
        qs = qs.filter(category=category)
    return qs.select_related("building", "responsible").order_by("-id")


@dataclass(frozen=True)
class RelatedDefect:
    label: str
    url: str
    recorded_on: date


RELATED_DEFECTS_SHOWN = 20


def related_defects_for_claim(
    actor: Actor, *, unit: Unit, category: str, place: str = ""
) -> list[RelatedDefect]:
    """Hook.CLAIM_RELATED_DEFECTS: the construction-phase defects of the claimed unit's building
    and floor in the claim's category, for the insurer determining the claim and pursuing the
    responsible party (R-K8). `place` (the claim's free text) does not narrow them: a defect's
    part is the RMA's own wording."""
    statuses = dict(DefectStatus.choices)
    rows = defects_at(actor=actor, unit=unit, category=category).select_related("inspection")
    return [
        RelatedDefect(
            label=f"#{d.pk} {d.grade} {d.part}：{d.description[:60]}（{statuses[d.status]}"
            + (f"，{d.responsible.name}" if d.responsible else "")
            + "）",
            url=f"/riskmgmt/defects/{d.pk}/",
            recorded_on=d.inspection.inspected_on,
        )
        for d in rows[:RELATED_DEFECTS_SHOWN]
    ]


# --- compliance (R-R3, R-R4) ------------------------------------------------------------------


def compliance(engagement: Engagement, *, until: date | None = None) -> dict:
    """R-R4: per planned stage and month begun by `until` (default today), the inspections
    required, recorded and short; plus the R-R3 exceptions of the engagement's permit."""
    until = until or clock.today()
    plan = [
        PlanItem(s.stage, s.starts_on, s.ends_on)
        for s in PlannedStage.objects.filter(engagement=engagement).order_by("starts_on", "id")
    ]
    inspections = Inspection.objects.filter(engagement=engagement).values_list(
        "inspected_on", "stage"
    )
    rows = inspection_compliance(pack_of(engagement), plan, inspections, until=until)
    exceptions = ComplianceException.objects.filter(permit_id=engagement.policy.permit_id)
    return {
        "months": [
            {
                "month": r.month,
                "stage": r.stage,
                "required": r.required,
                "done": r.done,
                "short": r.short,
            }
            for r in rows
        ],
        "exceptions": [exception_answer(e) for e in exceptions.order_by("on", "id")],
    }


def exception_answer(e: ComplianceException) -> dict:
    return {
        "rule": e.rule,
        "code": e.code,
        "permit": e.permit_id,
        "on": e.on,
        "message": e.message_en if is_english(translation.get_language()) else e.message,
    }


def exceptions_visible_to(actor: Actor) -> QuerySet[ComplianceException]:
    """R-R3 exceptions for the insurer's and the regulator's lists."""
    return (
        ComplianceException.objects.filter(project_id__in=visible_project_ids(actor))
        .select_related("permit", "project")
        .order_by("-on", "-id")
    )


def oversight_page(actor: Actor, *, page: int = 1, limit: int = DEFAULT_LIMIT) -> dict:
    """The insurer's and the regulator's list (R-R3, R-R4, R-R9): each engagement the actor may
    see with its R-R4 shortfall to date, its R-R3 exceptions and its latest rating. A page costs
    a fixed number of queries per engagement shown, whatever the engagements' sizes."""
    body = page_body(
        engagements_visible_to(actor).order_by("-id"), page=page, limit=clamp_limit(limit)
    )
    engagements = body["items"]
    ids = [e.pk for e in engagements]
    permits = [e.policy.permit_id for e in engagements]
    exceptions = Counter(
        ComplianceException.objects.filter(permit_id__in=permits).values_list(
            "permit_id", flat=True
        )
    )
    ratings: dict[int, Evaluation] = {}
    for evaluation in Evaluation.objects.filter(engagement_id__in=ids).order_by("id"):
        ratings[evaluation.engagement_id] = evaluation
    body["items"] = [
        {
            "engagement": e,
            "short": sum(row["short"] for row in compliance(e)["months"]),
            "exceptions": exceptions.get(e.policy.permit_id, 0),
            "rating": ratings.get(e.pk),
        }
        for e in engagements
    ]
    return body


def evaluations_visible_to(actor: Actor) -> QuerySet[Evaluation]:
    """R-R9: the regulator sees the ratings of RMAs across the projects it oversees."""
    return (
        Evaluation.objects.filter(engagement__project_id__in=visible_project_ids(actor))
        .select_related("engagement__rma", "engagement__project", "by_org")
        .order_by("-id")
    )


# --- final report (R-R7) ----------------------------------------------------------------------


def final_report_content(engagement: Engagement) -> dict:
    """G 3.4: inspections summary, rectification summary with open items, overall risk rating.

    The rating is the platform's reading of the data: high while a major defect is open,
    medium while any other defect is open, low when every defect is settled."""
    inspections = Counter(
        Inspection.objects.filter(engagement=engagement).values_list("stage", flat=True)
    )
    defects = list(
        Defect.objects.filter(engagement=engagement).select_related("building").order_by("id")
    )
    by_status = Counter(d.status for d in defects)
    by_grade = Counter(d.grade for d in defects)
    open_items = [
        {
            "defect": d.pk,
            "grade": d.grade,
            "major": d.major,
            "status": d.status,
            "place": f"{d.building.name} {d.floor} {d.part}",
        }
        for d in defects
        if d.status not in SETTLED_STATUSES
    ]
    if any(item["major"] for item in open_items):
        rating = "high"
    elif open_items:
        rating = "medium"
    else:
        rating = "low"
    return {
        "inspections_summary": {
            "total": sum(inspections.values()),
            "by_stage": dict(sorted(inspections.items())),
        },
        "rectification_summary": {
            "defects": len(defects),
            "by_status": dict(sorted(by_status.items())),
            "by_grade": dict(sorted(by_grade.items())),
            "major": sum(1 for d in defects if d.major),
        },
        "open_items": open_items,
        "risk_rating": rating,
    }


def final_report_of(engagement: Engagement) -> FinalReport | None:
    return FinalReport.objects.filter(engagement=engagement).first()


def joint_inspection_of(permit_id: int) -> JointInspection | None:
    return JointInspection.objects.filter(permit_id=permit_id).first()


# --- what lower apps show (registered in apps.py) ---------------------------------------------


RISK_LABELS = {"high": gettext_lazy("高"), "medium": gettext_lazy("中"), "low": gettext_lazy("低")}


def project_panels(actor: Actor, project: Project) -> list[Panel]:
    """Hook.PROJECT_PANELS: the risk-management section of the project page."""
    if is_owner_actor(actor):
        return []
    engagements = engagements_of(actor=actor, project=project)
    counts = dict(
        Counter(
            Defect.objects.filter(project=project)
            .exclude(status__in=SETTLED_STATUSES)
            .values_list("engagement_id", flat=True)
        )
    )
    insurable = [
        p
        for p in Policy.objects.filter(
            permit__project=project, engagement__isnull=True, state__in=("issued", "in_force")
        ).select_related("permit")
        if actor.organisation_id is not None
        and lead_insurer_id(p) == actor.organisation_id
        and actor.has_role(*UNDERWRITING_ROLES)
    ]
    rows = [(e, counts.get(e.pk, 0)) for e in engagements]
    return [
        Panel(
            title=_("风险管理"),
            template="riskmgmt/_project_panel.html",
            context={
                "project": project,
                "rows": rows,
                "appointable": insurable,
                "is_developer": actor.organisation_id == project.developer_id,
            },
        )
    ]


def tasks_for(actor: Actor) -> list[Task]:
    """Hook.TASKS: defects waiting for the actor, and the joint-inspection warning (R-R8)."""
    if actor.organisation_id is None:
        return []
    if actor.organisation_type == OrgType.APPRAISER:
        return appraisal_tasks(actor)
    tasks: list[Task] = []
    org = actor.organisation_id
    waiting = Defect.objects.filter(project_id__in=visible_project_ids(actor))
    mine = Q()
    if actor.organisation_type == OrgType.DEVELOPER:
        mine = Q(
            project__developer_id=org, status__in=(DefectStatus.RECORDED, "supervisor_confirmed")
        )
    elif actor.organisation_type == OrgType.SUPERVISOR:
        mine = Q(
            status=DefectStatus.RECTIFIED,
            project__participants__organisation_id=org,
            project__participants__role="supervisor",
        )
    else:
        mine = Q(responsible_id=org, status=DefectStatus.CONFIRMED)
    for row in (
        waiting.filter(mine).values("project_id", "project__name").order_by("project_id").distinct()
    ):
        tasks.append(
            task(
                kind="riskmgmt.defects",
                title_zh="处理待办的缺陷（确认、整改或复核）",
                title_en="Handle the defects waiting for you (confirm, rectify or check)",
                subject=row["project__name"],
                url=f"/riskmgmt/projects/{row['project_id']}/defects/",
            )
        )
    if actor.organisation_type == OrgType.DEVELOPER:
        tasks.extend(_appraisers_to_choose(org))
        tasks.extend(_joint_inspection_warnings(org))
    return tasks


def _appraisers_to_choose(developer_id: int) -> list[Task]:
    """R-R6: disputed defects wait for the appraiser the parties choose together, which the
    developer records; one item per project, leading to its disputed defects."""
    rows = (
        Defect.objects.filter(
            project__developer_id=developer_id,
            status=DefectStatus.DISPUTED,
            appraiser__isnull=True,
        )
        .values("project_id", "project__name")
        .annotate(n=Count("id"))
        .order_by("project_id")
    )
    return [
        task(
            kind="riskmgmt.choose_appraiser",
            title_zh=f"与各方共同选定鉴定机构并登记（{row['n']} 项争议缺陷）",
            title_en=f"Choose the appraiser together with the parties and record it "
            f"({row['n']} disputed defects)",
            subject=row["project__name"],
            url=f"/riskmgmt/projects/{row['project_id']}/defects/?status=disputed",
            rule="R-R6",
        )
        for row in rows
    ]


def appraisal_tasks(actor: Actor) -> list[Task]:
    """R-R6: each disputed defect waiting for the finding of the appraiser the parties chose."""
    waiting = (
        Defect.objects.filter(appraiser_id=actor.organisation_id, status=DefectStatus.DISPUTED)
        .select_related("project", "building")
        .order_by("id")
    )
    return [
        task(
            kind="riskmgmt.appraise_defect",
            title_zh="就争议缺陷作出鉴定结论",
            title_en="Make the appraisal finding on a disputed defect",
            subject=f"{d.project.name} · {defect_label(d)}",
            url=f"/riskmgmt/defects/{d.pk}/#action-appraisal",
            rule="R-R6",
        )
        for d in waiting
    ]


def _joint_inspection_warnings(developer_id: int) -> list[Task]:
    """R-R8: the stored clocks of joint inspections not yet scheduled whose warning day has
    come (the pack's days before the insurance period starts)."""
    engagements = Engagement.objects.filter(project__developer_id=developer_id).values("pk")
    out = []
    for d in Deadline.objects.filter(
        OPEN,
        owner_type=OWNER_LABEL,
        owner_id__in=engagements,
        kind="joint_inspection",
        remind_on__lte=clock.today(),
    ).order_by("due"):
        name, link = describe_engagements([d.owner_id])[d.owner_id]
        out.append(
            task(
                kind="riskmgmt.schedule_joint_inspection",
                title_zh="保险期间开始前安排共同查验",
                title_en="Schedule the joint inspection before the insurance period starts",
                subject=name,
                url=link,
                due=d.due,
                rule="R-R8",
            )
        )
    return out


# --- deadlines owned by an engagement (idi.notifications) --------------------------------------

OWNER_LABEL = "riskmgmt.engagement"


def deadline_recipients(rows: list[Deadline], event: str) -> dict[int, set[int]]:
    """The joint-inspection clock reminds the developer; its escalation also reaches the lead
    insurer (R-R8: the developer organises it with the lead insurer)."""
    engagements = {
        e.pk: e
        for e in Engagement.objects.filter(pk__in={d.owner_id for d in rows}).select_related(
            "project"
        )
    }
    out: dict[int, set[int]] = {}
    for d in rows:
        engagement = engagements.get(d.owner_id)
        if engagement is None:
            continue
        orgs = {engagement.project.developer_id}
        if event == "escalation":
            orgs.add(lead_insurer_id(engagement.policy))
        out[d.pk] = member_ids(orgs)
    return out


def describe_engagements(engagement_ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = Engagement.objects.filter(pk__in=engagement_ids).select_related("policy__permit")
    return {
        e.pk: (
            _("施工许可证 %(permit)s：保险期限开始前共同查验") % {"permit": e.policy.permit.number},
            f"/riskmgmt/permits/{e.policy.permit_id}/joint-inspection/",
        )
        for e in rows
    }
