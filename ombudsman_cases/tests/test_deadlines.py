"""The pure date rules for LGSCO cases (DOMAIN.md §2.4, §3, §4.3): no database, real bank holidays.

Bank holidays come from the `holidays` package for England, as the app loads them
(DOMAIN.md §4.4), so a working-day vector that crosses Christmas, Easter or a one-off holiday
(the 2020 VE Day move, the 2022 Jubilee and State Funeral) is checked against the real calendar.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import holidays
import pytest

from ombudsman_cases.deadlines import ReportDeadlines, case_status, is_late, recommendation_due, report_deadlines

D = dt.date
ENGLAND = frozenset(holidays.country_holidays("GB", subdiv="ENG", years=range(2019, 2031)))


def rule(**overrides) -> SimpleNamespace:
    """A ReportRule's numbers, as the seed migration gives them (s30(4)-(5), s31(2))."""
    numbers = {
        "notice_within_weeks": 2,
        "inspection_start_within_weeks": 1,
        "inspection_weeks": 3,
        "response_within_months": 3,
    }
    numbers.update(overrides)
    return SimpleNamespace(**numbers)


# --- recommendation_due: "within N calendar months of the final decision" ------------------------


@pytest.mark.parametrize(
    ("final_decision_on", "months", "due"),
    [
        # DOMAIN.md §4.3(3) and the source case (final decision 4 Feb 2022).
        (D(2022, 2, 4), 1, D(2022, 3, 4)),
        (D(2022, 2, 4), 3, D(2022, 5, 4)),
        # No corresponding date: the last day of the later month.
        (D(2022, 1, 31), 1, D(2022, 2, 28)),
        (D(2022, 1, 29), 1, D(2022, 2, 28)),
        (D(2022, 3, 31), 1, D(2022, 4, 30)),
        (D(2022, 8, 31), 3, D(2022, 11, 30)),
        # Leap years.
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 11, 30), 3, D(2024, 2, 29)),
        (D(2024, 1, 29), 1, D(2024, 2, 29)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        # Across a year end.
        (D(2022, 11, 15), 3, D(2023, 2, 15)),
        # The corresponding date is kept even on a weekend (5 Mar 2022 is a Saturday) or a bank
        # holiday (25 Dec 2022): month periods are not silently moved (calendars.rules, §4.3(3)-(4)).
        (D(2022, 2, 5), 1, D(2022, 3, 5)),
        (D(2022, 11, 25), 1, D(2022, 12, 25)),
    ],
)
def test_months_basis_gives_the_corresponding_date_or_the_month_end(final_decision_on, months, due):
    assert (
        recommendation_due(basis="months", final_decision_on=final_decision_on, within=months, non_working=ENGLAND)
        == due
    )


# --- recommendation_due: "within N working days of the final decision" ---------------------------


@pytest.mark.parametrize(
    ("final_decision_on", "working_days", "due", "why"),
    [
        (D(2022, 2, 4), 1, D(2022, 2, 7), "Fri + 1 is the Monday"),
        (D(2022, 2, 4), 20, D(2022, 3, 4), "four clear weeks, no holidays"),
        # Christmas 2022: 25 Dec is a Sunday, so Mon 26 and Tue 27 Dec are holidays; 1 Jan 2023
        # is a Sunday, so Mon 2 Jan is too.
        (D(2022, 12, 23), 1, D(2022, 12, 28), "skips Boxing Day and substitute Christmas Day"),
        (D(2022, 12, 23), 5, D(2023, 1, 4), "and the substitute New Year's Day"),
        # Christmas 2021 fell on a Saturday: a decision that day counts from Wed 29 Dec (day 0).
        (D(2021, 12, 25), 1, D(2021, 12, 30), "a decision on a holiday counts from the next working day"),
        (D(2021, 12, 24), 1, D(2021, 12, 29), "Fri 24 Dec 2021 + 1 skips the weekend and two substitute days"),
        # Easter 2024: Good Friday 29 Mar, Easter Monday 1 Apr.
        (D(2024, 3, 28), 1, D(2024, 4, 2), "skips Good Friday, the weekend and Easter Monday"),
        (D(2024, 3, 28), 10, D(2024, 4, 15), "ten working days across Easter"),
        # Easter 2022: Good Friday 15 Apr, Easter Monday 18 Apr.
        (D(2022, 4, 14), 3, D(2022, 4, 21), "Easter 2022"),
        # One-off holidays from the real calendar.
        (D(2020, 5, 7), 1, D(2020, 5, 11), "the early May bank holiday moved to Fri 8 May 2020 (VE Day)"),
        (D(2022, 6, 1), 1, D(2022, 6, 6), "the Platinum Jubilee: Thu 2 and Fri 3 June 2022"),
        (D(2022, 9, 16), 1, D(2022, 9, 20), "the State Funeral on Mon 19 Sep 2022"),
    ],
)
def test_working_days_basis_counts_from_the_day_after_the_decision_and_skips_bank_holidays(
    final_decision_on, working_days, due, why
):
    got = recommendation_due(
        basis="working_days", final_decision_on=final_decision_on, within=working_days, non_working=ENGLAND
    )
    assert got == due, why


