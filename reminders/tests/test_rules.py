"""reminders.rules: which milestones are in force on which day, against real bank holidays.

Pure tests: no database. The policy is a stand-in with the attributes the rules read, with the
defaults of issue 5 (leads 10, 5, 1, 0; the owner every 5 working days once overdue; the
manager at 1 overdue working day; escalation at 5). Every expected date was counted by hand on
a calendar, then checked against the code.

England bank holidays used below (from `holidays`, subdiv="ENG"):
  2026: Fri 3 Apr (Good Friday), Mon 6 Apr (Easter Monday), Fri 25 Dec, Sat 26 Dec (Boxing Day)
        with its substitute Mon 28 Dec
  2027: Fri 1 Jan

Counting for the main example, due Mon 30 Nov 2026: the overdue working days are Tue 1 Dec (1),
Mon 7 Dec (5), Tue 8 Dec (6), Tue 15 Dec (11), Tue 22 Dec (16), Thu 24 Dec (18), then
Tue 29 Dec (19) after Christmas and the Boxing Day substitute, Thu 31 Dec (21), Fri 29 Jan 2027
(41) and Mon 1 Feb 2027 (42).
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import holidays
import pytest

from calendars.rules import working_days_before
from reminders import rules
from reminders.models import parse_lead_days

ENGLAND = frozenset(holidays.country_holidays("GB", subdiv="ENG", years=range(2019, 2031)).keys())


def policy(**values) -> SimpleNamespace:
    """A stand-in ReminderPolicy with issue 5's defaults, overridden by `values` (lead_days as text)."""
    defaults = dict(
        lead_days="10, 5, 1, 0",
        remind_owner_when_overdue=True,
        owner_overdue_every=5,
        manager_after_overdue_days=1,
        escalate_after_overdue_days=5,
    )
    merged = {**defaults, **values}
    return SimpleNamespace(leads=parse_lead_days(merged.pop("lead_days")), **merged)


DEFAULT = policy()
ACKNOWLEDGEMENT = policy(lead_days="1, 0")  # the seed migration's acknowledgement policy
NO_LEADS = policy(lead_days="")
NO_MANAGER = policy(manager_after_overdue_days=None)
NO_ESCALATION = policy(escalate_after_overdue_days=None)
NO_OWNER_OVERDUE = policy(remind_owner_when_overdue=False)
DAILY_OWNER = policy(owner_overdue_every=1)
MANAGER_AT_3 = policy(manager_after_overdue_days=3)

OW, MG, ES = rules.OWNER, rules.MANAGER, rules.ESCALATION


def milestones(*, due_on, today, policy, done_on=None):
    found = rules.current_milestones(due_on=due_on, done_on=done_on, today=today, policy=policy, non_working=ENGLAND)
    return [(m.role, m.key, m.fires_on) for m in found]


MON_30_NOV = date(2026, 11, 30)

