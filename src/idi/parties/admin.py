"""The operator's view of the registry. Read-only: every change goes through the audited
services (RULES.md R-O3) — the pages under /orgs/ and the API — never through a bare save()."""

from django.contrib import admin
from django.contrib.auth import get_user_model

from idi.parties.models import InsurerQualification, Organisation, OrganisationRelationship, Profile


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "org_type", "uscc", "district", "contact_name", "created_at")
    list_filter = ("org_type", "district")
    search_fields = ("name", "uscc")


@admin.register(InsurerQualification)
class InsurerQualificationAdmin(ReadOnlyAdmin):
    list_display = (
        "insurer",
        "year",
        "registered_capital",
        "solvency_ratio",
        "has_quality_department",
        "has_idi_lead_experience",
    )
    list_filter = ("year",)
    search_fields = ("insurer__name",)


@admin.register(OrganisationRelationship)
class OrganisationRelationshipAdmin(ReadOnlyAdmin):
    list_display = ("from_org", "to_org", "kind", "declared_at")
    list_filter = ("kind",)
    search_fields = ("from_org__name", "to_org__name")


@admin.register(Profile)
class ProfileAdmin(ReadOnlyAdmin):
    # Owners' ID and phone numbers are left out: the operator is not among those who see them.
    list_display = ("user", "organisation", "roles", "real_name")
    search_fields = ("user__username", "real_name", "organisation__name")
    exclude = ("id_number", "phone")


# Django's own user admin can set any user's password, an owner's included; here accounts are
# only read. Members get theirs from their administrator (`create_user`); owners set their own
# at activation and nobody else ever does.
admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "first_name", "is_active", "is_staff", "last_login")
    search_fields = ("username", "first_name")
    fields = ("username", "first_name", "is_active", "is_staff", "last_login", "date_joined")
