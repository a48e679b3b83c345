"""Complaints, procedures, versioned stage rules, stages, extensions, actions and documents.

Models hold fields, choices and constraints. Deadline rules live in `complaints.deadlines`
(pure functions); every change of state goes through `complaints.services`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from accounts.models import ServiceArea
from calendars.models import WorkingDayCalendar


class Unit(models.TextChoices):
    WORKING_DAYS = "working_days", "working days"
    CALENDAR_DAYS = "calendar_days", "calendar days"
    CALENDAR_MONTHS = "calendar_months", "calendar months"


class ProcedureKind(models.TextChoices):
    CORPORATE = "corporate", "Corporate (LGSCO Complaint Handling Code)"
    HOUSING = "housing", "Council housing (Housing Ombudsman Code)"
    CHILDREN = "children", "Children's social care (statutory)"
    ADULTS = "adults", "Adult social care (statutory)"
    OTHER = "other", "Other"


class Procedure(models.Model):
    """A complaints procedure: its stages, calendar and where complainants go after it."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=ProcedureKind.choices)
    applies_to = models.TextField(help_text="Which complaints this procedure is for.")
    calendar = models.ForeignKey(WorkingDayCalendar, on_delete=models.PROTECT, related_name="procedures")
    number_of_stages = models.PositiveSmallIntegerField()
    ombudsman_name = models.CharField(
        max_length=120,
        default="Local Government and Social Care Ombudsman",
        help_text="The Ombudsman complainants are signposted to after the final stage.",
    )
    signposting_wording = models.TextField(
        help_text="Default wording telling the complainant where to go next; caseworkers may edit it per case."
    )
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number_of_stages__gte=1) & Q(number_of_stages__lte=5), name="procedure_stages_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProcedureStage(models.Model):
    """One stage of a procedure (e.g. "Stage 2: Investigation"). Rules attach as versions."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)

    history = HistoricalRecords()

    class Meta:
        ordering = ["procedure__name", "number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedure_stage_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="procedure_stage_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.name}: Stage {self.number} ({self.name})"


class ResponseClockStart(models.TextChoices):
    RECEIPT = "receipt", "the date the complaint (or escalation request) was received"
    ACKNOWLEDGEMENT = "acknowledgement", "the date it was acknowledged"
    PANEL_REPORT = "panel_report", "the date the review panel's report was received"


class StageRule(models.Model):
    """One version of the rules for a procedure stage, in force from `effective_from`.

    A stage that opens on or after `effective_from` (and before the next version) takes its
    deadlines from this version; deadlines already stored keep the version that produced them.
    A version that has produced deadlines is never edited: admins add a new version.
    """

    procedure_stage = models.ForeignKey(ProcedureStage, on_delete=models.PROTECT, related_name="rules")
    version = models.PositiveIntegerField()
    effective_from = models.DateField()
    acknowledge_within = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Counted from receipt. Leave blank if the stage has no acknowledgement."
    )
    acknowledge_unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.WORKING_DAYS)
    respond_within = models.PositiveSmallIntegerField(help_text="The time limit for the stage's response.")
    respond_unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.WORKING_DAYS)
    respond_from = models.CharField(max_length=20, choices=ResponseClockStart.choices)
    response_date_agreed = models.BooleanField(
        default=False,
        help_text="The response date is agreed with the complainant; the time limit above is the outer limit.",
    )
    max_extension = models.PositiveSmallIntegerField(
        default=0, help_text="Longest extension of the response deadline without a manager's approval."
    )
    max_extension_unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.WORKING_DAYS)
    escalation_window = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How long after the response the complainant may ask for the next stage."
    )
    escalation_window_unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.WORKING_DAYS)
    handler_must_differ = models.BooleanField(
        default=False, help_text="The handler of this stage must not be the previous stage's handler."
    )
    clock_stop_allowed = models.BooleanField(
        default=False, help_text="The clock may be stopped for a reason (e.g. waiting for an advocate)."
    )
    panel_meeting_within = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Review panel meets within this many working days of the request."
    )
    panel_report_within = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Panel report sent within this many working days of the meeting."
    )
    source = models.CharField(max_length=300, blank=True, help_text="Where the rule comes from.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    history = HistoricalRecords()

    class Meta:
        ordering = ["procedure_stage", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["procedure_stage", "version"], name="stage_rule_unique_version"),
            models.UniqueConstraint(fields=["procedure_stage", "effective_from"], name="stage_rule_unique_start"),
            models.CheckConstraint(
                condition=Q(respond_from="receipt")
                | Q(respond_from="panel_report")
                | Q(acknowledge_within__isnull=False),
                name="stage_rule_ack_clock_needs_ack_limit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_stage} v{self.version} from {self.effective_from:%d %b %Y}"


class StageSuspension(models.Model):
    """A period in which a procedure stage is not offered (as Stage 2 was in the source case)."""

    procedure_stage = models.ForeignKey(ProcedureStage, on_delete=models.PROTECT, related_name="suspensions")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Leave blank while the suspension lasts.")
    reason = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="suspension_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure_stage} suspended from {self.starts_on:%d %b %Y}"


class Channel(models.TextChoices):
    WEB_FORM = "web_form", "Web form"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    COUNCILLOR_OR_MP = "councillor_or_mp", "Via a councillor or MP"


class ContactMethod(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"


class ComplaintStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Category(models.Model):
    """LGSCO-style category, e.g. "Education > Special educational needs"."""

    name = models.CharField(max_length=150, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class ReferenceCounter(models.Model):
    """The last reference number issued in a year; incremented under a row lock."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)


