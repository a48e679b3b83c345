"""The working-day and month rules (DOMAIN.md 4.3) against real bank holidays (4.4).

Expected dates were worked out by hand from the rule text and the holiday lists, then checked.
"""

from datetime import date, timedelta

import holidays
import pytest

from calendars import rules

YEARS = range(2015, 2031)
ENGLAND = frozenset(holidays.country_holidays("GB", subdiv="ENG", years=YEARS).keys())
SCOTLAND = frozenset(holidays.country_holidays("GB", subdiv="SCT", years=YEARS).keys())

# DOMAIN.md 4.4: (start = day 0, working days, due).
DOMAIN_VECTORS = [
    (date(2022, 4, 14), 5, date(2022, 4, 25)),  # Good Friday + Easter Monday
    (date(2022, 4, 14), 10, date(2022, 5, 3)),  # + Early May bank holiday
    (date(2022, 5, 27), 5, date(2022, 6, 7)),  # moved Spring bank holiday 2 Jun + Jubilee 3 Jun
    (date(2022, 9, 14), 5, date(2022, 9, 22)),  # State Funeral 19 Sep
    (date(2022, 12, 21), 10, date(2023, 1, 9)),  # substitutes 27 Dec and 2 Jan
    (date(2024, 12, 20), 20, date(2025, 1, 22)),  # Christmas period
    (date(2022, 5, 31), 25, date(2022, 7, 7)),  # children's Stage 2, lower bound
    (date(2022, 5, 31), 65, date(2022, 9, 2)),  # children's Stage 2, upper bound (29 Aug holiday)
]


def test_england_holidays_include_easter_monday_and_late_august_because_subdiv_is_given():
    # DOMAIN.md 4.4 gotcha 1: without subdiv="ENG" both would be missing.
    assert date(2022, 4, 18) in ENGLAND
    assert date(2022, 8, 29) in ENGLAND
    assert date(2022, 3, 17) not in ENGLAND  # St Patrick's Day is Northern Ireland only


@pytest.mark.parametrize("start, n, due", DOMAIN_VECTORS)
def test_domain_test_vectors_count_n_working_days_after_day_zero(start, n, due):
    assert rules.add_working_days(start, n, ENGLAND) == due


@pytest.mark.parametrize(
    "start, n, due",
    [
        # Saturday: day 0 is Monday 12 Sep; the State Funeral on 19 Sep is skipped.
        (date(2022, 9, 10), 5, date(2022, 9, 20)),
        # Christmas Eve 2022 is a Saturday and 26-27 Dec are holidays: day 0 is Wed 28 Dec.
        (date(2022, 12, 24), 0, date(2022, 12, 28)),
        (date(2022, 12, 24), 1, date(2022, 12, 29)),
        # Easter Monday 2022: day 0 is Tue 19 Apr.
        (date(2022, 4, 18), 5, date(2022, 4, 26)),
        # A working day with n = 0 is its own day 0.
        (date(2022, 4, 14), 0, date(2022, 4, 14)),
    ],
)
def test_a_start_on_a_weekend_or_bank_holiday_counts_from_the_next_working_day(start, n, due):
    assert rules.add_working_days(start, n, ENGLAND) == due


@pytest.mark.parametrize(
    "start, n, due",
    [
        # Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr.
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        (date(2026, 4, 2), 3, date(2026, 4, 9)),
        # Christmas 2026: 25 Dec Fri, Boxing Day Sat, substitute Mon 28 Dec.
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        # ... and New Year's Day 2027 is a Friday.
        (date(2026, 12, 23), 5, date(2027, 1, 4)),
        # Christmas 2027: 25-26 Dec at the weekend, substitutes Mon 27 and Tue 28 Dec.
        (date(2027, 12, 24), 1, date(2027, 12, 29)),
        (date(2027, 12, 24), 3, date(2027, 12, 31)),
        # ... and New Year's Day 2028 is a Saturday, substitute Mon 3 Jan 2028.
        (date(2027, 12, 24), 4, date(2028, 1, 4)),
        # Coronation of King Charles III, Mon 8 May 2023.
        (date(2023, 5, 5), 1, date(2023, 5, 9)),
        # Early May 2023 (Mon 1 May) and the coronation a week later.
        (date(2023, 4, 28), 5, date(2023, 5, 9)),
    ],
)
def test_stage_deadlines_skip_easter_christmas_substitutes_and_one_off_holidays(start, n, due):
    assert rules.add_working_days(start, n, ENGLAND) == due


