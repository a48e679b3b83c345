"""complaints.deadlines: each seeded procedure's stage deadlines against real bank holidays.

Pure tests: no database. The rules are stand-ins with the `StageRule` attributes and the values
of the seed migration (a test below checks they still match it). Every expected date was
worked out by hand from the rule (DOMAIN.md 1.2-1.5, 4.3) with a calendar, counting day 0 as
the start and the N following working days, then checked against the code.

England bank holidays used below (from `holidays`, subdiv="ENG"):
  2022: Fri 15 Apr, Mon 18 Apr, Mon 2 May, Thu 2 Jun, Fri 3 Jun, Mon 29 Aug, Mon 19 Sep,
        Mon 26 Dec, Tue 27 Dec (for Sun 25 Dec)
  2023: Mon 2 Jan (for Sun 1 Jan)
  2024/25: Wed 25 Dec, Thu 26 Dec, Wed 1 Jan
  2026: Fri 3 Apr (Good Friday), Mon 6 Apr (Easter Monday), Mon 4 May, Mon 25 May, Mon 31 Aug,
        Fri 25 Dec, Sat 26 Dec (Boxing Day) with its substitute Mon 28 Dec
  2027: Fri 1 Jan
"""

from __future__ import annotations

import importlib
from datetime import date
from types import SimpleNamespace

import holidays
import pytest

from calendars.rules import add_working_days
from complaints import deadlines

ENGLAND = frozenset(holidays.country_holidays("GB", subdiv="ENG", years=range(2015, 2031)).keys())

WD, MONTHS = "working_days", "calendar_months"


def rule(**values) -> SimpleNamespace:
    """A stand-in StageRule: the model's defaults, overridden by `values`."""
    defaults = dict(
        acknowledge_within=None,
        acknowledge_unit=WD,
        respond_within=None,
        respond_unit=WD,
        respond_from="receipt",
        response_date_agreed=False,
        max_extension=0,
        max_extension_unit=WD,
        escalation_window=None,
        escalation_window_unit=WD,
        handler_must_differ=False,
        clock_stop_allowed=False,
        panel_meeting_within=None,
        panel_report_within=None,
    )
    return SimpleNamespace(**{**defaults, **values})


# Values copied from complaints/migrations/0002_seed_procedures.py (version 1 of each rule).
CORPORATE_1 = rule(
    acknowledge_within=5, respond_within=10, respond_from="acknowledgement", max_extension=10, escalation_window=20
)
CORPORATE_2 = rule(
    acknowledge_within=5, respond_within=20, respond_from="acknowledgement", max_extension=20, handler_must_differ=True
)
HOUSING_1 = rule(
    acknowledge_within=5, respond_within=10, respond_from="acknowledgement", max_extension=10, escalation_window=20
)
HOUSING_2 = rule(
    acknowledge_within=5, respond_within=20, respond_from="acknowledgement", max_extension=20, handler_must_differ=True
)
CHILDREN_1 = rule(
    respond_within=10, respond_from="receipt", max_extension=10, escalation_window=20, clock_stop_allowed=True
)
CHILDREN_2 = rule(
    respond_within=25,
    respond_from="receipt",
    max_extension=40,
    escalation_window=20,
    clock_stop_allowed=True,
    handler_must_differ=True,
)
CHILDREN_3 = rule(respond_within=15, respond_from="panel_report", panel_meeting_within=30, panel_report_within=5)
ADULTS = rule(
    acknowledge_within=3, respond_within=6, respond_unit=MONTHS, respond_from="receipt", response_date_agreed=True
)

STAND_INS = {
    ("corporate", 1): CORPORATE_1,
    ("corporate", 2): CORPORATE_2,
    ("housing", 1): HOUSING_1,
    ("housing", 2): HOUSING_2,
    ("children", 1): CHILDREN_1,
    ("children", 2): CHILDREN_2,
    ("children", 3): CHILDREN_3,
    ("adults", 1): ADULTS,
}


def seeded_rules() -> dict[tuple[str, int], dict]:
    seed = importlib.import_module("complaints.migrations.0002_seed_procedures")
    return {
        (spec["slug"], number): values
        for spec in seed.PROCEDURES
        for number, (_name, values) in enumerate(spec["stages"], start=1)
    }


def test_the_stand_in_rules_match_the_seed_migration():
    seeded = seeded_rules()
    assert set(seeded) == set(STAND_INS)
    for key, values in seeded.items():
        stand_in = vars(STAND_INS[key])
        differences = {
            name: (value, stand_in[name])
            for name, value in values.items()
            if name != "source" and stand_in[name] != value
        }
        assert differences == {}, key


