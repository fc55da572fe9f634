"""The participants of a project (contractor, supervisor, designer, ...)."""

from django.db import transaction

from idi.core import audit
from idi.core.formats import in_language
from idi.core.permissions import Actor
from idi.parties.models import Organisation, OrgType
from idi.projects.codes import AuditAction, Code
from idi.projects.models import (
    Participant,
    ParticipantRole,
    Project,
)
from idi.projects.services._common import (
    _lock,
    _require_developer,
)
from idi.projects.validators import (
    violation,
)

# ---------------------------------------------------------------------------------------------
# Participants


@transaction.atomic
def add_participant(
    *, actor: Actor, project: Project, organisation_uscc: str, role: str
) -> Participant:
    """参建单位: named by its credit code; its registered type must be the role it plays."""
    _require_developer(actor, project)
    project = _lock(project)
    if role not in ParticipantRole.values:
        raise violation(Code.INVALID_CHOICE, "role", "参建角色无效", "unknown participant role")
    organisation = Organisation.objects.filter(uscc=organisation_uscc.strip().upper()).first()
    if organisation is None:
        raise violation(
            Code.UNKNOWN_PARTY,
            "organisation_uscc",
            "未找到该统一社会信用代码的单位，请先由平台运营方登记",
            "no organisation has this credit code; the operator registers it first",
        )
    if organisation.org_type != role:
        raise violation(
            Code.WRONG_PARTY,
            "role",
            f"{organisation.name} 登记为"
            f"{in_language(OrgType(organisation.org_type).label, 'zh-hans')}，"
            f"不能担任{in_language(ParticipantRole(role).label, 'zh-hans')}，请核对单位或角色",
            f"{organisation.name} is registered as "
            f"{in_language(OrgType(organisation.org_type).label, 'en').lower()}, not as "
            f"{in_language(ParticipantRole(role).label, 'en').lower()}; check the organisation "
            "or the role",
        )
    if Participant.objects.filter(project=project, organisation=organisation, role=role).exists():
        raise violation(
            Code.ALREADY_EXISTS,
            "organisation_uscc",
            "该单位已是本项目参建单位",
            "already a participant",
        )
    participant = Participant.objects.create(project=project, organisation=organisation, role=role)
    audit.record(
        actor=actor,
        action=AuditAction.ADD_PARTICIPANT,
        obj=participant,
        after={"project": project.pk, "organisation": organisation.pk, "role": role},
    )
    return participant
