"""Retention: personal details of complaints and Ombudsman cases closed more than RETENTION_YEARS
ago are removed; dates, stages, outcomes, amounts, categories and service areas stay, so every
statistic stays correct. A legal hold stops it. DOMAIN.md §6 (most councils keep 6 years).

History is evidence and nobody edits it through the product or the admin; this job is the one
exception the retention policy requires: the same personal fields are blanked in the history
tables too, and the timeline records that it happened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from calendars.rules import add_calendar_months
from complaints.models import (
    Action,
    ClockStop,
    Complaint,
    ComplaintEvent,
    ComplaintPoint,
    ComplaintStage,
    ComplaintStatus,
    Document,
    EscalationRequest,
    Extension,
    Signposting,
)
from complaints.signals import complaints_changed
from ombudsman_cases.models import CaseEvent, Evidence, OmbudsmanCase, Payment
from ombudsman_cases.signals import cases_changed, obligations_changed
from reminders.models import Obligation

REMOVED = "[Removed under the retention policy]"
ANONYMISED_NAME = "Anonymised"
# Timeline kinds whose summary may carry free text typed by staff (reasons, descriptions).
FREE_TEXT_EVENTS = {
    "extended",
    "clock_stopped",
    "withdrawn",
    "reopened",
    "escalation_requested",
    "action_completed",
    "document",
    "committee",
    "evidence",
    "recommendation_extended",
    "opened",
}
COMPLAINT_PERSONAL = {
    "complainant_name": ANONYMISED_NAME,
    "complainant_email": "",
    "complainant_phone": "",
    "complainant_address": "",
    "affected_person_name": "",
    "affected_person_relationship": "",
    "representative_name": "",
    "representative_relationship": "",
    "representative_consent": "",
    "reasonable_adjustments": "",
    "summary": REMOVED,
    "outcome_wanted": "",
}


def cutoff(today: dt.date) -> dt.date:
    """Records closed before this date are due for anonymisation."""
    return add_calendar_months(today, -12 * settings.RETENTION_YEARS)


def due_complaints(*, today: dt.date):
    """Closed or withdrawn complaints past retention, not on hold, not anonymised, and not tied to an
    Ombudsman case that is still open or on hold."""
    held_case = OmbudsmanCase.objects.filter(complaints=OuterRef("pk")).filter(
        Q(legal_hold=True) | Q(closed_on__isnull=True) | Q(closed_on__gte=cutoff(today))
    )
    return (
        Complaint.objects.filter(
            status__in=[ComplaintStatus.CLOSED, ComplaintStatus.WITHDRAWN],
            closed_on__lt=cutoff(today),
            legal_hold=False,
            anonymised_on__isnull=True,
        )
        .exclude(Exists(held_case))
        .order_by("id")
    )


def due_cases(*, today: dt.date):
    return OmbudsmanCase.objects.filter(
        closed_on__lt=cutoff(today), legal_hold=False, anonymised_on__isnull=True
    ).order_by("id")


def _history(model):
    return model.history.model.objects


@transaction.atomic
def anonymise_complaint(complaint: Complaint, *, today: dt.date) -> None:
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.legal_hold or complaint.anonymised_on:
        return
    pk = complaint.pk
    Complaint.objects.filter(pk=pk).update(**COMPLAINT_PERSONAL, anonymised_on=today)
    _history(Complaint).filter(id=pk).update(**COMPLAINT_PERSONAL)
    ComplaintPoint.objects.filter(complaint_id=pk).update(text=REMOVED)
    stage_ids = list(ComplaintStage.objects.filter(complaint_id=pk).values_list("id", flat=True))
    ComplaintStage.objects.filter(id__in=stage_ids).update(response_summary="", payment_reason="")
    _history(ComplaintStage).filter(id__in=stage_ids).update(response_summary="", payment_reason="")
    for model, fields in (
        (Action, {"description": REMOVED}),
        (Extension, {"reason": REMOVED}),
        (ClockStop, {"reason": REMOVED}),
        (EscalationRequest, {"reasons": REMOVED, "late_reason_accepted": ""}),
        (Signposting, {"wording": REMOVED}),
    ):
        link = {"complaint_id": pk} if model in (Action, Signposting) else {"stage_id__in": stage_ids}
        ids = list(model.objects.filter(**link).values_list("id", flat=True))
        model.objects.filter(id__in=ids).update(**fields)
        _history(model).filter(id__in=ids).update(**fields)
    for document in Document.objects.filter(complaint_id=pk):
        document.file.delete(save=False)
        Document.objects.filter(pk=document.pk).update(original_name="removed", description=REMOVED, file="")
    for event in ComplaintEvent.objects.filter(complaint_id=pk, kind__in=FREE_TEXT_EVENTS):
        ComplaintEvent.objects.filter(pk=event.pk).update(
            summary=f"{event.kind.replace('_', ' ').capitalize()} (details removed)"
        )
    Obligation.objects.filter(complaint_id=pk, kind="complaint_action").update(title=f"{complaint.reference}: action")
    obligations_changed()
    complaints_changed()  # the names a short search matches (the list's kept counts)
    ComplaintEvent.objects.create(
        complaint_id=pk,
        actor=None,
        kind="anonymised",
        summary=f"Personal details removed under the {settings.RETENTION_YEARS}-year retention policy",
    )


@transaction.atomic
def anonymise_case(case: OmbudsmanCase, *, today: dt.date) -> None:
    case = OmbudsmanCase.objects.select_for_update().get(pk=case.pk)
    if case.legal_hold or case.anonymised_on:
        return
    OmbudsmanCase.objects.filter(pk=case.pk).update(summary=REMOVED, anonymised_on=today)
    cases_changed()  # the words a case search matches (the case list's kept counts)
    _history(OmbudsmanCase).filter(id=case.pk).update(summary=REMOVED)
    payment_ids = list(Payment.objects.filter(recommendation__case_id=case.pk).values_list("id", flat=True))
    Payment.objects.filter(id__in=payment_ids).update(proof=REMOVED)
    _history(Payment).filter(id__in=payment_ids).update(proof=REMOVED)
    for evidence in Evidence.objects.filter(recommendation__case_id=case.pk):
        evidence.file.delete(save=False)
        Evidence.objects.filter(pk=evidence.pk).update(original_name="removed", description=REMOVED, file="")
    for event in CaseEvent.objects.filter(case_id=case.pk, kind__in=FREE_TEXT_EVENTS):
        CaseEvent.objects.filter(pk=event.pk).update(
            summary=f"{event.kind.replace('_', ' ').capitalize()} (details removed)"
        )
    CaseEvent.objects.create(
        case_id=case.pk,
        actor=None,
        kind="anonymised",
        summary=f"Personal details removed under the {settings.RETENTION_YEARS}-year retention policy",
    )


@dataclass
class RetentionResult:
    complaints: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)


def apply_retention(*, today: dt.date, dry_run: bool = False) -> RetentionResult:
    """Anonymise everything due (or, with dry_run, only say what would be)."""
    result = RetentionResult()
    for complaint in due_complaints(today=today).iterator(chunk_size=500):
        result.complaints.append(complaint.reference)
        if not dry_run:
            anonymise_complaint(complaint, today=today)
    for case in due_cases(today=today).iterator(chunk_size=500):
        result.cases.append(case.reference)
        if not dry_run:
            anonymise_case(case, today=today)
    return result
