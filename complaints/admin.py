"""Admin for complaints admins: procedures, versioned stage rules, suspensions and categories.

Complaints themselves are progressed in the product's pages (through the services), so the
admin shows them read-only; nothing about a complaint can be deleted here.
"""

from django.contrib import admin
from django.db.models import Max
from simple_history.admin import SimpleHistoryAdmin

from complaints.models import Category, Complaint, ComplaintEvent, Procedure, ProcedureStage, StageRule, StageSuspension


class ProcedureStageInline(admin.TabularInline):
    model = ProcedureStage
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "number_of_stages", "calendar", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProcedureStageInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StageRule)
class StageRuleAdmin(SimpleHistoryAdmin):
    """A version that has produced deadlines is read-only: a change is a new version from a date."""

    list_display = [
        "procedure_stage",
        "version",
        "effective_from",
        "acknowledge_within",
        "respond_within",
        "respond_unit",
        "respond_from",
        "max_extension",
    ]
    list_filter = ["procedure_stage__procedure"]
    readonly_fields = ["version", "created_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.complaint_stages.exists():
            return [f.name for f in self.model._meta.fields]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            latest = StageRule.objects.filter(procedure_stage=obj.procedure_stage).aggregate(v=Max("version"))["v"] or 0
            obj.version = latest + 1
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and not obj.complaint_stages.exists() and super().has_delete_permission(request, obj)


@admin.register(StageSuspension)
class StageSuspensionAdmin(SimpleHistoryAdmin):
    list_display = ["procedure_stage", "starts_on", "ends_on", "reason"]
    list_filter = ["procedure_stage__procedure"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class ComplaintEventInline(admin.TabularInline):
    model = ComplaintEvent
    fields = ["at", "actor", "summary"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "service_area", "procedure", "status", "received_on", "next_due_date"]
    list_filter = ["status", "procedure", "service_area"]
    search_fields = ["reference"]
    inlines = [ComplaintEventInline]

    def get_queryset(self, request):
        # Restricted complaints are not listed here: only the people named on them see them, in the product.
        return super().get_queryset(request).filter(is_restricted=False)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
