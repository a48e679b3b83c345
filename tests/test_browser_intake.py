"""The online complaint form in real Chromium, with axe-core on every page (no violations at all).

Journey 1: a resident completes the form (one question per page, an error put right, a document
uploaded, an answer changed from check-your-answers) and sends it; a caseworker signs in, picks
the complaint up from the intake queue and acknowledges it.
Journey 2: the same form with JavaScript switched off.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role
from calendars.services import load_bank_holidays
from complaints.models import Complaint, Procedure, StageStatus
from intake.models import Topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SERIOUS = ("serious", "critical")
PDF = b"%PDF-1.4 photo of the overflowing bin"


@pytest.fixture
def topic(transactional_db, make_user):
    load_bank_holidays(years=range(2019, 2029))
    waste = make_user("wendy", Role.CASEWORKER, service_areas=["Waste and Recycling"]).service_areas.get()
    return Topic.objects.create(
        label="Bins, recycling or street cleaning",
        hint="For example, a missed collection",
        service_area=waste,
        procedure=Procedure.objects.get(slug="corporate"),
    )


@pytest.fixture
def no_violations(axe, axe_violations):
    """`check(page, what)`: axe-core finds nothing at all on the page."""

    def check(page: Page, what: str) -> None:
        results = axe(page)
        assert results["passes"], f"axe-core checked nothing on {what}"
        assert not results["violations"], f"axe-core on {what}:\n{axe_violations(results['violations'])}"

    return check


@pytest.fixture
def no_serious_violations(axe, axe_violations):
    def check(page: Page, what: str) -> None:
        violations = [v for v in axe(page)["violations"] if v.get("impact") in SERIOUS]
        assert not violations, f"axe-core on {what}:\n{axe_violations(violations)}"

    return check


def click(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def answer_radio(page: Page, label: str) -> None:
    page.get_by_label(label, exact=True).check()


def complete_the_form(page: Page, base_url: str, check=lambda page, what: None) -> None:
    """From the start page to check-your-answers, checking each page with `check`."""
    page.goto(base_url + "/complain/")
    expect(page.locator("h1")).to_have_text("Make a complaint")
    check(page, "the start page")
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()

    expect(page.locator("h1")).to_have_text("Who are you complaining for?")
    check(page, "who")
    answer_radio(page, "Myself")
    click(page, "Continue")

    # An error first: nothing entered.
    expect(page.locator("h1")).to_have_text("What is your full name?")
    click(page, "Continue")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your full name")
    expect(page).to_have_title(re.compile("^Error: "))
    check(page, "the name page with an error")
    page.get_by_label("What is your full name?").fill("Robin Resident")
    click(page, "Continue")

    expect(page.locator("h1")).to_have_text("How would you like us to contact you?")
    answer_radio(page, "Email")
    click(page, "Continue")
    expect(page.locator("h1")).to_have_text("Your contact details")
    check(page, "contact details")
    page.get_by_label("Email address", exact=True).fill("robin@example.com")
    click(page, "Continue")

    expect(page.locator("h1")).to_have_text("What is your complaint about?")
    check(page, "the topics")
    answer_radio(page, "Bins, recycling or street cleaning")
    click(page, "Continue")

    expect(page.locator("h1")).to_have_text("What happened?")
    check(page, "what happened")
    page.get_by_label("What happened?").fill("My bin has not been collected for three weeks.")
    click(page, "Continue")
    page.get_by_label("What would you like us to do to put things right?").fill("Collect it this week.")
    click(page, "Continue")

    expect(page.locator("h1")).to_have_text("Do you need us to make any adjustments to help you?")
    check(page, "adjustments")
    answer_radio(page, "Yes")
    click(page, "Continue")
    page.get_by_label("What adjustments do you need?").fill("Please write in large print.")
    check(page, "the adjustments needed")
    click(page, "Continue")

    expect(page.locator("h1")).to_have_text("Upload documents (optional)")
    check(page, "documents")
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "bin.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    click(page, "Upload file")
    expect(page.locator(".govuk-summary-list")).to_contain_text("bin.pdf")
    check(page, "documents, with a file added")
    click(page, "Continue")
    expect(page.locator("h1")).to_have_text("Check your answers before sending your complaint")


def test_a_resident_complains_online_and_a_caseworker_picks_it_up_and_acknowledges_it(
    live_server, page, signed_in_page, topic, no_violations, no_serious_violations, mailoutbox
):
    complete_the_form(page, live_server.url, check=no_violations)
    check_answers = page.locator(".govuk-summary-list")
    expect(check_answers).to_contain_text("Robin Resident")
    expect(check_answers).to_contain_text("Please write in large print.")
    no_violations(page, "check your answers")

    # Change an answer, and come straight back.
    with page.expect_navigation():
        page.get_by_role("link", name="Change your name").click()
    page.get_by_label("What is your full name?").fill("Robin Q Resident")
    click(page, "Continue")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Robin Q Resident")

    click(page, "Send complaint")
    expect(page.locator("h1")).to_have_text("Complaint sent")
    complaint = Complaint.objects.get()
    expect(page.locator(".govuk-panel")).to_contain_text(complaint.reference)
    no_violations(page, "the confirmation page")
    assert complaint.complainant_name == "Robin Q Resident"
    assert complaint.documents.get().original_name == "bin.pdf"
    [receipt] = mailoutbox
    assert receipt.to == ["robin@example.com"] and complaint.reference in receipt.body

    # The caseworker finds it in the intake queue and picks it up.
    signed_in_page(complaint.service_area.members.get())
    with page.expect_navigation():
        page.get_by_role("link", name="Online complaints").click()
    expect(page.locator("h1")).to_have_text("Online complaints to pick up")
    expect(page.get_by_role("table")).to_contain_text(complaint.reference)
    no_violations(page, "the intake queue")
    click(page, f"Pick up {complaint.reference}")
    expect(page.get_by_text(f"You are now handling {complaint.reference}.")).to_be_visible()
    expect(page.get_by_text("Stage 1 reassigned from Online complaint form to Wendy Tester")).to_be_visible()
    no_serious_violations(page, "the complaint page after picking it up")

    # ... and acknowledges it with the usual action.
    today = timezone.localdate()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("^Acknowledge")).first.click()
    group = page.get_by_role("group", name="Date acknowledged")
    group.get_by_label("Day").fill(str(today.day))
    group.get_by_label("Month").fill(str(today.month))
    group.get_by_label("Year").fill(str(today.year))
    click(page, "Record acknowledgement")
    expect(page.get_by_text(f"{complaint.reference}: acknowledgement recorded.")).to_be_visible()

    stage = complaint.stages.get()
    assert (stage.status, stage.acknowledged_on, stage.handler.username) == (StageStatus.IN_PROGRESS, today, "wendy")
    page.goto(live_server.url + "/intake/")
    expect(page.get_by_role("table")).not_to_contain_text(complaint.reference)


def test_the_form_works_with_javascript_switched_off(live_server, browser, topic):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        complete_the_form(page, live_server.url)
        click(page, "Send complaint")
        expect(page.locator("h1")).to_have_text("Complaint sent")
        expect(page.locator(".govuk-panel")).to_contain_text(Complaint.objects.get().reference)
    finally:
        context.close()