DEFAULT_LADDER = [
    # (today, expected milestones) for the default policy, due Mon 30 Nov 2026
    (date(2026, 11, 13), []),
    (date(2026, 11, 15), []),
    (date(2026, 11, 16), [(OW, "lead-10", date(2026, 11, 16))]),
    (date(2026, 11, 20), [(OW, "lead-10", date(2026, 11, 16))]),
    (date(2026, 11, 22), [(OW, "lead-10", date(2026, 11, 16))]),
    (date(2026, 11, 23), [(OW, "lead-5", date(2026, 11, 23))]),
    (date(2026, 11, 26), [(OW, "lead-5", date(2026, 11, 23))]),
    (date(2026, 11, 27), [(OW, "lead-1", date(2026, 11, 27))]),
    (date(2026, 11, 29), [(OW, "lead-1", date(2026, 11, 27))]),
    (date(2026, 11, 30), [(OW, "due", date(2026, 11, 30))]),
    (date(2026, 12, 1), [(OW, "overdue-1", date(2026, 12, 1)), (MG, "manager", date(2026, 12, 1))]),
    (date(2026, 12, 4), [(OW, "overdue-1", date(2026, 12, 1)), (MG, "manager", date(2026, 12, 1))]),
    (date(2026, 12, 6), [(OW, "overdue-1", date(2026, 12, 1)), (MG, "manager", date(2026, 12, 1))]),
    (
        date(2026, 12, 7),
        [
            (OW, "overdue-1", date(2026, 12, 1)),
            (MG, "manager", date(2026, 12, 1)),
            (ES, "escalation", date(2026, 12, 7)),
        ],
    ),
    (
        date(2026, 12, 8),
        [
            (OW, "overdue-2", date(2026, 12, 8)),
            (MG, "manager", date(2026, 12, 1)),
            (ES, "escalation", date(2026, 12, 7)),
        ],
    ),
    (
        date(2026, 12, 14),
        [
            (OW, "overdue-2", date(2026, 12, 8)),
            (MG, "manager", date(2026, 12, 1)),
            (ES, "escalation", date(2026, 12, 7)),
        ],
    ),
    (
        date(2026, 12, 15),
        [
            (OW, "overdue-3", date(2026, 12, 15)),
            (MG, "manager", date(2026, 12, 1)),
            (ES, "escalation", date(2026, 12, 7)),
        ],
    ),
    # Over Christmas: the 25th, the Saturday Boxing Day and its Monday substitute do not count.
    (
        date(2026, 12, 28),
        [
            (OW, "overdue-4", date(2026, 12, 22)),
            (MG, "manager", date(2026, 12, 1)),
            (ES, "escalation", date(2026, 12, 7)),
        ],
    ),
    (
        date(2026, 12, 30),
        [
            (OW, "overdue-4", date(2026, 12, 22)),
            (MG, "manager", date(2026, 12, 1)),
            (ES, "escalation", date(2026, 12, 7)),
        ],
    ),
    (
        date(2026, 12, 31),
        [
            (OW, "overdue-5", date(2026, 12, 31)),
            (MG, "manager", date(2026, 12, 1)),
            (ES, "escalation", date(2026, 12, 7)),
        ],
    ),
    (
        date(2027, 1, 1),
        [
            (OW, "overdue-5", date(2026, 12, 31)),
            (MG, "manager", date(2026, 12, 1)),
            (ES, "escalation", date(2026, 12, 7)),
        ],
    ),
    # Catch-up two months late: only the latest of each ladder (overdue-9), not overdue-1..9.
    (
        date(2027, 2, 1),
        [
            (OW, "overdue-9", date(2027, 1, 29)),
            (MG, "manager", date(2026, 12, 1)),
            (ES, "escalation", date(2026, 12, 7)),
        ],
    ),
]


@pytest.mark.parametrize(("today", "expected"), DEFAULT_LADDER, ids=[str(t) for t, _ in DEFAULT_LADDER])
def test_default_policy_ladder_for_an_item_due_on_monday_30_november_2026(today, expected):
    assert milestones(due_on=MON_30_NOV, today=today, policy=DEFAULT) == expected


