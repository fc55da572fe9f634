"""Projects over HTTP (/api/v1/): the same services and selectors as the pages.

Reads answer 404 for whatever the caller may not know exists; writes by anyone but the
project's developer (or the operator) answer 403 and change nothing.
"""

from typing import Literal

from django.http import HttpResponse
from django.utils.translation import get_language
from ninja import File, Form, Query, Router, Status, UploadedFile

from idi.core.api_auth import API_AUTH
from idi.core.errors import NotFound, RuleViolation
from idi.core.limits import PageNumber, Search
from idi.core.paging import Page, PageQuery, page_body
from idi.core.permissions import actor_from_request
from idi.parties.selectors import get_organisation
from idi.projects import imports, selectors, services
from idi.projects.codes import Code
from idi.projects.schemas import (
    BuildingIn,
    BuildingOut,
    CompletionIn,
    ConstructionStartIn,
    DeliveryIn,
    ImportJobOut,
    ImportOut,
    ParticipantIn,
    ParticipantOut,
    PermitIn,
    PermitIssueIn,
    PermitOut,
    PlanningPermitIn,
    PlanningPermitOut,
    ProjectIn,
    ProjectOut,
    SaleIn,
    SaleOut,
    UnitDetailOut,
    UnitIn,
    UnitOut,
    UnitPageOut,
)

router = Router(auth=API_AUTH)


# --- projects ---------------------------------------------------------------------------------


@router.get("/projects", response=Page[ProjectOut], summary="项目列表 / projects")
def list_projects(request, paging: Query[PageQuery], q: Search = ""):
    actor = actor_from_request(request)
    return page_body(selectors.projects_visible_to(actor, q=q), paging)


@router.post("/projects", response={201: ProjectOut}, summary="登记项目 / register a project")
def create_project(request, body: ProjectIn):
    actor = actor_from_request(request)
    developer = get_organisation(actor=actor, pk=body.developer) if body.developer else None
    project = services.register_project(
        actor=actor,
        name=body.name,
        district=body.district,
        housing_type=body.housing_type,
        address=body.address,
        developer=developer,
    )
    return Status(201, project)


@router.get("/projects/{project_id}", response=ProjectOut, summary="项目 / a project")
def get_project(request, project_id: int):
    return selectors.get_project(actor=actor_from_request(request), pk=project_id)


# --- permits ----------------------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/planning-permits",
    response=Page[PlanningPermitOut],
    summary="工程规划许可证 / planning permits",
)
def list_planning_permits(request, project_id: int, paging: Query[PageQuery]):
    actor = actor_from_request(request)
    project = selectors.get_project(actor=actor, pk=project_id)
    return page_body(selectors.planning_permits_of(actor=actor, project=project), paging)


@router.post(
    "/projects/{project_id}/planning-permits",
    response={201: PlanningPermitOut},
    summary="登记工程规划许可证 / add a planning permit",
)
def create_planning_permit(request, project_id: int, body: PlanningPermitIn):
    actor = actor_from_request(request)
    project = selectors.get_project(actor=actor, pk=project_id)
    return Status(
        201,
        services.add_planning_permit(
            actor=actor, project=project, number=body.number, issued_on=body.issued_on
        ),
    )


@router.get("/projects/{project_id}/permits", response=Page[PermitOut], summary="施工许可证")
def list_permits(request, project_id: int, paging: Query[PageQuery]):
    actor = actor_from_request(request)
    project = selectors.get_project(actor=actor, pk=project_id)
    return page_body(selectors.permits_of(actor=actor, project=project), paging)


@router.post(
    "/projects/{project_id}/permits",
    response={201: PermitOut},
    summary="登记施工许可证 / add a construction permit",
)
def create_permit(request, project_id: int, body: PermitIn):
    actor = actor_from_request(request)
    project = selectors.get_project(actor=actor, pk=project_id)
    planning = selectors.get_planning_permit(actor=actor, pk=body.planning_permit)
    return Status(
        201,
        services.add_construction_permit(
            actor=actor,
            project=project,
            planning_permit=planning,
            number=body.number,
            applied_on=body.applied_on,
            issued_on=body.issued_on,
        ),
    )


@router.get("/permits/{permit_id}", response=PermitOut, summary="施工许可证 / a permit")
def get_permit(request, permit_id: int):
    return selectors.get_permit(actor=actor_from_request(request), pk=permit_id)


@router.post("/permits/{permit_id}/issue", response=PermitOut, summary="发证 / permit issued")
def issue_permit(request, permit_id: int, body: PermitIssueIn):
    actor = actor_from_request(request)
    permit = selectors.get_permit(actor=actor, pk=permit_id)
    return services.record_permit_issue(actor=actor, permit=permit, issued_on=body.issued_on)


@router.post("/permits/{permit_id}/construction-start", response=PermitOut, summary="开工 / start")
def start_construction(request, permit_id: int, body: ConstructionStartIn):
    actor = actor_from_request(request)
    permit = selectors.get_permit(actor=actor, pk=permit_id)
    return services.record_construction_start(
        actor=actor, permit=permit, started_on=body.started_on
    )


