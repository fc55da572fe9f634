"""Pages of projects: the list, registration, one project with its permits, buildings, units
and participants, the forms of each write, one unit with its sale, and the bulk import."""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from idi.core.errors import Forbidden, RuleViolation
from idi.core.permissions import Actor
from idi.core.refusals import refusal_html
from idi.core.registry import Column, Hook, providers
from idi.core.rulebook import is_insurable_permit_date, uninsurable_permit_text
from idi.core.views import add_refusal, form_page
from idi.parties.models import OrgType
from idi.parties.selectors import organisation_named
from idi.parties.views import PAGE_SIZE, pager, party_view
from idi.projects import forms, imports, selectors, services
from idi.projects.models import Project, ProjectHousingType

# Beyond this the preview says how many more errors there are instead of listing them.
MAX_ERRORS_SHOWN = 500
SESSION_IMPORTS = "project_imports"
# services.PermitStage as the pages name it.
STAGE_LABELS = {
    services.PermitStage.APPLIED: gettext_lazy("已申领"),
    services.PermitStage.ISSUED: gettext_lazy("已发证"),
    services.PermitStage.UNDER_CONSTRUCTION: gettext_lazy("在建"),
    services.PermitStage.COMPLETED: gettext_lazy("已竣工验收"),
}


def _writable(actor: Actor, pk: int) -> Project:
    """A project the actor may see (else 404) and write (else 403)."""
    project = selectors.get_project(actor=actor, pk=pk)
    if not services.may_write_project(actor, project):
        raise Forbidden(_("仅本项目的建设单位或平台运营方可修改项目资料"))
    return project


def _detail_url(project_id: int) -> str:
    return reverse("projects:detail", args=[project_id])


@party_view
def project_list(request, actor: Actor):
    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.projects_visible_to(actor, q=q), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "projects/project_list.html",
        {
            "page": page,
            "pager": pager(page, query=urlencode({"q": q}) if q else ""),
            "q": q,
            "can_register": actor.is_operator or actor.organisation_type == OrgType.DEVELOPER,
        },
    )


@party_view
def project_create(request, actor: Actor):
    if not (actor.is_operator or actor.organisation_type == OrgType.DEVELOPER):
        raise Forbidden(_("仅建设单位可登记项目"))
    form = forms.ProjectForm(
        request.POST or None,
        developers=forms.developer_choices() if actor.is_operator else None,
    )

    def run(data: dict) -> str:
        project = services.register_project(actor=actor, **data)
        return _detail_url(project.pk)

    return form_page(
        request,
        form=form,
        title=_("登记项目"),
        back_url=reverse("projects:list"),
        run=run,
        done=_("项目已登记。"),
    )


@party_view
def project_detail(request, actor: Actor, pk: int):
    project = selectors.get_project(actor=actor, pk=pk)
    units = selectors.unit_page(
        actor=actor, project=project, page=_page_number(request.GET.get("page"))
    )
    permit_list = list(selectors.permits_of(actor=actor, project=project))
    columns = _permit_columns(actor, project, permit_list)
    permits = [
        (
            permit,
            stage,
            STAGE_LABELS[stage],
            [(column.key, column.cells.get(permit.pk)) for column in columns],
        )
        for permit in permit_list
        for stage in [services.permit_stage(permit)]
    ]
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "planning_permits": selectors.planning_permits_of(actor=actor, project=project),
            "permits": permits,
            "buildings": selectors.buildings_of(actor=actor, project=project),
            "participants": selectors.participants_of(actor=actor, project=project),
            "units": units,
            "pager": {
                "number": units.page,
                "pages": units.pages,
                "count": units.count,
                "previous": units.page - 1 if units.page > 1 else None,
                "next": units.page + 1 if units.page < units.pages else None,
                "query": "",
            },
            "permit_columns": columns,
            "panels": [
                panel
                for provider in providers(Hook.PROJECT_PANELS)
                for panel in provider(actor, project)
            ],
            "can_write": services.may_write_project(actor, project),
            "is_owner": selectors.is_owner_actor(actor),
        },
    )