WEEKENDS = [
    # due on a Saturday or Sunday: the "due" milestone is on the Friday, overdue from the Monday
    (date(2026, 11, 28), date(2026, 11, 12), []),
    (date(2026, 11, 28), date(2026, 11, 13), [(OW, "lead-10", date(2026, 11, 13))]),
    (date(2026, 11, 28), date(2026, 11, 20), [(OW, "lead-5", date(2026, 11, 20))]),
    (date(2026, 11, 28), date(2026, 11, 26), [(OW, "lead-1", date(2026, 11, 26))]),
    (date(2026, 11, 28), date(2026, 11, 27), [(OW, "due", date(2026, 11, 27))]),
    (date(2026, 11, 28), date(2026, 11, 28), [(OW, "due", date(2026, 11, 27))]),
    (date(2026, 11, 28), date(2026, 11, 29), [(OW, "due", date(2026, 11, 27))]),
    (
        date(2026, 11, 28),
        date(2026, 11, 30),
        [(OW, "overdue-1", date(2026, 11, 30)), (MG, "manager", date(2026, 11, 30))],
    ),
    (date(2026, 11, 29), date(2026, 11, 26), [(OW, "lead-1", date(2026, 11, 26))]),
    (date(2026, 11, 29), date(2026, 11, 27), [(OW, "due", date(2026, 11, 27))]),
    (date(2026, 11, 29), date(2026, 11, 29), [(OW, "due", date(2026, 11, 27))]),
    (
        date(2026, 11, 29),
        date(2026, 11, 30),
        [(OW, "overdue-1", date(2026, 11, 30)), (MG, "manager", date(2026, 11, 30))],
    ),
    # due on a Friday, looked at over the weekend after: still "due", not yet overdue
    (date(2026, 11, 27), date(2026, 11, 28), [(OW, "due", date(2026, 11, 27))]),
    (date(2026, 11, 27), date(2026, 11, 29), [(OW, "due", date(2026, 11, 27))]),
    (
        date(2026, 11, 27),
        date(2026, 11, 30),
        [(OW, "overdue-1", date(2026, 11, 30)), (MG, "manager", date(2026, 11, 30))],
    ),
]


@pytest.mark.parametrize(("due_on", "today", "expected"), WEEKENDS, ids=[f"due {d} on {t}" for d, t, _ in WEEKENDS])
def test_a_deadline_on_a_weekend_is_reminded_on_the_friday_before(due_on, today, expected):
    assert milestones(due_on=due_on, today=today, policy=DEFAULT) == expected


BANK_HOLIDAYS = [
    # Christmas 2026: Fri 25 Dec, Sat 26 Dec, and the Boxing Day substitute Mon 28 Dec
    (date(2026, 12, 25), date(2026, 12, 23), [(OW, "lead-1", date(2026, 12, 23))]),
    (date(2026, 12, 25), date(2026, 12, 24), [(OW, "due", date(2026, 12, 24))]),
    (date(2026, 12, 25), date(2026, 12, 28), [(OW, "due", date(2026, 12, 24))]),
    (
        date(2026, 12, 25),
        date(2026, 12, 29),
        [(OW, "overdue-1", date(2026, 12, 29)), (MG, "manager", date(2026, 12, 29))],
    ),
    (
        date(2026, 12, 25),
        date(2027, 1, 5),
        [
            (OW, "overdue-1", date(2026, 12, 29)),
            (MG, "manager", date(2026, 12, 29)),
            (ES, "escalation", date(2027, 1, 5)),
        ],
    ),
    (date(2026, 12, 28), date(2026, 12, 10), [(OW, "lead-10", date(2026, 12, 10))]),
    (date(2026, 12, 28), date(2026, 12, 17), [(OW, "lead-5", date(2026, 12, 17))]),
    (date(2026, 12, 28), date(2026, 12, 23), [(OW, "lead-1", date(2026, 12, 23))]),
    (date(2026, 12, 28), date(2026, 12, 24), [(OW, "due", date(2026, 12, 24))]),
    (date(2026, 12, 28), date(2026, 12, 28), [(OW, "due", date(2026, 12, 24))]),
    (
        date(2026, 12, 28),
        date(2026, 12, 29),
        [(OW, "overdue-1", date(2026, 12, 29)), (MG, "manager", date(2026, 12, 29))],
    ),
    (date(2026, 12, 29), date(2026, 12, 24), [(OW, "lead-1", date(2026, 12, 24))]),
    (date(2026, 12, 29), date(2026, 12, 28), [(OW, "lead-1", date(2026, 12, 24))]),
    (date(2026, 12, 29), date(2026, 12, 29), [(OW, "due", date(2026, 12, 29))]),
    (
        date(2026, 12, 29),
        date(2026, 12, 30),
        [(OW, "overdue-1", date(2026, 12, 30)), (MG, "manager", date(2026, 12, 30))],
    ),
    # New Year's Day 2027 (Fri 1 Jan)
    (date(2027, 1, 4), date(2026, 12, 31), [(OW, "lead-1", date(2026, 12, 31))]),
    # Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr
    (date(2026, 4, 7), date(2026, 3, 20), [(OW, "lead-10", date(2026, 3, 20))]),
    (date(2026, 4, 7), date(2026, 3, 27), [(OW, "lead-5", date(2026, 3, 27))]),
    (date(2026, 4, 7), date(2026, 4, 2), [(OW, "lead-1", date(2026, 4, 2))]),
    (date(2026, 4, 7), date(2026, 4, 6), [(OW, "lead-1", date(2026, 4, 2))]),
    (date(2026, 4, 7), date(2026, 4, 7), [(OW, "due", date(2026, 4, 7))]),
    (date(2026, 4, 3), date(2026, 4, 2), [(OW, "due", date(2026, 4, 2))]),
    (date(2026, 4, 6), date(2026, 4, 6), [(OW, "due", date(2026, 4, 2))]),
    (date(2026, 4, 6), date(2026, 4, 7), [(OW, "overdue-1", date(2026, 4, 7)), (MG, "manager", date(2026, 4, 7))]),
    (date(2026, 4, 2), date(2026, 4, 3), [(OW, "due", date(2026, 4, 2))]),
    (date(2026, 4, 2), date(2026, 4, 6), [(OW, "due", date(2026, 4, 2))]),
    (date(2026, 4, 2), date(2026, 4, 7), [(OW, "overdue-1", date(2026, 4, 7)), (MG, "manager", date(2026, 4, 7))]),
]