def test_stage_one_deadline_skips_boxing_day_substitute_monday():
    assert not rules.is_working_day(date(2026, 12, 28), ENGLAND)
    assert rules.add_working_days(date(2026, 12, 24), 1, ENGLAND) == date(2026, 12, 29)


def test_adding_negative_working_days_is_refused():
    with pytest.raises(ValueError):
        rules.add_working_days(date(2022, 4, 14), -1, ENGLAND)


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2022, 4, 12), True),  # an ordinary Tuesday
        (date(2022, 4, 16), False),  # Saturday
        (date(2022, 4, 17), False),  # Sunday
        (date(2022, 4, 15), False),  # Good Friday
        (date(2022, 12, 25), False),  # Christmas Day on a Sunday (in the set and a weekend)
        (date(2026, 11, 30), True),  # St Andrew's Day is not an England holiday
    ],
)
def test_a_working_day_is_a_weekday_not_in_the_set(day, working):
    assert rules.is_working_day(day, ENGLAND) is working


def test_st_andrews_day_2026_is_working_in_england_but_not_in_scotland():
    monday = date(2026, 11, 30)
    assert rules.is_working_day(monday, ENGLAND)
    assert not rules.is_working_day(monday, SCOTLAND)
    assert rules.add_working_days(date(2026, 11, 27), 1, ENGLAND) == monday
    assert rules.add_working_days(date(2026, 11, 27), 1, SCOTLAND) == date(2026, 12, 1)


def test_weekends_are_not_working_days_even_with_an_empty_set():
    assert rules.add_working_days(date(2022, 4, 14), 5, frozenset()) == date(2022, 4, 21)


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2022, 4, 14), date(2022, 4, 14)),  # already a working day
        (date(2026, 4, 3), date(2026, 4, 7)),  # Good Friday -> Tuesday after Easter Monday
        (date(2026, 12, 26), date(2026, 12, 29)),  # Boxing Day Saturday -> after the substitute
    ],
)
def test_next_working_day_on_or_after_returns_the_day_itself_or_the_next_working_day(day, expected):
    assert rules.next_working_day_on_or_after(day, ENGLAND) == expected


@pytest.mark.parametrize("start, n, due", DOMAIN_VECTORS)
def test_working_days_between_undoes_add_working_days_and_is_symmetrical(start, n, due):
    assert rules.working_days_between(start, due, ENGLAND) == n
    assert rules.working_days_between(due, start, ENGLAND) == -n


@pytest.mark.parametrize(
    "start, end, count",
    [
        (date(2022, 4, 14), date(2022, 4, 14), 0),
        (date(2022, 4, 14), date(2022, 4, 18), 0),  # Good Friday, weekend, Easter Monday
        (date(2022, 4, 14), date(2022, 4, 19), 1),
        (date(2022, 12, 23), date(2022, 12, 28), 1),  # Christmas 2022
        # The start is never counted, so a Saturday start counts Wed 28 Dec as 1, although
        # add_working_days makes Wed 28 Dec day 0 for that start.
        (date(2022, 12, 24), date(2022, 12, 28), 1),
    ],
)
def test_working_days_between_counts_days_after_start_up_to_and_including_end(start, end, count):
    assert rules.working_days_between(start, end, ENGLAND) == count


