"""load_ombudsman_demo_data: the source case 20 008 832, every status, overdue items, pseudonyms only, loaded once."""

import datetime as dt
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from accounts.models import User
from calendars.services import load_bank_holidays
from complaints.models import Complaint
from ombudsman_cases import selectors
from ombudsman_cases.models import (
    CaseEvent,
    CaseStatus,
    LgscoStatus,
    OmbudsmanCase,
    Outcome,
    Payment,
    PublicInterestReport,
    Recommendation,
    RecommendationExtension,
    RecommendationKind,
    RemedyType,
    ReportOutcome,
)
from reminders.models import Obligation, ObligationKind

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 27)
ARGS = ("--cases", "12", "--seed", "1", "--today", TODAY.isoformat())
PSEUDONYM = re.compile(r"^M[rs]s? [A-Z]$")
# A title followed by a name rather than an initial ("Mrs Smith") would be a real-looking name.
TITLE_AND_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.? [A-Z][a-z]+")


def load(*args) -> str:
    out = StringIO()
    call_command("load_ombudsman_demo_data", *(args or ARGS), stdout=out)
    return out.getvalue()


def seed():
    call_command("seed_demo", "--no-demo-data", stdout=StringIO())
    load_bank_holidays(years=range(2019, TODAY.year + 3))


@pytest.fixture
def demo():
    seed()
    return load()


def source_case() -> OmbudsmanCase:
    return OmbudsmanCase.objects.get(reference="20 008 832")


def test_the_source_case_is_loaded_with_its_decision_and_steps(demo):
    case = source_case()
    assert case.final_decision_on == dt.date(2022, 2, 4)
    assert case.outcome == Outcome.REPORT_ISSUED
    assert case.category.name == "Education > Special educational needs"
    assert case.service_area.name == "Children's Services – SEND"
    assert case.status == CaseStatus.CLOSED
    # Enquiries and the draft before the decision, answered on time.
    assert case.enquiry_received_on.year == 2021
    assert case.enquiry_reply_sent_on <= case.enquiry_reply_due < case.final_decision_on
    assert case.draft_comments_sent_on <= case.draft_comments_due < case.final_decision_on
    # No complaint was loaded (seed_demo --no-demo-data): unlinked, and restricted with the
    # demo manager and caseworker named so they can open it.
    assert case.complaints.count() == 0
    assert case.is_restricted
    named = set(case.named_users.values_list("username", flat=True))
    assert {"manager", "caseworker"} <= named
    for username in ("manager", "caseworker"):
        assert selectors.visible_cases(User.objects.get(username=username)).filter(pk=case.pk).exists()
    assert not selectors.visible_cases(User.objects.get(username="caseworker2")).filter(pk=case.pk).exists()


def test_the_source_case_recommendations_payments_and_evidence(demo):
    case = source_case()
    recs = list(case.recommendations.all())
    payments = sorted((p.amount for p in Payment.objects.filter(recommendation__case=case)), reverse=True)
    symbolic = sorted(
        (p.amount for p in Payment.objects.filter(recommendation__case=case, recommendation__amount__isnull=False)),
        reverse=True,
    )
    assert symbolic == [Decimal(n) for n in (3000, 1000, 500, 200, 200, 100)]
    assert len(payments) == 7  # and the lost tax credits, repaid on evidence

    tax_credits = case.recommendations.get(kind=RecommendationKind.FINANCIAL_LOSS)
    assert tax_credits.beneficiary_pseudonym == "Ms B"
    assert tax_credits.amount is None
    assert tax_credits.payments.count() == 1
    assert case.recommendations.filter(kind=RecommendationKind.APOLOGY, wording__contains="Ms B and Ms M").exists()

    personal = [r for r in recs if r.remedy_type == RemedyType.PERSONAL]
    improvements = [r for r in recs if r.remedy_type == RemedyType.SERVICE_IMPROVEMENT]
    assert len(personal) == 8 and len(improvements) == 3
    for rec in personal:  # within one month of the decision, done within it
        assert rec.due_on == dt.date(2022, 3, 4), rec.wording
        assert rec.completed_on <= rec.due_on and rec.evidence_sent_on and not rec.is_late
        assert rec.lgsco_status == LgscoStatus.COMPLIED
    for payment in Payment.objects.filter(recommendation__case=case):
        assert payment.approved_on <= payment.paid_on <= dt.date(2022, 3, 4)
        assert payment.proof and payment.approved_by.username == "manager"
    for rec in improvements:  # three months, extended in writing; the response went on 13 May 2022
        assert (rec.original_due_on, rec.due_on) == (dt.date(2022, 5, 4), dt.date(2022, 5, 13))
        assert rec.completed_on == rec.evidence_sent_on == dt.date(2022, 5, 13)
        assert not rec.is_late
        assert rec.extensions.get().letter.startswith("LGSCO email")