class Complaint(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    submission_token = models.UUIDField(
        null=True, blank=True, unique=True, help_text="Makes a double-submitted log form create one complaint."
    )
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="complaints")
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="complaints")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    received_on = models.DateField()
    status = models.CharField(max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)

    complainant_name = models.CharField(max_length=200)
    complainant_email = models.EmailField(blank=True)
    complainant_phone = models.CharField(max_length=40, blank=True)
    complainant_address = models.TextField(blank=True)
    preferred_contact = models.CharField(max_length=10, choices=ContactMethod.choices, default=ContactMethod.EMAIL)
    affected_person_name = models.CharField(max_length=200, blank=True)
    affected_person_relationship = models.CharField(
        max_length=120, blank=True, help_text="The complainant's relationship to the person affected."
    )
    representative_name = models.CharField(max_length=200, blank=True)
    representative_relationship = models.CharField(max_length=120, blank=True)
    representative_consent = models.TextField(blank=True, help_text="Evidence of consent or authority to act.")
    reasonable_adjustments = models.TextField(blank=True)
    is_vulnerable = models.BooleanField(default=False)
    is_restricted = models.BooleanField(
        default=False, help_text="Only the people named on this complaint may see it (e.g. about a child)."
    )
    named_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="named_on_complaints")

    summary = models.TextField(help_text="The points of complaint, as the complainant made them.")
    outcome_wanted = models.TextField(blank=True)

    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="handled_complaints",
        help_text="The handler of the current stage.",
    )
    current_stage_number = models.PositiveSmallIntegerField(default=1)
    # The earliest open deadline of the current stage, kept by the services for lists and sorting.
    next_due_date = models.DateField(null=True, blank=True)
    next_due_label = models.CharField(max_length=60, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    legal_hold = models.BooleanField(
        default=False, help_text="Kept in full whatever its age (e.g. litigation); the retention job skips it."
    )
    anonymised_on = models.DateField(null=True, blank=True, help_text="Personal details removed under the retention policy.")

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[named_users])

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["service_area", "status", "next_due_date"], name="complaint_area_status_due"),
            models.Index(fields=["handler", "status", "next_due_date"], name="complaint_handler_status_due"),
            models.Index(fields=["status", "next_due_date"], name="complaint_status_due"),
            models.Index(fields=["received_on", "id"], name="complaint_received"),
            # The list's default sort (next deadline first, then id) and its reverse.
            models.Index(fields=["next_due_date", "id"], name="complaint_next_due"),
            models.Index(fields=["complainant_name"], name="complaint_complainant"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("received_on")),
                name="complaint_closed_after_received",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class StageStatus(models.TextChoices):
    AWAITING_ACKNOWLEDGEMENT = "awaiting_acknowledgement", "Awaiting acknowledgement"
    IN_PROGRESS = "in_progress", "In progress"
    RESPONDED = "responded", "Responded"
    ESCALATED = "escalated", "Escalated"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STAGE_STATUSES = [StageStatus.AWAITING_ACKNOWLEDGEMENT, StageStatus.IN_PROGRESS, StageStatus.RESPONDED]


class Outcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"


class ComplaintStage(models.Model):
    """One stage of one complaint: its dates, deadlines (with the rule version) and response."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="stages")
    number = models.PositiveSmallIntegerField()
    rule = models.ForeignKey(StageRule, on_delete=models.PROTECT, related_name="complaint_stages")
    status = models.CharField(max_length=30, choices=StageStatus.choices)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handled_stages")

    received_on = models.DateField(help_text="Complaint received (Stage 1) or escalation requested (later stages).")
    acknowledged_on = models.DateField(null=True, blank=True)
    acknowledge_due = models.DateField(null=True, blank=True)
    response_due = models.DateField(help_text="The current response deadline, after any extension or clock stop.")
    original_response_due = models.DateField(help_text="The response deadline before any extension.")
    response_due_is_provisional = models.BooleanField(
        default=False, help_text="Counted from the acknowledgement deadline until the stage is acknowledged."
    )
    agreed_response_on = models.DateField(null=True, blank=True, help_text="Response date agreed with the complainant.")
    panel_meeting_due = models.DateField(null=True, blank=True)
    panel_met_on = models.DateField(null=True, blank=True)
    panel_report_due = models.DateField(null=True, blank=True)
    panel_report_on = models.DateField(null=True, blank=True)

    responded_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    response_summary = models.TextField(blank=True)
    apology_given = models.BooleanField(default=False)
    explanation_given = models.BooleanField(default=False)
    decision_changed = models.BooleanField(default=False)
    payment_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    payment_reason = models.CharField(max_length=300, blank=True)
    escalation_deadline = models.DateField(null=True, blank=True, help_text="Last day to ask for the next stage.")

    closed_on = models.DateField(null=True, blank=True)
    # Optimistic lock: every service that changes the stage bumps it, so a second editor is told.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["complaint", "number"]
        indexes = [
            models.Index(fields=["handler", "status", "response_due"], name="stage_handler_status_due"),
            # The performance report counts stages by the dates they were received and answered.
            models.Index(fields=["received_on"], name="stage_received"),
            models.Index(fields=["responded_on"], name="stage_responded"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "number"], name="stage_unique_number"),
            models.UniqueConstraint(
                fields=["complaint"],
                condition=Q(status__in=["awaiting_acknowledgement", "in_progress", "responded"]),
                name="stage_one_open_per_complaint",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_on__isnull=True) | Q(acknowledged_on__gte=F("received_on")),
                name="stage_acknowledged_after_received",
            ),
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True) | Q(responded_on__gte=F("received_on")),
                name="stage_responded_after_received",
            ),
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True)
                | Q(acknowledged_on__isnull=True)
                | Q(responded_on__gte=F("acknowledged_on")),
                name="stage_responded_after_acknowledged",
            ),
            models.CheckConstraint(
                condition=Q(response_due__gte=F("original_response_due")), name="stage_extension_not_shorter"
            ),
            models.CheckConstraint(
                condition=Q(payment_amount__isnull=True) | Q(payment_amount__gte=0), name="stage_payment_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint.reference} Stage {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STAGE_STATUSES


class ComplaintPoint(models.Model):
    """One point of complaint; each stage's response records an outcome per point."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="points")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["complaint", "number"]
        constraints = [models.UniqueConstraint(fields=["complaint", "number"], name="point_unique_number")]

    def __str__(self) -> str:
        return f"Point {self.number}"