@pytest.mark.parametrize(
    ("due_on", "today", "expected"), BANK_HOLIDAYS, ids=[f"due {d} on {t}" for d, t, _ in BANK_HOLIDAYS]
)
def test_bank_holidays_are_skipped_both_before_and_after_the_due_date(due_on, today, expected):
    assert milestones(due_on=due_on, today=today, policy=DEFAULT) == expected


VARIATIONS = [
    # (policy name, policy, today, expected), all for an item due Mon 30 Nov 2026
    ("no leads", NO_LEADS, date(2026, 11, 16), []),
    ("no leads", NO_LEADS, date(2026, 11, 27), []),
    ("no leads", NO_LEADS, date(2026, 11, 30), []),
    (
        "no leads",
        NO_LEADS,
        date(2026, 12, 1),
        [(OW, "overdue-1", date(2026, 12, 1)), (MG, "manager", date(2026, 12, 1))],
    ),
    ("manager off", NO_MANAGER, date(2026, 12, 1), [(OW, "overdue-1", date(2026, 12, 1))]),
    (
        "manager off",
        NO_MANAGER,
        date(2026, 12, 7),
        [(OW, "overdue-1", date(2026, 12, 1)), (ES, "escalation", date(2026, 12, 7))],
    ),
    (
        "escalation off",
        NO_ESCALATION,
        date(2026, 12, 7),
        [(OW, "overdue-1", date(2026, 12, 1)), (MG, "manager", date(2026, 12, 1))],
    ),
    (
        "escalation off",
        NO_ESCALATION,
        date(2026, 12, 15),
        [(OW, "overdue-3", date(2026, 12, 15)), (MG, "manager", date(2026, 12, 1))],
    ),
    ("owner overdue off", NO_OWNER_OVERDUE, date(2026, 11, 30), [(OW, "due", date(2026, 11, 30))]),
    ("owner overdue off", NO_OWNER_OVERDUE, date(2026, 12, 1), [(MG, "manager", date(2026, 12, 1))]),
    (
        "owner overdue off",
        NO_OWNER_OVERDUE,
        date(2026, 12, 8),
        [(MG, "manager", date(2026, 12, 1)), (ES, "escalation", date(2026, 12, 7))],
    ),
    (
        "owner daily",
        DAILY_OWNER,
        date(2026, 12, 4),
        [(OW, "overdue-4", date(2026, 12, 4)), (MG, "manager", date(2026, 12, 1))],
    ),
    (
        "owner daily",
        DAILY_OWNER,
        date(2026, 12, 5),
        [(OW, "overdue-4", date(2026, 12, 4)), (MG, "manager", date(2026, 12, 1))],
    ),
    ("manager at 3", MANAGER_AT_3, date(2026, 12, 2), [(OW, "overdue-1", date(2026, 12, 1))]),
    (
        "manager at 3",
        MANAGER_AT_3,
        date(2026, 12, 3),
        [(OW, "overdue-1", date(2026, 12, 1)), (MG, "manager", date(2026, 12, 3))],
    ),
    ("acknowledgement 1, 0", ACKNOWLEDGEMENT, date(2026, 11, 16), []),
    ("acknowledgement 1, 0", ACKNOWLEDGEMENT, date(2026, 11, 26), []),
    ("acknowledgement 1, 0", ACKNOWLEDGEMENT, date(2026, 11, 27), [(OW, "lead-1", date(2026, 11, 27))]),
    ("acknowledgement 1, 0", ACKNOWLEDGEMENT, date(2026, 11, 30), [(OW, "due", date(2026, 11, 30))]),
    (
        "acknowledgement 1, 0",
        ACKNOWLEDGEMENT,
        date(2026, 12, 1),
        [(OW, "overdue-1", date(2026, 12, 1)), (MG, "manager", date(2026, 12, 1))],
    ),
]


