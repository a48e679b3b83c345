"""Reads: the non-working days a calendar counts, and which years still lack bank holidays.

Every page and the reminder sweep need the bank holidays, so the sets are cached (in Redis in
production, shared by every process) under a version number that any change to a bank holiday,
closure day or calendar bumps (`calendars.signals`, and `services.load_bank_holidays`).
"""

from collections.abc import Iterable
from datetime import date

from django.core.cache import cache

from config.versions import bump, current

from .models import BankHoliday, ClosureDay, WorkingDayCalendar

DEFAULT_CALENDAR_SLUG = "england"


VERSION_KEY = "calendars:version"
CACHE_SECONDS = 6 * 3600


def _version() -> int:
    return current(VERSION_KEY)[0]


def version() -> int:
    """The version of every calendar, bank holiday and closure day: a cache key that includes it
    is out of date as soon as any of them changes."""
    return _version()


def invalidate() -> None:
    """Forget every cached calendar and holiday set (called whenever they change)."""
    bump(VERSION_KEY)


def default_calendar() -> WorkingDayCalendar:
    """The England and Wales bank-holiday calendar, the default for complaints (DOMAIN.md 4.1)."""
    key = f"calendars:{_version()}:default"
    calendar = cache.get(key)
    if calendar is None:
        calendar = WorkingDayCalendar.objects.get(slug=DEFAULT_CALENDAR_SLUG)
        cache.set(key, calendar, CACHE_SECONDS)
    return calendar


def non_working_days(*, calendar: WorkingDayCalendar, start: date, end: date) -> frozenset[date]:
    """The calendar's bank holidays (and closure days, if it counts them) from start to end inclusive.

    Weekends are not included: `calendars.rules` handles them.
    """
    days = set(
        BankHoliday.objects.filter(division__in=calendar.division_values(), date__range=(start, end)).values_list(
            "date", flat=True
        )
    )
    if calendar.counts_closure_days:
        days.update(ClosureDay.objects.filter(date__range=(start, end)).values_list("date", flat=True))
    return frozenset(days)


def non_working_days_around(*, calendar: WorkingDayCalendar, day: date, years: int = 2) -> frozenset[date]:
    """Non-working days from the start of the year before day to the end of `years` years after it.

    Enough for any deadline counted from day: the longest period is 6 months or 65 working days.
    """
    key = f"calendars:{_version()}:{calendar.pk}:{day.year}:{years}"
    days = cache.get(key)
    if days is None:
        days = non_working_days(calendar=calendar, start=date(day.year - 1, 1, 1), end=date(day.year + years, 12, 31))
        cache.set(key, days, CACHE_SECONDS)
    return days


def default_non_working_around(day: date, years: int = 2) -> frozenset[date]:
    """`non_working_days_around` for the default calendar in two cache reads (the version, then
    the set under it) where going through `default_calendar` takes four: pages that show "days
    left" need it on every request."""
    key = f"calendars:{_version()}:default-around:{day.year}:{years}"
    days = cache.get(key)
    if days is None:
        days = non_working_days_around(calendar=default_calendar(), day=day, years=years)
        cache.set(key, days, CACHE_SECONDS)
    return days


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
    return [year for year in years if any((division, year) not in loaded for division in calendar.division_values())]
