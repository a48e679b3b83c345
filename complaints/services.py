"""Writes: the only code that changes a complaint's status, deadlines or stages.

Every service is keyword-only and atomic, checks the workflow table, refuses bad input with a
`ValidationError` keyed by the form field it concerns (nothing is saved), and records who did
what, when and what changed in the complaint's timeline (`ComplaintEvent`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.access import is_manager
from calendars.selectors import non_working_days_around
from complaints import deadlines, workflow
from complaints.documents import check_upload
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
    PointOutcome,
    Procedure,
    ReferenceCounter,
    Signposting,
    SignpostReason,
    StageRule,
    StageStatus,
)
from complaints.selectors import rule_in_force, suspension_on
from reminders.models import ObligationKind
from reminders.services import obligation_sync


class StaleEdit(Exception):
    """Someone else changed the stage after this form was opened."""

    def __init__(self, stage: ComplaintStage, changes: list[ComplaintEvent]):
        self.stage = stage
        self.changes = changes
        names = ", ".join(f"{e.summary} ({e.actor})" for e in changes) or "the stage was changed"
        super().__init__(f"Someone else changed this stage while you were editing it: {names}.")


@dataclass(frozen=True)
class SignpostingDetails:
    told_on: dt.date
    method: str
    wording: str


def _non_working(procedure: Procedure, day: dt.date) -> frozenset[dt.date]:
    return non_working_days_around(calendar=procedure.calendar, day=day)


def _iso(value):
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    return value


def _record(complaint: Complaint, *, by, kind: str, summary: str, stage_number=None, changes=None) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        stage_number=stage_number,
        actor=by,
        kind=kind,
        summary=summary[:300],
        changes={k: [_iso(old), _iso(new)] for k, (old, new) in (changes or {}).items()},
    )


def changes_since(stage: ComplaintStage, version: int) -> list[ComplaintEvent]:
    """The timeline entries of this stage recorded after the version a user saw (newest first)."""
    return list(
        ComplaintEvent.objects.filter(complaint_id=stage.complaint_id, stage_number=stage.number)
        .select_related("actor")
        .order_by("-at", "-id")[: max(1, stage.version - version)]
    )


def _lock_stage(stage: ComplaintStage, expected_version: int | None) -> ComplaintStage:
    """Re-read the stage under a row lock; refuse if it changed since the form was opened."""
    locked = (
        ComplaintStage.objects.select_for_update()
        .select_related("complaint__procedure__calendar", "rule", "handler")
        .get(pk=stage.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        since = changes_since(locked, expected_version)
        raise StaleEdit(locked, since)
    return locked


def _save_stage(stage: ComplaintStage, fields: list[str]) -> None:
    stage.version += 1
    stage.save(update_fields=[*fields, "version"])


def _refresh_next_due(complaint: Complaint, stage: ComplaintStage) -> None:
    """Keep the complaint's "next deadline" columns in step with its current stage."""
    due, label = None, ""
    if stage.status == StageStatus.AWAITING_ACKNOWLEDGEMENT and stage.acknowledge_due:
        due, label = stage.acknowledge_due, "Acknowledge by"
    elif stage.status == StageStatus.IN_PROGRESS:
        if stage.panel_meeting_due and not stage.panel_met_on:
            due, label = stage.panel_meeting_due, "Review panel to meet by"
        elif stage.panel_report_due and stage.panel_met_on and not stage.panel_report_on:
            due, label = stage.panel_report_due, "Panel report due by"
        else:
            due, label = stage.agreed_response_on or stage.response_due, "Respond by"
    elif stage.status == StageStatus.AWAITING_ACKNOWLEDGEMENT:
        due, label = stage.response_due, "Respond by"
    elif stage.status == StageStatus.RESPONDED and stage.escalation_deadline:
        due, label = stage.escalation_deadline, "Close if not escalated by"
    elif stage.status == StageStatus.RESPONDED:
        # No window (e.g. the final stage): the next step is to close and signpost, now.
        due, label = stage.responded_on, "Close and signpost to the Ombudsman"
    complaint.next_due_date = due
    complaint.next_due_label = label
    complaint.handler_id = stage.handler_id
    complaint.current_stage_number = stage.number
    complaint.save(update_fields=["next_due_date", "next_due_label", "handler", "current_stage_number", "updated_at"])
    sync_stage_obligations(stage)


