"""Writes for LGSCO cases: the only code that changes a case, its recommendations or reports.

Each service is keyword-only and atomic, refuses bad input with a `ValidationError` keyed by the
form field (nothing saved), records who did what in the case timeline, and keeps the
obligation register (`reminders.Obligation`) in step so the overdue view and reminders see it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from accounts.access import is_manager
from calendars.selectors import default_calendar, non_working_days_around
from complaints.documents import check_upload
from ombudsman_cases import deadlines
from ombudsman_cases.models import (
    CaseEvent,
    CommitteeConsideration,
    Evidence,
    LgscoStatus,
    OmbudsmanCase,
    Payment,
    PublicInterestReport,
    Recommendation,
    RecommendationExtension,
    ReportOutcome,
    ReportRule,
)
from reminders.models import ObligationKind
from reminders.services import obligation_sync

REFERENCE_DIGITS = re.compile(r"^\D*(\d{2})\D*(\d{3})\D*(\d{3})\D*$")


def normalise_reference(value: str) -> str:
    """ "20008832", "20-008-832" and "20 008 832" are the same LGSCO reference: "20 008 832"."""
    match = REFERENCE_DIGITS.match((value or "").strip())
    if not match or len(re.sub(r"\D", "", value)) != 8:
        raise ValidationError({"reference": "Enter the LGSCO reference as 8 digits in the format 20 008 832"})
    return " ".join(match.groups())


def _iso(value):
    return str(value) if isinstance(value, (dt.date, Decimal)) else value


def _record(case: OmbudsmanCase, *, by, kind: str, summary: str, changes=None) -> None:
    CaseEvent.objects.create(
        case=case,
        actor=by,
        kind=kind,
        summary=summary[:300],
        changes={k: [_iso(old), _iso(new)] for k, (old, new) in (changes or {}).items() if old != new},
    )


def _not_future(field: str, value: dt.date | None, today: dt.date, what: str) -> None:
    if value and value > today:
        raise ValidationError({field: f"{what} must be today or in the past"})


def _case_url(case: OmbudsmanCase, anchor: str = "") -> str:
    return reverse("ombudsman_cases:detail", args=[case.pk]) + (f"#{anchor}" if anchor else "")


def sync_obligations(case: OmbudsmanCase) -> None:
    """Make the obligation register match the case: its LGSCO replies, recommendations and reports."""
    common = {"service_area": case.service_area, "ombudsman_case": case, "is_restricted": case.is_restricted}
    closed = case.closed_on  # a closed case's own steps are over: their reminders stop
    obligation_sync(
        key=f"case-enquiry:{case.pk}",
        kind=ObligationKind.LGSCO_ENQUIRY_REPLY,
        title=f"{case.reference}: reply to the LGSCO's enquiries",
        url=_case_url(case, "steps"),
        due_on=case.enquiry_reply_due,
        done_on=case.enquiry_reply_sent_on or closed,
        owner=case.link_officer,
        **common,
    )
    obligation_sync(
        key=f"case-draft:{case.pk}",
        kind=ObligationKind.LGSCO_DRAFT_COMMENTS,
        title=f"{case.reference}: comments on the draft decision",
        url=_case_url(case, "steps"),
        due_on=case.draft_comments_due,
        done_on=case.draft_comments_sent_on or closed,
        owner=case.link_officer,
        **common,
    )
    for rec in case.recommendations.select_related("owner", "service_area"):
        obligation_sync(
            key=f"recommendation:{rec.pk}",
            kind=ObligationKind.RECOMMENDATION,
            # A restricted case's wording stays on its page, out of lists and emails.
            title=f"{case.reference}: {rec.get_kind_display()}"
            + ("" if case.is_restricted else f": {rec.wording[:150]}"),
            url=reverse("ombudsman_cases:recommendation", args=[case.pk, rec.pk]),
            due_on=rec.due_on,
            done_on=rec.evidence_sent_on,
            owner=rec.owner,
            service_area=rec.service_area,
            ombudsman_case=case,
            is_restricted=case.is_restricted,
        )
    for report in case.reports.all():
        label = "further report" if report.is_further_report else "public interest report"
        obligation_sync(
            key=f"pir-notice:{report.pk}",
            kind=ObligationKind.PIR_NOTICE,
            title=f"{case.reference}: public notice of the {label}",
            url=_case_url(case, f"report-{report.pk}"),
            due_on=report.notice_due,
            done_on=report.notice_published_on or closed,
            owner=case.link_officer,
            **common,
        )
        obligation_sync(
            key=f"pir-response:{report.pk}",
            kind=ObligationKind.PIR_RESPONSE,
            title=f"{case.reference}: tell the Ombudsman what the council has done about the {label}",
            url=_case_url(case, f"report-{report.pk}"),
            due_on=report.response_due,
            done_on=report.response_sent_on or closed,
            owner=case.link_officer,
            **common,
        )


def _refresh_status(case: OmbudsmanCase) -> None:
    case.has_open_recommendations = case.recommendations.filter(evidence_sent_on__isnull=True).exists()
    status = deadlines.case_status(case)
    if status != case.status:
        case.status = status
        case.save(update_fields=["status"])


@transaction.atomic
def case_register(
    *,
    by,
    today: dt.date,
    reference: str,
    service_area,
    link_officer,
    summary: str,
    received_on: dt.date,
    category=None,
    complaints=(),
    is_restricted: bool = False,
    named_users=(),
) -> OmbudsmanCase:
    reference = normalise_reference(reference)
    if OmbudsmanCase.objects.filter(reference=reference).exists():
        raise ValidationError({"reference": f"A case with the LGSCO reference {reference} already exists"})
    _not_future("received_on", received_on, today, "The date received")
    case = OmbudsmanCase(
        reference=reference,
        service_area=service_area,
        link_officer=link_officer,
        summary=summary.strip(),
        received_on=received_on,
        category=category,
        is_restricted=is_restricted,
        created_by=by,
    )
    case.full_clean(exclude=["created_by", "link_officer", "service_area"])
    case.save()
    case.complaints.set(complaints)
    if is_restricted:
        case.named_users.add(by, link_officer, *named_users)
    _record(case, by=by, kind="opened", summary=f"LGSCO case {reference} opened")
    sync_obligations(case)
    return case


STEP_ORDER = [
    ("enquiry_received_on", "enquiry_reply_sent_on", "The reply", "the enquiry was received"),
    ("draft_decision_received_on", "draft_comments_sent_on", "The comments", "the draft decision was received"),
    ("final_decision_on", "decision_published_on", "The publication date", "the final decision"),
]
STEP_FIELDS = [
    "enquiry_received_on",
    "enquiry_reply_due",
    "enquiry_reply_sent_on",
    "draft_decision_received_on",
    "draft_comments_due",
    "draft_comments_sent_on",
    "final_decision_on",
    "decision_published_on",
    "outcome",
]


@transaction.atomic
def case_record_steps(*, by, case: OmbudsmanCase, today: dt.date, **steps) -> OmbudsmanCase:
    """Record the dated steps of the LGSCO process; the status follows them (DOMAIN.md §2.1)."""
    case = OmbudsmanCase.objects.select_for_update().get(pk=case.pk)
    unknown = set(steps) - set(STEP_FIELDS)
    if unknown:
        raise ValueError(f"Unknown steps: {sorted(unknown)}")
    new = {field: steps.get(field, getattr(case, field)) for field in STEP_FIELDS}
    for field in (
        "enquiry_received_on",
        "enquiry_reply_sent_on",
        "draft_decision_received_on",
        "draft_comments_sent_on",
        "final_decision_on",
        "decision_published_on",
    ):
        _not_future(field, new[field], today, "The date")
    for start, done, what, after in STEP_ORDER:
        if new[done] and not new[start]:
            raise ValidationError({start: f"Enter the date {after} first"})
        if new[done] and new[done] < new[start]:
            raise ValidationError({done: f"{what} cannot be before the date {after}"})
    if (
        new["enquiry_reply_due"]
        and new["enquiry_received_on"]
        and new["enquiry_reply_due"] < new["enquiry_received_on"]
    ):
        raise ValidationError({"enquiry_reply_due": "The reply due date cannot be before the enquiry was received"})
    if (
        new["draft_comments_due"]
        and new["draft_decision_received_on"]
        and new["draft_comments_due"] < new["draft_decision_received_on"]
    ):
        raise ValidationError(
            {"draft_comments_due": "The comments due date cannot be before the draft decision was received"}
        )
    if new["enquiry_received_on"] and not new["enquiry_reply_due"]:
        raise ValidationError({"enquiry_reply_due": "Enter the date the LGSCO set for the council's reply"})
    if new["final_decision_on"] and not new["outcome"]:
        raise ValidationError({"outcome": "Select the outcome of the final decision"})
    if new["final_decision_on"] and new["final_decision_on"] < case.received_on:
        raise ValidationError({"final_decision_on": "The final decision cannot be before the case was received"})
    changes = {field: (getattr(case, field), new[field]) for field in STEP_FIELDS if getattr(case, field) != new[field]}
    if not changes:
        return case
    for field, value in new.items():
        setattr(case, field, value)
    case.save(update_fields=STEP_FIELDS)
    _record(case, by=by, kind="steps", summary="LGSCO steps updated", changes=changes)
    _refresh_status(case)
    sync_obligations(case)
    return case


def _non_working(day: dt.date):
    return non_working_days_around(calendar=default_calendar(), day=day)


# What the recommendation form (page and API) hands to recommendation_add.
RECOMMENDATION_FIELDS = (
    "kind",
    "remedy_type",
    "wording",
    "owner",
    "service_area",
    "due_basis",
    "due_within",
    "explicit_due_on",
    "amount",
    "beneficiary_pseudonym",
    "evidence_expected",
)


@transaction.atomic
def recommendation_add(
    *,
    by,
    case: OmbudsmanCase,
    kind: str,
    remedy_type: str,
    wording: str,
    owner,
    service_area,
    due_basis: str,
    due_within: int | None = None,
    explicit_due_on: dt.date | None = None,
    amount: Decimal | None = None,
    beneficiary_pseudonym: str = "",
    evidence_expected: str = "",
) -> Recommendation:
    """Add a recommendation with its due date and the basis it was worked out on (DOMAIN.md §2.4)."""
    case = OmbudsmanCase.objects.select_for_update().get(pk=case.pk)
    if case.closed_on:
        raise ValidationError({"wording": "The case is closed: recommendations cannot be added"})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": "The amount must be £0 or more"})
    if not wording.strip():
        raise ValidationError({"wording": "Enter the recommendation as the decision words it"})
    if due_basis == "explicit":
        if explicit_due_on is None:
            raise ValidationError({"explicit_due_on": "Enter the due date given in the decision letter"})
    else:
        if not case.final_decision_on:
            raise ValidationError(
                {"due_basis": "Record the final decision date first, or enter the date from the letter"}
            )
        if not due_within:
            raise ValidationError({"due_within": "Enter how many months or working days the decision allows"})
    due_on = deadlines.recommendation_due(
        basis=due_basis,
        final_decision_on=case.final_decision_on,
        within=due_within,
        explicit_on=explicit_due_on,
        non_working=_non_working(case.final_decision_on or explicit_due_on),
    )
    if case.final_decision_on and due_on < case.final_decision_on:
        raise ValidationError({"explicit_due_on": "The due date cannot be before the final decision"})
    rec = Recommendation.objects.create(
        case=case,
        kind=kind,
        remedy_type=remedy_type,
        wording=wording.strip(),
        amount=amount,
        beneficiary_pseudonym=beneficiary_pseudonym.strip(),
        evidence_expected=evidence_expected.strip(),
        owner=owner,
        service_area=service_area,
        due_basis=due_basis,
        due_within=None if due_basis == "explicit" else due_within,
        original_due_on=due_on,
        due_on=due_on,
    )
    if case.is_restricted:
        case.named_users.add(owner)
    _record(
        case,
        by=by,
        kind="recommendation_added",
        summary=f"Recommendation added: {rec.get_kind_display()}, due {due_on:%d %B %Y} ({rec.basis_description})",
    )
    _refresh_status(case)
    sync_obligations(case)
    return rec


class StaleRecommendation(ValidationError):
    """Someone else changed the recommendation after the form was opened (the API answers 409)."""


def _lock_rec(rec: Recommendation, expected_version: int | None) -> Recommendation:
    locked = Recommendation.objects.select_for_update().select_related("case", "owner").get(pk=rec.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleRecommendation(
            {
                "__all__": "Someone else changed this recommendation while you were editing it. Check the details and submit again."
            }
        )
    return locked


def _save_rec(rec: Recommendation, fields: list[str]) -> None:
    rec.version += 1
    rec.save(update_fields=[*fields, "version"])


@transaction.atomic
def recommendation_extend(
    *,
    by,
    recommendation: Recommendation,
    new_due_on: dt.date,
    letter: str,
    reason: str,
    agreed_on: dt.date,
    today: dt.date,
    expected_version: int | None = None,
) -> RecommendationExtension:
    """More time agreed in writing with the LGSCO: only a manager records it; the original date is kept."""
    if not is_manager(by):
        raise PermissionDenied("Only a manager can record an extension agreed with the LGSCO")
    rec = _lock_rec(recommendation, expected_version)
    if rec.completed_on:
        raise ValidationError({"new_due_on": "This recommendation is already complete"})
    if new_due_on <= rec.due_on:
        raise ValidationError({"new_due_on": f"The new date must be after the current due date, {rec.due_on:%d %B %Y}"})
    _not_future("agreed_on", agreed_on, today, "The date it was agreed")
    if not letter.strip():
        raise ValidationError({"letter": "Enter the LGSCO letter or email that agreed the extension"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the extension"})
    extension = RecommendationExtension.objects.create(
        recommendation=rec,
        previous_due_on=rec.due_on,
        new_due_on=new_due_on,
        letter=letter.strip(),
        reason=reason.strip(),
        agreed_on=agreed_on,
        recorded_by=by,
    )
    old = rec.due_on
    rec.due_on = new_due_on
    _save_rec(rec, ["due_on"])
    _record(
        rec.case,
        by=by,
        kind="recommendation_extended",
        summary=f"Extension agreed with the LGSCO ({letter.strip()[:80]}): due {new_due_on:%d %B %Y}",
        changes={"due_on": (old, new_due_on)},
    )
    sync_obligations(rec.case)
    return extension


@transaction.atomic
def recommendation_reassign(
    *, by, recommendation: Recommendation, owner, expected_version: int | None = None
) -> Recommendation:
    if not is_manager(by):
        raise PermissionDenied("Only a manager can reassign a recommendation")
    rec = _lock_rec(recommendation, expected_version)
    old = rec.owner
    rec.owner = owner
    _save_rec(rec, ["owner"])
    if rec.case.is_restricted:
        rec.case.named_users.add(owner)
    _record(
        rec.case,
        by=by,
        kind="recommendation_reassigned",
        summary=f"Recommendation reassigned from {old} to {owner}",
        changes={"owner": (str(old), str(owner))},
    )
    sync_obligations(rec.case)
    return rec


@transaction.atomic
def recommendation_complete(
    *,
    by,
    recommendation: Recommendation,
    completed_on: dt.date,
    today: dt.date,
    evidence_sent_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Recommendation:
    """Record that the recommendation was carried out (and, optionally, the evidence sent).

    Completed after the due date in force (after any agreed extension) is late, for ever."""
    rec = _lock_rec(recommendation, expected_version)
    case = rec.case
    if rec.completed_on:
        raise ValidationError({"completed_on": "This recommendation is already recorded as complete"})
    _not_future("completed_on", completed_on, today, "The completion date")
    if case.final_decision_on and completed_on < case.final_decision_on:
        raise ValidationError(
            {
                "completed_on": f"The completion date cannot be before the final decision ({case.final_decision_on:%d %B %Y})"
            }
        )
    if evidence_sent_on is not None:
        if evidence_sent_on < completed_on:
            raise ValidationError(
                {"evidence_sent_on": "The evidence cannot be sent before the recommendation was completed"}
            )
        _not_future("evidence_sent_on", evidence_sent_on, today, "The date the evidence was sent")
    rec.completed_on = completed_on
    rec.is_late = rec.is_late or deadlines.is_late(completed_on=completed_on, due_on=rec.due_on)
    rec.evidence_sent_on = evidence_sent_on
    _save_rec(rec, ["completed_on", "is_late", "evidence_sent_on"])
    _record(
        case,
        by=by,
        kind="recommendation_completed",
        summary=f"{rec.get_kind_display()} completed on {completed_on:%d %B %Y}"
        + (" (late)" if rec.is_late else " (on time)")
        + (f"; evidence sent {evidence_sent_on:%d %B %Y}" if evidence_sent_on else ""),
        changes={"completed_on": (None, completed_on), "evidence_sent_on": (None, evidence_sent_on)},
    )
    _refresh_status(case)
    sync_obligations(case)
    return rec


@transaction.atomic
def recommendation_evidence_sent(
    *,
    by,
    recommendation: Recommendation,
    evidence_sent_on: dt.date,
    today: dt.date,
    expected_version: int | None = None,
) -> Recommendation:
    rec = _lock_rec(recommendation, expected_version)
    if not rec.completed_on:
        raise ValidationError({"evidence_sent_on": "Record the completion date before the evidence is sent"})
    if evidence_sent_on < rec.completed_on:
        raise ValidationError(
            {"evidence_sent_on": "The evidence cannot be sent before the recommendation was completed"}
        )
    _not_future("evidence_sent_on", evidence_sent_on, today, "The date the evidence was sent")
    old = rec.evidence_sent_on
    rec.evidence_sent_on = evidence_sent_on
    _save_rec(rec, ["evidence_sent_on"])
    _record(
        rec.case,
        by=by,
        kind="evidence_sent",
        summary=f"Evidence sent to the LGSCO on {evidence_sent_on:%d %B %Y}",
        changes={"evidence_sent_on": (old, evidence_sent_on)},
    )
    _refresh_status(rec.case)
    sync_obligations(rec.case)
    return rec


@transaction.atomic
def recommendation_lgsco_outcome(
    *,
    by,
    recommendation: Recommendation,
    satisfied: bool,
    outcome_on: dt.date,
    today: dt.date,
    expected_version: int | None = None,
) -> Recommendation:
    """The LGSCO's compliance outcome: complied (on time or late) or not complied."""
    rec = _lock_rec(recommendation, expected_version)
    _not_future("outcome_on", outcome_on, today, "The date")
    if satisfied and not rec.completed_on:
        raise ValidationError({"satisfied": "Record the completion before the LGSCO's satisfaction"})
    if satisfied and outcome_on < rec.completed_on:
        raise ValidationError({"outcome_on": "The LGSCO cannot be satisfied before the recommendation was completed"})
    old = rec.lgsco_status
    rec.lgsco_status = (
        (LgscoStatus.COMPLIED_LATE if rec.is_late else LgscoStatus.COMPLIED) if satisfied else LgscoStatus.NOT_COMPLIED
    )
    rec.lgsco_outcome_on = outcome_on
    _save_rec(rec, ["lgsco_status", "lgsco_outcome_on"])
    _record(
        rec.case,
        by=by,
        kind="lgsco_outcome",
        summary=f"LGSCO compliance outcome: {rec.get_lgsco_status_display()}",
        changes={"lgsco_status": (old, rec.lgsco_status)},
    )
    return rec