def test_the_holiday_list_has_the_days_these_tests_rely_on():
    # Gotcha 1 of DOMAIN.md 4.4: without subdiv="ENG" Easter Monday would be missing.
    assert {date(2026, 4, 3), date(2026, 4, 6), date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)} <= ENGLAND
    assert date(2026, 12, 26).weekday() == 5  # Boxing Day 2026 is a Saturday...
    assert date(2026, 12, 28) in ENGLAND  # ...so Monday 28 December is its substitute.


# --- stage deadlines --------------------------------------------------------------------------


def case(
    name, stage_rule, received_on, acknowledge_due, response_due, provisional, *, meeting=None, report=None, **recorded
):
    """One row: the rule, the date received, dates recorded so far, and every deadline expected."""
    return pytest.param(
        stage_rule, received_on, recorded, acknowledge_due, response_due, provisional, meeting, report, id=name
    )


STAGE_CASES = [
    # Corporate Stage 1 (Code 6.2-6.3): acknowledge 5 WD from receipt, respond 10 WD from acknowledgement.
    case(
        "corporate-1 DOMAIN vector: Thu 14 Apr 2022 +5 skips Easter; provisional response skips 2 May",
        CORPORATE_1,
        date(2022, 4, 14),
        date(2022, 4, 25),
        date(2022, 5, 10),
        True,
    ),
    case(
        "corporate-1 acknowledged Tue 19 Apr 2022: response fixed 10 WD later, Wed 4 May",
        CORPORATE_1,
        date(2022, 4, 14),
        date(2022, 4, 25),
        date(2022, 5, 4),
        False,
        acknowledged_on=date(2022, 4, 19),
    ),
    case(
        "corporate-1 acknowledged late on Wed 27 Apr 2022: response counted from the actual date",
        CORPORATE_1,
        date(2022, 4, 14),
        date(2022, 4, 25),
        date(2022, 5, 12),
        False,
        acknowledged_on=date(2022, 4, 27),
    ),
    case(
        "corporate-1 received Sat 10 Sep 2022: day 0 is Mon 12 Sep, State Funeral 19 Sep skipped",
        CORPORATE_1,
        date(2022, 9, 10),
        date(2022, 9, 20),
        date(2022, 10, 4),
        True,
    ),
    case(
        "corporate-1 received Mon 21 Dec 2026: Christmas, Boxing Day substitute and New Year skipped",
        CORPORATE_1,
        date(2026, 12, 21),
        date(2026, 12, 30),
        date(2027, 1, 14),
        True,
    ),
    case(
        "corporate-1 received Christmas Eve 2026, a working day",
        CORPORATE_1,
        date(2026, 12, 24),
        date(2027, 1, 5),
        date(2027, 1, 19),
        True,
    ),
    case(
        "corporate-1 received on Christmas Day 2026: day 0 is Tue 29 Dec",
        CORPORATE_1,
        date(2026, 12, 25),
        date(2027, 1, 6),
        date(2027, 1, 20),
        True,
    ),
    case(
        "corporate-1 received on Boxing Day, Sat 26 Dec 2026: day 0 is Tue 29 Dec",
        CORPORATE_1,
        date(2026, 12, 26),
        date(2027, 1, 6),
        date(2027, 1, 20),
        True,
    ),
    case(
        "corporate-1 received on the Boxing Day substitute, Mon 28 Dec 2026: day 0 is Tue 29 Dec",
        CORPORATE_1,
        date(2026, 12, 28),
        date(2027, 1, 6),
        date(2027, 1, 20),
        True,
    ),
    case(
        "corporate-1 received Wed 1 Apr 2026: Good Friday and Easter Monday skipped",
        CORPORATE_1,
        date(2026, 4, 1),
        date(2026, 4, 10),
        date(2026, 4, 24),
        True,
    ),
    case(
        "corporate-1 received on Good Friday 2026: day 0 is Tue 7 Apr",
        CORPORATE_1,
        date(2026, 4, 3),
        date(2026, 4, 14),
        date(2026, 4, 28),
        True,
    ),
    # Corporate Stage 2: acknowledge 5 WD from the escalation request, respond 20 WD from acknowledgement.
    case(
        "corporate-2 requested Mon 14 Dec 2026: provisional response across Christmas",
        CORPORATE_2,
        date(2026, 12, 14),
        date(2026, 12, 21),
        date(2027, 1, 21),
        True,
    ),
    case(
        "corporate-2 DOMAIN vector: acknowledged Fri 20 Dec 2024 +20 is Wed 22 Jan 2025",
        CORPORATE_2,
        date(2024, 12, 16),
        date(2024, 12, 23),
        date(2025, 1, 22),
        False,
        acknowledged_on=date(2024, 12, 20),
    ),
    case(
        "corporate-2 requested Thu 16 Apr 2026: Early May bank holiday skipped",
        CORPORATE_2,
        date(2026, 4, 16),
        date(2026, 4, 23),
        date(2026, 5, 22),
        True,
    ),
    # Housing Ombudsman Code: the same clocks as the corporate procedure.
    case(
        "housing-1 DOMAIN vector: Fri 27 May 2022 +5 skips the Jubilee; acknowledged on the last day",
        HOUSING_1,
        date(2022, 5, 27),
        date(2022, 6, 7),
        date(2022, 6, 21),
        False,
        acknowledged_on=date(2022, 6, 7),
    ),
    case(
        "housing-2 DOMAIN vector: Wed 14 Sep 2022 +5 skips the State Funeral",
        HOUSING_2,
        date(2022, 9, 14),
        date(2022, 9, 22),
        date(2022, 10, 20),
        True,
    ),
    # Children's Stage 1 (reg 14): 10 WD from receipt, no acknowledgement clock.
    case(
        "children-1 DOMAIN vector: Thu 14 Apr 2022 +10 is Tue 3 May",
        CHILDREN_1,
        date(2022, 4, 14),
        None,
        date(2022, 5, 3),
        False,
    ),
    case(
        "children-1 received Wed 23 Dec 2026: across Christmas and New Year",
        CHILDREN_1,
        date(2026, 12, 23),
        None,
        date(2027, 1, 11),
        False,
    ),
    case(
        "children-1 received Easter Saturday 2026: day 0 is Tue 7 Apr",
        CHILDREN_1,
        date(2026, 4, 4),
        None,
        date(2026, 4, 21),
        False,
    ),
    # Children's Stage 2 (reg 17): 25 WD from the request.
    case(
        "children-2 DOMAIN vector: Tue 31 May 2022 +25 is Thu 7 Jul",
        CHILDREN_2,
        date(2022, 5, 31),
        None,
        date(2022, 7, 7),
        False,
    ),
    case(
        "children-2 requested Mon 16 Mar 2026: across Easter",
        CHILDREN_2,
        date(2026, 3, 16),
        None,
        date(2026, 4, 22),
        False,
    ),
    # Children's Stage 3 (regs 19-20): panel within 30 WD, report within 5 WD of it, response 15 WD after.
    case(
        "children-3 before the meeting: report and response provisional",
        CHILDREN_3,
        date(2026, 3, 2),
        None,
        date(2026, 5, 14),
        True,
        meeting=date(2026, 4, 15),
        report=date(2026, 4, 22),
    ),
    case(
        "children-3 met Fri 10 Apr 2026: report due 5 WD after the meeting, response still provisional",
        CHILDREN_3,
        date(2026, 3, 2),
        None,
        date(2026, 5, 11),
        True,
        panel_met_on=date(2026, 4, 10),
        meeting=date(2026, 4, 15),
        report=date(2026, 4, 17),
    ),
    case(
        "children-3 report received Tue 14 Apr 2026: council response fixed 15 WD later",
        CHILDREN_3,
        date(2026, 3, 2),
        None,
        date(2026, 5, 6),
        False,
        panel_met_on=date(2026, 4, 10),
        panel_report_on=date(2026, 4, 14),
        meeting=date(2026, 4, 15),
        report=date(2026, 4, 17),
    ),
    # Adults (SI 2009/309): acknowledge within 3 WD; outer limit 6 calendar months from receipt.
    case(
        "adults received Wed 14 Jan 2026: outer limit on the corresponding date",
        ADULTS,
        date(2026, 1, 14),
        date(2026, 1, 19),
        date(2026, 7, 14),
        False,
    ),
    case(
        "adults received 31 Aug 2022: six months later has no 31st, so 28 Feb 2023",
        ADULTS,
        date(2022, 8, 31),
        date(2022, 9, 5),
        date(2023, 2, 28),
        False,
    ),
    case(
        "adults received 31 Aug 2023: leap year, so 29 Feb 2024",
        ADULTS,
        date(2023, 8, 31),
        date(2023, 9, 5),
        date(2024, 2, 29),
        False,
    ),
    case(
        "adults received Wed 23 Dec 2026: acknowledgement across Christmas",
        ADULTS,
        date(2026, 12, 23),
        date(2026, 12, 30),
        date(2027, 6, 23),
        False,
    ),
]