def sync_stage_obligations(stage: ComplaintStage) -> None:
    """Keep the obligation register (for reminders) in step with a stage's acknowledgement and response.

    A stage that ended without the step being done (escalated, closed, withdrawn) takes the end
    date as done, so reminders stop."""
    complaint = stage.complaint
    url = reverse("complaints:detail", args=[complaint.pk])
    common = {"service_area": complaint.service_area, "complaint": complaint, "is_restricted": complaint.is_restricted}
    ended = None if stage.is_open else (stage.closed_on or stage.responded_on or stage.received_on)
    obligation_sync(
        key=f"complaint-ack:{stage.pk}",
        kind=ObligationKind.COMPLAINT_ACKNOWLEDGEMENT,
        title=f"{complaint.reference}: acknowledge Stage {stage.number}",
        url=url,
        due_on=stage.acknowledge_due,
        done_on=stage.acknowledged_on or ended,
        owner=stage.handler,
        **common,
    )
    obligation_sync(
        key=f"complaint-response:{stage.pk}",
        kind=ObligationKind.COMPLAINT_RESPONSE,
        title=f"{complaint.reference}: respond at Stage {stage.number}",
        url=url,
        due_on=stage.agreed_response_on or stage.response_due,
        done_on=stage.responded_on or ended,
        owner=stage.handler,
        **common,
    )


def sync_action_obligation(action: Action) -> None:
    complaint = action.complaint
    obligation_sync(
        key=f"complaint-action:{action.pk}",
        kind=ObligationKind.COMPLAINT_ACTION,
        # A restricted complaint's action is not described in lists and emails, only on its page.
        title=f"{complaint.reference}: "
        + ("an action promised in the response" if complaint.is_restricted else action.description[:200]),
        url=reverse("complaints:detail", args=[complaint.pk]),
        due_on=action.due_on,
        done_on=action.completed_on,
        owner=action.owner,
        service_area=complaint.service_area,
        complaint=complaint,
        is_restricted=complaint.is_restricted,
    )


def _next_reference(year: int) -> str:
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"CMP-{year}-{counter.last_number:05d}"


def _open_stage(
    complaint: Complaint, *, number: int, received_on: dt.date, handler, rule: StageRule, by
) -> ComplaintStage:
    non_working = _non_working(complaint.procedure, received_on)
    due = deadlines.stage_deadlines(rule, received_on=received_on, non_working=non_working)
    stage = ComplaintStage.objects.create(
        complaint=complaint,
        number=number,
        rule=rule,
        status=StageStatus.AWAITING_ACKNOWLEDGEMENT if due.acknowledge_due else StageStatus.IN_PROGRESS,
        handler=handler,
        received_on=received_on,
        acknowledge_due=due.acknowledge_due,
        response_due=due.response_due,
        original_response_due=due.response_due,
        response_due_is_provisional=due.response_due_is_provisional,
        panel_meeting_due=due.panel_meeting_due,
        panel_report_due=due.panel_report_due,
    )
    _record(
        complaint,
        by=by,
        kind="stage_opened",
        stage_number=number,
        summary=f"Stage {number} opened; deadlines from rule version {rule.version} "
        f"(in force from {rule.effective_from:%d %B %Y})",
        changes={
            "acknowledge_due": (None, due.acknowledge_due),
            "response_due": (None, due.response_due),
            "panel_meeting_due": (None, due.panel_meeting_due),
        },
    )
    if complaint.is_restricted:
        complaint.named_users.add(handler)
    return stage


def _rule_or_error(procedure: Procedure, number: int, on: dt.date, field: str) -> StageRule:
    rule = rule_in_force(procedure=procedure, number=number, on=on)
    if rule is None:
        raise ValidationError(
            {field: f"{procedure.name} has no Stage {number} rule in force on {on:%d %B %Y}. Ask a complaints admin."}
        )
    return rule


@transaction.atomic
def complaint_register(
    *,
    by,
    today: dt.date,
    procedure: Procedure,
    service_area,
    channel: str,
    received_on: dt.date,
    complainant_name: str,
    summary: str,
    handler,
    points: list[str] | None = None,
    submission_token=None,
    named_users=(),
    **details,
) -> Complaint:
    """Log a complaint, issue its reference and open Stage 1 with deadlines from the rule in force."""
    if received_on > today:
        raise ValidationError({"received_on": "The date received must be today or in the past"})
    if submission_token is not None:
        existing = Complaint.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            return existing
    rule = _rule_or_error(procedure, 1, received_on, "procedure")
    complaint = Complaint(
        reference=_next_reference(received_on.year),
        submission_token=submission_token,
        procedure=procedure,
        service_area=service_area,
        channel=channel,
        received_on=received_on,
        complainant_name=complainant_name,
        summary=summary,
        handler=handler,
        created_by=by,
        **details,
    )
    complaint.full_clean(exclude=["reference", "handler", "created_by"])
    try:
        with transaction.atomic():
            complaint.save()
    except IntegrityError:
        # The same form submitted twice at the same moment: the first one won.
        existing = Complaint.objects.filter(submission_token=submission_token).first()
        if existing is None:
            raise
        return existing
    for number, text in enumerate([p for p in (points or [summary]) if p.strip()], start=1):
        ComplaintPoint.objects.create(complaint=complaint, number=number, text=text.strip())
    if complaint.is_restricted:
        complaint.named_users.add(by, handler, *named_users)
    _record(complaint, by=by, kind="logged", summary=f"Complaint logged ({complaint.get_channel_display()})")
    stage = _open_stage(complaint, number=1, received_on=received_on, handler=handler, rule=rule, by=by)
    _refresh_next_due(complaint, stage)
    return complaint


