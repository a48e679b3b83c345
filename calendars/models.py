"""Bank holidays, council closure days and the working-day calendars built from them.

The rules in `calendars.rules` count working days against a set of dates; a
`WorkingDayCalendar` says which rows make up that set (DOMAIN.md 4.1, 4.2).
"""

from django.db import models
from simple_history.models import HistoricalRecords


class Division(models.TextChoices):
    """The GOV.UK bank-holiday divisions (https://www.gov.uk/bank-holidays)."""

    ENGLAND_AND_WALES = "england-and-wales", "England and Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class CalendarDivisions(models.TextChoices):
    """Whose bank holidays a calendar counts: one division, or all of the UK (FOIA style)."""

    ENGLAND_AND_WALES = Division.ENGLAND_AND_WALES.value, Division.ENGLAND_AND_WALES.label
    SCOTLAND = Division.SCOTLAND.value, Division.SCOTLAND.label
    NORTHERN_IRELAND = Division.NORTHERN_IRELAND.value, Division.NORTHERN_IRELAND.label
    ALL_UK = "all-uk", "Any part of the UK"


class BankHoliday(models.Model):
    """A bank holiday in one division, including weekend-dated ones and their substitute days."""

    class Source(models.TextChoices):
        PACKAGE = "package", "holidays package"
        MANUAL = "manual", "added by hand"

    division = models.CharField(max_length=20, choices=Division.choices)
    date = models.DateField()
    title = models.CharField(max_length=120)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "division"]
        constraints = [models.UniqueConstraint(fields=["division", "date"], name="bank_holiday_unique_division_date")]

    def __str__(self) -> str:
        return f"{self.date.day} {self.date:%B %Y} {self.title} ({self.get_division_display()})"


class ClosureDay(models.Model):
    """A day the council is closed that is not a bank holiday (e.g. a privilege day at Christmas).

    Closure days are not statutory non-working days (DOMAIN.md 4.1): they only count for
    calendars with `counts_closure_days` set.
    """

    date = models.DateField(unique=True)
    title = models.CharField(max_length=120)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.day} {self.date:%B %Y} {self.title}"


class WorkingDayCalendar(models.Model):
    """Which days are not working days for a procedure: weekends, plus these bank holidays,
    plus council closure days if `counts_closure_days` (DOMAIN.md 4.1)."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    divisions = models.CharField(
        max_length=20,
        choices=CalendarDivisions.choices,
        default=CalendarDivisions.ENGLAND_AND_WALES,
        help_text="Whose bank holidays are non-working days.",
    )
    counts_closure_days = models.BooleanField(default=False, help_text="Council closure days are non-working days too.")
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def division_values(self) -> list[str]:
        """The bank-holiday divisions this calendar counts: one, or all three for "all-uk"."""
        if self.divisions == CalendarDivisions.ALL_UK:
            return list(Division.values)
        return [self.divisions]