@pytest.mark.parametrize(
    "stage_rule, received_on, recorded, acknowledge_due, response_due, provisional, panel_meeting_due, panel_report_due",
    STAGE_CASES,
)
def test_stage_deadlines_follow_the_rule_and_the_england_calendar(
    stage_rule, received_on, recorded, acknowledge_due, response_due, provisional, panel_meeting_due, panel_report_due
):
    due = deadlines.stage_deadlines(stage_rule, received_on=received_on, non_working=ENGLAND, **recorded)
    assert due == deadlines.StageDeadlines(
        acknowledge_due=acknowledge_due,
        response_due=response_due,
        response_due_is_provisional=provisional,
        panel_meeting_due=panel_meeting_due,
        panel_report_due=panel_report_due,
    )


def test_a_provisional_response_deadline_counts_from_the_acknowledgement_deadline():
    due = deadlines.stage_deadlines(CORPORATE_1, received_on=date(2026, 4, 1), non_working=ENGLAND)
    assert due.response_due == add_working_days(due.acknowledge_due, 10, ENGLAND)


def test_acknowledging_early_brings_the_response_deadline_forward():
    provisional = deadlines.stage_deadlines(CORPORATE_1, received_on=date(2026, 4, 1), non_working=ENGLAND)
    fixed = deadlines.stage_deadlines(
        CORPORATE_1, received_on=date(2026, 4, 1), acknowledged_on=date(2026, 4, 2), non_working=ENGLAND
    )
    # Thu 2 Apr 2026 + 10 WD, skipping Good Friday and Easter Monday.
    assert fixed.response_due == date(2026, 4, 20)
    assert fixed.response_due < provisional.response_due
    assert not fixed.response_due_is_provisional


