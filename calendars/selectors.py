"""Reads: the non-working days a calendar counts, and which years still lack bank holidays."""

from collections.abc import Iterable
from datetime import date

from .models import BankHoliday, ClosureDay, WorkingDayCalendar

DEFAULT_CALENDAR_SLUG = "england"


def default_calendar() -> WorkingDayCalendar:
    """The England and Wales bank-holiday calendar, the default for complaints (DOMAIN.md 4.1)."""
    return WorkingDayCalendar.objects.get(slug=DEFAULT_CALENDAR_SLUG)


def non_working_days(*, calendar: WorkingDayCalendar, start: date, end: date) -> frozenset[date]:
    """The calendar's bank holidays (and closure days, if it counts them) from start to end inclusive.

    Weekends are not included: `calendars.rules` handles them.
    """
    days = set(
        BankHoliday.objects.filter(
            division__in=calendar.division_values(), date__range=(start, end)
        ).values_list("date", flat=True)
    )
    if calendar.counts_closure_days:
        days.update(ClosureDay.objects.filter(date__range=(start, end)).values_list("date", flat=True))
    return frozenset(days)


def non_working_days_around(*, calendar: WorkingDayCalendar, day: date, years: int = 2) -> frozenset[date]:
    """Non-working days from the start of the year before day to the end of `years` years after it.

    Enough for any deadline counted from day: the longest period is 6 months or 65 working days.
    """
    return non_working_days(
        calendar=calendar, start=date(day.year - 1, 1, 1), end=date(day.year + years, 12, 31)
    )


def years_without_bank_holidays(*, calendar: WorkingDayCalendar, years: Iterable[int]) -> list[int]:
    """The years in which some division the calendar counts has no bank holidays loaded.

    Every UK division has at least New Year's Day each year, so no rows means not loaded.
    """
    years = sorted(set(years))
    if not years:
        return []
    loaded = set(
        BankHoliday.objects.filter(
            division__in=calendar.division_values(), date__year__gte=years[0], date__year__lte=years[-1]
        )
        .values_list("division", "date__year")
        .distinct()
    )
    return [
        year
        for year in years
        if any((division, year) not in loaded for division in calendar.division_values())
    ]