def test_every_2026_start_round_trips_and_lands_on_a_working_day():
    day = date(2026, 1, 1)
    while day.year == 2026:
        if rules.is_working_day(day, ENGLAND):
            for n in (1, 5, 10, 20, 65):
                due = rules.add_working_days(day, n, ENGLAND)
                assert rules.is_working_day(due, ENGLAND)
                assert rules.working_days_between(day, due, ENGLAND) == n
        day += timedelta(days=1)


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (date(2022, 2, 4), 1, date(2022, 3, 4)),
        (date(2022, 2, 4), 3, date(2022, 5, 4)),
        (date(2022, 1, 31), 1, date(2022, 2, 28)),
        (date(2024, 2, 29), 1, date(2024, 3, 29)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2022, 8, 31), 1, date(2022, 9, 30)),
        (date(2022, 10, 31), 4, date(2023, 2, 28)),
        (date(2023, 10, 31), 4, date(2024, 2, 29)),
        (date(2022, 11, 15), 6, date(2023, 5, 15)),  # across the year end
        (date(2022, 12, 31), 2, date(2023, 2, 28)),
        (date(2022, 4, 14), 0, date(2022, 4, 14)),
        (date(2023, 3, 31), -1, date(2023, 2, 28)),
    ],
)
def test_calendar_months_give_the_corresponding_date_or_the_last_day_of_a_shorter_month(start, n, expected):
    assert rules.add_calendar_months(start, n) == expected


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (date(2022, 2, 4), 3, date(2022, 5, 3)),  # DOMAIN.md 4.4
        (date(2022, 2, 4), 1, date(2022, 3, 3)),
        (date(2022, 1, 31), 1, date(2022, 2, 28)),  # DOMAIN.md 4.4, Halsbury's month-end case
        (date(2022, 1, 30), 1, date(2022, 2, 28)),  # no 30 Feb: last day of February
        (date(2022, 1, 29), 1, date(2022, 2, 28)),  # no 29 Feb in 2022
        (date(2024, 1, 29), 1, date(2024, 2, 28)),  # 29 Feb 2024 exists: the day before
        (date(2022, 1, 28), 1, date(2022, 2, 27)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 1, date(2024, 3, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # month-end start, no 29 Feb 2025
        (date(2022, 3, 31), 1, date(2022, 4, 30)),  # month-end start, shorter April
        (date(2022, 4, 30), 1, date(2022, 5, 29)),  # month-end start, longer May: the day before
        (date(2023, 2, 28), 1, date(2023, 3, 27)),  # month-end start, longer March: the day before
        (date(2023, 3, 1), 1, date(2023, 3, 31)),
        (date(2023, 1, 1), 12, date(2023, 12, 31)),
        (date(2022, 8, 31), 6, date(2023, 2, 28)),
        (date(2022, 10, 31), 4, date(2023, 2, 28)),
        (date(2022, 12, 1), 3, date(2023, 2, 28)),
    ],
)
def test_a_period_of_months_beginning_with_a_day_ends_the_day_before_the_corresponding_date(start, n, expected):
    assert rules.end_of_months_beginning_with(start, n) == expected


def test_a_period_of_months_beginning_with_a_day_ends_no_later_than_the_corresponding_date():
    # The period includes its first day, so it ends one day earlier than "n months from" the
    # start, or on the same day when the later month is too short; later starts never end earlier.
    for n in (1, 3, 6, 12):
        previous_end = None
        day = date(2023, 1, 1)
        while day < date(2025, 1, 1):
            end = rules.end_of_months_beginning_with(day, n)
            corresponding = rules.add_calendar_months(day, n)
            assert corresponding - timedelta(days=1) <= end <= corresponding
            assert previous_end is None or end >= previous_end
            previous_end = end
            day += timedelta(days=1)


def test_a_period_of_zero_months_is_refused():
    with pytest.raises(ValueError):
        rules.end_of_months_beginning_with(date(2022, 2, 4), 0)


@pytest.mark.parametrize(
    "unit, n, expected",
    [
        ("working_days", 10, date(2023, 1, 9)),
        ("calendar_days", 10, date(2022, 12, 31)),
        ("calendar_months", 2, date(2023, 2, 21)),
    ],
)
def test_add_period_counts_in_the_stage_rules_unit(unit, n, expected):
    assert rules.add_period(date(2022, 12, 21), n, unit, ENGLAND) == expected


def test_add_period_refuses_an_unknown_unit():
    with pytest.raises(ValueError, match="Unknown period unit"):
        rules.add_period(date(2022, 12, 21), 1, "fortnights", ENGLAND)


def test_calendar_days_ignore_weekends_and_holidays():
    assert rules.add_calendar_days(date(2022, 12, 21), 5) == date(2022, 12, 26)
    assert rules.add_calendar_days(date(2022, 12, 21), -21) == date(2022, 11, 30)


# --- Long spans: the bisecting arithmetic against the simple day-by-day walk --------------------


def walk_add(start: date, n: int, non_working) -> date:
    """The rule as first written: step to day 0, then one working day at a time."""
    day = start
    while not rules.is_working_day(day, non_working):
        day += timedelta(days=1)
    for _ in range(n):
        day += timedelta(days=1)
        while not rules.is_working_day(day, non_working):
            day += timedelta(days=1)
    return day


def walk_back(due: date, n: int, non_working) -> date:
    day = due
    while not rules.is_working_day(day, non_working):
        day -= timedelta(days=1)
    for _ in range(n):
        day -= timedelta(days=1)
        while not rules.is_working_day(day, non_working):
            day -= timedelta(days=1)
    return day


def walk_between(start: date, end: date, non_working) -> int:
    if end < start:
        return -walk_between(end, start, non_working)
    return sum(rules.is_working_day(start + timedelta(days=k), non_working) for k in range(1, (end - start).days + 1))


