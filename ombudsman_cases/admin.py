"""Admin: the public-interest-report rule is editable; cases are progressed in the product's pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ombudsman_cases.models import OmbudsmanCase, ReportRule


@admin.register(ReportRule)
class ReportRuleAdmin(SimpleHistoryAdmin):
    """A rule already used by a report is read-only: a change is a new rule from a date."""

    list_display = [
        "effective_from",
        "notice_within_weeks",
        "inspection_start_within_weeks",
        "inspection_weeks",
        "response_within_months",
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.reports.exists():
            return [f.name for f in self.model._meta.fields]
        return []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OmbudsmanCase)
class OmbudsmanCaseAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "service_area", "status", "outcome", "final_decision_on"]
    list_filter = ["status", "service_area"]
    search_fields = ["reference"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(is_restricted=False)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