@pytest.mark.parametrize(
    ("name", "policy_", "today", "expected"), VARIATIONS, ids=[f"{n} on {t}" for n, _, t, _ in VARIATIONS]
)
def test_policy_variations_change_which_ladders_fire(name, policy_, today, expected):
    assert milestones(due_on=MON_30_NOV, today=today, policy=policy_) == expected


def test_an_acknowledgement_logged_monday_2_march_2026_is_reminded_friday_then_monday():
    # Corporate Stage 1 received Mon 2 March 2026 is to be acknowledged by Mon 9 March.
    due = date(2026, 3, 9)
    got = {day: milestones(due_on=due, today=date(2026, 3, day), policy=ACKNOWLEDGEMENT) for day in range(2, 11)}
    assert got == {
        2: [],
        3: [],
        4: [],
        5: [],
        6: [(OW, "lead-1", date(2026, 3, 6))],
        7: [(OW, "lead-1", date(2026, 3, 6))],
        8: [(OW, "lead-1", date(2026, 3, 6))],
        9: [(OW, "due", date(2026, 3, 9))],
        10: [(OW, "overdue-1", date(2026, 3, 10)), (MG, "manager", date(2026, 3, 10))],
    }


DONE = [
    # done early, on the day, and late: nothing in force afterwards, whatever today is
    (date(2026, 11, 20), date(2026, 11, 23)),
    (date(2026, 11, 20), date(2026, 12, 15)),
    (date(2026, 11, 30), date(2026, 11, 30)),
    (date(2026, 12, 10), date(2026, 12, 10)),
    (date(2026, 12, 10), date(2027, 2, 1)),
]


@pytest.mark.parametrize(("done_on", "today"), DONE, ids=[f"done {d} seen {t}" for d, t in DONE])
def test_a_done_obligation_has_no_milestones(done_on, today):
    assert milestones(due_on=MON_30_NOV, done_on=done_on, today=today, policy=DEFAULT) == []


EXTENDED = [
    # due Mon 30 Nov, extended to Mon 14 Dec 2026: the ladder starts again from the new date
    (date(2026, 11, 30), date(2026, 11, 30), [(OW, "due", date(2026, 11, 30))]),
    (date(2026, 12, 14), date(2026, 11, 30), [(OW, "lead-10", date(2026, 11, 30))]),
    (date(2026, 12, 14), date(2026, 12, 7), [(OW, "lead-5", date(2026, 12, 7))]),
    (date(2026, 12, 14), date(2026, 12, 14), [(OW, "due", date(2026, 12, 14))]),
    (
        date(2026, 12, 14),
        date(2026, 12, 15),
        [(OW, "overdue-1", date(2026, 12, 15)), (MG, "manager", date(2026, 12, 15))],
    ),
]


