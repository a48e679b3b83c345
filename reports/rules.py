"""Pure rules for reports: reporting periods, rates, averages and working days to respond.

No ORM, no clock, no settings: functions take dates, numbers and a set of non-working days and
return values. The period conventions are DOMAIN.md §2.5 (the year runs 1 April to 31 March)
and §5.3 (annual reports, some councils quarterly); working days are DOMAIN.md §4.3(1).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from calendars.rules import is_working_day

QUARTERS = {
    1: "Q1: April to June",
    2: "Q2: July to September",
    3: "Q3: October to December",
    4: "Q4: January to March",
}


@dataclass(frozen=True)
class Period:
    """A reporting period, both ends included."""

    start: dt.date
    end: dt.date
    kind: str = "custom"  # "year", "quarter" or "custom"

    @property
    def label(self) -> str:
        """How the period is named on a report: "2024 to 2025", "Q1 2024 to 2025", or the dates."""
        if self.kind == "year":
            return f"{self.start.year} to {self.end.year}"
        if self.kind == "quarter":
            q = quarter_of(self.start)
            fy = financial_year_containing(self.start)
            return f"{QUARTERS[q].split(':')[0]} {fy.start.year} to {fy.end.year}"
        return f"{long_date(self.start)} to {long_date(self.end)}"

    @property
    def dates(self) -> str:
        return f"{long_date(self.start)} to {long_date(self.end)}"

    def previous(self) -> Period:
        """The equivalent period a year earlier (29 February becomes 28 February)."""
        return Period(start=_year_earlier(self.start), end=_year_earlier(self.end), kind=self.kind)


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def financial_year(start_year: int) -> Period:
    """The year 1 April `start_year` to 31 March the year after (DOMAIN.md §2.5)."""
    return Period(start=dt.date(start_year, 4, 1), end=dt.date(start_year + 1, 3, 31), kind="year")


def financial_year_containing(day: dt.date) -> Period:
    """The financial year (1 April to 31 March) that contains `day`."""
    return financial_year(day.year if day.month >= 4 else day.year - 1)


def quarter_of(day: dt.date) -> int:
    """Q1 is April to June, Q4 January to March."""
    return (day.month - 4) % 12 // 3 + 1


def quarter(start_year: int, number: int) -> Period:
    """Quarter `number` (1-4) of the financial year starting 1 April `start_year`."""
    if number not in QUARTERS:
        raise ValueError(f"A quarter is 1 to 4, not {number}")
    month = 4 + 3 * (number - 1)
    year = start_year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    start = dt.date(year, month, 1)
    end_month_first = dt.date(year + (month + 2) // 12, (month + 2) % 12 + 1, 1)
    return Period(start=start, end=end_month_first - dt.timedelta(days=1), kind="quarter")


def months_in(period: Period) -> list[dt.date]:
    """The first day of every calendar month that overlaps the period, in order."""
    months = []
    day = period.start.replace(day=1)
    while day <= period.end:
        months.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator ÷ denominator as a percentage to one decimal place (half up); None when nothing to divide."""
    if not denominator:
        return None
    return (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def whole_percent(value: Decimal | None) -> int | None:
    """A percentage rounded half up to a whole number, as the LGSCO publishes rates."""
    if value is None:
        return None
    return int(Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def mean_and_median(values: list[int]) -> tuple[Decimal | None, Decimal | None]:
    """The average (one decimal place, half up) and the median of a list of whole numbers."""
    if not values:
        return None, None
    mean = (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    median = Decimal(str(statistics.median(values))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return mean, median


def mean_and_median_of_counts(counts: Mapping[int, int]) -> tuple[Decimal | None, Decimal | None]:
    """`mean_and_median` of a list given as {value: how many times}: the same figures, without the list."""
    total = sum(counts.values())
    if not total:
        return None, None
    mean = (Decimal(sum(value * n for value, n in counts.items())) / total).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    # The median is the middle value, or the mean of the two middle values when there are an even number.
    low_index, high_index = (total - 1) // 2, total // 2
    low = high = None
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if low is None and seen > low_index:
            low = value
        if seen > high_index:
            high = value
            break
    median = (Decimal(low + high) / 2).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return mean, median


class WorkingDayCounter:
    """Counts working days between dates in a fixed range in constant time per pair.

    `count(start, end)` equals `calendars.rules.working_days_between(start, end, non_working)`
    (DOMAIN.md §4.3(1): the start is day 0, the end counts if it is a working day) for any
    start <= end inside the range: it is the difference of running totals, so a report over
    thousands of stages costs one pass over the range, not one pass per stage.
    """

    def __init__(self, *, first: dt.date, last: dt.date, non_working: AbstractSet[dt.date]):
        self.first = first
        self.totals: list[int] = []
        running = 0
        day = first
        while day <= last:
            running += is_working_day(day, non_working)
            self.totals.append(running)
            day += dt.timedelta(days=1)

    def _total(self, day: dt.date) -> int:
        return self.totals[(day - self.first).days]

    def count(self, start: dt.date, end: dt.date) -> int:
        if end < start:
            return -self.count(end, start)
        return self._total(end) - self._total(start)


def working_days_to_respond(
    pairs: Iterable[tuple[dt.date, dt.date]], *, non_working: AbstractSet[dt.date]
) -> list[int]:
    """Working days from each (received, responded) pair: the day received is day 0 (§4.3(1))."""
    pairs = list(pairs)
    if not pairs:
        return []
    counter = WorkingDayCounter(first=min(p[0] for p in pairs), last=max(p[1] for p in pairs), non_working=non_working)
    return [counter.count(received, responded) for received, responded in pairs]
