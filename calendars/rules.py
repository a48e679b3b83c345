"""Working days and date arithmetic for deadlines (DOMAIN.md section 4.3).

Pure functions: they take dates and a set of non-working dates (bank holidays, and closure
days when a calendar counts them) and return dates. Weekends are handled here, so the set
need not contain them (it may). No ORM, no clock, no settings.

Working-day arithmetic does not walk day by day, so a span of years costs what a week does: a
date's rank (how many working days there are up to it) is weekday arithmetic less the number of
non-working weekdays up to it, found by bisecting their sorted list. Counting is a difference of
ranks; adding and going back find the day of a given rank (`_first_reaching`). The sorted list
is built once per frozen set and kept (`_sorted_weekday_holidays`): the cached sets of
`calendars.selectors` are frozen, and a changed calendar gives a new set, so a new list.

Month arithmetic returns the date the rule gives, even when that is a weekend or holiday:
statutory periods are not silently extended (section 4.3(4)). A caller that allows the next
working day (the ICO convention in section 4.3(3)) uses `next_working_day_on_or_after`.
"""

import calendar
from bisect import bisect_left, bisect_right
from collections.abc import Set as AbstractSet
from datetime import date, timedelta
from functools import lru_cache

WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"
CALENDAR_MONTHS = "calendar_months"
UNITS = (WORKING_DAYS, CALENDAR_DAYS, CALENDAR_MONTHS)

ONE_DAY = timedelta(days=1)


def is_working_day(day: date, non_working: AbstractSet[date]) -> bool:
    """A working day is Monday to Friday and not in the non-working set (DOMAIN.md 4.1, 4.4)."""
    return day.weekday() < 5 and day not in non_working


@lru_cache(maxsize=64)
def _sorted_weekday_holidays(non_working: frozenset[date]) -> tuple[int, ...]:
    return tuple(sorted(day.toordinal() for day in non_working if day.weekday() < 5))


def _holidays(non_working: AbstractSet[date]) -> tuple[int, ...]:
    """The non-working weekdays as sorted ordinals (weekends in the set are already not working).

    Kept per set, so the reminder sweep and a list page sort each cached set once."""
    if isinstance(non_working, frozenset):
        return _sorted_weekday_holidays(non_working)
    return tuple(sorted(day.toordinal() for day in non_working if day.weekday() < 5))


def _weekdays_up_to(ordinal: int) -> int:
    """Mondays to Fridays from 1 January 1 (a Monday, ordinal 1) up to and including ordinal."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


def _rank(ordinal: int, holidays: tuple[int, ...]) -> int:
    """How many working days there are up to and including the day with this ordinal."""
    return _weekdays_up_to(ordinal) - bisect_right(holidays, ordinal)


def _nth_weekday(n: int) -> int:
    """The ordinal of the nth Monday-to-Friday day from 1 January 1 (the inverse of the above)."""
    weeks, rest = divmod(n - 1, 5)
    return 7 * weeks + rest + 1


def _span(weekdays: int) -> int:
    """Enough calendar days to hold this many Mondays to Fridays, wherever they start."""
    return (weekdays // 5 + 1) * 7


def _first_reaching(rank: int, lo: int, hi: int, holidays: tuple[int, ...]) -> date:
    """The first day whose rank reaches rank (a working day), given one day lo on or before it
    and one day hi on or after it (ordinals).

    Jumps to the weekday that would have that rank if no more holidays came before it, then on
    by the holidays it jumped over; a real calendar settles in two or three jumps. A long run
    of closure days would take a jump per day, so after a few jumps the rest is bisected.
    """
    held = bisect_left(holidays, lo)
    for _ in range(4):
        day = _nth_weekday(rank + held)
        now_held = bisect_right(holidays, day)
        if now_held == held:
            return date.fromordinal(day)
        held = now_held
    hi = min(hi, date.max.toordinal())
    found = day + bisect_left(range(day, hi + 1), rank, key=lambda ordinal: _rank(ordinal, holidays))
    if found > hi:
        raise OverflowError("No working day within the supported dates.")
    return date.fromordinal(found)


def _after(start: date, n: int, non_working: AbstractSet[date]) -> date:
    """The (n + 1)th working day on or after start: n = 0 is the first one."""
    holidays = _holidays(non_working)
    first = start.toordinal()
    later_holidays = len(holidays) - bisect_left(holidays, first)
    target = _rank(first - 1, holidays) + n + 1
    return _first_reaching(target, first, first + _span(n + 1 + later_holidays), holidays)


def _before(end: date, n: int, non_working: AbstractSet[date]) -> date:
    """The (n + 1)th working day on or before end, counting back: n = 0 is the last one."""
    holidays = _holidays(non_working)
    last = end.toordinal()
    earlier_holidays = bisect_right(holidays, last)
    target = _rank(last, holidays) - n
    if target < 1:
        raise OverflowError("No working day within the supported dates.")
    return _first_reaching(target, last - _span(n + 1 + earlier_holidays), last, holidays)


def next_working_day_on_or_after(day: date, non_working: AbstractSet[date]) -> date:
    """The day itself if it is a working day; if not, the next working day (DOMAIN.md 4.3(1), 4.3(3))."""
    if is_working_day(day, non_working):
        return day
    return _after(day, 0, non_working)


def add_working_days(start: date, n: int, non_working: AbstractSet[date]) -> date:
    """The end of "N working days of start" (DOMAIN.md 4.3(1)).

    The start is day 0 and the N following working days are counted, so the result is the
    Nth working day after it. A start on a non-working day is treated as received on the next
    working day, which becomes day 0. With N = 0 the result is that effective day 0.
    """
    if n < 0:
        raise ValueError(f"Cannot add a negative number of working days ({n}).")
    return _after(start, n, non_working)


def previous_working_day_on_or_before(day: date, non_working: AbstractSet[date]) -> date:
    """The day itself if it is a working day; if not, the working day before it."""
    if is_working_day(day, non_working):
        return day
    return _before(day, 0, non_working)


def working_days_before(due: date, n: int, non_working: AbstractSet[date]) -> date:
    """The working day N working days before a due date, for reminders ("5 working days before").

    A due date on a non-working day is first moved back to the working day before it, so a
    reminder "on the day" of a Sunday deadline comes on the Friday.
    """
    if n < 0:
        raise ValueError(f"Cannot go back a negative number of working days ({n}).")
    return _before(due, n, non_working)


def working_days_between(start: date, end: date, non_working: AbstractSet[date]) -> int:
    """The number of working days after start, up to and including end (DOMAIN.md 4.3(1)).

    The start itself is never counted and the end is counted if it is a working day. So when
    start is a working day, `add_working_days(start, n) == end` implies this returns n. If end
    is before start the answer is minus the count the other way round
    (`-working_days_between(end, start)`); if they are equal it is 0.
    """
    holidays = _holidays(non_working)
    return _rank(end.toordinal(), holidays) - _rank(start.toordinal(), holidays)


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
