"""Writes for reports: the learning register and the LGSCO's published figures.

Keyword-only, atomic, refusing bad input with a `ValidationError` keyed by the form field. Each
learning service keeps the obligation register in step (`reminders.services.obligation_sync`,
kind LEARNING_ACTION), so the reminder sweep and the overdue views pick learning actions up
with no change of their own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from reminders.models import ObligationKind
from reminders.services import obligation_sync
from reports.models import LearningItem, LearningStatus, LgscoPublishedFigures


def sync_learning_obligation(item: LearningItem) -> None:
    """Make the obligation register match one learning item: due until done or dropped.

    A restricted complaint's or case's item is not described in lists and emails, only on its page."""
    source = item.complaint or item.ombudsman_case
    reference = source.reference if source else "Learning"
    restricted = item.is_restricted
    obligation_sync(
        key=f"learning:{item.pk}",
        kind=ObligationKind.LEARNING_ACTION,
        title=f"{reference}: "
        + ("a service improvement agreed" if restricted else f"service improvement: {item.improvement[:200]}"),
        url=reverse("reports:learning_detail", args=[item.pk]),
        due_on=item.due_on,
        done_on=item.completed_on or item.dropped_on,
        owner=item.owner,
        service_area=item.service_area,
        complaint=item.complaint,
        ombudsman_case=item.ombudsman_case,
        is_restricted=restricted,
    )


@transaction.atomic
def learning_add(
    *,
    by,
    today: dt.date,
    theme: str,
    improvement: str,
    service_area,
    owner,
    due_on: dt.date,
    complaint=None,
    ombudsman_case=None,
) -> LearningItem:
    """Record a service improvement agreed after a complaint or an Ombudsman decision (at least one)."""
    if complaint is None and ombudsman_case is None:
        raise ValidationError({"complaint_reference": "Enter the complaint or the LGSCO case the learning comes from"})
    if not (improvement or "").strip():
        raise ValidationError({"improvement": "Enter the service improvement agreed"})
    earliest = max(
        d for d in [getattr(complaint, "received_on", None), getattr(ombudsman_case, "received_on", None)] if d
    )
    if due_on < earliest:
        raise ValidationError(
            {"due_on": f"The due date cannot be before the complaint or case was received ({earliest:%-d %B %Y})"}
        )
    item = LearningItem(
        theme=theme,
        improvement=improvement.strip(),
        service_area=service_area,
        owner=owner,
        due_on=due_on,
        complaint=complaint,
        ombudsman_case=ombudsman_case,
        created_by=by,
    )
    item.full_clean(exclude=["created_by", "owner", "service_area", "complaint", "ombudsman_case"])
    item.save()
    sync_learning_obligation(item)
    return item


def _locked(item: LearningItem) -> LearningItem:
    return (
        LearningItem.objects.select_for_update(of=("self",))
        .select_related("complaint", "ombudsman_case", "owner", "service_area")
        .get(pk=item.pk)
    )


@transaction.atomic
def learning_complete(*, by, item: LearningItem, completed_on: dt.date, today: dt.date) -> LearningItem:
    """Record the improvement as done; its reminders stop (the obligation is done on that date)."""
    item = _locked(item)
    if item.status != LearningStatus.OPEN:
        raise ValidationError(
            {"completed_on": f"This service improvement is already {item.get_status_display().lower()}"}
        )
    if completed_on > today:
        raise ValidationError({"completed_on": "The date it was done must be today or in the past"})
    if completed_on < _source_received(item):
        raise ValidationError(
            {"completed_on": "The date it was done cannot be before the complaint or case was received"}
        )
    item.status = LearningStatus.DONE
    item.completed_on = completed_on
    item.save(update_fields=["status", "completed_on"])
    sync_learning_obligation(item)
    return item


@transaction.atomic
def learning_drop(*, by, item: LearningItem, dropped_on: dt.date, reason: str, today: dt.date) -> LearningItem:
    """Stop tracking an improvement that will not be made, with the reason; its reminders stop."""
    item = _locked(item)
    if item.status != LearningStatus.OPEN:
        raise ValidationError(
            {"dropped_on": f"This service improvement is already {item.get_status_display().lower()}"}
        )
    if dropped_on > today:
        raise ValidationError({"dropped_on": "The date must be today or in the past"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the improvement will not be made"})
    item.status = LearningStatus.DROPPED
    item.dropped_on = dropped_on
    item.dropped_reason = reason.strip()
    item.save(update_fields=["status", "dropped_on", "dropped_reason"])
    sync_learning_obligation(item)
    return item


def _source_received(item: LearningItem) -> dt.date:
    dates = [
        d
        for d in [getattr(item.complaint, "received_on", None), getattr(item.ombudsman_case, "received_on", None)]
        if d
    ]
    return max(dates) if dates else item.created_at.date()


PUBLISHED_FIELDS = [
    "decisions",
    "investigated",
    "upheld",
    "uphold_rate",
    "satisfactory_remedy_rate",
    "compliance_rate",
    "public_interest_reports",
    "source_url",
]


@transaction.atomic
def lgsco_figures_save(*, by, year_start: int, **figures) -> LgscoPublishedFigures:
    """Enter (or correct) the LGSCO's published figures for a year; the history keeps every version."""
    unknown = set(figures) - set(PUBLISHED_FIELDS)
    if unknown:
        raise ValueError(f"Unknown figures: {sorted(unknown)}")
    for name in ("uphold_rate", "satisfactory_remedy_rate", "compliance_rate"):
        value = figures.get(name)
        if value is not None and not (Decimal(0) <= Decimal(value) <= Decimal(100)):
            raise ValidationError({name: "Enter a percentage from 0 to 100"})
    if (
        figures.get("upheld") is not None
        and figures.get("decisions") is not None
        and figures["upheld"] > figures["decisions"]
    ):
        raise ValidationError({"upheld": "Upheld cannot be more than the number of decisions"})
    if (
        figures.get("upheld") is not None
        and figures.get("investigated") is not None
        and figures["upheld"] > figures["investigated"]
    ):
        raise ValidationError({"upheld": "Upheld cannot be more than the number investigated"})
    row = LgscoPublishedFigures.objects.select_for_update().filter(year_start=year_start).first()
    if row is None:
        row = LgscoPublishedFigures(year_start=year_start)
    for name in PUBLISHED_FIELDS:
        setattr(row, name, figures.get(name) if name != "source_url" else (figures.get("source_url") or "").strip())
    row.entered_by = by
    row.full_clean(exclude=["entered_by"])
    row.save()
    return row
