"""Writes to the obligation register. Called by the domain services inside their transactions."""

from __future__ import annotations

import datetime as dt

from reminders.models import Obligation


def obligation_sync(
    *,
    key: str,
    kind: str,
    title: str,
    url: str,
    due_on: dt.date | None,
    done_on: dt.date | None,
    owner,
    service_area,
    ombudsman_case=None,
    is_restricted: bool = False,
) -> Obligation | None:
    """Make the register match one obligation: created, updated, or removed when it has no due date."""
    if due_on is None:
        Obligation.objects.filter(source_key=key).delete()
        return None
    obligation, _ = Obligation.objects.update_or_create(
        source_key=key,
        defaults={
            "kind": kind,
            "title": title[:300],
            "url": url,
            "due_on": due_on,
            "done_on": done_on,
            "owner": owner,
            "service_area": service_area,
            "ombudsman_case": ombudsman_case,
            "is_restricted": is_restricted,
        },
    )
    return obligation
