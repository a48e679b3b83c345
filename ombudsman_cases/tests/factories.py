"""Build LGSCO cases through the real services (never by saving rows), with sensible defaults.

`open_case` registers a case and (optionally) records its final decision; `add_recommendation`
adds one with an explicit due date unless told otherwise. Pass `today` when the dates matter;
the default is the real `timezone.localdate()`, which is what the views use.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ombudsman_cases import services
from ombudsman_cases.models import OmbudsmanCase, Outcome, Recommendation

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SOURCE_REFERENCE = "20 008 832"
SOURCE_DECISION = dt.date(2022, 2, 4)

_references = itertools.count(21_000_001)


def next_reference() -> str:
    """A fresh LGSCO reference in the stored format, e.g. "21 000 001"."""
    digits = f"{next(_references):08d}"
    return f"{digits[:2]} {digits[2:5]} {digits[5:]}"


def open_case(
    *,
    by,
    service_area=None,
    link_officer=None,
    reference: str | None = None,
    received_on: dt.date | None = None,
    final_decision_on: dt.date | None = None,
    outcome: str = Outcome.UPHELD_INJUSTICE,
    today: dt.date | None = None,
    summary: str = "Ms B says the council did not arrange Ms M's post-16 placement.",
    is_restricted: bool = False,
    named_users=(),
) -> OmbudsmanCase:
    """Register a case (and its final decision when `final_decision_on` is given)."""
    today = today or timezone.localdate()
    link_officer = link_officer or by
    service_area = service_area or link_officer.service_areas.first()
    received_on = received_on or ((final_decision_on or today) - dt.timedelta(days=120))
    case = services.case_register(
        by=by,
        today=today,
        reference=reference or next_reference(),
        service_area=service_area,
        link_officer=link_officer,
        summary=summary,
        received_on=received_on,
        is_restricted=is_restricted,
        named_users=named_users,
    )
    if final_decision_on:
        case = services.case_record_steps(
            by=by, case=case, today=today, final_decision_on=final_decision_on, outcome=outcome
        )
    return case


def add_recommendation(
    case: OmbudsmanCase,
    *,
    by,
    owner=None,
    service_area=None,
    due_on: dt.date | None = None,
    due_basis: str = "explicit",
    due_within: int | None = None,
    kind: str = "apology",
    remedy_type: str = "personal",
    wording: str = "Apologise to Ms B in writing.",
    amount=None,
    beneficiary_pseudonym: str = "Ms B",
    evidence_expected: str = "A copy of the letter.",
) -> Recommendation:
    if due_basis == "explicit" and due_on is None:
        due_on = (case.final_decision_on or timezone.localdate()) + dt.timedelta(days=30)
    return services.recommendation_add(
        by=by,
        case=case,
        kind=kind,
        remedy_type=remedy_type,
        wording=wording,
        owner=owner or case.link_officer,
        service_area=service_area or case.service_area,
        due_basis=due_basis,
        due_within=due_within,
        explicit_due_on=due_on if due_basis == "explicit" else None,
        amount=amount,
        beneficiary_pseudonym=beneficiary_pseudonym,
        evidence_expected=evidence_expected,
    )


def pdf(name: str = "apology.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def date_fields(name: str, day: dt.date | None) -> dict[str, str]:
    """A GOV.UK day/month/year date input as the browser posts it (blank when `day` is None)."""
    if day is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}
