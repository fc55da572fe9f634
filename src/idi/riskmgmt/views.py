"""The risk-management pages: the defect board per project, a defect's page (the on-site page
for inspectors and contractors: one column, large buttons, camera upload), the engagement with
its compliance table and final report. Views parse, call a selector or one service, and show
refusals on the form."""

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from idi.core.errors import RuleViolation
from idi.core.permissions import actor_from_request
from idi.core.refusals import refusal_html
from idi.core.rulebook import get_rulebook
from idi.core.views import add_refusal, form_page
from idi.parties.models import OrgType
from idi.riskmgmt import forms, selectors, services
from idi.riskmgmt.models import DefectStatus, Engagement, Stage
from idi.underwriting.selectors import UNDERWRITING_ROLES, get_policy
from idi.underwriting.views import login_required

PAGE_SIZE = 50
SUMMARY_CHARS = 40
REFUSED = 400


def _categories() -> dict[str, str]:
    return selectors.category_labels(get_rulebook().pack())


def _engagement_url(engagement: Engagement) -> str:
    return reverse("riskmgmt:engagement", args=[engagement.pk])


def _page(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


# --- the board --------------------------------------------------------------------------------


@login_required
def board(request, pk: int):
    actor = actor_from_request(request)
    project = selectors.get_project(actor=actor, pk=pk)
    choices = selectors.board_choices(project)
    categories = _categories()
    form = forms.BoardFilterForm(
        request.GET or None,
        buildings=choices["buildings"],
        responsible=choices["responsible"],
        categories=categories,
    )
    filters = selectors.DefectFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.DefectFilters(**form.cleaned_data)
    page = selectors.defect_board(
        actor=actor,
        project=project,
        filters=filters,
        page=_page(request.GET.get("page")),
        limit=PAGE_SIZE,
    )
    query = request.GET.copy()
    query.pop("page", None)
    # Labels are looked up once per page, not once per row in the template.
    statuses = {key: str(label) for key, label in DefectStatus.choices}
    stages = {key: str(label) for key, label in Stage.choices}
    defect_prefix = reverse("riskmgmt:defect", args=[0]).removesuffix("0/")
    for row in page["items"]:
        # Plain text for the template: no number localisation or truncation filter per cell.
        row["id"] = str(row["id"])
        row["floor"] = str(row["floor"])
        text = row["description"]
        row["description"] = text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"
        row["url"] = f"{defect_prefix}{row['id']}/"
        row["status_label"] = statuses.get(row["status"], row["status"])
        row["stage_label"] = stages.get(row["stage"], row["stage"])
        row["category_label"] = categories.get(row["category"], row["category"])
    return render(
        request,
        "riskmgmt/board.html",
        {
            "project": project,
            "filters": _filter_fields(form),
            "page": page,
            "pager": {
                "number": page["page"],
                "pages": page["pages"],
                "count": page["count"],
                "previous": page["page"] - 1 if page["page"] > 1 else None,
                "next": page["page"] + 1 if page["page"] < page["pages"] else None,
                "query": query.urlencode(),
            },
        },
    )


def _filter_fields(form) -> list[dict]:
    """The filter form's selects as plain data: the page renders six selects of a few options
    each, without a widget template per option."""
    chosen = form.data if form.is_bound else {}
    return [
        {
            "name": name,
            "label": str(field.label),
            "options": [
                (str(value), str(label), str(value) == str(chosen.get(name, "")))
                for value, label in field.choices
            ],
        }
        for name, field in form.fields.items()
    ]


# --- one defect: the on-site page -------------------------------------------------------------


def _parties(defect, *, with_rma: bool = False) -> list[tuple[int, str]]:
    from idi.parties.models import Organisation

    ids = selectors.participant_ids(defect.project_id) | {defect.project.developer_id}
    if with_rma:
        ids.add(defect.engagement.rma_id)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name").values_list("id", "name"))


DEFECT_FORMS = {
    "confirm": (forms.ConfirmForm, services.confirm_defect),
    "dispute": (forms.DisputeForm, services.dispute_defect),
    "choose-appraiser": (forms.ChooseAppraiserForm, services.choose_appraiser),
    "appraisal": (forms.AppraisalForm, services.record_appraisal),
    "rectify": (forms.RectifyForm, services.rectify_defect),
    "supervisor-confirm": (forms.ActionForm, services.supervisor_confirm_defect),
    "developer-confirm": (forms.DeveloperConfirmForm, services.developer_confirm_defect),
    "evidence": (forms.EvidenceForm, services.upload_evidence),
}


def _is_chosen_appraiser(actor, defect) -> bool:
    return (
        actor.organisation_type == OrgType.APPRAISER
        and defect.appraiser_id is not None
        and actor.organisation_id == defect.appraiser_id
    )


def _form_for(action: str, defect, actor, data=None, files=None):
    form_class, _service = DEFECT_FORMS[action]
    kwargs = {}
    if action == "confirm":
        kwargs["parties"] = _parties(defect)
    elif action == "appraisal":
        kwargs["parties"] = _parties(defect, with_rma=True)
        if _is_chosen_appraiser(actor, defect):
            form_class = forms.FindingForm
        else:
            kwargs["chosen"] = defect.appraiser_id
    if action == "evidence":
        return form_class(data, files, **kwargs)
    return form_class(data, **kwargs)


def _available(actor, defect) -> list[str]:
    """The actions the actor may take on the defect now (the services check again)."""
    org = actor.organisation_id
    developer = org == defect.project.developer_id and actor.organisation_type == OrgType.DEVELOPER
    parties = selectors.participant_ids(defect.project_id)
    status = defect.status
    out = []
    if status == DefectStatus.RECORDED and developer:
        out.append("confirm")
    if status == DefectStatus.RECORDED and (developer or org in parties):
        out.append("dispute")
    if status == DefectStatus.DISPUTED and developer:
        out.append("choose-appraiser")
    if status == DefectStatus.DISPUTED and (developer or _is_chosen_appraiser(actor, defect)):
        out.append("appraisal")
    if status in services.EVIDENCE_STATUSES and org in (
        defect.responsible_id,
        defect.engagement.rma_id,
    ):
        out.append("evidence")
    if status == DefectStatus.CONFIRMED and org == defect.responsible_id:
        out.append("rectify")
    if status == DefectStatus.RECTIFIED and org in selectors.participant_ids(
        defect.project_id, role="supervisor"
    ):
        out.append("supervisor-confirm")
    if status == DefectStatus.SUPERVISOR_CONFIRMED and developer:
        out.append("developer-confirm")
    return out


ACTION_LABELS = {
    "confirm": gettext_lazy("确认缺陷并指定责任单位"),
    "dispute": gettext_lazy("提出异议"),
    "choose-appraiser": gettext_lazy("登记共同选定的鉴定机构"),
    "appraisal": gettext_lazy("登记鉴定结论"),
    "evidence": gettext_lazy("上传整改照片"),
    "rectify": gettext_lazy("提交整改"),
    "supervisor-confirm": gettext_lazy("监理确认整改"),
    "developer-confirm": gettext_lazy("建设单位确认并书面回复"),
}


def _defect_page(request, actor, defect, *, bound=None, status=200):
    actions = _available(actor, defect)
    action_forms = [
        (
            action,
            str(ACTION_LABELS[action]),
            bound[1] if bound and bound[0] == action else _form_for(action, defect, actor),
        )
        for action in actions
    ]
    return render(
        request,
        "riskmgmt/defect.html",
        {
            "defect": defect,
            "category": _categories().get(defect.category, defect.category),
            "history": selectors.history_of(defect),
            "evidence": selectors.evidence_of(defect),
            "action_forms": action_forms,
            "sees_board": selectors.sees_board(actor, defect.project_id),
        },
        status=status,
    )


@login_required
def defect_detail(request, pk: int):
    actor = actor_from_request(request)
    return _defect_page(request, actor, selectors.get_defect(actor=actor, pk=pk))


@login_required
@require_POST
def defect_action(request, pk: int, action: str):
    actor = actor_from_request(request)
    defect = selectors.get_defect(actor=actor, pk=pk)
    if action not in DEFECT_FORMS:
        return redirect("riskmgmt:defect", pk=defect.pk)
    form = _form_for(action, defect, actor, request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        if action == "evidence":
            data["upload"] = data.pop("file")
        if "appraiser" in data:
            data["appraiser"] = data["appraiser"].pk
        try:
            DEFECT_FORMS[action][1](actor=actor, defect=defect, **data)
        except RuleViolation as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("riskmgmt:defect", pk=defect.pk)
    defect = selectors.get_defect(actor=actor, pk=pk)
    return _defect_page(request, actor, defect, bound=(action, form), status=REFUSED)


@login_required
def evidence_file(request, pk: int):
    """An evidence file, served only to those who may see its project."""
    actor = actor_from_request(request)
    evidence = selectors.get_evidence(actor=actor, pk=pk)
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="evidence-{evidence.pk}"'
    return response


@login_required
def oversight(request):
    """R-R3, R-R4, R-R9 across the engagements the actor may see: the insurer's and the
    regulator's list."""
    actor = actor_from_request(request)
    body = selectors.oversight_page(actor, page=_page(request.GET.get("page")))
    return render(
        request,
        "riskmgmt/oversight.html",
        {
            "page": body,
            "exceptions": selectors.exceptions_visible_to(actor)[:PAGE_SIZE],
            "pager": {
                "number": body["page"],
                "pages": body["pages"],
                "count": body["count"],
                "previous": body["page"] - 1 if body["page"] > 1 else None,
                "next": body["page"] + 1 if body["page"] < body["pages"] else None,
                "query": "",
            },
        },
    )


# --- the engagement ---------------------------------------------------------------------------


@login_required
def engagement_detail(request, pk: int):
    actor = actor_from_request(request)
    engagement = selectors.get_engagement(actor=actor, pk=pk)
    org = actor.organisation_id
    lead = selectors.lead_insurer_id(engagement.policy)
    stages = {key: str(label) for key, label in Stage.choices}
    compliance = selectors.compliance(engagement)
    for row in compliance["months"]:
        row["stage_label"] = stages.get(row["stage"], row["stage"])
    inspections = list(
        engagement.inspections.order_by("-inspected_on", "-id").values(
            "id", "inspected_on", "stage", "inspectors", "scope"
        )
    )
    inspection_prefix = reverse("riskmgmt:inspection", args=[0]).removesuffix("0/")
    for row in inspections:
        row["stage_label"] = stages.get(row["stage"], row["stage"])
        row["url"] = f"{inspection_prefix}{row['id']}/"
    return render(
        request,
        "riskmgmt/engagement.html",
        {
            "engagement": engagement,
            "compliance": compliance,
            "inspections": inspections,
            "report": selectors.final_report_of(engagement),
            "evaluations": engagement.evaluations.order_by("-id"),
            "risk_labels": selectors.RISK_LABELS,
            "is_rma": org == engagement.rma_id,
            "is_lead": org is not None and org == lead and actor.has_role(*UNDERWRITING_ROLES),
            "is_developer": org == engagement.project.developer_id,
        },
    )


def _engagement_form(request, engagement, *, form, title, act, submit=None):
    def run(data: dict) -> str:
        act(data)
        return _engagement_url(engagement)

    return form_page(
        request,
        form=form,
        title=title,
        run=run,
        done=_("已保存"),
        back_url=_engagement_url(engagement),
        context={
            "up_url": _engagement_url(engagement),
            "up_label": str(engagement.policy),
            "submit_label": submit or _("保存"),
        },
        error_status=REFUSED,
    )


@login_required
def kickoff(request, pk: int):
    actor = actor_from_request(request)
    engagement = selectors.get_engagement(actor=actor, pk=pk)
    services.may_record_kickoff(actor, engagement)
    return _engagement_form(
        request,
        engagement,
        form=forms.KickoffForm(request.POST or None),
        title=_("登记风险管理交底会"),
        act=lambda data: services.record_kickoff(actor=actor, engagement=engagement, **data),
    )


@login_required
def plan(request, pk: int):
    actor = actor_from_request(request)
    engagement = selectors.get_engagement(actor=actor, pk=pk)
    services.may_set_plan(actor, engagement)
    initial = {}
    for row in engagement.stages.all():
        initial[f"{row.stage}_starts_on"] = row.starts_on
        initial[f"{row.stage}_ends_on"] = row.ends_on
    form = forms.PlanForm(request.POST or None, initial=initial)
    return _engagement_form(
        request,
        engagement,
        form=form,
        title=_("风险管理检查计划"),
        act=lambda data: services.set_plan(
            actor=actor, engagement=engagement, stages=form.stages()
        ),
    )


def _building_choices(engagement) -> list[tuple[int, str]]:
    return list(engagement.policy.permit.buildings.order_by("name").values_list("id", "name"))


@login_required
def inspection_create(request, pk: int):
    actor = actor_from_request(request)
    engagement = selectors.get_engagement(actor=actor, pk=pk)
    services.may_record_inspection(actor, engagement)
    form = forms.InspectionForm(
        request.POST or None, buildings=_building_choices(engagement), categories=_categories()
    )

    def run(data: dict) -> str:
        inspection = services.record_inspection(
            actor=actor,
            engagement=engagement,
            inspected_on=data["inspected_on"],
            stage=data["stage"],
            inspectors=data["inspectors"],
            scope=data["scope"],
            risk_analysis=data["risk_analysis"],
            defects=[form.defect()],
        )
        return reverse("riskmgmt:inspection", args=[inspection.pk])

    return form_page(
        request,
        form=form,
        title=_("登记过程检查"),
        run=run,
        done=_("已登记检查及缺陷"),
        back_url=_engagement_url(engagement),
        context={"up_url": _engagement_url(engagement), "up_label": str(engagement.policy)},
        error_status=REFUSED,
    )


@login_required
def inspection_detail(request, pk: int):
    actor = actor_from_request(request)
    inspection = selectors.get_inspection(actor=actor, pk=pk)
    engagement = inspection.engagement
    form = None
    if actor.organisation_id == engagement.rma_id:
        form = forms.DefectFields(
            request.POST or None, buildings=_building_choices(engagement), categories=_categories()
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.add_defects(actor=actor, inspection=inspection, defects=[form.defect()])
            except RuleViolation as exc:
                add_refusal(form, exc)
            else:
                messages.success(request, _("已登记缺陷"))
                return redirect("riskmgmt:inspection", pk=inspection.pk)
    return render(
        request,
        "riskmgmt/inspection.html",
        {
            "inspection": inspection,
            "defects": selectors.defects_of_inspection(actor=actor, inspection=inspection),
            "categories": _categories(),
            "form": form,
            "sees_board": selectors.sees_board(actor, inspection.project_id),
        },
        status=REFUSED if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def final_report(request, pk: int, step: str):
    actor = actor_from_request(request)
    engagement = selectors.get_engagement(actor=actor, pk=pk)
    service = services.review_final_report if step == "review" else services.write_final_report
    try:
        service(actor=actor, engagement=engagement)
    except RuleViolation as exc:
        messages.error(request, refusal_html(exc))
    else:
        messages.success(
            request, _("已审核最终检查报告") if step == "review" else _("已生成最终检查报告")
        )
    return redirect(_engagement_url(engagement))


@login_required
def evaluation(request, pk: int):
    actor = actor_from_request(request)
    engagement = selectors.get_engagement(actor=actor, pk=pk)
    services.may_evaluate_rma(actor, engagement)
    return _engagement_form(
        request,
        engagement,
        form=forms.EvaluationForm(request.POST or None),
        title=_("评价风险管理机构"),
        act=lambda data: services.evaluate_rma(actor=actor, engagement=engagement, **data),
    )


# --- appointing the RMA, the joint inspection -------------------------------------------------


@login_required
def appoint(request, pk: int):
    actor = actor_from_request(request)
    policy = get_policy(actor=actor, pk=pk)
    services.may_appoint_rma(actor, policy)
    form = forms.EngagementForm(request.POST or None)
    minimum_ratio = selectors.pack_of_policy(policy).underwriting.min_risk_management_fee_ratio

    def run(data: dict) -> str:
        engagement = services.appoint_rma(
            actor=actor, policy=policy, **{**data, "rma": data["rma"].pk}
        )
        return _engagement_url(engagement)

    return form_page(
        request,
        form=form,
        title=_("委托风险管理机构"),
        run=run,
        done=_("已委托风险管理机构"),
        back_url=reverse("underwriting:detail", args=[policy.pk]),
        context={
            "up_url": reverse("underwriting:detail", args=[policy.pk]),
            "up_label": policy.number,
            "intro": _(
                "风险管理费不低于保费的 %(ratio)s（R-U7）；风险管理机构须独立于本项目各参建单位"
                "（R-R2）。"
            )
            % {"ratio": f"{minimum_ratio:.0%}"},
        },
        error_status=REFUSED,
    )


@login_required
def joint_inspection(request, pk: int):
    actor = actor_from_request(request)
    permit = selectors.get_permit(actor=actor, pk=pk)
    services.may_schedule_joint_inspection(actor, permit)
    current = selectors.joint_inspection_of(permit.pk)
    form = forms.JointInspectionForm(
        request.POST or None, initial={"scheduled_on": current.scheduled_on} if current else None
    )
    project_url = reverse("projects:detail", args=[permit.project_id])

    def run(data: dict) -> str:
        services.schedule_joint_inspection(actor=actor, permit=permit, **data)
        return project_url

    return form_page(
        request,
        form=form,
        title=_("安排保险期限开始前共同查验（%(permit)s）") % {"permit": permit.number},
        run=run,
        done=_("已安排共同查验"),
        back_url=project_url,
        context={"up_url": project_url, "up_label": permit.project.name},
        error_status=REFUSED,
    )