@pytest.mark.parametrize(("due_on", "today", "expected"), EXTENDED, ids=[f"due {d} on {t}" for d, t, _ in EXTENDED])
def test_an_extended_due_date_moves_the_whole_ladder(due_on, today, expected):
    assert milestones(due_on=due_on, today=today, policy=DEFAULT) == expected


def test_catching_up_gives_one_milestone_per_ladder_not_every_missed_one():
    # A sweep that last ran on 13 Nov, then not until 15 Dec: only overdue-3 for the owner.
    got = milestones(due_on=MON_30_NOV, today=date(2026, 12, 15), policy=DEFAULT)
    keys = [key for _, key, _ in got]
    assert keys == ["overdue-3", "manager", "escalation"]
    assert not {"lead-10", "lead-5", "lead-1", "due", "overdue-1", "overdue-2"} & set(keys)


def test_at_most_one_milestone_per_ladder_on_every_day_of_a_year():
    day = date(2026, 11, 1)
    while day < date(2027, 11, 1):
        roles = [role for role, _, _ in milestones(due_on=MON_30_NOV, today=day, policy=DEFAULT)]
        assert len(roles) == len(set(roles)), day
        day = date.fromordinal(day.toordinal() + 1)


WORKING_DAYS_BEFORE = [
    (date(2026, 11, 30), 0, date(2026, 11, 30)),
    (date(2026, 11, 30), 1, date(2026, 11, 27)),
    (date(2026, 11, 30), 5, date(2026, 11, 23)),
    (date(2026, 11, 30), 10, date(2026, 11, 16)),
    (date(2026, 11, 28), 0, date(2026, 11, 27)),  # Saturday -> Friday
    (date(2026, 11, 29), 0, date(2026, 11, 27)),  # Sunday -> Friday
    (date(2026, 11, 29), 1, date(2026, 11, 26)),
    (date(2026, 12, 25), 0, date(2026, 12, 24)),  # Christmas Day
    (date(2026, 12, 28), 0, date(2026, 12, 24)),  # Boxing Day substitute
    (date(2026, 12, 28), 10, date(2026, 12, 10)),
    (date(2026, 12, 29), 1, date(2026, 12, 24)),
    (date(2027, 1, 4), 1, date(2026, 12, 31)),  # over New Year's Day
    (date(2026, 4, 7), 1, date(2026, 4, 2)),  # over Easter
    (date(2026, 4, 7), 3, date(2026, 3, 31)),
    (date(2026, 4, 6), 0, date(2026, 4, 2)),  # Easter Monday
]


@pytest.mark.parametrize(
    ("due", "n", "expected"), WORKING_DAYS_BEFORE, ids=[f"{n} before {d}" for d, n, _ in WORKING_DAYS_BEFORE]
)
def test_working_days_before_counts_back_over_weekends_and_bank_holidays(due, n, expected):
    assert working_days_before(due, n, ENGLAND) == expected


def test_working_days_before_refuses_a_negative_count():
    with pytest.raises(ValueError, match="negative"):
        working_days_before(date(2026, 11, 30), -1, ENGLAND)


def test_the_sweep_horizon_reaches_every_due_date_with_a_lead_milestone_today():
    # Fri 13 Nov 2026: lead-10 is in force for items due up to Sat/Sun 28-29 Nov (Friday 27's ladder).
    horizon = rules.lead_horizon(date(2026, 11, 13), [DEFAULT, ACKNOWLEDGEMENT], ENGLAND)
    assert horizon >= date(2026, 11, 29)
    for due in (date(2026, 11, 27), date(2026, 11, 28), date(2026, 11, 29)):
        assert milestones(due_on=due, today=date(2026, 11, 13), policy=DEFAULT) == [(OW, "lead-10", date(2026, 11, 13))]
        assert due <= horizon
    assert milestones(due_on=date(2026, 11, 30), today=date(2026, 11, 13), policy=DEFAULT) == []
