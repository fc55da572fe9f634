"""What projects puts on a party's workspace: a developer's next registration step of each
project (planning permit, construction permit, buildings, participants, dates), and a
regulator's district figures. Registered in ProjectsConfig.ready() (Hook.TASKS, FIGURES)."""

from django.db.models import Count, Q
from django.urls import reverse

from idi.core.permissions import Actor
from idi.core.workspace import Figure, Task, task
from idi.parties.models import District, OrgType
from idi.projects.models import ConstructionPermit, Project


def _developer_tasks(actor: Actor) -> list[Task]:
    projects = (
        Project.objects.filter(developer_id=actor.organisation_id)
        .annotate(
            n_planning=Count("planning_permits", distinct=True),
            n_permits=Count("construction_permits", distinct=True),
            n_participants=Count("participants", distinct=True),
        )
        .order_by("pk")
    )
    tasks: list[Task] = []
    for project in projects:

        def add(kind: str, zh: str, en: str, url_name: str, project: Project = project) -> None:
            url = reverse(f"projects:{url_name}", args=[project.pk])
            tasks.append(task(kind=kind, title_zh=zh, title_en=en, subject=project.name, url=url))

        if not project.n_planning:
            add(
                "projects.add_planning_permit",
                "登记工程规划许可证",
                "Register the planning permit",
                "planning_permit_create",
            )
        elif not project.n_permits:
            add(
                "projects.add_construction_permit",
                "登记施工许可证",
                "Register the construction permit",
                "permit_create",
            )
        if not project.n_participants:
            add(
                "projects.add_participant",
                "登记参建单位（施工、监理、设计、勘察等）",
                "Register the participants (contractor, supervisor, designer, surveyor…)",
                "participant_create",
            )
    permits = (
        ConstructionPermit.objects.filter(project__developer_id=actor.organisation_id)
        .annotate(building_count=Count("buildings"))
        .filter(Q(building_count=0) | Q(issued_on__isnull=True))
        .select_related("project")
        .order_by("pk")
    )
    for permit in permits:
        subject = f"{permit.project.name} · {permit.number}"
        if permit.issued_on is None:
            tasks.append(
                task(
                    kind="projects.record_permit_issue",
                    title_zh="登记施工许可证发证日期",
                    title_en="Record the date the construction permit was issued",
                    subject=subject,
                    url=reverse("projects:permit_issue", args=[permit.pk]),
                )
            )
        if not permit.building_count:
            tasks.append(
                task(
                    kind="projects.add_building",
                    title_zh="登记该施工许可证下的楼栋",
                    title_en="Register the buildings under the permit",
                    subject=subject,
                    url=reverse("projects:building_create", args=[permit.project_id])
                    + f"?permit={permit.pk}",
                )
            )
    return tasks


def tasks(actor: Actor) -> list[Task]:
    if actor.organisation_type == OrgType.DEVELOPER:
        return _developer_tasks(actor)
    return []


def figures(actor: Actor) -> list[Figure]:
    kind = actor.organisation_type
    url = reverse("projects:list")
    if kind == OrgType.REGULATOR:
        projects = Project.objects.all()
        if actor.district != District.CITY:
            projects = projects.filter(district=actor.district)
        return [
            Figure(
                "projects.count",
                "辖区项目（个）",
                "Projects in the district",
                projects.count(),
                url=url,
            )
        ]
    if kind == OrgType.DEVELOPER:
        count = Project.objects.filter(developer_id=actor.organisation_id).count()
        return [Figure("projects.count", "本单位项目（个）", "Projects", count, url=url)]
    return []