@transaction.atomic
def stage_acknowledge(
    *,
    by,
    stage: ComplaintStage,
    acknowledged_on: dt.date,
    today: dt.date,
    agreed_response_on: dt.date | None = None,
    expected_version: int | None = None,
) -> ComplaintStage:
    """Record the acknowledgement; a response clock counted from it is fixed from that date."""
    stage = _lock_stage(stage, expected_version)
    status = workflow.next_status("acknowledge", stage.status)
    if acknowledged_on < stage.received_on:
        raise ValidationError(
            {
                "acknowledged_on": f"The acknowledgement date must be on or after the date received ({stage.received_on:%d %B %Y})"
            }
        )
    if acknowledged_on > today:
        raise ValidationError({"acknowledged_on": "The acknowledgement date must be today or in the past"})
    rule = stage.rule
    changes = {"status": (stage.status, status), "acknowledged_on": (None, acknowledged_on)}
    if rule.respond_from == "acknowledgement":
        # The clock now runs from the real acknowledgement; an extension already granted stands.
        stage.response_due_is_provisional = False
        if not stage.extensions.exists():
            non_working = _non_working(stage.complaint.procedure, stage.received_on)
            due = deadlines.stage_deadlines(
                rule, received_on=stage.received_on, acknowledged_on=acknowledged_on, non_working=non_working
            )
            changes["response_due"] = (stage.response_due, due.response_due)
            stage.response_due = stage.original_response_due = due.response_due
    if rule.response_date_agreed:
        if agreed_response_on is None:
            raise ValidationError({"agreed_response_on": "Enter the response date agreed with the complainant"})
        if agreed_response_on < acknowledged_on:
            raise ValidationError({"agreed_response_on": "The agreed response date must be after the acknowledgement"})
        if agreed_response_on > stage.response_due:
            raise ValidationError(
                {
                    "agreed_response_on": f"The agreed date must be no later than the outer limit, {stage.response_due:%d %B %Y}; "
                    "record an extension for a longer period"
                }
            )
        changes["agreed_response_on"] = (None, agreed_response_on)
        stage.agreed_response_on = agreed_response_on
    stage.acknowledged_on = acknowledged_on
    stage.status = status
    _save_stage(
        stage,
        [
            "acknowledged_on",
            "status",
            "response_due",
            "original_response_due",
            "response_due_is_provisional",
            "agreed_response_on",
        ],
    )
    _record(
        stage.complaint,
        by=by,
        kind="acknowledged",
        stage_number=stage.number,
        summary=f"Stage {stage.number} acknowledged on {acknowledged_on:%d %B %Y}",
        changes=changes,
    )
    _refresh_next_due(stage.complaint, stage)
    return stage