def _permit_columns(actor: Actor, project: Project, permits: list) -> list[Column]:
    """The permit table's columns owned by higher apps (a permit's policy, Hook.PERMIT_COLUMNS)."""
    found = (provider(actor, project, permits) for provider in providers(Hook.PERMIT_COLUMNS))
    return [column for column in found if column is not None]


def _page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


@party_view
def planning_permit_create(request, actor: Actor, pk: int):
    project = _writable(actor, pk)
    form = forms.PlanningPermitForm(request.POST or None)

    def run(data: dict) -> str:
        services.add_planning_permit(actor=actor, project=project, **data)
        return _detail_url(project.pk)

    return form_page(
        request,
        form=form,
        title=_("登记工程规划许可证"),
        back_url=_detail_url(project.pk),
        run=run,
        done=_("工程规划许可证已登记。"),
    )


@party_view
def permit_create(request, actor: Actor, pk: int):
    project = _writable(actor, pk)
    form = forms.PermitForm(
        request.POST or None,
        planning_permits=selectors.planning_permits_of(actor=actor, project=project),
    )

    def run(data: dict) -> str:
        permit = services.add_construction_permit(actor=actor, project=project, **data)
        if not is_insurable_permit_date(permit.applied_on):
            messages.warning(request, uninsurable_permit_text(permit.applied_on))
        return _detail_url(project.pk)

    return form_page(
        request,
        form=form,
        title=_("登记施工许可证"),
        back_url=_detail_url(project.pk),
        run=run,
        done=_("施工许可证已登记。"),
    )


# The three steps of a permit (services.PERMIT_TRANSITIONS): form, service and its date argument.
PERMIT_STEPS = {
    "issue": (forms.PermitIssueForm, services.record_permit_issue, "issued_on", "issued_on"),
    "start": (
        forms.ConstructionStartForm,
        services.record_construction_start,
        "started_on",
        "construction_started_on",
    ),
    "completion": (
        forms.CompletionForm,
        services.record_completion_acceptance,
        "accepted_on",
        "completion_accepted_on",
    ),
}
PERMIT_STEP_TITLES = {
    "issue": (gettext_lazy("登记发证日期"), gettext_lazy("发证日期已登记。")),
    "start": (gettext_lazy("登记开工日期"), gettext_lazy("开工日期已登记。")),
    "completion": (gettext_lazy("登记竣工验收"), gettext_lazy("竣工验收已登记。")),
}


def _permit_step(request, actor: Actor, pk: int, step: str):
    permit = selectors.get_permit(actor=actor, pk=pk)
    project = _writable(actor, permit.project_id)
    form_class, service, argument, field = PERMIT_STEPS[step]
    form = form_class(request.POST or None)

    def run(data: dict) -> str:
        service(actor=actor, permit=permit, **{argument: data[field]})
        return _detail_url(project.pk)

    title, done = PERMIT_STEP_TITLES[step]
    return form_page(
        request,
        form=form,
        title=f"{title} · {permit.number}",
        back_url=_detail_url(project.pk),
        run=run,
        done=str(done),
    )


@party_view
def permit_issue(request, actor: Actor, pk: int):
    return _permit_step(request, actor, pk, "issue")


@party_view
def permit_start(request, actor: Actor, pk: int):
    return _permit_step(request, actor, pk, "start")


@party_view
def permit_completion(request, actor: Actor, pk: int):
    return _permit_step(request, actor, pk, "completion")


@party_view
def building_create(request, actor: Actor, pk: int):
    project = _writable(actor, pk)
    form = forms.BuildingForm(
        request.POST or None,
        permits=selectors.permits_of(actor=actor, project=project),
        project_housing_type=project.housing_type,
    )

    def run(data: dict) -> str:
        services.add_building(actor=actor, project=project, **data)
        return _detail_url(project.pk)

    return form_page(
        request,
        form=form,
        title=_("登记楼栋"),
        back_url=_detail_url(project.pk),
        run=run,
        done=_("楼栋已登记。"),
        context={"intro": _building_intro(project)},
    )


def _building_intro(project: Project) -> str:
    """Tell the developer the housing type the building takes from its project."""
    if project.housing_type == ProjectHousingType.MIXED:
        return ""
    return _("本项目为%(housing_type)s，楼栋的住房类型与项目一致。") % {
        "housing_type": project.get_housing_type_display()
    }


