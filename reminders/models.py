"""The register of dated obligations: one row per thing someone must do by a date.

Domain services keep it in step (`reminders.services.obligation_sync`), so the managers' overdue
view and the reminder sweep read one indexed table instead of every domain model.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.models import ServiceArea


class ObligationKind(models.TextChoices):
    COMPLAINT_ACKNOWLEDGEMENT = "complaint_acknowledgement", "Acknowledge a complaint"
    COMPLAINT_RESPONSE = "complaint_response", "Respond to a complaint"
    COMPLAINT_ACTION = "complaint_action", "Action promised in a complaint response"
    LGSCO_ENQUIRY_REPLY = "lgsco_enquiry_reply", "Reply to LGSCO enquiries"
    LGSCO_DRAFT_COMMENTS = "lgsco_draft_comments", "Comments on the LGSCO draft decision"
    RECOMMENDATION = "recommendation", "LGSCO recommendation"
    PIR_NOTICE = "pir_notice", "Public notice of a public interest report"
    PIR_RESPONSE = "pir_response", "Tell the Ombudsman what the council has done"
    LEARNING_ACTION = "learning_action", "Service improvement from the learning register"


OMBUDSMAN_KINDS = [
    ObligationKind.LGSCO_ENQUIRY_REPLY,
    ObligationKind.LGSCO_DRAFT_COMMENTS,
    ObligationKind.RECOMMENDATION,
    ObligationKind.PIR_NOTICE,
    ObligationKind.PIR_RESPONSE,
]


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
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.CASCADE, related_name="obligations"
    )
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
            # The managers' overdue view: open LGSCO items only (a small part of the open register).
            models.Index(
                fields=["due_on"],
                condition=Q(done_on__isnull=True, kind__in=OMBUDSMAN_KINDS),
                name="obligation_lgsco_open_due",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EscalateTo(models.TextChoices):
    LINK_OFFICER = "link_officer", "The council's Link Officer (for Ombudsman items) or the complaints team"
    TEAM_MAILBOX = "team_mailbox", "The service area's mailbox, or the complaints team mailbox"


def parse_lead_days(text: str) -> list[int]:
    """ "10, 5, 1, 0" -> [10, 5, 1, 0]; refuses negative, repeated or unordered lead times."""
    if not (text or "").strip():
        return []
    try:
        values = [int(part) for part in text.replace(" ", "").split(",") if part != ""]
    except ValueError as exc:
        raise ValidationError(
            {"lead_days": "Enter whole numbers of working days separated by commas, like 10, 5, 1, 0"}
        ) from exc
    if any(v < 0 for v in values):
        raise ValidationError({"lead_days": "Lead times cannot be negative: use 0 for the due date itself"})
    if values != sorted(set(values), reverse=True):
        raise ValidationError(
            {"lead_days": "List the lead times from the longest to the shortest, each once, like 10, 5, 1, 0"}
        )
    return values


class ReminderPolicy(models.Model):
    """When and whom to remind about one kind of obligation. Editable by complaints admins.

    Defaults (issue 5): 10, 5 and 1 working days before and on the day; once overdue, the owner
    weekly (every 5 working days) from the first overdue working day; the owner's manager from
    that first overdue day; the Link Officer or team mailbox after 5 overdue working days.
    """

    kind = models.CharField(max_length=40, choices=ObligationKind.choices, unique=True)
    lead_days = models.CharField(
        max_length=60,
        default="10, 5, 1, 0",
        blank=True,
        help_text="Working days before the due date, longest first; 0 is the day.",
    )
    remind_owner_when_overdue = models.BooleanField(default=True, help_text="Weekly while it is overdue.")
    owner_overdue_every = models.PositiveSmallIntegerField(
        default=5, help_text="Working days between overdue reminders."
    )
    manager_after_overdue_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        default=1,
        help_text="Tell the owner's manager once it is this many working days overdue. Blank: never.",
    )
    escalate_after_overdue_days = models.PositiveSmallIntegerField(
        null=True, blank=True, default=5, help_text="Escalate once it is this many working days overdue. Blank: never."
    )
    escalate_to = models.CharField(max_length=20, choices=EscalateTo.choices, default=EscalateTo.LINK_OFFICER)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "reminder policies"
        constraints = [
            models.CheckConstraint(condition=Q(owner_overdue_every__gte=1), name="policy_overdue_every_positive"),
            models.CheckConstraint(
                condition=Q(manager_after_overdue_days__isnull=True) | Q(manager_after_overdue_days__gte=1),
                name="policy_manager_after_positive",
            ),
            models.CheckConstraint(
                condition=Q(escalate_after_overdue_days__isnull=True) | Q(escalate_after_overdue_days__gte=1),
                name="policy_escalate_after_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminders: {self.get_kind_display()}"

    def clean(self):
        self.lead_days_list = parse_lead_days(self.lead_days)
        if (
            not self.lead_days_list
            and not self.remind_owner_when_overdue
            and self.manager_after_overdue_days is None
            and self.escalate_after_overdue_days is None
        ):
            raise ValidationError(
                "A policy must remind someone: set lead times, overdue reminders, the manager or an escalation"
            )

    @property
    def leads(self) -> list[int]:
        return parse_lead_days(self.lead_days)


class DigestStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    NO_ADDRESS = "no_address", "Not sent: no email address"


class Digest(models.Model):
    """One email to one person (or mailbox) on one working day. Claimed by a conditional UPDATE."""

    recipient_key = models.CharField(max_length=200, help_text='"user:12" or "mailbox:team@example.gov.uk".')
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="digests"
    )
    address = models.CharField(max_length=254, blank=True)
    day = models.DateField()
    status = models.CharField(max_length=20, choices=DigestStatus.choices, default=DigestStatus.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    item_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "recipient_key"]
        constraints = [
            models.UniqueConstraint(fields=["recipient_key", "day"], name="digest_once_per_recipient_per_day")
        ]
        indexes = [models.Index(fields=["status", "day"], name="digest_status_day")]

    def __str__(self) -> str:
        return f"Digest for {self.address or self.recipient_key} on {self.day:%d %b %Y}"


class Reminder(models.Model):
    """One milestone of one obligation for one recipient: delivered at most once (unique)."""

    # Indexed by reminder_obligation_recipient, which also answers "who was reminded of these open
    # obligations, and of which milestone" from the index alone.
    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="reminders", db_index=False)
    recipient_key = models.CharField(max_length=200)
    # No index of its own: reminder_recipient_obligation starts with it.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    address = models.CharField(max_length=254, blank=True)
    milestone = models.CharField(max_length=40, help_text='"lead-5", "due", "overdue-1", "manager", "escalation".')
    due_on = models.DateField(
        help_text="The due date the milestone was counted from (an extension starts a new ladder)."
    )
    fires_on = models.DateField()
    created_on = models.DateField(help_text="The sweep's today when it was recorded.")
    # No index of its own: reminder_digest_recipient starts with it (fewer indexes to update
    # when the day's reminders join their digests).
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.PROTECT, related_name="reminders", db_index=False
    )

    class Meta:
        ordering = ["fires_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient_key", "obligation", "milestone", "due_on"], name="reminder_once_per_milestone"
            )
        ]
        indexes = [
            models.Index(fields=["digest", "recipient_key"], name="reminder_digest_recipient"),
            models.Index(fields=["recipient", "obligation"], name="reminder_recipient_obligation"),
            models.Index(fields=["obligation", "recipient", "milestone"], name="reminder_obligation_recipient"),
            models.Index(fields=["created_on"], name="reminder_created_on"),
        ]


class TaskRun(models.Model):
    """When a scheduled task last finished successfully (for /healthz and monitoring)."""

    name = models.CharField(max_length=100, unique=True)
    last_success_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.last_success_at:%d %b %Y %H:%M}"
