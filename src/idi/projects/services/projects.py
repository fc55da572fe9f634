"""Registering a project."""

from django.db import transaction

from idi.core import audit, clock
from idi.core.errors import Forbidden
from idi.core.permissions import Actor
from idi.parties.models import District, Organisation, OrgType, Role
from idi.projects.codes import AuditAction, Code
from idi.projects.models import (
    Project,
    ProjectHousingType,
)
from idi.projects.validators import (
    text,
    violation,
)

# ---------------------------------------------------------------------------------------------
# Projects


def _project_state(project: Project) -> dict:
    return {
        "name": project.name,
        "developer": project.developer_id,
        "district": project.district,
        "housing_type": project.housing_type,
        "address": project.address,
    }


@transaction.atomic
def register_project(
    *,
    actor: Actor,
    name: str,
    district: str,
    housing_type: str,
    address: str = "",
    developer: Organisation | None = None,
) -> Project:
    """登记项目: a developer registers its own project; the operator one for any developer."""
    if actor.is_operator:
        if developer is None:
            raise violation(Code.REQUIRED, "developer", "请选择建设单位", "choose the developer")
    elif actor.organisation_type == OrgType.DEVELOPER and actor.has_role(
        Role.ORG_ADMIN, Role.STAFF
    ):
        if developer is not None and developer.pk != actor.organisation_id:
            raise Forbidden("只能登记本单位的项目", "a developer registers only its own projects")
        developer = Organisation.objects.get(pk=actor.organisation_id)
    else:
        raise Forbidden("仅建设单位可登记项目", "only a developer may register a project")
    if developer.org_type != OrgType.DEVELOPER:
        raise violation(
            Code.WRONG_PARTY,
            "developer",
            "所选单位不是建设单位",
            "the organisation is not a developer",
        )
    name = text("name", name, max_length=200, zh="项目名称", en="the name")
    if district not in District.values or district == District.CITY:
        raise violation(
            Code.REQUIRED, "district", "请选择项目所在的区县", "choose the project's district"
        )
    if housing_type not in ProjectHousingType.values:
        raise violation(Code.INVALID_CHOICE, "housing_type", "住房类型无效", "unknown housing type")
    if Project.objects.filter(developer=developer, name=name).exists():
        raise violation(
            Code.ALREADY_EXISTS,
            "name",
            f"本单位已有名为“{name}”的项目",
            f"project {name} already exists",
        )
    project = Project.objects.create(
        name=name,
        developer=developer,
        district=district,
        housing_type=housing_type,
        address=address.strip(),
        created_at=clock.now(),
    )
    audit.record(
        actor=actor, action=AuditAction.REGISTER_PROJECT, obj=project, after=_project_state(project)
    )
    return project
