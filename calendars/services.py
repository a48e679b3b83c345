"""Writes: loading bank holidays from the `holidays` package (DOMAIN.md 4.2, 4.4)."""

from collections.abc import Iterable
from datetime import date

import holidays
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from calendars.selectors import invalidate

from .models import BankHoliday, Division

FIRST_YEAR = 2015
YEARS_AHEAD = 3

# Always pass a subdivision: without one the package drops Easter Monday and the late-August
# holiday, and old releases merged every nation's holidays (DOMAIN.md 4.4, gotchas 1 and 2).
SUBDIVISIONS = {
    Division.ENGLAND_AND_WALES: "ENG",
    Division.SCOTLAND: "SCT",
    Division.NORTHERN_IRELAND: "NIR",
}


def default_years(*, today: date) -> range:
    """2015 up to and including three years after today's year."""
    return range(FIRST_YEAR, today.year + YEARS_AHEAD + 1)


@transaction.atomic
def load_bank_holidays(*, years: Iterable[int] | None = None, today: date | None = None) -> int:
    """Add the bank holidays the `holidays` package gives for each division and year; return how
    many rows were added.

    Idempotent: a (division, date) already stored, whether loaded earlier or added by hand, is
    left as it is. Weekend-dated holidays are stored with their "(observed)" substitutes; the
    rules ignore weekends anyway. Pass `years`, or `today` for the default range.
    """
    if years is None:
        if today is None:
            raise ValueError("Pass years, or today for the default range of years.")
        years = default_years(today=today)
    years = sorted(set(years))
    if not years:
        return 0
    existing = set(
        BankHoliday.objects.filter(date__year__gte=years[0], date__year__lte=years[-1]).values_list("division", "date")
    )
    added = 0
    for year in years:
        new_rows = [
            BankHoliday(division=division, date=day, title=title, source=BankHoliday.Source.PACKAGE)
            for division, subdiv in SUBDIVISIONS.items()
            for day, title in sorted(holidays.country_holidays("GB", subdiv=subdiv, years=year).items())
            if day.year == year and (division, day) not in existing
        ]
        # A year at a time: on SQLite the history helper re-reads the rows with one OR per row.
        bulk_create_with_history(
            new_rows, BankHoliday, default_change_reason=f"Loaded from holidays {holidays.__version__}"
        )
        added += len(new_rows)
    if added:
        invalidate()
    return added
