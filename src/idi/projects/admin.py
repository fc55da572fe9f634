"""The operator's view of projects. Read-only: every change goes through the audited services
(RULES.md R-O3) — the pages under /projects/, the API and `idi import` — never a bare save()."""

from django.contrib import admin

from idi.parties.admin import ReadOnlyAdmin
from idi.projects.models import (
    Building,
    ConstructionPermit,
    Participant,
    PlanningPermit,
    Project,
    Sale,
    Unit,
)


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ("name", "developer", "district", "housing_type", "created_at")
    list_filter = ("district", "housing_type")
    search_fields = ("name", "developer__name")


@admin.register(PlanningPermit)
class PlanningPermitAdmin(ReadOnlyAdmin):
    list_display = ("number", "project", "issued_on")
    search_fields = ("number", "project__name")


@admin.register(ConstructionPermit)
class ConstructionPermitAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "project",
        "applied_on",
        "issued_on",
        "construction_started_on",
        "completion_accepted_on",
    )
    search_fields = ("number", "project__name")


@admin.register(Building)
class BuildingAdmin(ReadOnlyAdmin):
    list_display = ("name", "project", "permit", "housing_type", "fully_decorated", "delivered_on")
    list_filter = ("housing_type", "fully_decorated")
    search_fields = ("name", "project__name")


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("room_number", "building", "project", "floor", "area")
    search_fields = ("room_number", "building__name", "project__name")
    list_select_related = ("building", "project")
    show_full_result_count = False  # a project may hold 100,000 units


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ("project", "organisation", "role")
    list_filter = ("role",)
    search_fields = ("project__name", "organisation__name")


@admin.register(Sale)
class SaleAdmin(ReadOnlyAdmin):
    list_display = ("unit", "sold_on", "contract_number")
    search_fields = ("contract_number", "unit__room_number")
    list_select_related = ("unit__building",)
    exclude = ("buyers",)  # owners' identities are not the operator's to read
