"""What parties puts on a workspace: an insurer's yearly qualification figures (R-U6) and the
contact number owners are told to call. Registered in PartiesConfig.ready() (Hook.TASKS)."""

from django.urls import reverse

from idi.core.permissions import Actor
from idi.core.workspace import Task, task
from idi.parties.models import InsurerQualification, Organisation, OrgType, Role
from idi.parties.selectors import last_complete_year


def tasks(actor: Actor) -> list[Task]:
    if actor.organisation_type != OrgType.INSURER or not actor.has_role(Role.ORG_ADMIN):
        return []
    organisation = Organisation.objects.get(pk=actor.organisation_id)
    found: list[Task] = []
    year = last_complete_year()
    if not InsurerQualification.objects.filter(insurer=organisation, year=year).exists():
        found.append(
            task(
                kind="parties.record_qualification",
                title_zh=f"登记 {year} 年度资质数据（注册资本、偿付能力充足率等）",
                title_en=f"Record the {year} qualification figures (capital, solvency ratio…)",
                subject=organisation.name,
                url=reverse("parties:qualification_create", args=[organisation.pk]),
            )
        )
    if not organisation.contact_phone:
        found.append(
            task(
                kind="parties.contact_phone",
                title_zh="填写联系电话：业主报案时拨打此号码",
                title_en="Enter the contact number owners call to report a claim",
                subject=organisation.name,
                url=reverse("parties:org_edit", args=[organisation.pk]),
            )
        )
    return found
