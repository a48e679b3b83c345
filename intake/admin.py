"""Admin for complaints admins: the topics residents choose from, mapped to a service area and a
procedure. Online submissions are shown read-only; nothing here can be deleted."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from intake.models import OnlineSubmission, Topic


@admin.register(Topic)
class TopicAdmin(SimpleHistoryAdmin):
    list_display = ["label", "service_area", "procedure", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", "service_area", "procedure"]
    search_fields = ["label", "hint"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OnlineSubmission)
class OnlineSubmissionAdmin(admin.ModelAdmin):
    list_display = ["complaint", "topic", "for_someone_else", "consent", "submitted_at", "receipt_sent_at"]
    list_filter = ["topic"]
    readonly_fields = ["complaint", "topic", "for_someone_else", "consent", "submitted_at", "receipt_sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
