from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from reminders.models import Digest, ReminderPolicy, parse_lead_days


class ReminderPolicyForm(forms.ModelForm):
    class Meta:
        model = ReminderPolicy
        fields = [
            "kind",
            "lead_days",
            "remind_owner_when_overdue",
            "owner_overdue_every",
            "manager_after_overdue_days",
            "escalate_after_overdue_days",
            "escalate_to",
        ]

    def clean_lead_days(self):
        try:
            values = parse_lead_days(self.cleaned_data["lead_days"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["lead_days"]) from error
        return ", ".join(str(v) for v in values)


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(SimpleHistoryAdmin):
    form = ReminderPolicyForm
    list_display = [
        "kind",
        "lead_days",
        "remind_owner_when_overdue",
        "owner_overdue_every",
        "manager_after_overdue_days",
        "escalate_after_overdue_days",
        "escalate_to",
    ]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    """The delivery log, read-only."""

    list_display = ["day", "recipient_key", "address", "status", "item_count", "sent_at", "error"]
    list_filter = ["status", "day"]
    search_fields = ["address", "recipient_key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