# A council closing between Christmas and New Year, with the set also holding weekend dates.
CLOSURES = ENGLAND | {date(y, 12, d) for y in YEARS for d in (24, 27, 28, 29, 30, 31)}
# Closed for the whole summer of 2026: more non-working days in a row than any bank holidays make.
SUMMER = ENGLAND | {date(2026, 7, 1) + timedelta(days=k) for k in range(62)}
SETS = {
    "England": ENGLAND,
    "Scotland": SCOTLAND,
    "England and closure days": CLOSURES,
    "England closed all summer 2026": SUMMER,
    "weekends only": frozenset(),
}


@pytest.mark.parametrize(
    "start, n, due",
    [
        # 2022: 22, 23, 28, 29, 30 Dec; then 245 of 2023's 251 working days (9 weekday holidays,
        # the Coronation among them): the last six are 20-22 and 27-29 Dec.
        (date(2022, 12, 21), 250, date(2023, 12, 19)),
        (date(2024, 2, 29), 250, date(2025, 2, 25)),  # from a leap day
        (date(2023, 8, 31), 250, date(2024, 8, 27)),  # from a month end, past the 2024 leap day
        (date(2019, 12, 24), 2000, date(2027, 11, 25)),  # eight years of Easters and Christmases
        (date(2016, 3, 24), 2000, date(2024, 2, 26)),  # the day before Good Friday 2016
    ],
)
def test_long_spans_count_every_bank_holiday_across_the_years(start, n, due):
    assert rules.add_working_days(start, n, ENGLAND) == due
    assert rules.working_days_between(start, due, ENGLAND) == n
    assert rules.working_days_before(due, n, ENGLAND) == start


LONG_STARTS = [
    date(2015, 1, 1),  # New Year's Day, the first year the sets hold
    date(2020, 2, 29),  # leap day (Saturday)
    date(2020, 5, 8),  # VE Day, the moved early May holiday
    date(2022, 6, 2),  # moved Spring bank holiday, then the Jubilee
    date(2022, 9, 19),  # State Funeral
    date(2023, 5, 8),  # Coronation
    date(2024, 1, 31),  # a month end before a leap February
    date(2025, 12, 25),  # Christmas Day
    date(2026, 7, 15),  # inside the summer closure
    date(2026, 11, 30),  # St Andrew's Day (a holiday in Scotland only)
    date(2027, 12, 31),  # New Year's Eve, a closure day
]


@pytest.mark.parametrize("set_name", SETS)
@pytest.mark.parametrize("n", [0, 1, 5, 65, 250, 2000])
@pytest.mark.parametrize("start", LONG_STARTS)
def test_adding_going_back_and_counting_agree_with_the_day_by_day_walk(start, n, set_name):
    non_working = SETS[set_name]
    due = rules.add_working_days(start, n, non_working)
    assert due == walk_add(start, n, non_working)
    assert rules.working_days_before(start, n, non_working) == walk_back(start, n, non_working)
    assert rules.working_days_between(start, due, non_working) == walk_between(start, due, non_working)
    end = start + timedelta(days=n)
    assert rules.working_days_between(start, end, non_working) == walk_between(start, end, non_working)
    assert rules.working_days_between(end, start, non_working) == walk_between(end, start, non_working)


@pytest.mark.parametrize("set_name", SETS)
def test_every_day_of_three_years_agrees_with_the_walk_for_a_year_of_working_days(set_name):
    non_working = SETS[set_name]
    day = date(2023, 1, 1)
    while day.year < 2026:
        assert rules.add_working_days(day, 250, non_working) == walk_add(day, 250, non_working), day
        assert rules.working_days_before(day, 250, non_working) == walk_back(day, 250, non_working), day
        assert rules.next_working_day_on_or_after(day, non_working) == walk_add(day, 0, non_working), day
        assert rules.previous_working_day_on_or_before(day, non_working) == walk_back(day, 0, non_working), day
        day += timedelta(days=1)


def test_a_plain_mutable_set_gives_the_same_answers_and_a_later_change_counts():
    """Only frozen sets are remembered between calls, so a set changed in place is read afresh."""
    non_working = set(ENGLAND)
    assert rules.add_working_days(date(2026, 3, 2), 250, non_working) == walk_add(date(2026, 3, 2), 250, ENGLAND)
    non_working.add(date(2026, 3, 3))
    assert rules.add_working_days(date(2026, 3, 2), 1, non_working) == date(2026, 3, 4)
    assert rules.working_days_between(date(2026, 3, 2), date(2026, 3, 4), non_working) == 1