@party_view
def building_delivery(request, actor: Actor, pk: int):
    building = selectors.get_building(actor=actor, pk=pk)
    project = _writable(actor, building.project_id)
    form = forms.DeliveryForm(request.POST or None)

    def run(data: dict) -> str:
        services.record_delivery(actor=actor, building=building, **data)
        return _detail_url(project.pk)

    return form_page(
        request,
        form=form,
        title=_("登记交付") + f" · {building.name}",
        back_url=_detail_url(project.pk),
        run=run,
        done=_("交付日期已登记。"),
    )


@party_view
def unit_create(request, actor: Actor, pk: int):
    project = _writable(actor, pk)
    form = forms.UnitForm(
        request.POST or None, buildings=selectors.buildings_of(actor=actor, project=project)
    )

    def run(data: dict) -> str:
        unit = services.add_unit(actor=actor, **data)
        return reverse("projects:unit_detail", args=[unit.pk])

    return form_page(
        request,
        form=form,
        title=_("登记房屋"),
        back_url=_detail_url(project.pk),
        run=run,
        done=_("房屋已登记。"),
    )


@party_view
def participant_create(request, actor: Actor, pk: int):
    project = _writable(actor, pk)
    form = forms.ParticipantForm(request.POST or None)

    def run(data: dict) -> str:
        organisation = organisation_named(
            data["organisation"], org_type=data["role"], field="organisation"
        )
        services.add_participant(
            actor=actor, project=project, organisation_uscc=organisation.uscc, role=data["role"]
        )
        return _detail_url(project.pk)

    return form_page(
        request,
        form=form,
        title=_("添加参建单位"),
        back_url=_detail_url(project.pk),
        run=run,
        done=_("参建单位已添加。"),
    )


@party_view
def unit_detail(request, actor: Actor, pk: int):
    unit = selectors.get_unit(actor=actor, pk=pk)
    sale = selectors.sale_of(unit)
    return render(
        request,
        "projects/unit_detail.html",
        {
            "unit": unit,
            "sale": sale,
            "buyers": selectors.buyers_of(actor=actor, sale=sale, project_id=unit.project_id)
            if sale
            else [],
            "can_write": services.may_write_project(actor, unit.project),
        },
    )


@party_view
def sale_create(request, actor: Actor, pk: int):
    unit = selectors.get_unit(actor=actor, pk=pk)
    _writable(actor, unit.project_id)
    form = forms.SaleForm(request.POST or None)

    def run(data: dict) -> str:
        services.record_sale(
            actor=actor,
            unit=unit,
            sold_on=data["sold_on"],
            contract_number=data["contract_number"],
            buyers=[services.Buyer(**b) for b in form.buyers],
        )
        return reverse("projects:unit_detail", args=[unit.pk])

    return form_page(
        request,
        form=form,
        title=_("登记销售") + f" · {unit.building.name} {unit.room_number}",
        back_url=reverse("projects:unit_detail", args=[unit.pk]),
        run=run,
        done=_("销售已登记。"),
    )


# --- bulk import: upload → dry run with every bad row → confirm -------------------------------


@party_view
def import_upload(request, actor: Actor, pk: int):
    project = _writable(actor, pk)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    token = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        if services.runs_in_background(content):
            try:
                job = services.queue_import(
                    actor=actor,
                    project=project,
                    filename=upload.name,
                    content=content,
                    dry_run=True,
                )
            except RuleViolation as exc:
                add_refusal(form, exc)
            else:
                messages.success(request, _("文件较大，已转入后台检查。"))
                return redirect("projects:import_job", pk=job.pk)
        else:
            try:
                report = services.import_units(
                    actor=actor,
                    project=project,
                    filename=upload.name,
                    content=content,
                    dry_run=True,
                )
            except RuleViolation as exc:
                add_refusal(form, exc)
            else:
                if report.ok:
                    token = _keep_upload(
                        request, project=project, name=upload.name, content=content
                    )
    return render(
        request,
        "projects/import.html",
        {
            "project": project,
            "form": form,
            "report": report,
            "errors": _shown_errors(report) if report else [],
            "more_errors": max(0, len(report.errors) - MAX_ERRORS_SHOWN) if report else 0,
            "token": token,
            "columns": imports.COLUMNS,
        },
    )


