from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import AccessLog, ServiceArea, Team, User


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


@admin.register(ServiceArea)
class ServiceAreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "mailbox"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    inlines = [TeamInline]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    """Roles are the groups Caseworker, Manager and Complaints admin."""

    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Work", {"fields": ("job_title", "service_areas", "teams", "manager")}),
    )
    filter_horizontal = ("groups", "user_permissions", "service_areas", "teams")
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    list_filter = ["groups", "service_areas", "is_active"]

    def has_delete_permission(self, request, obj=None):
        # Staff who leave are switched off (is_active), so their history stays attributable.
        return False


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Who opened which restricted record: search by reference to see one case's log. Read-only."""

    list_display = ["at", "reference", "record_type", "user"]
    list_filter = ["record_type"]
    search_fields = ["reference", "user__username", "user__last_name"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
