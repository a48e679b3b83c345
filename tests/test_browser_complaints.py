"""Caseworker journeys through a corporate complaint in real Chromium, with axe-core on each form.

Journey 1: sign in, log a complaint, acknowledge, respond at Stage 1, record the complainant's
escalation (to a different handler), Stage 2 acknowledged and answered by that handler, close
with signposting to the Ombudsman.
Journey 2: Stage 2 is suspended; after the Stage 1 response the close page warns about it and
will not close until the words used to signpost the complainant are recorded.

Dates are a few days before today (`timezone.localdate()`, which the pages use), never later.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role
from calendars.services import load_bank_holidays
from complaints import services
from complaints.models import (
    Complaint,
    ComplaintStatus,
    Procedure,
    ProcedureStage,
    Signposting,
    SignpostReason,
    StageSuspension,
)
from complaints.tests.factories import log_complaint

# live_server serves from another thread, so data must be committed (transaction=True);
# serialized_rollback restores the seeded procedures, role groups and calendar after each flush.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SERIOUS = ("serious", "critical")
LGSCO = "Local Government and Social Care Ombudsman"


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@pytest.fixture
def bank_holidays(transactional_db):
    load_bank_holidays(years=range(2019, 2029))


@pytest.fixture
def casey(make_user, bank_holidays):
    return make_user("casey", Role.CASEWORKER, service_areas=["Highways"])


@pytest.fixture
def sam(make_user, casey):
    return make_user("sam", Role.CASEWORKER, service_areas=["Highways"])


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


def choose(page: Page, legend: str, label: str) -> None:
    page.get_by_role("group", name=legend).get_by_label(label, exact=True).check()


def submit(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def follow(page: Page, link_text: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(rf"^{re.escape(link_text)}")).first.click()


def sign_out(page: Page) -> None:
    submit(page, "Sign out")
    assert "/accounts/sign-in/" in page.url


def respond_not_upheld(page: Page, on: dt.date, summary: str) -> None:
    expect(page.locator("h1")).to_have_text("Record the response")
    fill_date(page, "Date the response was sent", on)
    choose(page, "Overall outcome", "Not upheld")
    for n in range(1, 10):  # one group of radios per point of complaint
        points = page.get_by_role("group", name=re.compile(rf"^Point {n}:"))
        if points.count() == 0:
            break
        points.get_by_label("Not upheld", exact=True).check()
    page.get_by_label("Summary of the response (optional)").fill(summary)
    page.get_by_label("Explanation given").check()
    submit(page, "Record the response")


def test_caseworker_takes_a_corporate_complaint_through_both_stages_and_closes_it_with_signposting(
    live_server, page, signed_in_page, casey, sam, accessibility
):
    received = days_ago(10)

    # Sign in through the real form and log the complaint.
    signed_in_page(casey)
    expect(page.locator("h1")).to_have_text("My work")
    follow(page, "Log a complaint")
    expect(page.locator("h1")).to_have_text("Log a complaint")
    accessibility(page, "the log-complaint form")

    choose(page, "Which procedure applies?", "Corporate complaints")
    page.get_by_label("Service area").select_option(label="Highways")
    choose(page, "How was the complaint made?", "Email")
    fill_date(page, "Date received", received)
    page.get_by_label("Complainant's full name").fill("Priya Pothole")
    page.get_by_label("Email address (optional)").fill("priya@example.org")
    choose(page, "How do they want to be contacted?", "Email")
    page.get_by_label("Points of complaint").fill("The pothole on Mill Lane was reported three times\nNobody replied")
    page.get_by_label("Outcome wanted (optional)").fill("Repair the road and an apology")
    expect(page.get_by_label("Handler", exact=True)).to_have_value(str(casey.pk))
    submit(page, "Log complaint")

    complaint = Complaint.objects.get()
    assert page.url == f"{live_server.url}/complaints/{complaint.pk}/"
    expect(page.locator("h1")).to_contain_text(complaint.reference)
    expect(page.locator("h1")).to_contain_text("Open")
    expect(page.get_by_text(f"Complaint {complaint.reference} logged.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Record the response"))).to_have_count(0)
    accessibility(page, "the complaint page (new complaint)")

    # Acknowledge Stage 1 the next day.
    follow(page, "Acknowledge")
    fill_date(page, "Date acknowledged", received + dt.timedelta(days=1))
    submit(page, "Record acknowledgement")
    expect(page.get_by_text(f"{complaint.reference}: acknowledgement recorded.")).to_be_visible()
    expect(page.get_by_text(f"Acknowledged {long_date(received + dt.timedelta(days=1))}")).to_be_visible()

    # Respond at Stage 1.
    follow(page, "Record the response")
    respond_not_upheld(page, received + dt.timedelta(days=3), "The road was inspected and is safe.")
    expect(page.get_by_text(f"{complaint.reference}: response recorded.")).to_be_visible()
    expect(page.get_by_text("Within time")).to_be_visible()

    # The complainant asks for Stage 2: the same handler is refused, a colleague is accepted.
    follow(page, "Record an escalation request")
    fill_date(page, "Date the complainant asked for the next stage", received + dt.timedelta(days=4))
    page.get_by_label("Their reasons for asking").fill("The pothole is still there.")
    page.get_by_label("Handler of the next stage").select_option(label="Casey Tester")
    submit(page, "Open the next stage")
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    expect(page.locator(".govuk-error-summary")).to_contain_text("someone other than the Stage 1 handler")
    accessibility(page, "the escalation form with an error")
    page.get_by_label("Handler of the next stage").select_option(label="Sam Tester")
    submit(page, "Open the next stage")
    expect(page.get_by_text(f"{complaint.reference}: next stage opened.")).to_be_visible()
    expect(page.locator("#stage-2")).to_contain_text("Stage 2")
    sign_out(page)

    # Sam, the Stage 2 handler, finds it in their work, acknowledges and answers it.
    signed_in_page(sam)
    expect(page.get_by_role("table")).to_contain_text(complaint.reference)
    follow(page, complaint.reference)
    follow(page, "Acknowledge")
    fill_date(page, "Date acknowledged", received + dt.timedelta(days=5))
    submit(page, "Record acknowledgement")
    follow(page, "Record the response")
    respond_not_upheld(page, received + dt.timedelta(days=6), "A second inspection found no defect.")
    expect(page.get_by_role("link", name=re.compile("^Record an escalation request"))).to_have_count(0)

    # Close after the final stage: signposting to the Ombudsman is required.
    follow(page, "Close the complaint")
    expect(
        page.get_by_text(f"This is the final stage. Record how the complainant was told they can go to the {LGSCO}")
    ).to_be_visible()
    accessibility(page, "the close page (final stage)")
    closed_on = received + dt.timedelta(days=7)
    fill_date(page, "Date closed", closed_on)
    fill_date(page, "Date the complainant was told where to go next", closed_on)
    choose(page, "How were they told?", "Email")
    wording = page.get_by_label("The words used")
    expect(wording).to_have_value(re.compile("Local Government and Social Care Ombudsman"))
    wording.fill(f"If you are still unhappy you can ask the {LGSCO} to look at your complaint: www.lgo.org.uk.")
    submit(page, "Close the complaint")

    expect(page.get_by_text(f"{complaint.reference}: complaint closed.")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Closed")
    signposted = page.locator(".govuk-inset-text")
    expect(signposted).to_contain_text("Final stage of the procedure completed.")
    expect(signposted).to_contain_text(f"The complainant was told on {long_date(closed_on)} by email")
    expect(signposted).to_contain_text(f"ask the {LGSCO} to look at your complaint: www.lgo.org.uk.")
    accessibility(page, "the complaint page (closed)")

    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED
    assert list(complaint.stages.order_by("number").values_list("handler__username", flat=True)) == ["casey", "sam"]
    assert Signposting.objects.get(complaint=complaint).reason == SignpostReason.FINAL_STAGE


def test_when_stage_two_is_suspended_the_caseworker_must_signpost_before_closing(
    live_server, page, signed_in_page, casey, accessibility
):
    corporate = Procedure.objects.get(slug="corporate")
    suspension = StageSuspension.objects.create(
        procedure_stage=ProcedureStage.objects.get(procedure=corporate, number=2),
        starts_on=days_ago(90),
        reason="Not enough independent investigators",
    )
    received = days_ago(8)
    complaint = log_complaint(
        handler=casey,
        received_on=received,
        today=timezone.localdate(),
        complainant_name="Gus Gritting",
        preferred_contact="letter",
        complainant_address="1 High Street",
        summary="The road was not gritted",
    )
    services.stage_acknowledge(
        by=casey,
        stage=complaint.stages.get(),
        acknowledged_on=received + dt.timedelta(days=1),
        today=timezone.localdate(),
    )

    signed_in_page(casey)
    page.goto(f"{live_server.url}/complaints/{complaint.pk}/")
    follow(page, "Record the response")
    respond_not_upheld(page, received + dt.timedelta(days=2), "Gritting followed the winter plan.")
    accessibility(page, "the complaint page (answered at Stage 1)")

    # The close page warns that Stage 2 is suspended.
    follow(page, "Close the complaint")
    warning = page.locator(".govuk-warning-text")
    expect(warning).to_contain_text("Stage 2 is suspended (Not enough independent investigators)")
    expect(warning).to_contain_text(f"You must record that the complainant was told and signposted to the {LGSCO}")
    accessibility(page, "the close page (Stage 2 suspended)")

    # Without the words used, it will not close.
    closed_on = received + dt.timedelta(days=3)
    fill_date(page, "Date closed", closed_on)
    fill_date(page, "Date the complainant was told where to go next", closed_on)
    choose(page, "How were they told?", "Letter")
    page.get_by_label("The words used").fill("")
    submit(page, "Close the complaint")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter the words used to tell the complainant where to go next")
    expect(page.locator("#div_id_wording .govuk-error-message")).to_contain_text("Enter the words used")
    assert page.title().startswith("Error: ")
    accessibility(page, "the close page with an error")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OPEN

    # With them, it closes and the page says Stage 2 was suspended and the complainant was told.
    words = f"Stage 2 of our procedure is suspended, so you can now ask the {LGSCO} to look at your complaint."
    page.get_by_label("The words used").fill(words)
    submit(page, "Close the complaint")
    expect(page.locator("h1")).to_contain_text("Closed")
    signposted = page.locator(".govuk-inset-text")
    expect(signposted).to_contain_text("Stage 2 was suspended.")
    expect(signposted).to_contain_text(
        f"The complainant was told on {long_date(closed_on)} by letter that they can go to the {LGSCO}"
    )
    expect(signposted).to_contain_text(words)
    accessibility(page, "the complaint page (closed, Stage 2 suspended)")

    signposting = Signposting.objects.get(complaint=complaint)
    assert (signposting.reason, signposting.suspension_id) == (SignpostReason.NEXT_STAGE_SUSPENDED, suspension.pk)
