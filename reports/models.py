"""The learning register and the LGSCO's published figures (issue 6; DOMAIN.md §2.5, §5.1, §5.3).

Reports themselves are computed from the complaints and Ombudsman records; only two things are
kept here: what the council agreed to change after a complaint or an Ombudsman decision, and the
figures the LGSCO published for a year, so the reports can show where our records differ.
Every change goes through `reports.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from accounts.models import ServiceArea


class LearningTheme(models.TextChoices):
    """What went wrong, in the words councils' annual reports group learning by (DOMAIN.md §5.3)."""

    COMMUNICATION = "communication", "Communication"
    DELAY = "delay", "Delay"
    POLICY_NOT_FOLLOWED = "policy_not_followed", "Policy or procedure not followed"
    ASSESSMENT = "assessment", "Assessment of needs"
    RECORD_KEEPING = "record_keeping", "Record keeping"
    COMPLAINT_HANDLING = "complaint_handling", "Complaint handling"
    OTHER = "other", "Other"


class LearningStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class LearningItem(models.Model):
    """A service improvement agreed after an upheld complaint or an Ombudsman decision.

    It has an owner and a due date like any other obligation: `reports.services` keeps the
    obligation register in step, so reminders and the overdue views pick it up.
    """

    theme = models.CharField(max_length=30, choices=LearningTheme.choices)
    improvement = models.TextField(
        help_text="The service improvement agreed. No names: it appears in published reports."
    )
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="learning_items")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="learning_items")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=LearningStatus.choices, default=LearningStatus.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    dropped_on = models.DateField(null=True, blank=True)
    dropped_reason = models.TextField(blank=True)
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.PROTECT, related_name="learning_items"
    )
    ombudsman_case = models.ForeignKey(
        "ombudsman_cases.OmbudsmanCase", null=True, blank=True, on_delete=models.PROTECT, related_name="learning_items"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["service_area", "status", "due_on"], name="learning_area_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(complaint__isnull=False) | Q(ombudsman_case__isnull=False),
                name="learning_linked_to_complaint_or_case",
            ),
            models.CheckConstraint(
                condition=(Q(status="done") & Q(completed_on__isnull=False))
                | (~Q(status="done") & Q(completed_on__isnull=True)),
                name="learning_completed_on_when_done",
            ),
            models.CheckConstraint(
                condition=(Q(status="dropped") & Q(dropped_on__isnull=False))
                | (~Q(status="dropped") & Q(dropped_on__isnull=True)),
                name="learning_dropped_on_when_dropped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_theme_display()}: {self.improvement[:60]}"

    @property
    def is_restricted(self) -> bool:
        """Restricted when the complaint or case it came from is (DOMAIN.md §6)."""
        return bool(
            (self.complaint_id and self.complaint.is_restricted)
            or (self.ombudsman_case_id and self.ombudsman_case.is_restricted)
        )

    @property
    def closed_on(self):
        return self.completed_on or self.dropped_on


class LgscoPublishedFigures(models.Model):
    """The figures the LGSCO published for the council for one year (annual review letter, DOMAIN.md §2.5).

    Entered by hand from the LGSCO's letter or statistics page, so the Ombudsman report can show
    them beside the council's own records. Blank means the letter does not give the figure.
    """

    year_start = models.PositiveSmallIntegerField(
        unique=True, help_text="The year the LGSCO's year begins: 2023 for 1 April 2023 to 31 March 2024."
    )
    decisions = models.PositiveIntegerField(null=True, blank=True)
    investigated = models.PositiveIntegerField(null=True, blank=True)
    upheld = models.PositiveIntegerField(null=True, blank=True)
    uphold_rate = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    satisfactory_remedy_rate = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    compliance_rate = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    public_interest_reports = models.PositiveIntegerField(null=True, blank=True)
    source_url = models.URLField(max_length=300, blank=True, help_text="Where the LGSCO published them.")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year_start"]
        verbose_name = "LGSCO published figures"
        verbose_name_plural = "LGSCO published figures"
        constraints = [
            models.CheckConstraint(
                condition=Q(year_start__gte=2000) & Q(year_start__lte=2100), name="lgsco_figures_year_sensible"
            ),
            models.CheckConstraint(
                condition=(Q(uphold_rate__isnull=True) | Q(uphold_rate__gte=0, uphold_rate__lte=100))
                & (
                    Q(satisfactory_remedy_rate__isnull=True)
                    | Q(satisfactory_remedy_rate__gte=0, satisfactory_remedy_rate__lte=100)
                )
                & (Q(compliance_rate__isnull=True) | Q(compliance_rate__gte=0, compliance_rate__lte=100)),
                name="lgsco_figures_rates_are_percentages",
            ),
            models.CheckConstraint(
                condition=Q(upheld__isnull=True) | Q(decisions__isnull=True) | Q(upheld__lte=F("decisions")),
                name="lgsco_figures_upheld_within_decisions",
            ),
        ]

    def __str__(self) -> str:
        return f"LGSCO figures {self.year_start} to {self.year_start + 1}"
