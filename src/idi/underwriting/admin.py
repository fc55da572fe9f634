"""Read-only admin: every change to a policy goes through the services (and the audit log)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from idi.underwriting.models import (
    ChangeRequest,
    FundContributionDue,
    Policy,
    PolicyAttachment,
    PolicyShare,
)


@admin.display(description=_("编号"), ordering="pk")
def number(obj) -> int:
    return obj.pk


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ShareInline(admin.TabularInline):
    model = PolicyShare
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Policy)
class PolicyAdmin(ReadOnlyAdmin):
    list_display = (number, "permit", "state", "premium", "issued_on", "pack_id")
    list_filter = ("state", "pack_id")
    search_fields = ("permit__number", "permit__project__name")
    inlines = [ShareInline]


@admin.register(PolicyAttachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = (number, "policy", "kind", "original_name", "uploaded_at", "confirmed_at")
    list_filter = ("kind",)


@admin.register(FundContributionDue)
class FundContributionDueAdmin(ReadOnlyAdmin):
    list_display = ("policy", "insurer", "amount", "due_since")


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin):
    list_display = (number, "policy", "kind", "state", "requested_at")
    list_filter = ("kind", "state")
