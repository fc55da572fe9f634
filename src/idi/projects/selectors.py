"""Reads of projects, permits, buildings, units, participants and sales that depend on who asks.

Visibility (issue 3): the operator, the city regulator and the guarantee institution see every
project; a district regulator its district; a developer its own projects; a participant
(contractor, supervisor, designer, surveyor, supplier) the projects it works on; an owner only
the units it bought, with their buildings, permits and projects, read-only. Higher apps add
what an actor sees through their relations (an insurer the projects where it holds a policy
share) with Hook.PROJECT_VISIBILITY. An object the actor may not see is "not found".
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import translation

from idi.core.errors import NotFound
from idi.core.permissions import Actor
from idi.core.registry import Hook, providers
from idi.parties.models import District, OrgType, Role
from idi.parties.privacy import sees_every_identity, shown_identity
from idi.projects.models import (
    Building,
    ConstructionPermit,
    HousingType,
    ImportJob,
    ImportJobState,
    Participant,
    ParticipantRole,
    PlanningPermit,
    Project,
    Sale,
    Unit,
)

PARTICIPANT_TYPES = frozenset(ParticipantRole.values)
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


def sees_all_projects(actor: Actor) -> bool:
    return (
        actor.is_operator
        or (actor.organisation_type == OrgType.REGULATOR and actor.district == District.CITY)
        or actor.organisation_type == OrgType.GUARANTEE_INSTITUTION
    )


def is_owner_actor(actor: Actor) -> bool:
    """An owner is a log-in without an organisation; it sees what it bought."""
    return actor.user_id is not None and actor.organisation_id is None and not actor.is_operator


def _own_project_filter(actor: Actor) -> Q:
    """The projects the actor sees through the relations this app owns."""
    kind, org = actor.organisation_type, actor.organisation_id
    if kind == OrgType.REGULATOR and actor.district:
        return Q(district=actor.district)
    if kind == OrgType.DEVELOPER:
        return Q(developer_id=org)
    if kind in PARTICIPANT_TYPES:
        return Q(pk__in=Participant.objects.filter(organisation_id=org).values("project_id"))
    if is_owner_actor(actor):
        return Q(pk__in=Unit.objects.filter(sale__buyers=actor.user_id).values("project_id"))
    return Q(pk__in=[])


def _project_filter(actor: Actor) -> Q | None:
    """The projects the actor may see as a filter on Project; None means all of them. Higher
    apps add the projects an actor sees through their own relations (an insurer through its
    policies, an engaged RMA) with Hook.PROJECT_VISIBILITY."""
    if sees_all_projects(actor):
        return None
    scope = _own_project_filter(actor)
    for provider in providers(Hook.PROJECT_VISIBILITY):
        extra = provider(actor)
        if extra is not None:
            scope |= extra
    return scope


def projects_visible_to(actor: Actor, *, q: str = "") -> QuerySet:
    qs = Project.objects.select_related("developer")
    scope = _project_filter(actor)
    if scope is not None:
        qs = qs.filter(scope)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    return qs.order_by("-id")


def _in_visible_projects(qs: QuerySet, actor: Actor, *, path: str = "project") -> QuerySet:
    scope = _project_filter(actor)
    if scope is None:
        return qs
    return qs.filter(**{f"{path}__in": Project.objects.filter(scope).values("pk")})


def units_visible_to(actor: Actor) -> QuerySet:
    if is_owner_actor(actor):
        return Unit.objects.filter(sale__buyers=actor.user_id)
    return _in_visible_projects(Unit.objects.all(), actor)


def buildings_visible_to(actor: Actor) -> QuerySet:
    if is_owner_actor(actor):
        return Building.objects.filter(
            pk__in=Unit.objects.filter(sale__buyers=actor.user_id).values("building_id")
        )
    return _in_visible_projects(Building.objects.all(), actor)


def permits_visible_to(actor: Actor) -> QuerySet:
    if is_owner_actor(actor):
        return ConstructionPermit.objects.filter(
            pk__in=Unit.objects.filter(sale__buyers=actor.user_id).values("building__permit_id")
        )
    return _in_visible_projects(ConstructionPermit.objects.all(), actor)


def planning_permits_visible_to(actor: Actor) -> QuerySet:
    if is_owner_actor(actor):
        return PlanningPermit.objects.none()
    return _in_visible_projects(PlanningPermit.objects.all(), actor)


def participants_visible_to(actor: Actor) -> QuerySet:
    if is_owner_actor(actor):
        return Participant.objects.none()
    return _in_visible_projects(Participant.objects.all(), actor)


def _get(qs: QuerySet, pk: int, what: str):
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFound(what)
    return found


def get_project(*, actor: Actor, pk: int) -> Project:
    return _get(projects_visible_to(actor), pk, "project")


def get_permit(*, actor: Actor, pk: int) -> ConstructionPermit:
    return _get(permits_visible_to(actor).select_related("project"), pk, "permit")


def get_planning_permit(*, actor: Actor, pk: int) -> PlanningPermit:
    return _get(planning_permits_visible_to(actor).select_related("project"), pk, "planning permit")


def get_building(*, actor: Actor, pk: int) -> Building:
    return _get(buildings_visible_to(actor).select_related("project", "permit"), pk, "building")


def get_unit(*, actor: Actor, pk: int) -> Unit:
    return _get(units_visible_to(actor).select_related("project", "building"), pk, "unit")


# --- inside one project: `project` is what get_project returned for the same actor -------------


def planning_permits_of(*, actor: Actor, project: Project) -> QuerySet:
    return planning_permits_visible_to(actor).filter(project=project).order_by("number")


def permits_of(*, actor: Actor, project: Project) -> QuerySet:
    return (
        permits_visible_to(actor)
        .filter(project=project)
        .select_related("planning_permit")
        .order_by("number")
    )


def buildings_of(*, actor: Actor, project: Project) -> QuerySet:
    return (
        buildings_visible_to(actor)
        .filter(project=project)
        .select_related("permit")
        .order_by("name")
    )


def participants_of(*, actor: Actor, project: Project) -> QuerySet:
    return (
        participants_visible_to(actor)
        .filter(project=project)
        .select_related("organisation")
        .order_by("role", "organisation__name")
    )


def units_of(*, actor: Actor, project: Project) -> QuerySet:
    """The project's units the actor sees. The project was already checked by get_project, so
    only an owner is narrowed further (to its own units); the list pages on (project, id)."""
    qs = Unit.objects.filter(project=project)
    if is_owner_actor(actor):
        qs = qs.filter(sale__buyers=actor.user_id)
    return qs


@dataclass(frozen=True)
class UnitRow:
    id: int
    building_id: int
    building_name: str
    room_number: str
    floor: int
    area: Decimal
    sold_on: date | None


@dataclass(frozen=True)
class UnitPage:
    items: list[UnitRow]
    limit: int
    count: int | None = None  # page mode only
    page: int | None = None
    pages: int | None = None
    next_cursor: str | None = None  # cursor mode only: pass it back as ?cursor=


UNIT_ROW_FIELDS = ("id", "building_id", "building__name", "room_number", "floor", "area")


def _rows(qs: QuerySet) -> list[UnitRow]:
    return [
        UnitRow(
            id=r["id"],
            building_id=r["building_id"],
            building_name=r["building__name"],
            room_number=r["room_number"],
            floor=r["floor"],
            area=r["area"],
            sold_on=r["sale__sold_on"],
        )
        for r in qs.values(*UNIT_ROW_FIELDS, "sale__sold_on")
    ]


def clamp_limit(limit: int | None) -> int:
    return max(1, min(limit or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE))


def unit_page(
    *, actor: Actor, project: Project, page: int = 1, limit: int | None = None
) -> UnitPage:
    """Page N of the project's units in id order, with the total (for "page 3 of 2,000").

    The page's ids come from the (project, id) index alone; only those rows are then joined to
    their building and sale, so that a deep page does not join every row it skips.
    """
    limit = clamp_limit(limit)
    qs = units_of(actor=actor, project=project)
    count = qs.count()
    pages = max(1, -(-count // limit))
    page = max(1, min(page, pages))
    offset = (page - 1) * limit
    ids = list(qs.order_by("id").values_list("id", flat=True)[offset : offset + limit])
    items = _rows(Unit.objects.filter(pk__in=ids).order_by("id"))
    return UnitPage(items=items, limit=limit, count=count, page=page, pages=pages)


def unit_page_after(
    *, actor: Actor, project: Project, cursor: str | None = None, limit: int | None = None
) -> UnitPage:
    """The next `limit` units after the cursor (keyset pagination): as fast on the last page as
    on the first, whatever the size of the project."""
    limit = clamp_limit(limit)
    qs = units_of(actor=actor, project=project).order_by("id")
    if cursor:
        try:
            after = int(cursor)
        except ValueError:
            raise NotFound("cursor") from None
        qs = qs.filter(id__gt=after)
    items = _rows(qs[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    return UnitPage(
        items=items, limit=limit, next_cursor=str(items[-1].id) if more and items else None
    )


# --- owners' identities (DESIGN "Privacy") ----------------------------------------------------


def sees_identities_in(actor: Actor, project_id: int) -> bool:
    """Whether the actor sees every owner's ID and phone numbers in full in this project: the
    regulator, and the claim handlers of an insurer of the project."""
    if sees_every_identity(actor):
        return True
    if actor.organisation_type == OrgType.INSURER and actor.has_role(Role.CLAIMS_HANDLER):
        # An insurer sees exactly the projects it insures (Hook.PROJECT_VISIBILITY).
        return Project.objects.filter(_project_filter(actor) or Q(), pk=project_id).exists()
    return False


@dataclass(frozen=True)
class BuyerView:
    user_id: int
    real_name: str
    id_number: str
    phone: str


def buyers_of(*, actor: Actor, sale: Sale, project_id: int) -> list[BuyerView]:
    """A sale's buyers as the actor may see them: masked unless it is the owner itself, the
    regulator, or a claim handler of the project's insurer."""
    everyone = sees_identities_in(actor, project_id)
    out = []
    for user in sale.buyers.select_related("profile").order_by("id"):
        profile = user.profile
        shown = shown_identity(
            id_number=profile.id_number,
            phone=profile.phone,
            unmasked=everyone or user.pk == actor.user_id,
        )
        out.append(BuyerView(user_id=user.pk, real_name=profile.real_name, **shown))
    return out


