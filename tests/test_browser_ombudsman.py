"""The managers' overdue view in real Chromium, with axe-core on each page.

A manager signs in and lands on "Overdue and due soon", sees an overdue LGSCO recommendation and
follows it; the caseworker who owns it signs in, records it completed today with the evidence
sent today; the manager's overdue view no longer lists it.

Dates are relative to today (`timezone.localdate()`, which the pages use), never later.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role
from calendars.rules import add_calendar_months
from calendars.services import load_bank_holidays
from ombudsman_cases import services
from ombudsman_cases.models import Outcome, Recommendation, RecommendationKind, RemedyType
from reminders.models import Obligation

# live_server serves from another thread, so data must be committed (transaction=True);
# serialized_rollback restores the rows data migrations made (role groups, the calendar, the
# public-interest-report rule) after each flush.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SERIOUS = ("serious", "critical")
AREA = "Children's Services – SEND"


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@pytest.fixture
def accessibility(axe, axe_violations):
    """`check(page, what)`: no serious or critical axe-core violations; every violation is listed.

    Moderate and minor ones do not fail the test but are printed (run with -s to see them).
    """

    def check(page: Page, what: str) -> list[dict]:
        results = axe(page)
        assert results["passes"], f"axe-core checked nothing on {what}"
        violations = results["violations"]
        listing = axe_violations(violations)
        if violations:
            print(f"\naxe-core on {what}: {len(violations)} violation(s)\n{listing}")
        serious = [v for v in violations if v.get("impact") in SERIOUS]
        assert not serious, f"axe-core found serious/critical violations on {what} (all violations listed):\n{listing}"
        return violations

    return check


def fill_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def submit(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def follow(page: Page, link) -> None:
    name = link if isinstance(link, re.Pattern) else re.compile(rf"^{re.escape(link)}")
    with page.expect_navigation():
        page.get_by_role("link", name=name).first.click()


def sign_out(page: Page) -> None:
    submit(page, "Sign out")
    assert "/accounts/sign-in/" in page.url


@pytest.fixture
def people(make_user, transactional_db):
    load_bank_holidays(years=range(timezone.localdate().year - 2, timezone.localdate().year + 2))
    manager = make_user("morgan", Role.MANAGER, service_areas=[AREA], first_name="Morgan", last_name="Manager")
    casey = make_user("casey", Role.CASEWORKER, service_areas=[AREA], first_name="Casey", last_name="Worker")
    return manager, casey


@pytest.fixture
def overdue_case(people):
    """A case decided about 75 days ago: a one-month payment, now overdue, owned by Casey, and a
    three-month procedure review, due within the next month, owned by the manager."""
    manager, casey = people
    today = timezone.localdate()
    decided = today - dt.timedelta(days=75)
    area = casey.service_areas.get()
    case = services.case_register(
        by=manager,
        today=today,
        reference="25 012 345",
        service_area=area,
        link_officer=manager,
        summary="Mrs X complains the council took 38 weeks to issue her son Mr Y's EHC Plan.",
        received_on=decided - dt.timedelta(days=150),
    )
    case = services.case_record_steps(
        by=manager, case=case, today=today, final_decision_on=decided, outcome=Outcome.UPHELD_INJUSTICE
    )
    payment = services.recommendation_add(
        by=manager,
        case=case,
        kind=RecommendationKind.SYMBOLIC_PAYMENT,
        remedy_type=RemedyType.PERSONAL,
        wording="Pay Mrs X £300 for the distress and uncertainty the delay caused.",
        owner=casey,
        service_area=area,
        due_basis="months",
        due_within=1,
        amount=Decimal("300"),
        beneficiary_pseudonym="Mrs X",
        evidence_expected="Proof of payment",
    )
    review = services.recommendation_add(
        by=manager,
        case=case,
        kind=RecommendationKind.PROCEDURE_REVIEW,
        remedy_type=RemedyType.SERVICE_IMPROVEMENT,
        wording="Review its EHC needs assessment process so plans are issued within 20 weeks.",
        owner=manager,
        service_area=area,
        due_basis="months",
        due_within=3,
    )
    assert payment.due_on == add_calendar_months(decided, 1) < today
    assert today <= review.due_on <= today + dt.timedelta(days=30)
    return case, payment, review


def test_manager_follows_an_overdue_recommendation_and_the_caseworker_records_it_done(
    live_server, page, signed_in_page, people, overdue_case, accessibility
):
    manager, casey = people
    case, payment, review = overdue_case
    today = timezone.localdate()
    payment_link = re.compile(r"^25 012 345: Symbolic payment: Pay Mrs X £300")
    review_link = re.compile(r"^25 012 345: Procedure or policy review")
    rec_url = f"{live_server.url}/ombudsman/{case.pk}/recommendations/{payment.pk}/"

    # The manager signs in through the form and lands on the overdue view.
    signed_in_page(manager)
    assert page.url == live_server.url + "/"
    expect(page.locator("h1")).to_have_text("Overdue and due soon")
    expect(page.get_by_role("heading", name=AREA)).to_be_visible()
    expect(page.get_by_role("link", name=payment_link)).to_be_visible()
    expect(page.get_by_role("link", name=review_link)).to_be_visible()
    expect(page.get_by_role("table").filter(has_text="Casey Worker")).to_contain_text("overdue")
    expect(page.get_by_role("heading", name=re.compile(r"^Ombudsman: 2 items, 1 overdue"))).to_be_visible()
    accessibility(page, "the manager's overdue view")

    # ... follows the recommendation's link to its page ...
    follow(page, payment_link)
    assert page.url == rec_url
    expect(page.locator("h1")).to_contain_text("Symbolic payment")
    expect(page.locator("h1")).to_contain_text("Overdue")
    expect(page.get_by_text("Casey Worker (Children's Services – SEND)")).to_be_visible()

    # ... and the case page.
    follow(page, "Back to case 25 012 345")
    expect(page.locator("h1")).to_contain_text("25 012 345")
    expect(page.get_by_role("table")).to_contain_text("Pay Mrs X £300")
    accessibility(page, "the case page")
    sign_out(page)

    # The caseworker who owns it opens it and records completion with the evidence sent.
    signed_in_page(casey)
    page.goto(rec_url)
    expect(page.locator("h1")).to_contain_text("Symbolic payment")
    follow(page, "Record completion")
    expect(page.locator("h1")).to_have_text("Record completion")
    accessibility(page, "the record-completion form")

    # Evidence sent before the completion date is refused, by the field.
    fill_date(page, "Date completed", today)
    fill_date(page, "Date the evidence was sent to the LGSCO (optional)", today - dt.timedelta(days=1))
    submit(page, "Record completion")
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The evidence cannot be sent before the recommendation was completed"
    )
    assert page.title().startswith("Error: ")
    accessibility(page, "the record-completion form with an error")
    payment.refresh_from_db()
    assert payment.completed_on is None

    fill_date(page, "Date completed", today)
    fill_date(page, "Date the evidence was sent to the LGSCO (optional)", today)
    submit(page, "Record completion")
    assert page.url == rec_url
    expect(page.get_by_text("Completion recorded.")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Evidence sent")
    expect(page.locator("h1")).to_contain_text("Late")  # done after its due date, and marked so for ever
    expect(page.get_by_text(f"{long_date(today)} (late: after the due date)")).to_be_visible()

    payment.refresh_from_db()
    assert (payment.completed_on, payment.evidence_sent_on, payment.is_late) == (today, today, True)
    assert Obligation.objects.get(source_key=f"recommendation:{payment.pk}").done_on == today
    sign_out(page)

    # The manager's overdue view no longer lists it; the review due soon is still there.
    signed_in_page(manager)
    expect(page.locator("h1")).to_have_text("Overdue and due soon")
    expect(page.get_by_role("link", name=review_link)).to_be_visible()
    expect(page.get_by_role("link", name=payment_link)).to_have_count(0)
    expect(page.get_by_role("heading", name=re.compile(r"^Ombudsman: 1 item, 0 overdue"))).to_be_visible()
    accessibility(page, "the manager's overdue view afterwards")
    assert Recommendation.objects.get(pk=review.pk).completed_on is None


def test_demo_pages_for_the_manager_have_no_serious_accessibility_violations(
    live_server, page, signed_in_page, accessibility
):
    """The demo data's richest pages: a full overdue view, the source case (report, committees,
    payments, timeline) and one of its recommendations with payments and an extension."""
    from io import StringIO

    from django.core.management import call_command

    from accounts.management.commands.seed_demo import DEMO_PASSWORD
    from accounts.models import User
    from ombudsman_cases.models import OmbudsmanCase

    today = timezone.localdate()
    call_command("seed_demo", "--no-demo-data", stdout=StringIO())
    call_command("load_demo_data", "--complaints", "20", "--today", today.isoformat(), stdout=StringIO())
    call_command("load_ombudsman_demo_data", "--cases", "20", "--today", today.isoformat(), stdout=StringIO())

    signed_in_page(User.objects.get(username="manager"), password=DEMO_PASSWORD)
    expect(page.locator("h1")).to_have_text("Overdue and due soon")
    expect(page.get_by_role("heading", name="Children's Social Care")).to_be_visible()
    accessibility(page, "the manager's overdue view (demo data)")

    source = OmbudsmanCase.objects.get(reference="20 008 832")
    page.goto(f"{live_server.url}/ombudsman/{source.pk}/")
    expect(page.locator("h1")).to_contain_text("20 008 832")
    expect(
        page.get_by_text("Cabinet, 13 July 2022: RESOLVED that the Report and actions to date be noted.")
    ).to_be_visible()
    accessibility(page, "the source case page (demo data)")

    review = source.recommendations.filter(extensions__isnull=False).first()
    page.goto(f"{live_server.url}/ombudsman/{source.pk}/recommendations/{review.pk}/")
    expect(page.get_by_role("heading", name="Extensions agreed with the LGSCO")).to_be_visible()
    accessibility(page, "a source case recommendation (demo data)")
    payment = source.recommendations.filter(amount=3000).get()
    page.goto(f"{live_server.url}/ombudsman/{source.pk}/recommendations/{payment.pk}/")
    expect(page.get_by_role("table")).to_contain_text("£3000.00")
    accessibility(page, "a source case payment (demo data)")
