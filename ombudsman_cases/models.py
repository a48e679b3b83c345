"""LGSCO cases, recommendations, evidence, payments and public interest reports (DOMAIN.md §2, §3, §5.2).

Models hold fields, choices and constraints; date rules are in `ombudsman_cases.deadlines`
and every change goes through `ombudsman_cases.services`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from accounts.models import ServiceArea
from complaints.models import Category, Complaint

LGSCO_REFERENCE_PATTERN = r"^\d{2} \d{3} \d{3}$"
lgsco_reference_validator = RegexValidator(
    LGSCO_REFERENCE_PATTERN, "Enter the LGSCO reference as 8 digits in the format 20 008 832"
)


class CaseStatus(models.TextChoices):
    """Follows the LGSCO's steps (DOMAIN.md §2.1); set by the services from the recorded dates."""

    ASSESSMENT = "assessment", "Assessment"
    ENQUIRIES = "enquiries", "Enquiries"
    DRAFT_DECISION = "draft_decision", "Draft decision"
    FINAL_DECISION = "final_decision", "Final decision"
    COMPLIANCE = "compliance", "Compliance monitoring"
    CLOSED = "closed", "Closed"


class Outcome(models.TextChoices):
    """DOMAIN.md §2.2: the decision labels and the annual-letter buckets."""

    PREMATURE = "premature_referred_back", "Premature: referred back to the council"
    OUT_OF_JURISDICTION = "out_of_jurisdiction", "Not for us: out of jurisdiction"
    CLOSED_AFTER_INITIAL_ENQUIRIES = "closed_after_initial_enquiries", "Closed after initial enquiries"
    NOT_UPHELD = "not_upheld_no_fault", "Not upheld: no fault"
    UPHELD_NO_INJUSTICE = "upheld_fault_no_injustice", "Upheld: fault but no injustice"
    UPHELD_INJUSTICE = "upheld_fault_injustice", "Upheld: fault causing injustice"
    UPHELD_SATISFACTORY_REMEDY = (
        "upheld_satisfactory_remedy_by_council",
        "Upheld: satisfactory remedy provided by the council",
    )
    REPORT_ISSUED = "report_issued", "Upheld: public interest report issued"


UPHELD_OUTCOMES = [
    Outcome.UPHELD_NO_INJUSTICE,
    Outcome.UPHELD_INJUSTICE,
    Outcome.UPHELD_SATISFACTORY_REMEDY,
    Outcome.REPORT_ISSUED,
]