def test_the_source_case_public_interest_report_and_committees(demo):
    report = PublicInterestReport.objects.get(case=source_case())
    assert report.received_on == dt.date(2022, 2, 4)
    assert report.original_response_due == dt.date(2022, 5, 3)  # 3 months beginning with 4 Feb 2022
    assert report.response_due == dt.date(2022, 5, 13)
    assert "longer period" in report.response_extension_letter
    assert report.response_sent_on == dt.date(2022, 5, 13)
    assert report.notice_due == dt.date(2022, 2, 18)
    assert report.notice_published_on == dt.date(2022, 2, 10)
    assert report.notice_where
    assert (report.inspection_starts_on, report.inspection_ends_on) == (dt.date(2022, 2, 14), dt.date(2022, 3, 6))
    committees = list(report.committees.values_list("body", "met_on", "resolution"))
    assert [(body, met_on) for body, met_on, _ in committees] == [
        ("Children's Scrutiny Committee", dt.date(2022, 3, 15)),
        ("Council", dt.date(2022, 5, 26)),
        ("Cabinet", dt.date(2022, 7, 13)),
    ]
    assert committees[2][2] == "RESOLVED that the Report and actions to date be noted."
    assert report.outcome == ReportOutcome.SATISFIED
    assert report.outcome_on > dt.date(2022, 7, 13)


def test_every_status_is_present_and_some_obligations_are_overdue(demo):
    statuses = set(OmbudsmanCase.objects.values_list("status", flat=True))
    assert statuses == set(CaseStatus.values)
    assert OmbudsmanCase.objects.count() == 12
    overdue = Obligation.objects.filter(done_on__isnull=True, due_on__lt=TODAY)
    assert overdue.exists()
    kinds = set(overdue.values_list("kind", flat=True))
    assert {ObligationKind.RECOMMENDATION, ObligationKind.LGSCO_ENQUIRY_REPLY} <= kinds
    # Due soon as well: open items due in the next 30 days.
    assert Obligation.objects.filter(
        done_on__isnull=True, due_on__gte=TODAY, due_on__lte=TODAY + dt.timedelta(days=30)
    ).exists()
    # Done on time, done late, and extended by a manager.
    recs = Recommendation.objects.exclude(case__reference="20 008 832")
    assert recs.filter(completed_on__isnull=False, is_late=False).exists()
    assert recs.filter(is_late=True).exists()
    extensions = RecommendationExtension.objects.exclude(recommendation__case__reference="20 008 832")
    assert extensions.filter(recorded_by__username="manager").exists()
    assert "Loaded 12 LGSCO demo cases" in demo