class PointOutcome(models.Model):
    stage = models.ForeignKey(ComplaintStage, on_delete=models.PROTECT, related_name="point_outcomes")
    point = models.ForeignKey(ComplaintPoint, on_delete=models.PROTECT, related_name="outcomes")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stage", "point"], name="point_outcome_once_per_stage")]


class Extension(models.Model):
    """An extension of a stage's response deadline; the earlier date is kept."""

    stage = models.ForeignKey(ComplaintStage, on_delete=models.PROTECT, related_name="extensions")
    previous_due = models.DateField()
    new_due = models.DateField()
    reason = models.TextField()
    complainant_told_on = models.DateField()
    beyond_cap = models.BooleanField(default=False, help_text="Longer than the rule allows; a manager approved it.")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(new_due__gt=F("previous_due")), name="extension_moves_deadline_later")
        ]


class ClockStop(models.Model):
    """A period in which a stage's clock does not run (only where the rule allows it)."""

    stage = models.ForeignKey(ComplaintStage, on_delete=models.PROTECT, related_name="clock_stops")
    stopped_on = models.DateField()
    restarted_on = models.DateField(null=True, blank=True)
    reason = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["stopped_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(restarted_on__isnull=True) | Q(restarted_on__gte=F("stopped_on")),
                name="clock_stop_dates_in_order",
            ),
            models.UniqueConstraint(
                fields=["stage"], condition=Q(restarted_on__isnull=True), name="clock_stop_one_running"
            ),
        ]


class EscalationRequest(models.Model):
    """The complainant asked for the next stage; in or out of the rule's window."""

    stage = models.OneToOneField(ComplaintStage, on_delete=models.PROTECT, related_name="escalation_request")
    requested_on = models.DateField()
    within_window = models.BooleanField()
    late_reason_accepted = models.TextField(blank=True, help_text="Why a late request was accepted.")
    reasons = models.TextField(help_text="The complainant's reasons for asking for the next stage.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()


class SignpostReason(models.TextChoices):
    FINAL_STAGE = "final_stage", "Final stage of the procedure completed"
    NEXT_STAGE_SUSPENDED = "next_stage_suspended", "Next stage suspended"
    WITHDRAWN = "withdrawn", "Complaint withdrawn"
    CLOSED_WITHOUT_ESCALATION = "closed_without_escalation", "Told of the Ombudsman when the complaint closed"


class Signposting(models.Model):
    """The complainant was told where to go next (the Ombudsman) — when, how and in what words."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="signpostings")
    stage = models.ForeignKey(ComplaintStage, on_delete=models.PROTECT, related_name="signpostings")
    reason = models.CharField(max_length=30, choices=SignpostReason.choices)
    told_on = models.DateField()
    method = models.CharField(max_length=10, choices=ContactMethod.choices)
    wording = models.TextField()
    suspension = models.ForeignKey(StageSuspension, null=True, blank=True, on_delete=models.PROTECT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["told_on"]


class Action(models.Model):
    """An action promised in a response, with an owner and a due date, tracked to completion."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="actions")
    stage = models.ForeignKey(ComplaintStage, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaint_actions")
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "completed_on", "due_on"], name="action_owner_open_due")]


def document_path(instance, filename):
    # Random stored names: the original name is kept in the row, never on disk.
    return f"complaints/{instance.complaint_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="documents")
    stage = models.ForeignKey(ComplaintStage, null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(upload_to=document_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    description = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]


class ComplaintEvent(models.Model):
    """The case timeline: who did what, when, and what changed from what. Never edited."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    stage_number = models.PositiveSmallIntegerField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=40)
    summary = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["complaint", "-at"], name="event_complaint_at")]

    def __str__(self) -> str:
        return self.summary
