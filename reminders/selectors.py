"""Reads of the obligation register, scoped by the one access rule."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.access import AccessPath, visible_q
from reminders.models import Obligation

OBLIGATION_ACCESS = AccessPath(
    service_area="service_area",
    restricted="is_restricted",
    named_users="ombudsman_case__named_users",
    assigned=("owner",),
)


def visible_obligations(user) -> QuerySet[Obligation]:
    """Obligations whose case the user may open: the overdue view never lists what it cannot show."""
    return Obligation.objects.filter(visible_q(user, Obligation, OBLIGATION_ACCESS))
