"""Reads for the intake queue, scoped like every complaint list (`complaints.selectors`)."""

from __future__ import annotations

from django.db.models import F, QuerySet

from complaints.models import Complaint, ComplaintStatus
from complaints.selectors import visible_complaints
from intake.services import ONLINE_FORM_USERNAME


def intake_queue(user) -> QuerySet[Complaint]:
    """Open complaints sent online that nobody has picked up, in the service areas this user may
    see (admins: every area), the one to acknowledge first at the top."""
    return (
        visible_complaints(user)
        .filter(status=ComplaintStatus.OPEN, handler__username=ONLINE_FORM_USERNAME)
        .select_related("service_area", "procedure", "online_submission__topic")
        .order_by(F("next_due_date").asc(nulls_last=True), "id")
    )