def sale_of(unit: Unit) -> Sale | None:
    return Sale.objects.filter(unit=unit).first()


def export_rows(*, actor: Actor, project: Project) -> Iterator[list[str]]:
    """The project's units in the import format (docs/import.md), identities masked as the
    actor must see them. Two queries, whatever the number of units."""
    everyone = sees_identities_in(actor, project.pk)
    units = units_of(actor=actor, project=project)
    buyers: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for unit_id, user_id, name, number, phone in (
        Sale.buyers.through.objects.filter(sale__unit__in=units.values("pk"))
        .order_by("sale__unit_id", "user_id")
        .values_list(
            "sale__unit_id",
            "user_id",
            "user__profile__real_name",
            "user__profile__id_number",
            "user__profile__phone",
        )
    ):
        shown = shown_identity(
            id_number=number or "", phone=phone or "", unmasked=everyone or user_id == actor.user_id
        )
        buyers[unit_id].append((name or "", shown["id_number"], shown["phone"]))
    # The file speaks the import's Chinese labels whatever the reader's language.
    with translation.override("zh-hans"):
        housing = {key: str(label) for key, label in HousingType.choices}
    for u in units.order_by("building__name", "id").values(
        "id",
        "building__name",
        "building__permit__number",
        "building__housing_type",
        "building__fully_decorated",
        "building__floors_above",
        "building__floors_below",
        "room_number",
        "floor",
        "area",
        "sale__sold_on",
        "sale__contract_number",
    ):
        people = buyers.get(u["id"], [])
        sold = u["sale__sold_on"]
        yield [
            u["building__name"],
            u["building__permit__number"],
            housing[u["building__housing_type"]],
            "是" if u["building__fully_decorated"] else "否",
            str(u["building__floors_above"]),
            str(u["building__floors_below"]),
            u["room_number"],
            str(u["floor"]),
            str(u["area"]),
            "；".join(p[0] for p in people),
            "；".join(p[1] for p in people),
            "；".join(p[2] for p in people),
            sold.isoformat() if sold else "",
            u["sale__contract_number"] or "",
        ]


# --- background imports (docs/import.md) --------------------------------------------------------


def import_jobs_visible_to(actor: Actor) -> QuerySet:
    """Only the uploader's organisation sees a background import (the uploader alone when it
    acted for no organisation, as the operator does)."""
    if actor.organisation_id is not None:
        return ImportJob.objects.filter(organisation_id=actor.organisation_id)
    if actor.user_id is not None:
        return ImportJob.objects.filter(organisation__isnull=True, created_by_id=actor.user_id)
    return ImportJob.objects.none()


def get_import_job(*, actor: Actor, pk: int) -> ImportJob:
    return _get(import_jobs_visible_to(actor).select_related("project"), pk, "import job")


@dataclass(frozen=True)
class JobProgress:
    phase: str  # "" while queued or once ended
    done: int
    total: int | None


def job_progress(job: ImportJob) -> JobProgress:
    """Rows done of the total: live from the worker while the job runs, else from the job."""
    if job.state == ImportJobState.RUNNING:
        live = cache.get(job.progress_key)
        if live:
            return JobProgress(live["phase"], live["done"], live["total"])
    return JobProgress("", job.rows_done, job.rows_total)