@router.post(
    "/permits/{permit_id}/completion-acceptance",
    response=PermitOut,
    summary="竣工验收合格 / completion acceptance",
)
def accept_completion(request, permit_id: int, body: CompletionIn):
    actor = actor_from_request(request)
    permit = selectors.get_permit(actor=actor, pk=permit_id)
    return services.record_completion_acceptance(
        actor=actor, permit=permit, accepted_on=body.accepted_on
    )


# --- buildings and units ----------------------------------------------------------------------


@router.get("/projects/{project_id}/buildings", response=Page[BuildingOut], summary="楼栋")
def list_buildings(request, project_id: int, paging: Query[PageQuery]):
    actor = actor_from_request(request)
    project = selectors.get_project(actor=actor, pk=project_id)
    return page_body(selectors.buildings_of(actor=actor, project=project), paging)


@router.post(
    "/projects/{project_id}/buildings", response={201: BuildingOut}, summary="登记楼栋 / add"
)
def create_building(request, project_id: int, body: BuildingIn):
    actor = actor_from_request(request)
    project = selectors.get_project(actor=actor, pk=project_id)
    permit = selectors.get_permit(actor=actor, pk=body.permit)
    return Status(
        201,
        services.add_building(
            actor=actor,
            project=project,
            permit=permit,
            name=body.name,
            housing_type=body.housing_type,
            floors_above=body.floors_above,
            floors_below=body.floors_below,
            fully_decorated=body.fully_decorated,
        ),
    )


@router.get("/buildings/{building_id}", response=BuildingOut, summary="楼栋 / a building")
def get_building(request, building_id: int):
    return selectors.get_building(actor=actor_from_request(request), pk=building_id)


@router.post("/buildings/{building_id}/delivery", response=BuildingOut, summary="交付 / delivery")
def deliver_building(request, building_id: int, body: DeliveryIn):
    actor = actor_from_request(request)
    building = selectors.get_building(actor=actor, pk=building_id)
    return services.record_delivery(actor=actor, building=building, delivered_on=body.delivered_on)


@router.get(
    "/projects/{project_id}/units",
    response=UnitPageOut,
    summary="房屋列表 / units",
    description="Page mode: `?page=N&limit=L` (with the total count). Cursor mode: `?cursor=` "
    "(empty for the first page, then the `next_cursor` of the previous answer) — as fast on "
    "the last page as on the first.",
)
def list_units(
    request,
    project_id: int,
    page: PageNumber | None = None,
    cursor: str | None = Query(None, max_length=20),
    limit: int = Query(selectors.DEFAULT_PAGE_SIZE, ge=1, le=selectors.MAX_PAGE_SIZE),
):
    actor = actor_from_request(request)
    project = selectors.get_project(actor=actor, pk=project_id)
    if cursor is not None:
        return selectors.unit_page_after(actor=actor, project=project, cursor=cursor, limit=limit)
    return selectors.unit_page(actor=actor, project=project, page=page or 1, limit=limit)


@router.post("/projects/{project_id}/units", response={201: UnitOut}, summary="登记房屋 / add")
def create_unit(request, project_id: int, body: UnitIn):
    actor = actor_from_request(request)
    project = selectors.get_project(actor=actor, pk=project_id)
    building = selectors.buildings_of(actor=actor, project=project).filter(pk=body.building).first()
    if building is None:
        raise RuleViolation(
            rule=None,
            field="building",
            code=Code.WRONG_PROJECT,
            message="本项目没有该楼栋",
            message_en="no such building in this project",
        )
    unit = services.add_unit(
        actor=actor,
        building=building,
        room_number=body.room_number,
        floor=body.floor,
        area=body.area,
    )
    return Status(201, _unit_out(unit))


def _unit_out(unit) -> dict:
    return {
        "id": unit.pk,
        "project_id": unit.project_id,
        "building_id": unit.building_id,
        "building_name": unit.building.name,
        "room_number": unit.room_number,
        "floor": unit.floor,
        "area": unit.area,
        "sold_on": None,
    }


def _sale_out(actor, sale, project_id: int) -> dict:
    return {
        "id": sale.pk,
        "unit_id": sale.unit_id,
        "sold_on": sale.sold_on,
        "contract_number": sale.contract_number,
        "buyers": [
            vars(b) for b in selectors.buyers_of(actor=actor, sale=sale, project_id=project_id)
        ],
    }


@router.get("/units/{unit_id}", response=UnitDetailOut, summary="房屋 / a unit")
def get_unit(request, unit_id: int):
    actor = actor_from_request(request)
    unit = selectors.get_unit(actor=actor, pk=unit_id)
    sale = selectors.sale_of(unit)
    return {
        **_unit_out(unit),
        "sale": _sale_out(actor, sale, unit.project_id) if sale else None,
    }