class OmbudsmanCase(models.Model):
    reference = models.CharField(max_length=10, unique=True, validators=[lgsco_reference_validator])
    complaints = models.ManyToManyField(Complaint, blank=True, related_name="ombudsman_cases")
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="ombudsman_cases")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    link_officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="linked_cases")
    summary = models.TextField(help_text="What the complaint to the Ombudsman is about, with pseudonyms only.")
    is_restricted = models.BooleanField(default=False)
    named_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="named_on_cases")

    received_on = models.DateField(help_text="The date the council heard of the Ombudsman's case.")
    enquiry_received_on = models.DateField(null=True, blank=True)
    enquiry_reply_due = models.DateField(null=True, blank=True, help_text="The date the LGSCO set.")
    enquiry_reply_sent_on = models.DateField(null=True, blank=True)
    draft_decision_received_on = models.DateField(null=True, blank=True)
    draft_comments_due = models.DateField(null=True, blank=True)
    draft_comments_sent_on = models.DateField(null=True, blank=True)
    final_decision_on = models.DateField(null=True, blank=True)
    decision_published_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=50, choices=Outcome.choices, blank=True)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.ASSESSMENT)
    closed_on = models.DateField(null=True, blank=True)
    legal_hold = models.BooleanField(
        default=False, help_text="Kept in full whatever its age; the retention job skips it."
    )
    anonymised_on = models.DateField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords(m2m_fields=[named_users, complaints])

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["service_area", "status"], name="case_area_status"),
            # The case list's order: its first page is read from the index, not sorted from every case.
            models.Index(fields=["-received_on", "-id"], name="case_received"),
            # Who may open a case (accounts.access.visible_q) from the index alone, without the rows.
            models.Index(fields=["service_area", "is_restricted", "id"], name="case_visibility"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(reference__regex=LGSCO_REFERENCE_PATTERN), name="case_reference_format"),
            models.CheckConstraint(
                condition=Q(enquiry_reply_sent_on__isnull=True)
                | Q(enquiry_received_on__isnull=True)
                | Q(enquiry_reply_sent_on__gte=F("enquiry_received_on")),
                name="case_enquiry_reply_after_enquiry",
            ),
            models.CheckConstraint(
                condition=Q(draft_comments_sent_on__isnull=True)
                | Q(draft_decision_received_on__isnull=True)
                | Q(draft_comments_sent_on__gte=F("draft_decision_received_on")),
                name="case_comments_after_draft",
            ),
            models.CheckConstraint(
                condition=Q(decision_published_on__isnull=True)
                | Q(final_decision_on__isnull=True)
                | Q(decision_published_on__gte=F("final_decision_on")),
                name="case_published_after_decision",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class RecommendationKind(models.TextChoices):
    APOLOGY = "apology", "Apology"
    FINANCIAL_LOSS = "financial_loss", "Financial remedy for a quantifiable loss"
    SYMBOLIC_PAYMENT = "symbolic_payment", "Symbolic payment"
    CORRECTIVE_ACTION = "corrective_action", "Corrective action (e.g. reassessment)"
    PROCEDURE_REVIEW = "procedure_review", "Procedure or policy review"
    STAFF_TRAINING = "staff_training", "Staff training or reminders"
    WRITE_TO_OTHERS = "write_to_others", "Identify and write to others affected"
    OTHER = "other", "Other"


class RemedyType(models.TextChoices):
    PERSONAL = "personal", "Personal remedy"
    SERVICE_IMPROVEMENT = "service_improvement", "Service improvement"


class DueBasis(models.TextChoices):
    MONTHS_AFTER_DECISION = "months", "Within N calendar months of the final decision"
    WORKING_DAYS_AFTER_DECISION = "working_days", "Within N working days of the final decision"
    EXPLICIT = "explicit", "A date given in the decision letter"


class LgscoStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    COMPLIED = "complied", "Complied"
    COMPLIED_LATE = "complied_late", "Complied late"
    NOT_COMPLIED = "not_complied", "Not complied"


class Recommendation(models.Model):
    case = models.ForeignKey(OmbudsmanCase, on_delete=models.PROTECT, related_name="recommendations")
    kind = models.CharField(max_length=30, choices=RecommendationKind.choices)
    remedy_type = models.CharField(max_length=30, choices=RemedyType.choices)
    wording = models.TextField()
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    beneficiary_pseudonym = models.CharField(
        max_length=40, blank=True, help_text='As the decision names them, e.g. "Ms B". Pseudonyms belong to a document.'
    )
    evidence_expected = models.TextField(blank=True, help_text="What evidence the LGSCO expects.")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recommendations")
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="recommendations")

    due_basis = models.CharField(max_length=20, choices=DueBasis.choices)
    due_within = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="N for the month or working-day basis."
    )
    original_due_on = models.DateField(help_text="The due date the decision gave; kept when extended.")
    due_on = models.DateField(help_text="The due date in force, after any extension agreed with the LGSCO.")

    completed_on = models.DateField(null=True, blank=True)
    evidence_sent_on = models.DateField(null=True, blank=True)
    lgsco_outcome_on = models.DateField(
        null=True,
        blank=True,
        help_text="The date the LGSCO recorded whether it was satisfied the recommendation was done.",
    )
    # Set when completed after the due date in force; never cleared (the LGSCO records it for ever).
    is_late = models.BooleanField(default=False)
    lgsco_status = models.CharField(max_length=20, choices=LgscoStatus.choices, default=LgscoStatus.PENDING)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["completed_on", "due_on"], name="rec_open_due"),
            models.Index(fields=["owner", "completed_on", "due_on"], name="rec_owner_open_due"),
            # The compliance panel reads only the financial year's rows (due, or the LGSCO's outcome).
            models.Index(fields=["due_on"], name="rec_due"),
            models.Index(fields=["lgsco_outcome_on"], name="rec_lgsco_outcome"),
            # "Cases with a recommendation in my service areas" (accounts.access) from the index alone.
            models.Index(fields=["service_area", "case"], name="rec_area_case"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0), name="rec_amount_not_negative"),
            models.CheckConstraint(condition=Q(due_on__gte=F("original_due_on")), name="rec_extension_not_earlier"),
            models.CheckConstraint(
                condition=Q(evidence_sent_on__isnull=True)
                | (Q(completed_on__isnull=False) & Q(evidence_sent_on__gte=F("completed_on"))),
                name="rec_evidence_sent_after_completion",
            ),
            models.CheckConstraint(
                condition=Q(lgsco_outcome_on__isnull=True) | ~Q(lgsco_status="pending"),
                name="rec_outcome_date_with_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(lgsco_status__in=["complied", "complied_late"]) | Q(completed_on__isnull=False),
                name="rec_complied_only_when_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.get_kind_display()}"

    @property
    def basis_description(self) -> str:
        """The due date's basis in words, shown next to the date."""
        if self.due_basis == DueBasis.MONTHS_AFTER_DECISION:
            return f"within {self.due_within} calendar month{'s' if self.due_within != 1 else ''} of the final decision"
        if self.due_basis == DueBasis.WORKING_DAYS_AFTER_DECISION:
            return f"within {self.due_within} working day{'s' if self.due_within != 1 else ''} of the final decision"
        return "the date given in the decision letter"


class RecommendationExtension(models.Model):
    """More time agreed in writing with the LGSCO; the earlier date is kept."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="extensions")
    previous_due_on = models.DateField()
    new_due_on = models.DateField()
    letter = models.CharField(max_length=200, help_text="The LGSCO letter or email agreeing it (date and reference).")
    reason = models.TextField()
    agreed_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(new_due_on__gt=F("previous_due_on")), name="rec_ext_moves_later")
        ]


def evidence_path(instance, filename):
    return f"ombudsman/{instance.recommendation.case_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    description = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    CHEQUE = "cheque", "Cheque"
    CREDIT_TO_ACCOUNT = "credit_to_account", "Credit to an account (e.g. council tax)"
    OTHER = "other", "Other"


class Payment(models.Model):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_on = models.DateField()
    method = models.CharField(max_length=30, choices=PaymentMethod.choices)
    paid_on = models.DateField()
    proof = models.CharField(max_length=200, help_text="The finance system reference or remittance.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["paid_on"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(paid_on__gte=F("approved_on")), name="payment_paid_after_approval"),
        ]


class ReportRule(models.Model):
    """The public-interest-report clocks, admin-editable and versioned by the date they take effect.

    s30(5) LGA 1974: public notice not later than 2 weeks after the report is received (the
    enacted text said 1 week: DOMAIN.md §3 marks it to verify, hence a setting); inspection
    starts no more than 1 week after the notice and lasts 3 weeks; s31(2): notify the
    Ombudsman within 3 months beginning with the date the report was received.
    """

    effective_from = models.DateField(unique=True)
    notice_within_weeks = models.PositiveSmallIntegerField(default=2)
    inspection_start_within_weeks = models.PositiveSmallIntegerField(default=1)
    inspection_weeks = models.PositiveSmallIntegerField(default=3)
    response_within_months = models.PositiveSmallIntegerField(default=3)
    source = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"Public interest report rule from {self.effective_from:%d %b %Y}"


class ReportOutcome(models.TextChoices):
    PENDING = "", "Awaiting the Ombudsman"
    SATISFIED = "satisfied", "Letter of satisfaction"
    FURTHER_REPORT = "further_report", "Further report"


class PublicInterestReport(models.Model):
    case = models.ForeignKey(OmbudsmanCase, on_delete=models.PROTECT, related_name="reports")
    is_further_report = models.BooleanField(default=False)
    rule = models.ForeignKey(ReportRule, on_delete=models.PROTECT, related_name="reports")
    draft_received_on = models.DateField(null=True, blank=True)
    draft_comments_sent_on = models.DateField(null=True, blank=True)
    received_on = models.DateField(
        help_text="The date the final report was received: the statutory clocks run from it."
    )
    non_publication_direction = models.BooleanField(
        default=False,
        help_text="The Ombudsman directed under s30(7) that the notice and inspection duties do not apply.",
    )
    notice_due = models.DateField(null=True, blank=True)
    notice_published_on = models.DateField(null=True, blank=True)
    notice_where = models.TextField(blank=True, help_text="Newspapers and other places the notice was given.")
    inspection_starts_on = models.DateField(null=True, blank=True)
    inspection_start_latest = models.DateField(null=True, blank=True)
    inspection_ends_on = models.DateField(null=True, blank=True)
    response_due = models.DateField(help_text='End of "3 months beginning with" the date received, or as extended.')
    original_response_due = models.DateField()
    response_extension_letter = models.CharField(max_length=200, blank=True)
    response_sent_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=ReportOutcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["received_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(response_due__gte=F("original_response_due")), name="pir_extension_not_earlier"
            ),
            models.CheckConstraint(
                condition=Q(notice_published_on__isnull=True) | Q(notice_published_on__gte=F("received_on")),
                name="pir_notice_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(response_sent_on__isnull=True) | Q(response_sent_on__gte=F("received_on")),
                name="pir_response_after_receipt",
            ),
        ]

    def __str__(self) -> str:
        return f"{'Further report' if self.is_further_report else 'Report'} on {self.case.reference}"


class CommitteeConsideration(models.Model):
    report = models.ForeignKey(PublicInterestReport, on_delete=models.PROTECT, related_name="committees")
    body = models.CharField(max_length=150, help_text="For example, Children's Scrutiny Committee, Council, Cabinet.")
    met_on = models.DateField()
    resolution = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["met_on", "id"]


class CaseEvent(models.Model):
    """The case timeline: who did what, when and what changed. Never edited."""

    case = models.ForeignKey(OmbudsmanCase, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=40)
    summary = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "-at"], name="caseevent_case_at")]