def test_working_days_basis_needs_the_holidays_it_is_given():
    """Without the bank holidays, Boxing Day would count: the caller must pass them."""
    assert recommendation_due(basis="working_days", final_decision_on=D(2022, 12, 23), within=1) == D(2022, 12, 26)


# --- recommendation_due: an explicit date from the decision letter ------------------------------


@pytest.mark.parametrize("final_decision_on", [D(2022, 2, 4), None])
def test_explicit_basis_is_the_date_from_the_letter_whatever_the_decision_date(final_decision_on):
    assert recommendation_due(basis="explicit", final_decision_on=final_decision_on, explicit_on=D(2022, 5, 13)) == D(
        2022, 5, 13
    )


@pytest.mark.parametrize(
    "arguments",
    [
        {"basis": "explicit", "final_decision_on": D(2022, 2, 4)},
        {"basis": "months", "final_decision_on": None, "within": 1},
        {"basis": "months", "final_decision_on": D(2022, 2, 4), "within": None},
        {"basis": "working_days", "final_decision_on": None, "within": 20},
        {"basis": "fortnights", "final_decision_on": D(2022, 2, 4), "within": 2},
    ],
    ids=[
        "explicit without a date",
        "months without a decision",
        "months without N",
        "working days without a decision",
        "unknown basis",
    ],
)
def test_recommendation_due_refuses_what_it_cannot_compute(arguments):
    with pytest.raises(ValueError):
        recommendation_due(**arguments)


# --- report_deadlines: the public interest report's clocks (DOMAIN.md §3) -----------------------


def test_report_received_4_feb_2022_must_be_answered_by_3_may_2022():
    """s31(2): 3 months BEGINNING WITH the date received end the day before 4 May (§0, §4.3(4))."""
    assert report_deadlines(rule(), received_on=D(2022, 2, 4)).response_due == D(2022, 5, 3)


@pytest.mark.parametrize(
    ("received_on", "response_due"),
    [
        (D(2022, 2, 4), D(2022, 5, 3)),
        (D(2022, 1, 1), D(2022, 3, 31)),
        (D(2021, 11, 30), D(2022, 2, 28)),  # a month-end start, shorter target month: its last day
        (D(2023, 11, 30), D(2024, 2, 29)),  # the same in a leap year
        (D(2022, 3, 31), D(2022, 6, 30)),
        (D(2022, 11, 15), D(2023, 2, 14)),
    ],
)
def test_report_response_is_due_at_the_end_of_3_months_beginning_with_receipt(received_on, response_due):
    assert report_deadlines(rule(), received_on=received_on).response_due == response_due


@pytest.mark.parametrize(
    ("notice_weeks", "notice_due"),
    [(2, D(2022, 2, 18)), (1, D(2022, 2, 11))],
    ids=["default rule: 2 weeks", "enacted text: 1 week"],
)
def test_notice_is_due_the_rules_number_of_weeks_after_receipt(notice_weeks, notice_due):
    due = report_deadlines(rule(notice_within_weeks=notice_weeks), received_on=D(2022, 2, 4))
    assert due.notice_due == notice_due
    assert due.inspection_start_latest is None, "no notice yet, so no latest start"
    assert due.inspection_ends_on is None