@router.get("/units/{unit_id}/sale", response=SaleOut, summary="销售 / the unit's sale")
def get_sale(request, unit_id: int):
    actor = actor_from_request(request)
    unit = selectors.get_unit(actor=actor, pk=unit_id)
    sale = selectors.sale_of(unit)
    if sale is None:
        raise NotFound("sale")
    return _sale_out(actor, sale, unit.project_id)


@router.post("/units/{unit_id}/sale", response={201: SaleOut}, summary="登记销售 / record a sale")
def create_sale(request, unit_id: int, body: SaleIn):
    actor = actor_from_request(request)
    unit = selectors.get_unit(actor=actor, pk=unit_id)
    sale = services.record_sale(
        actor=actor,
        unit=unit,
        sold_on=body.sold_on,
        contract_number=body.contract_number,
        buyers=[services.Buyer(**b.model_dump()) for b in body.buyers],
    )
    return Status(201, _sale_out(actor, sale, unit.project_id))


# --- participants ------------------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/participants", response=Page[ParticipantOut], summary="参建单位"
)
def list_participants(request, project_id: int, paging: Query[PageQuery]):
    actor = actor_from_request(request)
    project = selectors.get_project(actor=actor, pk=project_id)
    return page_body(selectors.participants_of(actor=actor, project=project), paging)


@router.post(
    "/projects/{project_id}/participants",
    response={201: ParticipantOut},
    summary="添加参建单位 / add a participant",
)
def create_participant(request, project_id: int, body: ParticipantIn):
    actor = actor_from_request(request)
    project = selectors.get_project(actor=actor, pk=project_id)
    return Status(
        201,
        services.add_participant(
            actor=actor, project=project, organisation_uscc=body.organisation_uscc, role=body.role
        ),
    )


# --- bulk data ---------------------------------------------------------------------------------


@router.post(
    "/projects/{project_id}/units/import",
    response={200: ImportOut, 202: ImportJobOut},
    summary="批量导入 / import units (docs/import.md)",
    description="An .xlsx workbook or a UTF-8/GB18030 CSV file. With dry_run (the default) "
    "nothing is written; otherwise everything is written, or nothing if any row is bad. A file "
    "larger than the background threshold (docs/import.md) is neither checked nor imported in "
    "the request: the answer is 202 with the queued job (a check with dry_run), whose progress "
    "GET /import-jobs/{id} shows; POST /import-jobs/{id}/confirm imports a passed check.",
)
def import_units(request, project_id: int, file: File[UploadedFile], dry_run: Form[bool] = True):
    actor = actor_from_request(request)
    project = selectors.get_project(actor=actor, pk=project_id)
    content = file.read(imports.MAX_FILE_BYTES + 1)
    if services.runs_in_background(content):
        job = services.queue_import(
            actor=actor, project=project, filename=file.name or "", content=content, dry_run=dry_run
        )
        return Status(202, _job_out(job))
    report = services.import_units(
        actor=actor,
        project=project,
        filename=file.name or "",
        content=content,
        dry_run=dry_run,
    )
    return {
        "dry_run": report.dry_run,
        "ok": report.ok,
        "errors": [
            {"row": e.row, "column": e.column, "message": e.message_for(get_language())}
            for e in report.errors
        ],
        "counts": report.counts,
    }


def _job_out(job) -> dict:
    progress = selectors.job_progress(job)
    return {
        "id": job.pk,
        "project": job.project_id,
        "filename": job.filename,
        "dry_run": job.dry_run,
        "state": job.state,
        "phase": progress.phase,
        "rows_done": progress.done,
        "rows_total": progress.total,
        "counts": job.result,
        "error": job.error,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


@router.get(
    "/import-jobs/{job_id}",
    response=ImportJobOut,
    summary="后台导入 / a background import and its progress",
    description="Only the uploader's organisation sees it; anyone else gets 404.",
)
def get_import_job(request, job_id: int):
    actor = actor_from_request(request)
    return _job_out(selectors.get_import_job(actor=actor, pk=job_id))


@router.post(
    "/import-jobs/{job_id}/confirm",
    response={202: ImportJobOut},
    summary="确认导入 / import a passed background check",
    description="The check (dry_run) must have ended `done`; the same file is queued as a new "
    "importing job, which checks every row again and writes all or nothing. A check can be "
    "confirmed once.",
)
def confirm_import_job(request, job_id: int):
    actor = actor_from_request(request)
    job = selectors.get_import_job(actor=actor, pk=job_id)
    return Status(202, _job_out(services.confirm_import_job(actor=actor, job=job)))


@router.get(
    "/projects/{project_id}/units/export",
    summary="导出 / export units",
    description="The import format; `format=csv` (UTF-8 with BOM) or `format=xlsx`.",
)
def export_units(request, project_id: int, format: Literal["csv", "xlsx"] = "csv"):
    actor = actor_from_request(request)
    project = selectors.get_project(actor=actor, pk=project_id)
    rows = selectors.export_rows(actor=actor, project=project)
    if format == "xlsx":
        body = imports.write_xlsx(rows)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = imports.write_csv(rows)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="project-{project.pk}-units.{format}"'
    return response