@transaction.atomic
def evidence_upload(*, by, recommendation: Recommendation, uploaded_file, description: str) -> Evidence:
    content_type = check_upload(uploaded_file)
    evidence = Evidence(
        recommendation=recommendation,
        original_name=uploaded_file.name[:255],
        content_type=content_type,
        size=uploaded_file.size,
        description=description.strip() or uploaded_file.name[:255],
        uploaded_by=by,
    )
    evidence.file.save("upload", uploaded_file, save=False)
    evidence.save()
    _record(recommendation.case, by=by, kind="evidence", summary=f"Evidence uploaded: {evidence.description[:200]}")
    return evidence


@transaction.atomic
def payment_record(
    *,
    by,
    recommendation: Recommendation,
    amount: Decimal,
    approved_by,
    approved_on: dt.date,
    method: str,
    paid_on: dt.date,
    proof: str,
    today: dt.date,
) -> Payment:
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "The amount paid must be more than £0"})
    _not_future("approved_on", approved_on, today, "The approval date")
    _not_future("paid_on", paid_on, today, "The payment date")
    if paid_on < approved_on:
        raise ValidationError({"paid_on": "The payment date cannot be before it was approved"})
    if not proof.strip():
        raise ValidationError({"proof": "Enter the finance reference or remittance that proves the payment"})
    payment = Payment.objects.create(
        recommendation=recommendation,
        amount=amount,
        approved_by=approved_by,
        approved_on=approved_on,
        method=method,
        paid_on=paid_on,
        proof=proof.strip(),
        recorded_by=by,
    )
    _record(
        recommendation.case,
        by=by,
        kind="payment",
        summary=f"Payment of £{amount:,.2f} made on {paid_on:%d %B %Y} ({payment.get_method_display().lower()})",
    )
    return payment


