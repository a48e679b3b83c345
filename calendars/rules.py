"""Working days and date arithmetic for deadlines (DOMAIN.md section 4.3).

Pure functions: they take dates and a set of non-working dates (bank holidays, and closure
days when a calendar counts them) and return dates. Weekends are handled here, so the set
need not contain them (it may). No ORM, no clock, no settings.

Month arithmetic returns the date the rule gives, even when that is a weekend or holiday:
statutory periods are not silently extended (section 4.3(4)). A caller that allows the next
working day (the ICO convention in section 4.3(3)) uses `next_working_day_on_or_after`.
"""

import calendar
from collections.abc import Set as AbstractSet
from datetime import date, timedelta

WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"
CALENDAR_MONTHS = "calendar_months"
UNITS = (WORKING_DAYS, CALENDAR_DAYS, CALENDAR_MONTHS)

ONE_DAY = timedelta(days=1)


def is_working_day(day: date, non_working: AbstractSet[date]) -> bool:
    """A working day is Monday to Friday and not in the non-working set (DOMAIN.md 4.1, 4.4)."""
    return day.weekday() < 5 and day not in non_working


def next_working_day_on_or_after(day: date, non_working: AbstractSet[date]) -> date:
    """The day itself if it is a working day; if not, the next working day (DOMAIN.md 4.3(1), 4.3(3))."""
    while not is_working_day(day, non_working):
        day += ONE_DAY
    return day


def add_working_days(start: date, n: int, non_working: AbstractSet[date]) -> date:
    """The end of "N working days of start" (DOMAIN.md 4.3(1)).

    The start is day 0 and the N following working days are counted, so the result is the
    Nth working day after it. A start on a non-working day is treated as received on the next
    working day, which becomes day 0. With N = 0 the result is that effective day 0.
    """
    if n < 0:
        raise ValueError(f"Cannot add a negative number of working days ({n}).")
    day = next_working_day_on_or_after(start, non_working)
    for _ in range(n):
        day = next_working_day_on_or_after(day + ONE_DAY, non_working)
    return day


def previous_working_day_on_or_before(day: date, non_working: AbstractSet[date]) -> date:
    """The day itself if it is a working day; if not, the working day before it."""
    while not is_working_day(day, non_working):
        day -= ONE_DAY
    return day


def working_days_before(due: date, n: int, non_working: AbstractSet[date]) -> date:
    """The working day N working days before a due date, for reminders ("5 working days before").

    A due date on a non-working day is first moved back to the working day before it, so a
    reminder "on the day" of a Sunday deadline comes on the Friday.
    """
    if n < 0:
        raise ValueError(f"Cannot go back a negative number of working days ({n}).")
    day = previous_working_day_on_or_before(due, non_working)
    for _ in range(n):
        day = previous_working_day_on_or_before(day - ONE_DAY, non_working)
    return day


def working_days_between(start: date, end: date, non_working: AbstractSet[date]) -> int:
    """The number of working days after start, up to and including end (DOMAIN.md 4.3(1)).

    The start itself is never counted and the end is counted if it is a working day. So when
    start is a working day, `add_working_days(start, n) == end` implies this returns n. If end
    is before start the answer is minus the count the other way round
    (`-working_days_between(end, start)`); if they are equal it is 0.
    """
    if end < start:
        return -working_days_between(end, start, non_working)
    count = 0
    day = start + ONE_DAY
    while day <= end:
        count += is_working_day(day, non_working)
        day += ONE_DAY
    return count


def add_calendar_days(start: date, n: int) -> date:
    """The date n calendar days after start (before it if n is negative)."""
    return start + timedelta(days=n)


def _month_shift(day: date, n: int) -> tuple[int, int]:
    """The (year, month) n months after the month of day."""
    index = day.year * 12 + day.month - 1 + n
    return index // 12, index % 12 + 1


def add_calendar_months(day: date, n: int) -> date:
    """The corresponding date n months later, or the last day of that month if there is none.

    DOMAIN.md 4.3(3): "within one month of 4 February" ends on 4 March; one month from
    31 January 2022 ends on 28 February 2022. Negative n counts back the same way.
    """
    year, month = _month_shift(day, n)
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def end_of_months_beginning_with(day: date, n: int) -> date:
    """The last day of "a period of n months beginning with" day (DOMAIN.md 4.3(4)).

    The start day is inside the period, so it ends on the day before the corresponding date
    in the nth later month: 3 months beginning with 4 Feb 2022 end on 3 May 2022. When that
    month has no corresponding date the period ends on its last day: 1 month beginning with
    31 Jan (or 29 or 30 Jan) 2022 ends on 28 Feb 2022, 1 month beginning with 31 Mar ends on
    30 Apr. This includes Halsbury's case (the start is a month-end and the later month is
    shorter). A month-end start with a longer later month still uses the corresponding date
    (28 Feb 2023 gives 27 Mar 2023, not the end of March), as the House of Lords held for
    "from" periods in Dodds v Walker [1981] 1 WLR 1027.
    """
    if n < 1:
        raise ValueError(f"A period of months needs at least one month ({n}).")
    year, month = _month_shift(day, n)
    if day.day > calendar.monthrange(year, month)[1]:
        return date(year, month, calendar.monthrange(year, month)[1])
    return date(year, month, day.day) - ONE_DAY


def add_period(start: date, n: int, unit: str, non_working: AbstractSet[date]) -> date:
    """The end of a period of n units from start; unit is one of UNITS (DOMAIN.md 4.3(1)-(3)).

    "working_days" counts as `add_working_days`, "calendar_days" as `add_calendar_days` and
    "calendar_months" as `add_calendar_months` (the corresponding date, not moved off a
    weekend or holiday).
    """
    if unit == WORKING_DAYS:
        return add_working_days(start, n, non_working)
    if unit == CALENDAR_DAYS:
        return add_calendar_days(start, n)
    if unit == CALENDAR_MONTHS:
        return add_calendar_months(start, n)
    raise ValueError(f"Unknown period unit {unit!r}; expected one of {', '.join(UNITS)}.")
