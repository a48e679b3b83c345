"""Admin: read-only views of the learning register and the LGSCO's figures (changes go through the pages)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import LearningItem, LgscoPublishedFigures


class ReadOnly(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LearningItem)
class LearningItemAdmin(ReadOnly):
    list_display = ["theme", "service_area", "owner", "due_on", "status", "completed_on"]
    list_filter = ["theme", "status", "service_area"]


@admin.register(LgscoPublishedFigures)
class LgscoPublishedFiguresAdmin(ReadOnly):
    list_display = ["year_start", "decisions", "upheld", "uphold_rate", "compliance_rate", "entered_by", "entered_at"]