def report_rule_on(day: dt.date) -> ReportRule:
    rule = ReportRule.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if rule is None:
        raise ValidationError(
            {"received_on": "No public interest report rule is in force on that date. Ask a complaints admin."}
        )
    return rule


@transaction.atomic
def report_add(
    *,
    by,
    case: OmbudsmanCase,
    received_on: dt.date,
    today: dt.date,
    is_further_report: bool = False,
    draft_received_on: dt.date | None = None,
    draft_comments_sent_on: dt.date | None = None,
    non_publication_direction: bool = False,
) -> PublicInterestReport:
    """A public interest report (or further report) received; its clocks run from `received_on` (§3)."""
    _not_future("received_on", received_on, today, "The date received")
    if draft_received_on and draft_received_on > received_on:
        raise ValidationError({"draft_received_on": "The draft cannot come after the final report"})
    if draft_comments_sent_on and draft_received_on and draft_comments_sent_on < draft_received_on:
        raise ValidationError({"draft_comments_sent_on": "Comments cannot be sent before the draft was received"})
    rule = report_rule_on(received_on)
    due = deadlines.report_deadlines(rule, received_on=received_on, non_publication_direction=non_publication_direction)
    report = PublicInterestReport.objects.create(
        case=case,
        is_further_report=is_further_report,
        rule=rule,
        draft_received_on=draft_received_on,
        draft_comments_sent_on=draft_comments_sent_on,
        received_on=received_on,
        non_publication_direction=non_publication_direction,
        notice_due=due.notice_due,
        response_due=due.response_due,
        original_response_due=due.response_due,
    )
    _record(
        case,
        by=by,
        kind="report_received",
        summary=f"{'Further report' if is_further_report else 'Public interest report'} received {received_on:%d %B %Y}; "
        f"notify the Ombudsman by {due.response_due:%d %B %Y}",
    )
    sync_obligations(case)
    return report


