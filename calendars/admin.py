from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import BankHoliday, ClosureDay, WorkingDayCalendar


@admin.register(BankHoliday)
class BankHolidayAdmin(SimpleHistoryAdmin):
    list_display = ("date", "title", "division", "source")
    list_filter = ("division", "source")
    search_fields = ("title",)
    date_hierarchy = "date"


@admin.register(ClosureDay)
class ClosureDayAdmin(SimpleHistoryAdmin):
    list_display = ("date", "title")
    search_fields = ("title",)
    date_hierarchy = "date"


@admin.register(WorkingDayCalendar)
class WorkingDayCalendarAdmin(SimpleHistoryAdmin):
    list_display = ("name", "slug", "divisions", "counts_closure_days")
    list_filter = ("divisions", "counts_closure_days")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
