"""Pure rules: which reminder milestones are in force for an obligation on a day (issue 5).

No ORM, no clock, no settings. A policy is any object with `leads`, `remind_owner_when_overdue`,
`owner_overdue_every`, `manager_after_overdue_days` and `escalate_after_overdue_days`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from calendars.rules import (
    add_working_days,
    previous_working_day_on_or_before,
    working_days_before,
    working_days_between,
)

OWNER, MANAGER, ESCALATION = "owner", "manager", "escalation"


@dataclass(frozen=True)
class Milestone:
    role: str
    key: str
    fires_on: dt.date


def overdue_day(due_on: dt.date, n: int, non_working: AbstractSet[dt.date]) -> dt.date:
    """The Nth overdue working day: N working days after the last working day on or before the due date."""
    return add_working_days(previous_working_day_on_or_before(due_on, non_working), n, non_working)


def working_days_overdue(due_on: dt.date, today: dt.date, non_working: AbstractSet[dt.date]) -> int:
    """How many working days have passed since the due date (0 on it, and on a weekend straight after)."""
    return max(0, working_days_between(previous_working_day_on_or_before(due_on, non_working), today, non_working))


def current_milestones(
    *, due_on: dt.date, done_on: dt.date | None, today: dt.date, policy, non_working: AbstractSet[dt.date]
) -> list[Milestone]:
    """The milestones in force today for one obligation: at most one per ladder.

    - Before and on the due date, the owner's lead ladder: the latest of "N working days
      before" (a due date on a non-working day counts from the working day before it).
    - Once overdue: the owner every `owner_overdue_every` working days from the first overdue
      working day; the owner's manager once, at `manager_after_overdue_days`; the escalation
      once, at `escalate_after_overdue_days`.
    - Nothing once the obligation is done.

    A sweep that missed days catches up with the latest milestone of each ladder only, so a
    person gets today's reminder, not every one they missed. Reminders are unique per
    (recipient, obligation, milestone), so running this again adds nothing.
    """
    if done_on is not None:
        return []
    milestones: list[Milestone] = []
    overdue = working_days_overdue(due_on, today, non_working)
    if today <= due_on or overdue == 0:
        passed = [(n, working_days_before(due_on, n, non_working)) for n in policy.leads]
        passed = [(n, day) for n, day in passed if day <= today]
        if passed:
            n, day = min(passed, key=lambda pair: pair[0])
            milestones.append(Milestone(OWNER, "due" if n == 0 else f"lead-{n}", day))
        return milestones
    if policy.remind_owner_when_overdue:
        k = (overdue - 1) // policy.owner_overdue_every
        milestones.append(
            Milestone(OWNER, f"overdue-{k + 1}", overdue_day(due_on, 1 + k * policy.owner_overdue_every, non_working))
        )
    manager_after = policy.manager_after_overdue_days
    if manager_after is not None and overdue >= manager_after:
        milestones.append(Milestone(MANAGER, "manager", overdue_day(due_on, manager_after, non_working)))
    escalate_after = policy.escalate_after_overdue_days
    if escalate_after is not None and overdue >= escalate_after:
        milestones.append(Milestone(ESCALATION, "escalation", overdue_day(due_on, escalate_after, non_working)))
    return milestones


def lead_horizon(today: dt.date, policies, non_working: AbstractSet[dt.date]) -> dt.date:
    """The latest due date that can have a lead milestone in force today (for the sweep's filter)."""
    longest = max((max(p.leads, default=0) for p in policies), default=0)
    return add_working_days(today, longest + 1, non_working)
