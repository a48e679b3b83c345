"""Pure date rules for LGSCO cases (DOMAIN.md §2.4, §3, §4.3). No ORM, no clock, no settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from calendars.rules import add_calendar_months, add_working_days, end_of_months_beginning_with

WEEK = dt.timedelta(weeks=1)


def recommendation_due(
    *,
    basis: str,
    final_decision_on: dt.date | None,
    within: int | None = None,
    explicit_on: dt.date | None = None,
    non_working: AbstractSet[dt.date] = frozenset(),
) -> dt.date:
    """A recommendation's due date from its basis (DOMAIN.md §2.4, §4.3(1) and (3)).

    - "months": within N calendar months of the final decision: the corresponding date of the
      later month, or that month's last day when it has no such date (4 Feb + 1 = 4 Mar;
      31 Jan + 1 = 28 Feb).
    - "working_days": within N working days of the final decision (the decision day is day 0).
    - "explicit": the date the decision letter gives.
    """
    if basis == "explicit":
        if explicit_on is None:
            raise ValueError("An explicit due date is needed.")
        return explicit_on
    if final_decision_on is None or within is None:
        raise ValueError("The final decision date and N are needed.")
    if basis == "months":
        return add_calendar_months(final_decision_on, within)
    if basis == "working_days":
        return add_working_days(final_decision_on, within, non_working)
    raise ValueError(f"Unknown basis {basis!r}.")


@dataclass(frozen=True)
class ReportDeadlines:
    notice_due: dt.date | None
    inspection_start_latest: dt.date | None
    inspection_ends_on: dt.date | None
    response_due: dt.date


def report_deadlines(
    rule,
    *,
    received_on: dt.date,
    notice_published_on: dt.date | None = None,
    inspection_starts_on: dt.date | None = None,
    non_publication_direction: bool = False,
) -> ReportDeadlines:
    """The statutory clocks of a public interest report, all from the date it was RECEIVED (§3).

    - s30(5): public notice not later than N weeks after receipt (N is the rule's setting:
      2 weeks in the current Act, 1 in the enacted text), stating when inspection begins: no
      more than 1 week after the notice is first given.
    - s30(4): copies available for inspection for 3 weeks: the period beginning with its first
      day, so it ends the day before the same weekday 3 weeks later.
    - s31(2): notify the Ombudsman within 3 months beginning with the date of receipt (§4.3(4)).
    - s30(7): a non-publication direction removes the notice and inspection duties.
    Statutory periods are not moved off weekends or bank holidays.
    """
    response_due = end_of_months_beginning_with(received_on, rule.response_within_months)
    if non_publication_direction:
        return ReportDeadlines(None, None, None, response_due)
    notice_due = received_on + rule.notice_within_weeks * WEEK
    start_latest = (notice_published_on + rule.inspection_start_within_weeks * WEEK) if notice_published_on else None
    ends = (
        (inspection_starts_on + rule.inspection_weeks * WEEK - dt.timedelta(days=1)) if inspection_starts_on else None
    )
    return ReportDeadlines(notice_due, start_latest, ends, response_due)


def case_status(case) -> str:
    """The case's status from the steps recorded on it (DOMAIN.md §2.1), latest step first."""
    if case.closed_on:
        return "closed"
    if case.final_decision_on:
        return "compliance" if getattr(case, "has_open_recommendations", False) else "final_decision"
    if case.draft_decision_received_on:
        return "draft_decision"
    if case.enquiry_received_on:
        return "enquiries"
    return "assessment"


def is_late(*, completed_on: dt.date, due_on: dt.date) -> bool:
    """Completed after the due date in force (after any agreed extension). Done on the day is on time."""
    return completed_on > due_on
