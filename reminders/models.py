"""The register of dated obligations: one row per thing someone must do by a date.

Domain services keep it in step (`reminders.services.obligation_sync`), so the managers' overdue
view and the reminder sweep read one indexed table instead of every domain model.
"""

from django.conf import settings
from django.db import models

from accounts.models import ServiceArea


class ObligationKind(models.TextChoices):
    LGSCO_ENQUIRY_REPLY = "lgsco_enquiry_reply", "Reply to LGSCO enquiries"
    LGSCO_DRAFT_COMMENTS = "lgsco_draft_comments", "Comments on the LGSCO draft decision"
    RECOMMENDATION = "recommendation", "LGSCO recommendation"
    PIR_NOTICE = "pir_notice", "Public notice of a public interest report"
    PIR_RESPONSE = "pir_response", "Tell the Ombudsman what the council has done"


class Obligation(models.Model):
    kind = models.CharField(max_length=40, choices=ObligationKind.choices)
    source_key = models.CharField(
        max_length=60, unique=True, help_text='The thing it is about, e.g. "recommendation:12".'
    )
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=200)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="obligations")
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="obligations")
    ombudsman_case = models.ForeignKey(
        "ombudsman_cases.OmbudsmanCase", null=True, blank=True, on_delete=models.CASCADE, related_name="obligations"
    )
    is_restricted = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["done_on", "due_on"], name="obligation_open_due"),
            models.Index(fields=["service_area", "done_on", "due_on"], name="obligation_area_open_due"),
            models.Index(fields=["owner", "done_on", "due_on"], name="obligation_owner_open_due"),
        ]

    def __str__(self) -> str:
        return self.title