def test_inspection_starts_within_a_week_of_the_notice_and_lasts_3_weeks():
    due = report_deadlines(
        rule(),
        received_on=D(2022, 2, 4),
        notice_published_on=D(2022, 2, 17),
        inspection_starts_on=D(2022, 2, 21),
    )
    assert due == ReportDeadlines(
        notice_due=D(2022, 2, 18),
        inspection_start_latest=D(2022, 2, 24),
        inspection_ends_on=D(2022, 3, 13),  # Mon 21 Feb + 3 weeks - 1 day: the period begins with its first day
        response_due=D(2022, 5, 3),
    )


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [
        (D(2022, 3, 7), D(2022, 3, 27)),
        (D(2022, 12, 19), D(2023, 1, 8)),  # not moved off Christmas or a weekend: a statutory period
        (D(2024, 2, 15), D(2024, 3, 6)),  # across 29 Feb
    ],
)
def test_inspection_ends_the_day_before_the_same_weekday_3_weeks_later(starts_on, ends_on):
    due = report_deadlines(
        rule(),
        received_on=starts_on - dt.timedelta(days=10),
        notice_published_on=starts_on - dt.timedelta(days=3),
        inspection_starts_on=starts_on,
    )
    assert due.inspection_ends_on == ends_on
    assert due.inspection_ends_on == starts_on + dt.timedelta(weeks=3) - dt.timedelta(days=1)


def test_a_non_publication_direction_removes_the_notice_and_inspection_dates_but_not_the_response():
    due = report_deadlines(
        rule(),
        received_on=D(2022, 2, 4),
        notice_published_on=D(2022, 2, 10),
        inspection_starts_on=D(2022, 2, 14),
        non_publication_direction=True,
    )
    assert due == ReportDeadlines(None, None, None, D(2022, 5, 3))


def test_a_longer_response_period_in_the_rule_is_used():
    assert report_deadlines(rule(response_within_months=4), received_on=D(2022, 2, 4)).response_due == D(2022, 6, 3)


# --- case_status: the status follows the recorded steps (DOMAIN.md §2.1) -----------------------


def case(**steps) -> SimpleNamespace:
    fields = {
        "enquiry_received_on": None,
        "draft_decision_received_on": None,
        "final_decision_on": None,
        "closed_on": None,
    }
    fields.update(steps)
    return SimpleNamespace(**fields)


@pytest.mark.parametrize(
    ("steps", "status"),
    [
        ({}, "assessment"),
        ({"enquiry_received_on": D(2021, 6, 1)}, "enquiries"),
        ({"enquiry_received_on": D(2021, 6, 1), "draft_decision_received_on": D(2021, 11, 1)}, "draft_decision"),
        ({"draft_decision_received_on": D(2021, 11, 1)}, "draft_decision"),
        ({"enquiry_received_on": D(2021, 6, 1), "final_decision_on": D(2022, 2, 4)}, "final_decision"),
        ({"final_decision_on": D(2022, 2, 4), "has_open_recommendations": False}, "final_decision"),
        ({"final_decision_on": D(2022, 2, 4), "has_open_recommendations": True}, "compliance"),
        ({"final_decision_on": D(2022, 2, 4), "has_open_recommendations": True, "closed_on": D(2022, 6, 1)}, "closed"),
        ({"closed_on": D(2021, 7, 1)}, "closed"),  # e.g. closed after initial enquiries
    ],
)
def test_case_status_is_the_latest_step_recorded(steps, status):
    assert case_status(case(**steps)) == status


# --- is_late: on the day is on time, the next day is late --------------------------------------


@pytest.mark.parametrize(
    ("completed_on", "due_on", "late"),
    [
        (D(2022, 3, 3), D(2022, 3, 4), False),
        (D(2022, 3, 4), D(2022, 3, 4), False),
        (D(2022, 3, 5), D(2022, 3, 4), True),
        (D(2022, 5, 13), D(2022, 5, 4), True),  # the source case's 3-month recommendations, answered 13 May
        (D(2023, 1, 1), D(2022, 12, 31), True),
    ],
)
def test_is_late_only_after_the_due_date(completed_on, due_on, late):
    assert is_late(completed_on=completed_on, due_on=due_on) is late