@transaction.atomic
def stage_extend(
    *,
    by,
    stage: ComplaintStage,
    new_due: dt.date,
    reason: str,
    complainant_told_on: dt.date,
    today: dt.date,
    expected_version: int | None = None,
) -> Extension:
    """Extend the response deadline; beyond the rule's cap only a manager may, with a reason."""
    stage = _lock_stage(stage, expected_version)
    workflow.next_status("extend", stage.status)
    current = stage.agreed_response_on or stage.response_due
    if new_due <= current:
        raise ValidationError({"new_due": f"The new date must be after the current deadline, {current:%d %B %Y}"})
    if complainant_told_on > today:
        raise ValidationError({"complainant_told_on": "The date the complainant was told must be today or in the past"})
    if complainant_told_on < stage.received_on:
        raise ValidationError(
            {"complainant_told_on": "The date the complainant was told must be after the stage began"}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the extension"})
    non_working = _non_working(stage.complaint.procedure, stage.received_on)
    cap = deadlines.extension_cap(
        stage.rule, original_response_due=stage.original_response_due, non_working=non_working
    )
    beyond_cap = new_due > cap
    if beyond_cap and not is_manager(by):
        raise ValidationError(
            {
                "new_due": f"The rule allows an extension to {cap:%d %B %Y} at most. Only a manager can extend beyond that"
            }
        )
    extension = Extension.objects.create(
        stage=stage,
        previous_due=current,
        new_due=new_due,
        reason=reason.strip(),
        complainant_told_on=complainant_told_on,
        beyond_cap=beyond_cap,
        approved_by=by,
    )
    stage.response_due = max(new_due, stage.response_due)
    if stage.agreed_response_on:
        stage.agreed_response_on = new_due
    _save_stage(stage, ["response_due", "agreed_response_on"])
    _record(
        stage.complaint,
        by=by,
        kind="extended",
        stage_number=stage.number,
        summary=f"Response deadline extended to {new_due:%d %B %Y}"
        + (" (beyond the rule's limit, manager approved)" if beyond_cap else "")
        + f": {reason.strip()}",
        changes={"response_due": (current, new_due)},
    )
    _refresh_next_due(stage.complaint, stage)
    return extension


@transaction.atomic
def clock_stop(
    *, by, stage: ComplaintStage, stopped_on: dt.date, reason: str, today: dt.date, expected_version: int | None = None
) -> ClockStop:
    stage = _lock_stage(stage, expected_version)
    workflow.next_status("stop_clock", stage.status)
    if not stage.rule.clock_stop_allowed:
        raise ValidationError({"stopped_on": "This stage's rule does not allow the clock to be stopped"})
    if stage.clock_stops.filter(restarted_on__isnull=True).exists():
        raise ValidationError({"stopped_on": "The clock is already stopped"})
    if not (stage.received_on <= stopped_on <= today):
        raise ValidationError({"stopped_on": "The date must be between the date received and today"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the clock is stopped"})
    stop = ClockStop.objects.create(stage=stage, stopped_on=stopped_on, reason=reason.strip(), created_by=by)
    _save_stage(stage, [])
    _record(
        stage.complaint,
        by=by,
        kind="clock_stopped",
        stage_number=stage.number,
        summary=f"Clock stopped from {stopped_on:%d %B %Y}: {reason.strip()}",
    )
    return stop


@transaction.atomic
def clock_restart(
    *, by, stage: ComplaintStage, restarted_on: dt.date, today: dt.date, expected_version: int | None = None
) -> ComplaintStage:
    """Restart a stopped clock; the response deadline moves by the time it was stopped."""
    stage = _lock_stage(stage, expected_version)
    workflow.next_status("restart_clock", stage.status)
    stop = stage.clock_stops.filter(restarted_on__isnull=True).first()
    if stop is None:
        raise ValidationError({"restarted_on": "The clock is not stopped"})
    if not (stop.stopped_on <= restarted_on <= today):
        raise ValidationError({"restarted_on": f"The date must be between {stop.stopped_on:%d %B %Y} and today"})
    non_working = _non_working(stage.complaint.procedure, stage.received_on)
    old = stage.response_due
    new = deadlines.shift_for_clock_stop(
        old,
        stopped_on=stop.stopped_on,
        restarted_on=restarted_on,
        unit=stage.rule.respond_unit,
        non_working=non_working,
    )
    stop.restarted_on = restarted_on
    stop.save(update_fields=["restarted_on"])
    stage.response_due = new
    # A clock stop is not an extension: the extension allowance counts from the shifted deadline.
    stage.original_response_due = deadlines.shift_for_clock_stop(
        stage.original_response_due,
        stopped_on=stop.stopped_on,
        restarted_on=restarted_on,
        unit=stage.rule.respond_unit,
        non_working=non_working,
    )
    if stage.agreed_response_on:
        stage.agreed_response_on = deadlines.shift_for_clock_stop(
            stage.agreed_response_on,
            stopped_on=stop.stopped_on,
            restarted_on=restarted_on,
            unit=stage.rule.respond_unit,
            non_working=non_working,
        )
    _save_stage(stage, ["response_due", "original_response_due", "agreed_response_on"])
    _record(
        stage.complaint,
        by=by,
        kind="clock_restarted",
        stage_number=stage.number,
        summary=f"Clock restarted on {restarted_on:%d %B %Y}; response deadline moved by the time stopped",
        changes={"response_due": (old, new)},
    )
    _refresh_next_due(stage.complaint, stage)
    return stage


@transaction.atomic
def stage_record_panel(
    *,
    by,
    stage: ComplaintStage,
    today: dt.date,
    panel_met_on: dt.date | None = None,
    panel_report_on: dt.date | None = None,
    expected_version: int | None = None,
) -> ComplaintStage:
    """Record the review panel's meeting and report (children's Stage 3, SI 2006/1738 regs 19-20)."""
    stage = _lock_stage(stage, expected_version)
    workflow.next_status("record_panel", stage.status)
    if stage.rule.panel_meeting_within is None:
        raise ValidationError({"panel_met_on": "This stage has no review panel"})
    for field, value in (("panel_met_on", panel_met_on), ("panel_report_on", panel_report_on)):
        if value and not (stage.received_on <= value <= today):
            raise ValidationError({field: "The date must be between the date of the request and today"})
    if panel_met_on and panel_report_on and panel_report_on < panel_met_on:
        raise ValidationError({"panel_report_on": "The report cannot come before the meeting"})
    non_working = _non_working(stage.complaint.procedure, stage.received_on)
    changes = {}
    if panel_met_on:
        changes["panel_met_on"] = (stage.panel_met_on, panel_met_on)
        stage.panel_met_on = panel_met_on
    if panel_report_on:
        changes["panel_report_on"] = (stage.panel_report_on, panel_report_on)
        stage.panel_report_on = panel_report_on
    due = deadlines.stage_deadlines(
        stage.rule,
        received_on=stage.received_on,
        non_working=non_working,
        panel_met_on=stage.panel_met_on,
        panel_report_on=stage.panel_report_on,
    )
    if not stage.extensions.exists():
        changes["response_due"] = (stage.response_due, due.response_due)
        stage.response_due = stage.original_response_due = due.response_due
        stage.response_due_is_provisional = due.response_due_is_provisional
    changes["panel_report_due"] = (stage.panel_report_due, due.panel_report_due)
    stage.panel_report_due = due.panel_report_due
    _save_stage(
        stage,
        [
            "panel_met_on",
            "panel_report_on",
            "panel_report_due",
            "response_due",
            "original_response_due",
            "response_due_is_provisional",
        ],
    )
    _record(
        stage.complaint,
        by=by,
        kind="panel",
        stage_number=stage.number,
        summary="Review panel dates recorded",
        changes=changes,
    )
    _refresh_next_due(stage.complaint, stage)
    return stage


@transaction.atomic
def stage_respond(
    *,
    by,
    stage: ComplaintStage,
    responded_on: dt.date,
    outcome: str,
    today: dt.date,
    point_outcomes: dict[int, str] | None = None,
    response_summary: str = "",
    apology_given: bool = False,
    explanation_given: bool = False,
    decision_changed: bool = False,
    payment_amount: Decimal | None = None,
    payment_reason: str = "",
    actions: list[tuple[str, object, dt.date]] = (),
    expected_version: int | None = None,
) -> ComplaintStage:
    """Record the stage's response: outcome overall and per point, remedy and actions promised."""
    stage = _lock_stage(stage, expected_version)
    status = workflow.next_status("respond", stage.status)
    if stage.clock_stops.filter(restarted_on__isnull=True).exists():
        raise ValidationError({"responded_on": "The clock is stopped: restart it before recording the response"})
    if stage.acknowledged_on and responded_on < stage.acknowledged_on:
        raise ValidationError(
            {
                "responded_on": f"The response date must be on or after the acknowledgement ({stage.acknowledged_on:%d %B %Y})"
            }
        )
    if responded_on < stage.received_on:
        raise ValidationError({"responded_on": "The response date must be on or after the date received"})
    if responded_on > today:
        raise ValidationError({"responded_on": "The response date must be today or in the past"})
    if payment_amount is not None and payment_amount < 0:
        raise ValidationError({"payment_amount": "The payment must be £0 or more"})
    if payment_amount and not payment_reason.strip():
        raise ValidationError({"payment_reason": "Enter what the payment is for"})
    for description, _owner, due_on in actions:
        if due_on < responded_on:
            raise ValidationError(
                {"actions": f"The action \u201c{description[:40]}\u201d is due before the response date"}
            )
    window_ends = (
        deadlines.escalation_deadline(
            stage.rule,
            responded_on=responded_on,
            non_working=_non_working(stage.complaint.procedure, responded_on),
        )
        if stage.number < stage.complaint.procedure.number_of_stages
        else None
    )
    stage.status = status
    stage.responded_on = responded_on
    stage.outcome = outcome
    stage.response_summary = response_summary
    stage.apology_given, stage.explanation_given, stage.decision_changed = (
        apology_given,
        explanation_given,
        decision_changed,
    )
    stage.payment_amount, stage.payment_reason = payment_amount, payment_reason
    stage.escalation_deadline = window_ends
    _save_stage(
        stage,
        [
            "status",
            "responded_on",
            "outcome",
            "response_summary",
            "apology_given",
            "explanation_given",
            "decision_changed",
            "payment_amount",
            "payment_reason",
            "escalation_deadline",
        ],
    )
    points = {p.pk: p for p in stage.complaint.points.all()}
    for point_id, point_outcome in (point_outcomes or {}).items():
        if point_id in points and point_outcome:
            PointOutcome.objects.create(stage=stage, point=points[point_id], outcome=point_outcome)
    if actions and stage.complaint.is_restricted:
        # The owner of a promised action must be able to open the complaint it belongs to.
        stage.complaint.named_users.add(*{owner for _, owner, _ in actions})
    for description, owner, due_on in actions:
        sync_action_obligation(
            Action.objects.create(
                complaint=stage.complaint, stage=stage, description=description, owner=owner, due_on=due_on
            )
        )
    on_time = responded_on <= (stage.agreed_response_on or stage.response_due)
    _record(
        stage.complaint,
        by=by,
        kind="responded",
        stage_number=stage.number,
        summary=f"Stage {stage.number} response sent on {responded_on:%d %B %Y}: {stage.get_outcome_display()}"
        f" ({'within' if on_time else 'after'} the time limit)",
        changes={
            "status": (StageStatus.IN_PROGRESS, status),
            "outcome": (None, outcome),
            "payment_amount": (None, payment_amount),
        },
    )
    _refresh_next_due(stage.complaint, stage)
    return stage


@transaction.atomic
def escalation_request(
    *,
    by,
    stage: ComplaintStage,
    requested_on: dt.date,
    reasons: str,
    handler,
    today: dt.date,
    late_reason_accepted: str = "",
    expected_version: int | None = None,
) -> ComplaintStage:
    """The complainant asked for the next stage: open it with the rule in force on the request date.

    Refused if the next stage is suspended (the complaint must be closed with signposting), if
    the rule needs a different handler and the same one is given, or if a request outside the
    window has no reason for accepting it.
    """
    stage = _lock_stage(stage, expected_version)
    workflow.next_status("escalate", stage.status)
    complaint = stage.complaint
    if stage.number >= complaint.procedure.number_of_stages:
        raise ValidationError({"requested_on": "This is the final stage; signpost the complainant to the Ombudsman"})
    if requested_on < stage.responded_on or requested_on > today:
        raise ValidationError(
            {"requested_on": f"The request date must be between the response ({stage.responded_on:%d %B %Y}) and today"}
        )
    suspension = suspension_on(procedure=complaint.procedure, number=stage.number + 1, on=requested_on)
    if suspension is not None:
        raise ValidationError(
            {
                "requested_on": f"Stage {stage.number + 1} is suspended ({suspension.reason}). Close the complaint and "
                "tell the complainant they can go to the Ombudsman"
            }
        )
    if not reasons.strip():
        raise ValidationError({"reasons": "Enter the complainant's reasons for asking for the next stage"})
    within = deadlines.is_within_window(requested_on, stage.escalation_deadline)
    if not within and not late_reason_accepted.strip():
        raise ValidationError(
            {
                "late_reason_accepted": f"The request came after the window closed on {stage.escalation_deadline:%d %B %Y}. "
                "Enter why it is accepted"
            }
        )
    rule = _rule_or_error(complaint.procedure, stage.number + 1, requested_on, "requested_on")
    if rule.handler_must_differ and handler.pk == stage.handler_id:
        raise ValidationError(
            {
                "handler": f"Stage {stage.number + 1} must be handled by someone other than the Stage {stage.number} handler"
            }
        )
    EscalationRequest.objects.create(
        stage=stage,
        requested_on=requested_on,
        within_window=within,
        late_reason_accepted=late_reason_accepted.strip(),
        reasons=reasons.strip(),
        created_by=by,
    )
    stage.status = StageStatus.ESCALATED
    stage.closed_on = requested_on
    _save_stage(stage, ["status", "closed_on"])
    _record(
        complaint,
        by=by,
        kind="escalation_requested",
        stage_number=stage.number,
        summary=f"Escalation to Stage {stage.number + 1} requested on {requested_on:%d %B %Y}"
        + ("" if within else " (outside the window; accepted: " + late_reason_accepted.strip() + ")"),
    )
    sync_stage_obligations(stage)  # the escalated stage's steps are over: its reminders stop
    new_stage = _open_stage(
        complaint, number=stage.number + 1, received_on=requested_on, handler=handler, rule=rule, by=by
    )
    _refresh_next_due(complaint, new_stage)
    return new_stage


def signposting_required(stage: ComplaintStage, *, on: dt.date):
    """Why closing this stage must record signposting: the final stage, or a suspended next stage.

    Returns (reason, suspension) or (None, None) when the complaint may close without it.
    """
    procedure = stage.complaint.procedure
    if stage.number >= procedure.number_of_stages:
        return SignpostReason.FINAL_STAGE, None
    suspension = suspension_on(procedure=procedure, number=stage.number + 1, on=on)
    if suspension is not None:
        return SignpostReason.NEXT_STAGE_SUSPENDED, suspension
    return None, None


@transaction.atomic
def complaint_close(
    *,
    by,
    stage: ComplaintStage,
    closed_on: dt.date,
    today: dt.date,
    signposting: SignpostingDetails | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """Close the complaint after a stage's response. After the final stage, or when the next stage
    is suspended, the complainant must have been told where to go next (DOMAIN.md §0, issue 3)."""
    stage = _lock_stage(stage, expected_version)
    status = workflow.next_status("close", stage.status)
    if not (stage.responded_on <= closed_on <= today):
        raise ValidationError(
            {"closed_on": f"The closing date must be between the response ({stage.responded_on:%d %B %Y}) and today"}
        )
    reason, suspension = signposting_required(stage, on=closed_on)
    complaint = stage.complaint
    if signposting is not None and (signposting.told_on is None or not signposting.method):
        raise ValidationError({"told_on": "Enter the date the complainant was told, and how"})
    if reason is not None:
        if signposting is None or not signposting.wording.strip():
            raise ValidationError(
                {"wording": "Record the words used to tell the complainant they can go to the Ombudsman"}
            )
        if signposting.told_on < stage.responded_on or signposting.told_on > today:
            raise ValidationError(
                {"told_on": "The date the complainant was told must be between the response and today"}
            )
    if signposting is not None and signposting.wording.strip():
        Signposting.objects.create(
            complaint=complaint,
            stage=stage,
            reason=reason or SignpostReason.CLOSED_WITHOUT_ESCALATION,
            told_on=signposting.told_on,
            method=signposting.method,
            wording=signposting.wording.strip(),
            suspension=suspension,
            created_by=by,
        )
        _record(
            complaint,
            by=by,
            kind="signposted",
            stage_number=stage.number,
            summary=f"Complainant told on {signposting.told_on:%d %B %Y} that they can go to the {complaint.procedure.ombudsman_name}"
            + (f" (Stage {stage.number + 1} suspended)" if suspension else ""),
        )
    stage.status = status
    stage.closed_on = closed_on
    _save_stage(stage, ["status", "closed_on"])
    old_status = complaint.status
    complaint.status = ComplaintStatus.CLOSED
    complaint.closed_on = closed_on
    complaint.save(update_fields=["status", "closed_on", "updated_at"])
    _record(
        complaint,
        by=by,
        kind="closed",
        stage_number=stage.number,
        summary=f"Complaint closed on {closed_on:%d %B %Y}",
        changes={"status": (old_status, complaint.status)},
    )
    _refresh_next_due(complaint, stage)
    return complaint


def _current_stage(complaint: Complaint) -> ComplaintStage:
    return complaint.stages.order_by("-number").first()


@transaction.atomic
def complaint_withdraw(
    *, by, complaint: Complaint, withdrawn_on: dt.date, reason: str, today: dt.date, expected_version: int | None = None
) -> Complaint:
    stage = _lock_stage(_current_stage(complaint), expected_version)
    status = workflow.next_status("withdraw", stage.status)
    if not (stage.received_on <= withdrawn_on <= today):
        raise ValidationError({"withdrawn_on": "The date must be between the date received and today"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter how and why the complainant withdrew"})
    complaint = stage.complaint
    stage.status = status
    stage.closed_on = withdrawn_on
    _save_stage(stage, ["status", "closed_on"])
    complaint.status = ComplaintStatus.WITHDRAWN
    complaint.closed_on = withdrawn_on
    complaint.save(update_fields=["status", "closed_on", "updated_at"])
    _record(
        complaint,
        by=by,
        kind="withdrawn",
        stage_number=stage.number,
        summary=f"Complaint withdrawn on {withdrawn_on:%d %B %Y}: {reason.strip()}",
    )
    _refresh_next_due(complaint, stage)
    return complaint


@transaction.atomic
def complaint_reopen(*, by, complaint: Complaint, reason: str, expected_version: int | None = None) -> Complaint:
    """Reopen a closed or withdrawn complaint: its last stage returns to where its dates say it was."""
    stage = _lock_stage(_current_stage(complaint), expected_version)
    workflow.next_status("reopen", stage.status)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the complaint is reopened"})
    complaint = stage.complaint
    if stage.responded_on:
        stage.status = StageStatus.RESPONDED
    elif stage.acknowledged_on or stage.acknowledge_due is None:
        stage.status = StageStatus.IN_PROGRESS
    else:
        stage.status = StageStatus.AWAITING_ACKNOWLEDGEMENT
    stage.closed_on = None
    _save_stage(stage, ["status", "closed_on"])
    old = complaint.status
    complaint.status = ComplaintStatus.OPEN
    complaint.closed_on = None
    complaint.save(update_fields=["status", "closed_on", "updated_at"])
    _record(
        complaint,
        by=by,
        kind="reopened",
        stage_number=stage.number,
        summary=f"Complaint reopened: {reason.strip()}",
        changes={"status": (old, complaint.status)},
    )
    _refresh_next_due(complaint, stage)
    return complaint


@transaction.atomic
def stage_reassign(*, by, stage: ComplaintStage, handler, expected_version: int | None = None) -> ComplaintStage:
    stage = _lock_stage(stage, expected_version)
    if not stage.is_open:
        raise ValidationError({"handler": "Only an open stage can be reassigned"})
    if stage.rule.handler_must_differ and stage.number > 1:
        previous = stage.complaint.stages.get(number=stage.number - 1)
        if previous.handler_id == handler.pk:
            raise ValidationError(
                {
                    "handler": f"Stage {stage.number} must be handled by someone other than the Stage {stage.number - 1} handler"
                }
            )
    old = stage.handler
    stage.handler = handler
    _save_stage(stage, ["handler"])
    if stage.complaint.is_restricted:
        stage.complaint.named_users.add(handler)
    _record(
        stage.complaint,
        by=by,
        kind="reassigned",
        stage_number=stage.number,
        summary=f"Stage {stage.number} reassigned from {old} to {handler}",
        changes={"handler": (str(old), str(handler))},
    )
    _refresh_next_due(stage.complaint, stage)
    return stage


@transaction.atomic
def action_complete(*, by, action: Action, completed_on: dt.date, today: dt.date) -> Action:
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.completed_on:
        raise ValidationError({"completed_on": "This action is already complete"})
    if completed_on > today:
        raise ValidationError({"completed_on": "The completion date must be today or in the past"})
    if completed_on < action.stage.responded_on:
        raise ValidationError({"completed_on": "The action cannot be completed before it was promised"})
    action.completed_on = completed_on
    action.save(update_fields=["completed_on"])
    sync_action_obligation(action)
    late = " (late)" if completed_on > action.due_on else ""
    _record(
        action.complaint,
        by=by,
        kind="action_completed",
        stage_number=action.stage.number,
        summary=f"Action completed on {completed_on:%d %B %Y}{late}: {action.description[:120]}",
    )
    return action


@transaction.atomic
def document_upload(*, by, complaint: Complaint, uploaded_file, description: str, stage=None) -> Document:
    """Store an upload under a random name after checking its type by content and its size."""
    content_type = check_upload(uploaded_file)
    document = Document(
        complaint=complaint,
        stage=stage,
        original_name=uploaded_file.name[:255],
        content_type=content_type,
        size=uploaded_file.size,
        description=description.strip() or uploaded_file.name[:255],
        uploaded_by=by,
    )
    document.file.save("upload", uploaded_file, save=False)
    document.save()
    _record(complaint, by=by, kind="document", summary=f"Document uploaded: {document.description[:200]}")
    return document


def today() -> dt.date:
    return timezone.localdate()


def guard(condition: bool, message: str = "You do not have permission to do that") -> None:
    if not condition:
        raise PermissionDenied(message)


@transaction.atomic
def complaint_set_legal_hold(*, by, complaint: Complaint, hold: bool, reason: str) -> Complaint:
    """Place or lift a legal hold: a held complaint is never anonymised by the retention job."""
    if not is_manager(by):
        raise PermissionDenied("Only a manager or a complaints admin can change a legal hold")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the legal hold is placed or lifted"})
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.legal_hold == hold:
        return complaint
    complaint.legal_hold = hold
    complaint.save(update_fields=["legal_hold", "updated_at"])
    _record(
        complaint,
        by=by,
        kind="legal_hold",
        summary=("Legal hold placed: " if hold else "Legal hold lifted: ") + reason.strip(),
        changes={"legal_hold": (not hold, hold)},
    )
    return complaint