REPORT_FIELDS = [
    "notice_published_on",
    "notice_where",
    "inspection_starts_on",
    "response_sent_on",
    "outcome",
    "outcome_on",
]


@transaction.atomic
def report_update(
    *,
    by,
    report: PublicInterestReport,
    today: dt.date,
    response_extended_to: dt.date | None = None,
    response_extension_letter: str = "",
    expected_version: int | None = None,
    **fields,
) -> PublicInterestReport:
    """Record the report's statutory steps: notice, inspection, response, and the Ombudsman's outcome."""
    report = PublicInterestReport.objects.select_for_update().select_related("rule", "case").get(pk=report.pk)
    if expected_version is not None and report.version != expected_version:
        raise ValidationError(
            {"__all__": "Someone else changed this report while you were editing it. Check and submit again."}
        )
    new = {f: fields.get(f, getattr(report, f)) for f in REPORT_FIELDS}
    for f in ("notice_published_on", "response_sent_on", "outcome_on"):
        _not_future(f, new[f], today, "The date")
        if new[f] and new[f] < report.received_on:
            raise ValidationError(
                {f: f"The date cannot be before the report was received ({report.received_on:%d %B %Y})"}
            )
    if report.non_publication_direction and (new["notice_published_on"] or new["inspection_starts_on"]):
        raise ValidationError(
            {"notice_published_on": "The Ombudsman directed that the report is not published (s30(7))"}
        )
    if new["inspection_starts_on"]:
        if not new["notice_published_on"]:
            raise ValidationError(
                {"inspection_starts_on": "Record the public notice first: it must state when inspection begins"}
            )
        if new["inspection_starts_on"] < new["notice_published_on"]:
            raise ValidationError({"inspection_starts_on": "Inspection cannot begin before the notice was given"})
    if new["notice_published_on"] and not (new["notice_where"] or "").strip():
        raise ValidationError({"notice_where": "Enter the newspapers and other places where the notice was given"})
    if bool(new["outcome"]) != bool(new["outcome_on"]):
        raise ValidationError(
            {"outcome_on" if new["outcome"] else "outcome": "Enter both the Ombudsman's outcome and its date"}
        )
    if new["outcome"] and not new["response_sent_on"] and new["outcome"] == ReportOutcome.SATISFIED:
        raise ValidationError({"outcome": "Record when the council told the Ombudsman what it did first"})
    changes = {f: (getattr(report, f), new[f]) for f in REPORT_FIELDS if getattr(report, f) != new[f]}
    if response_extended_to:
        if response_extended_to <= report.response_due:
            raise ValidationError(
                {"response_extended_to": f"The new date must be after {report.response_due:%d %B %Y}"}
            )
        if not response_extension_letter.strip():
            raise ValidationError(
                {"response_extension_letter": "Enter the Ombudsman's letter agreeing the longer period in writing"}
            )
        changes["response_due"] = (report.response_due, response_extended_to)
        report.response_due = response_extended_to
        report.response_extension_letter = response_extension_letter.strip()
    for f, value in new.items():
        setattr(report, f, value)
    due = deadlines.report_deadlines(
        report.rule,
        received_on=report.received_on,
        notice_published_on=report.notice_published_on,
        inspection_starts_on=report.inspection_starts_on,
        non_publication_direction=report.non_publication_direction,
    )
    report.inspection_start_latest = due.inspection_start_latest
    report.inspection_ends_on = due.inspection_ends_on
    report.version += 1
    report.save()
    if changes:
        _record(
            report.case, by=by, kind="report_updated", summary="Public interest report steps updated", changes=changes
        )
    sync_obligations(report.case)
    return report