def _shown_errors(report) -> list[dict]:
    """The first errors of a report, each in the page's language."""
    language = get_language()
    return [
        {"row": e.row, "column": e.column, "message": e.message_for(language)}
        for e in report.errors[:MAX_ERRORS_SHOWN]
    ]


def _keep_upload(request, *, project: Project, name: str, content: bytes) -> str:
    """Keep a checked file until the developer confirms it (or uploads another)."""
    token = uuid.uuid4().hex
    path = default_storage.save(f"imports/{token}.upload", ContentFile(content))
    kept = request.session.get(SESSION_IMPORTS, {})
    for old in kept.values():
        default_storage.delete(old["path"])
    request.session[SESSION_IMPORTS] = {token: {"project": project.pk, "name": name, "path": path}}
    return token


@party_view
def import_confirm(request, actor: Actor, pk: int):
    project = _writable(actor, pk)
    if request.method != "POST":
        return redirect("projects:import", pk=project.pk)
    kept = request.session.get(SESSION_IMPORTS, {}).get(request.POST.get("token", ""))
    if not kept or kept["project"] != project.pk or not default_storage.exists(kept["path"]):
        messages.error(request, _("上传的文件已失效，请重新上传。"))
        return redirect("projects:import", pk=project.pk)
    with default_storage.open(kept["path"], "rb") as handle:
        content = handle.read()
    report = services.import_units(
        actor=actor, project=project, filename=kept["name"], content=content, dry_run=False
    )
    default_storage.delete(kept["path"])
    request.session.pop(SESSION_IMPORTS, None)
    if not report.ok:
        # The project changed between the check and the confirmation: show the new errors.
        return render(
            request,
            "projects/import.html",
            {
                "project": project,
                "form": forms.ImportForm(),
                "report": report,
                "errors": _shown_errors(report),
                "more_errors": max(0, len(report.errors) - MAX_ERRORS_SHOWN),
                "columns": imports.COLUMNS,
            },
        )
    messages.success(
        request,
        _("已导入 %(units)s 套房屋、%(sales)s 条销售记录。") % report.counts,
    )
    return redirect("projects:detail", pk=project.pk)


@party_view
def import_job(request, actor: Actor, pk: int):
    """A background import: its state and progress, to the uploader's organisation only."""
    job = selectors.get_import_job(actor=actor, pk=pk)
    progress = selectors.job_progress(job)
    language = get_language()
    error = job.error or {}
    english = (language or "").startswith("en")
    return render(
        request,
        "projects/import_job.html",
        {
            "job": job,
            "progress": progress,
            "running": job.state in ("queued", "running"),
            "confirmable": job.dry_run and job.state == "done" and bool(job.content),
            "error_message": error.get("message_en" if english else "message", ""),
            "error_rows": [
                {**row, "text": row["message_en"] if english else row["message"]}
                for row in error.get("rows", [])[:MAX_ERRORS_SHOWN]
            ],
        },
    )


@party_view
def import_job_confirm(request, actor: Actor, pk: int):
    """The uploader confirms a passed background check: the file is imported by a new job."""
    job = selectors.get_import_job(actor=actor, pk=pk)
    if request.method != "POST":
        return redirect("projects:import_job", pk=job.pk)
    try:
        imported = services.confirm_import_job(actor=actor, job=job)
    except RuleViolation as exc:
        messages.error(request, refusal_html(exc))
        return redirect("projects:import_job", pk=job.pk)
    messages.success(request, _("已确认，正在后台导入。"))
    return redirect("projects:import_job", pk=imported.pk)


@party_view
def export_units(request, actor: Actor, pk: int):
    project = selectors.get_project(actor=actor, pk=pk)
    rows = selectors.export_rows(actor=actor, project=project)
    if request.GET.get("format") == "xlsx":
        body = imports.write_xlsx(rows)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        suffix = "xlsx"
    else:
        body = imports.write_csv(rows)
        content_type = "text/csv; charset=utf-8"
        suffix = "csv"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="project-{project.pk}-units.{suffix}"'
    return response
