"""Who may write a project, and the project lock every write takes first."""

from idi.core.errors import Forbidden
from idi.core.permissions import Actor
from idi.parties.models import OrgType, Role
from idi.projects.models import (
    Project,
)


def may_write_project(actor: Actor, project: Project) -> bool:
    if actor.is_operator:
        return True
    return (
        actor.organisation_type == OrgType.DEVELOPER
        and actor.organisation_id == project.developer_id
        and actor.has_role(Role.ORG_ADMIN, Role.STAFF)
    )


def _require_developer(actor: Actor, project: Project) -> None:
    if not may_write_project(actor, project):
        raise Forbidden(
            "仅本项目的建设单位或平台运营方可修改项目资料",
            "only the project's developer or the platform operator may change it",
        )


def _lock(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)