@transaction.atomic
def committee_add(
    *, by, report: PublicInterestReport, body: str, met_on: dt.date, resolution: str, today: dt.date
) -> CommitteeConsideration:
    if not body.strip():
        raise ValidationError({"body": "Enter the committee or meeting, for example Cabinet"})
    if not resolution.strip():
        raise ValidationError({"resolution": "Enter what the committee resolved"})
    _not_future("met_on", met_on, today, "The meeting date")
    if met_on < report.received_on:
        raise ValidationError({"met_on": "A committee cannot consider the report before it was received"})
    item = CommitteeConsideration.objects.create(
        report=report, body=body.strip(), met_on=met_on, resolution=resolution.strip(), recorded_by=by
    )
    _record(
        report.case,
        by=by,
        kind="committee",
        summary=f"Considered by {item.body} on {met_on:%d %B %Y}: {item.resolution[:150]}",
    )
    return item


@transaction.atomic
def case_close(*, by, case: OmbudsmanCase, closed_on: dt.date, today: dt.date) -> OmbudsmanCase:
    case = OmbudsmanCase.objects.select_for_update().get(pk=case.pk)
    if case.closed_on:
        raise ValidationError({"closed_on": "The case is already closed"})
    _not_future("closed_on", closed_on, today, "The closing date")
    if closed_on < case.received_on:
        raise ValidationError({"closed_on": "The closing date cannot be before the case was received"})
    if case.recommendations.filter(evidence_sent_on__isnull=True).exists():
        raise ValidationError(
            {"closed_on": "Every recommendation needs its evidence sent to the LGSCO before the case closes"}
        )
    case.closed_on = closed_on
    case.save(update_fields=["closed_on"])
    _record(case, by=by, kind="closed", summary=f"Case closed on {closed_on:%d %B %Y}")
    _refresh_status(case)
    sync_obligations(case)
    return case