def test_a_clock_counted_from_receipt_ignores_the_acknowledgement_date():
    without = deadlines.stage_deadlines(ADULTS, received_on=date(2026, 1, 14), non_working=ENGLAND)
    with_ack = deadlines.stage_deadlines(
        ADULTS, received_on=date(2026, 1, 14), acknowledged_on=date(2026, 1, 16), non_working=ENGLAND
    )
    assert with_ack == without


def test_the_same_rule_without_bank_holidays_would_give_an_earlier_date():
    # Guards against the calendar being ignored: with weekends only, Thu 14 Apr 2022 +5 is Thu 21 Apr.
    assert deadlines.stage_deadlines(
        CORPORATE_1, received_on=date(2022, 4, 14), non_working=frozenset()
    ).acknowledge_due == date(2022, 4, 21)


# --- extension caps ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stage_rule, original_due, cap",
    [
        pytest.param(CORPORATE_1, date(2022, 5, 10), date(2022, 5, 24), id="corporate-1 +10 WD"),
        pytest.param(CORPORATE_1, date(2027, 1, 14), date(2027, 1, 28), id="corporate-1 +10 WD after Christmas 2026"),
        pytest.param(CORPORATE_2, date(2027, 1, 21), date(2027, 2, 18), id="corporate-2 +20 WD"),
        pytest.param(HOUSING_1, date(2022, 6, 21), date(2022, 7, 5), id="housing-1 +10 WD"),
        pytest.param(CHILDREN_1, date(2022, 5, 3), date(2022, 5, 17), id="children-1 +10 WD"),
        pytest.param(
            CHILDREN_2, date(2022, 7, 7), date(2022, 9, 2), id="children-2 DOMAIN vector: +40 WD = 65 WD from start"
        ),
        pytest.param(
            CHILDREN_2, date(2026, 4, 22), date(2026, 6, 19), id="children-2 +40 WD past two May bank holidays"
        ),
        pytest.param(ADULTS, date(2026, 7, 14), date(2026, 7, 14), id="adults: no extension without a manager"),
    ],
)
def test_extension_cap_adds_the_rules_longest_extension_to_the_original_deadline(stage_rule, original_due, cap):
    assert deadlines.extension_cap(stage_rule, original_response_due=original_due, non_working=ENGLAND) == cap


