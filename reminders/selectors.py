"""Reads of the obligation register and reminders, scoped by the one access rule."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.access import AccessPath, visible_q
from reminders.models import Digest, Obligation, Reminder

OBLIGATION_ACCESS = AccessPath(
    service_area="service_area",
    restricted="is_restricted",
    named_users="ombudsman_case__named_users",
    assigned=("owner",),
)
COMPLAINT_OBLIGATION_ACCESS = AccessPath(
    service_area="service_area",
    restricted="is_restricted",
    named_users="complaint__named_users",
    assigned=("owner",),
)


def visible_obligations(user) -> QuerySet[Obligation]:
    """Obligations whose case or complaint the user may open: lists never show what the page hides."""
    return Obligation.objects.filter(
        visible_q(user, Obligation, OBLIGATION_ACCESS) | visible_q(user, Obligation, COMPLAINT_OBLIGATION_ACCESS)
    )


def items_for(user, *, today: dt.date) -> list[Obligation]:
    """Everything open that has been reminded to this person: the digest's list and their page's."""
    from complaints.selectors import annotate_due

    if user is None:
        return []
    reminded = Reminder.objects.filter(obligation=OuterRef("pk"), recipient=user)
    escalated_to_me = reminded.filter(milestone__in=["manager", "escalation"])
    rows = list(
        visible_obligations(user)
        .filter(done_on__isnull=True)
        # Mine while I own it (a reassigned item leaves the old owner's list), or escalated to me.
        .filter((Q(owner=user) & Exists(reminded)) | Exists(escalated_to_me))
        .select_related("service_area", "owner")
        .order_by("due_on", "id")
    )
    return annotate_due(rows, today=today, attr="due_on")


def delivery_log(*, status: str = "") -> QuerySet[Digest]:
    qs = Digest.objects.select_related("recipient").order_by("-day", "-id")
    return qs.filter(status=status) if status else qs
