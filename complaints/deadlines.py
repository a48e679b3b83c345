"""Pure rules for complaint stage deadlines (DOMAIN.md §1 and §4.3).

These functions take dates, a stage rule (any object with the `StageRule` attributes, read but
never queried) and a set of non-working days, and return dates. No ORM, no clock, no settings.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, timedelta

from calendars.rules import WORKING_DAYS, add_period, add_working_days, working_days_between


@dataclass(frozen=True)
class StageDeadlines:
    acknowledge_due: date | None
    response_due: date
    response_due_is_provisional: bool
    panel_meeting_due: date | None
    panel_report_due: date | None


def stage_deadlines(
    rule,
    *,
    received_on: date,
    non_working: AbstractSet[date],
    acknowledged_on: date | None = None,
    panel_met_on: date | None = None,
    panel_report_on: date | None = None,
) -> StageDeadlines:
    """The deadlines a stage rule gives a stage received on `received_on`.

    - Acknowledge within N of receipt (Code 6.2; SI 2009/309 reg 13 for adults: 3 WD).
    - Respond within N of receipt, of acknowledgement (Code 6.3: "within 10 working days of the
      complaint being acknowledged") or of receiving a review panel's report (SI 2006/1738
      reg 20(3)). Until the start event has happened the response deadline is provisional,
      counted from that event's own deadline (the latest day it may happen).
    - Review panel meets within N WD of the request (reg 19(4)); its report is sent within
      N WD of the meeting (reg 20(2)).
    """
    acknowledge_due = (
        add_period(received_on, rule.acknowledge_within, rule.acknowledge_unit, non_working)
        if rule.acknowledge_within is not None
        else None
    )
    panel_meeting_due = (
        add_working_days(received_on, rule.panel_meeting_within, non_working)
        if rule.panel_meeting_within is not None
        else None
    )
    panel_report_due = None
    if rule.panel_report_within is not None:
        meeting = panel_met_on or panel_meeting_due or received_on
        panel_report_due = add_working_days(meeting, rule.panel_report_within, non_working)

    if rule.respond_from == "acknowledgement":
        start, provisional = (acknowledged_on, False) if acknowledged_on else (acknowledge_due, True)
    elif rule.respond_from == "panel_report":
        start, provisional = (panel_report_on, False) if panel_report_on else (panel_report_due or received_on, True)
    else:
        start, provisional = received_on, False
    response_due = add_period(start, rule.respond_within, rule.respond_unit, non_working)
    return StageDeadlines(
        acknowledge_due=acknowledge_due,
        response_due=response_due,
        response_due_is_provisional=provisional,
        panel_meeting_due=panel_meeting_due,
        panel_report_due=panel_report_due,
    )


def extension_cap(rule, *, original_response_due: date, non_working: AbstractSet[date]) -> date:
    """The latest response date a caseworker may set without a manager.

    The rule's longest extension counts from the original response deadline (Code 6.4: "no
    more than 10 working days"; children's Stage 2: 25 WD extendable to 65 WD from the start,
    i.e. 40 WD more, reg 17(6))."""
    return add_period(original_response_due, rule.max_extension, rule.max_extension_unit, non_working)


def escalation_deadline(rule, *, responded_on: date, non_working: AbstractSet[date]) -> date | None:
    """The last day the complainant may ask for the next stage, or None if the rule sets no window."""
    if rule.escalation_window is None:
        return None
    return add_period(responded_on, rule.escalation_window, rule.escalation_window_unit, non_working)


def shift_for_clock_stop(
    due: date, *, stopped_on: date, restarted_on: date, unit: str, non_working: AbstractSet[date]
) -> date:
    """The deadline after a clock stop: it moves by the time the clock did not run.

    The clock stops at the start of `stopped_on` and runs again from `restarted_on`, so the
    days from `stopped_on` up to the day before `restarted_on` do not count. For working-day
    clocks the working days in that span are added; for calendar clocks, the calendar days.
    """
    if restarted_on <= stopped_on:
        return due
    if unit == WORKING_DAYS:
        # Working days in [stopped_on, restarted_on): those after the day before stopped_on,
        # up to and including the day before restarted_on.
        lost = working_days_between(stopped_on - timedelta(days=1), restarted_on - timedelta(days=1), non_working)
        return add_working_days(due, lost, non_working) if lost else due
    return add_period(due, (restarted_on - stopped_on).days, "calendar_days", non_working)


def days_left(due: date, *, today: date, non_working: AbstractSet[date]) -> int:
    """Working days from today to the due date: positive before it, 0 on it, negative once overdue.

    A deadline that passed is at least one day overdue even when today is a weekend or bank
    holiday (a Friday deadline seen on Saturday is overdue, not "due today")."""
    n = working_days_between(today, due, non_working)
    return min(n, -1) if due < today else n


def is_within_window(requested_on: date, window_ends: date | None) -> bool:
    """A request on the last day of the window is in time; with no window every request is."""
    return window_ends is None or requested_on <= window_ends