@pytest.mark.parametrize(
    "start",
    [date(2022, 4, 14), date(2026, 3, 16), date(2026, 12, 21), date(2026, 12, 26), date(2026, 4, 3)],
)
def test_children_stage_one_extends_to_twenty_working_days_from_the_start(start):
    original = deadlines.stage_deadlines(CHILDREN_1, received_on=start, non_working=ENGLAND).response_due
    assert original == add_working_days(start, 10, ENGLAND)
    assert deadlines.extension_cap(CHILDREN_1, original_response_due=original, non_working=ENGLAND) == add_working_days(
        start, 20, ENGLAND
    )


@pytest.mark.parametrize(
    "start",
    [date(2022, 5, 31), date(2026, 3, 16), date(2026, 11, 30), date(2026, 12, 26), date(2026, 4, 3)],
)
def test_children_stage_two_extends_to_sixty_five_working_days_from_the_start(start):
    # reg 17(6): a date no later than 65 WD from the start date.
    original = deadlines.stage_deadlines(CHILDREN_2, received_on=start, non_working=ENGLAND).response_due
    assert original == add_working_days(start, 25, ENGLAND)
    assert deadlines.extension_cap(CHILDREN_2, original_response_due=original, non_working=ENGLAND) == add_working_days(
        start, 65, ENGLAND
    )


# --- escalation window ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stage_rule, responded_on, last_day",
    [
        pytest.param(CORPORATE_1, date(2026, 3, 17), date(2026, 4, 16), id="corporate-1 20 WD across Easter 2026"),
        pytest.param(CORPORATE_1, date(2026, 12, 10), date(2027, 1, 12), id="corporate-1 20 WD across Christmas 2026"),
        pytest.param(CHILDREN_1, date(2026, 3, 31), date(2026, 4, 30), id="children-1 20 WD across Easter 2026"),
        pytest.param(CHILDREN_2, date(2026, 4, 20), date(2026, 5, 19), id="children-2 20 WD past Early May"),
        pytest.param(CORPORATE_2, date(2026, 3, 17), None, id="corporate-2 is the final stage: no window"),
        pytest.param(CHILDREN_3, date(2026, 3, 17), None, id="children-3 is the final stage: no window"),
        pytest.param(ADULTS, date(2026, 3, 17), None, id="adults has one stage: no window"),
    ],
)
def test_escalation_deadline_is_the_last_day_of_the_window(stage_rule, responded_on, last_day):
    assert deadlines.escalation_deadline(stage_rule, responded_on=responded_on, non_working=ENGLAND) == last_day


@pytest.mark.parametrize(
    "requested_on, window_ends, in_time",
    [
        pytest.param(date(2026, 4, 15), date(2026, 4, 16), True, id="the day before the last day"),
        pytest.param(date(2026, 4, 16), date(2026, 4, 16), True, id="on the last day"),
        pytest.param(date(2026, 4, 17), date(2026, 4, 16), False, id="the day after the last day"),
        pytest.param(date(2027, 1, 16), date(2027, 1, 15), False, id="the Saturday after a Friday last day"),
        pytest.param(date(2027, 1, 18), date(2027, 1, 15), False, id="the Monday after a Friday last day"),
        pytest.param(date(2030, 1, 1), None, True, id="no window: always in time"),
    ],
)
def test_a_request_on_the_last_day_of_the_window_is_in_time_and_the_next_day_is_not(requested_on, window_ends, in_time):
    assert deadlines.is_within_window(requested_on, window_ends) is in_time


def test_escalation_window_and_is_within_window_agree_on_the_last_day():
    last_day = deadlines.escalation_deadline(CORPORATE_1, responded_on=date(2026, 12, 10), non_working=ENGLAND)
    assert deadlines.is_within_window(last_day, last_day)
    assert not deadlines.is_within_window(add_working_days(last_day, 1, ENGLAND), last_day)


