"""Pure rules: periods, rates and working days to respond (no database)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendars.rules import working_days_between
from reports import rules

D = dt.date
ENG = frozenset(holidays.country_holidays("GB", subdiv="ENG", years=range(2019, 2029)))


@pytest.mark.parametrize(
    "day, start, end",
    [
        (D(2026, 11, 28), D(2026, 4, 1), D(2027, 3, 31)),
        (D(2026, 4, 1), D(2026, 4, 1), D(2027, 3, 31)),
        (D(2026, 3, 31), D(2025, 4, 1), D(2026, 3, 31)),
        (D(2026, 1, 1), D(2025, 4, 1), D(2026, 3, 31)),
    ],
)
def test_the_financial_year_runs_from_1_april_to_31_march(day, start, end):
    year = rules.financial_year_containing(day)
    assert (year.start, year.end, year.kind) == (start, end, "year")


@pytest.mark.parametrize(
    "number, start, end",
    [
        (1, D(2025, 4, 1), D(2025, 6, 30)),
        (2, D(2025, 7, 1), D(2025, 9, 30)),
        (3, D(2025, 10, 1), D(2025, 12, 31)),
        (4, D(2026, 1, 1), D(2026, 3, 31)),
    ],
)
def test_quarters_of_the_financial_year(number, start, end):
    quarter = rules.quarter(2025, number)
    assert (quarter.start, quarter.end) == (start, end)
    assert rules.quarter_of(start) == number
    assert quarter.label == f"Q{number} 2025 to 2026"


def test_the_previous_period_is_a_year_earlier_and_29_february_becomes_28():
    period = rules.Period(start=D(2024, 2, 29), end=D(2024, 3, 31))
    assert (period.previous().start, period.previous().end) == (D(2023, 2, 28), D(2023, 3, 31))
    assert rules.financial_year(2025).previous() == rules.financial_year(2024)


def test_months_in_a_period():
    assert rules.months_in(rules.quarter(2025, 4)) == [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)]
    assert len(rules.months_in(rules.financial_year(2025))) == 12


@pytest.mark.parametrize(
    "numerator, denominator, expected",
    [(5, 6, Decimal("83.3")), (1, 6, Decimal("16.7")), (1, 8, Decimal("12.5")), (0, 3, Decimal("0.0")), (1, 0, None)],
)
def test_percentages_round_half_up_to_one_place(numerator, denominator, expected):
    assert rules.percent(numerator, denominator) == expected


def test_whole_percentages_round_half_up_as_the_lgsco_publishes_them():
    assert (rules.whole_percent(Decimal("82.5")), rules.whole_percent(Decimal("66.7")), rules.whole_percent(None)) == (
        83,
        67,
        None,
    )


def test_mean_and_median():
    assert rules.mean_and_median([5, 6, 11, 11, 12, 16]) == (Decimal("10.2"), Decimal("11.0"))
    assert rules.mean_and_median([1, 2, 4]) == (Decimal("2.3"), Decimal("2.0"))
    assert rules.mean_and_median([]) == (None, None)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # a busy machine is not a failure
@given(st.lists(st.integers(min_value=0, max_value=400), max_size=60))
def test_mean_and_median_from_counts_are_the_same_figures_as_from_the_list(values):
    assert rules.mean_and_median_of_counts(Counter(values)) == rules.mean_and_median(values)


# DOMAIN.md §4.4 test vectors: (start, end) that are N working days apart.
VECTORS = [
    (D(2022, 4, 14), D(2022, 4, 25), 5),
    (D(2022, 4, 14), D(2022, 5, 3), 10),
    (D(2022, 5, 27), D(2022, 6, 7), 5),
    (D(2022, 9, 14), D(2022, 9, 22), 5),
    (D(2022, 12, 21), D(2023, 1, 9), 10),
    (D(2024, 12, 20), D(2025, 1, 22), 20),
    (D(2022, 5, 31), D(2022, 9, 2), 65),
]


@pytest.mark.parametrize("start, end, n", VECTORS)
def test_working_days_to_respond_match_the_date_engine(start, end, n):
    assert rules.working_days_to_respond([(start, end)], non_working=ENG) == [n]
    assert working_days_between(start, end, ENG) == n


def test_the_running_total_counter_agrees_with_working_days_between_everywhere():
    first, last = D(2022, 12, 17), D(2023, 1, 14)
    counter = rules.WorkingDayCounter(first=first, last=last, non_working=ENG)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    for start in days:
        for end in days:
            assert counter.count(start, end) == working_days_between(start, end, ENG), (start, end)