def test_the_demo_caseworkers_overdue_items_show_on_the_managers_overdue_view(demo):
    manager = User.objects.get(username="manager")
    caseworker = User.objects.get(username="caseworker")
    overdue = Recommendation.objects.filter(owner=caseworker, evidence_sent_on__isnull=True, due_on__lt=TODAY)
    assert overdue.exists()
    assert set(overdue.values_list("service_area__name", flat=True)) <= {
        "Children's Services – SEND",
        "Children's Social Care",
    }
    rows, _ = selectors.overdue_items(user=manager, today=TODAY)
    shown = {r.source_key for r in rows}
    assert {f"recommendation:{r.pk}" for r in overdue} <= shown
    assert sum(1 for r in rows if r.due_on < TODAY) >= 4
    assert len({r.owner_id for r in rows}) >= 3


def test_pseudonyms_only(demo):
    pseudonyms = [p for p in Recommendation.objects.values_list("beneficiary_pseudonym", flat=True) if p]
    assert pseudonyms
    assert all(PSEUDONYM.match(p) for p in pseudonyms), pseudonyms
    texts = list(OmbudsmanCase.objects.values_list("summary", flat=True))
    texts += list(Recommendation.objects.values_list("wording", flat=True))
    texts += list(CaseEvent.objects.values_list("summary", flat=True))
    assert not [t for t in texts if TITLE_AND_NAME.search(t)]


def test_references_are_valid_and_unique(demo):
    references = list(OmbudsmanCase.objects.values_list("reference", flat=True))
    assert all(re.fullmatch(r"\d{2} \d{3} \d{3}", r) for r in references)
    assert len(set(references)) == len(references)


def test_a_second_run_adds_nothing(demo):
    counts = [
        m.objects.count()
        for m in (OmbudsmanCase, Recommendation, Payment, PublicInterestReport, CaseEvent, Obligation, User)
    ]
    assert "already loaded" in load()
    assert "already loaded" in load("--cases", "30", "--seed", "7", "--today", TODAY.isoformat())
    assert counts == [
        m.objects.count()
        for m in (OmbudsmanCase, Recommendation, Payment, PublicInterestReport, CaseEvent, Obligation, User)
    ]


def snapshot():
    cases = list(
        OmbudsmanCase.objects.order_by("reference").values_list(
            "reference", "status", "outcome", "received_on", "final_decision_on", "closed_on", "summary"
        )
    )
    recs = list(
        Recommendation.objects.order_by("case__reference", "id").values_list(
            "case__reference",
            "kind",
            "beneficiary_pseudonym",
            "owner__username",
            "due_on",
            "completed_on",
            "evidence_sent_on",
        )
    )
    return cases, recs


def test_the_same_seed_and_today_give_the_same_cases():
    seed()
    with transaction.atomic():
        load()
        first = snapshot()
        transaction.set_rollback(True)
    assert not OmbudsmanCase.objects.exists()
    load()
    assert snapshot() == first


def test_the_source_case_is_linked_to_the_source_complaint_when_it_is_loaded():
    seed()
    call_command("load_demo_data", "--complaints", "1", "--seed", "1", "--today", TODAY.isoformat(), stdout=StringIO())
    complaint = Complaint.objects.get(complainant_name="Ms B")
    output = load()
    case = source_case()
    assert list(case.complaints.all()) == [complaint]
    assert case.is_restricted == complaint.is_restricted
    assert f"linked to complaint {complaint.reference}" in output


def test_without_the_demo_users_it_says_to_run_seed_demo():
    with pytest.raises(CommandError, match="seed_demo"):
        load()
    assert not OmbudsmanCase.objects.exists()


def test_today_before_the_source_case_ended_is_refused():
    seed()
    with pytest.raises(CommandError, match="--today"):
        load("--today", "2022-06-01")


def test_twenty_cases_cover_every_outcome():
    seed()
    load("--cases", "20", "--seed", "3", "--today", TODAY.isoformat())
    assert set(OmbudsmanCase.objects.values_list("outcome", flat=True)) - {""} == set(Outcome.values)
    assert set(OmbudsmanCase.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    areas = set(OmbudsmanCase.objects.values_list("service_area__name", flat=True))
    assert len(areas) == 8