# --- clock stops ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "due, stopped_on, restarted_on, unit, moved_to",
    [
        pytest.param(
            date(2026, 3, 20),
            date(2026, 3, 9),
            date(2026, 3, 16),
            WD,
            date(2026, 3, 27),
            id="stopped Mon 9 Mar, restarted Mon 16 Mar 2026: 5 WD added",
        ),
        pytest.param(
            date(2026, 4, 16),
            date(2026, 3, 30),
            date(2026, 4, 7),
            WD,
            date(2026, 4, 22),
            id="stopped Mon 30 Mar, restarted Tue 7 Apr 2026: Easter leaves 4 WD",
        ),
        pytest.param(
            date(2027, 1, 8),
            date(2026, 12, 21),
            date(2026, 12, 29),
            WD,
            date(2027, 1, 14),
            id="stopped Mon 21 Dec, restarted Tue 29 Dec 2026: Christmas leaves 4 WD",
        ),
        pytest.param(
            date(2026, 3, 20),
            date(2026, 3, 6),
            date(2026, 3, 9),
            WD,
            date(2026, 3, 23),
            id="stopped Fri, restarted Mon: 1 WD added",
        ),
        pytest.param(
            date(2026, 3, 20),
            date(2026, 3, 7),
            date(2026, 3, 9),
            WD,
            date(2026, 3, 20),
            id="stopped Sat, restarted Mon: no working day lost",
        ),
        pytest.param(
            date(2026, 3, 20),
            date(2026, 3, 9),
            date(2026, 3, 9),
            WD,
            date(2026, 3, 20),
            id="restarted the day it stopped: nothing added",
        ),
        pytest.param(
            date(2026, 7, 14),
            date(2026, 3, 9),
            date(2026, 3, 16),
            MONTHS,
            date(2026, 7, 21),
            id="calendar clock: the 7 calendar days stopped are added",
        ),
    ],
)
def test_a_clock_stop_moves_the_deadline_by_the_time_stopped(due, stopped_on, restarted_on, unit, moved_to):
    assert (
        deadlines.shift_for_clock_stop(
            due, stopped_on=stopped_on, restarted_on=restarted_on, unit=unit, non_working=ENGLAND
        )
        == moved_to
    )


# --- days left --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "due, today, left",
    [
        pytest.param(date(2026, 12, 9), date(2026, 12, 9), 0, id="0 on the due day"),
        pytest.param(date(2026, 12, 9), date(2026, 12, 8), 1, id="1 the working day before"),
        pytest.param(date(2026, 12, 9), date(2026, 12, 10), -1, id="-1 the next working day"),
        pytest.param(date(2026, 12, 11), date(2026, 12, 4), 5, id="5 a week before"),
        pytest.param(
            date(2026, 12, 11), date(2026, 12, 14), -1, id="due Friday, -1 on Monday: the weekend is not counted"
        ),
        pytest.param(date(2026, 12, 14), date(2026, 12, 11), 1, id="due Monday, 1 on the Friday before"),
        pytest.param(date(2026, 12, 29), date(2026, 12, 24), 1, id="due Tue 29 Dec, 1 on Christmas Eve"),
        pytest.param(date(2026, 12, 24), date(2026, 12, 29), -1, id="due Christmas Eve, -1 on Tue 29 Dec"),
        pytest.param(date(2026, 4, 7), date(2026, 4, 2), 1, id="due Tue 7 Apr, 1 on the Thursday before Easter"),
    ],
)
def test_days_left_counts_working_days_to_the_deadline(due, today, left):
    assert deadlines.days_left(due, today=today, non_working=ENGLAND) == left


@pytest.mark.parametrize("n", [0, 1, 5, 10, 25])
def test_days_left_undoes_adding_working_days(n):
    today = date(2026, 12, 21)
    assert deadlines.days_left(add_working_days(today, n, ENGLAND), today=today, non_working=ENGLAND) == n


@pytest.mark.parametrize(
    "due, today, left",
    [
        pytest.param(date(2026, 12, 11), date(2026, 12, 12), -1, id="due Friday, seen on Saturday"),
        pytest.param(date(2026, 12, 11), date(2026, 12, 13), -1, id="due Friday, seen on Sunday"),
        pytest.param(date(2026, 12, 24), date(2026, 12, 25), -1, id="due Christmas Eve, seen on Christmas Day"),
        pytest.param(
            date(2026, 12, 24), date(2026, 12, 28), -1, id="due Christmas Eve, seen on the Boxing Day substitute"
        ),
        # A calendar-month deadline can fall on a weekend (adults: 31 Aug 2026 + 6 months = Sun 28 Feb 2027).
        pytest.param(
            date(2027, 2, 28), date(2027, 2, 26), 0, id="due Sunday, the Friday before has no working day left"
        ),
        pytest.param(date(2027, 2, 28), date(2027, 3, 1), -1, id="due Sunday, overdue on Monday"),
    ],
)
def test_a_deadline_that_has_passed_is_overdue_even_on_a_non_working_day(due, today, left):
    assert deadlines.days_left(due, today=today, non_working=ENGLAND) == left
