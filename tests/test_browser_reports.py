"""Reports in real Chromium: a manager prints the annual performance report to PDF; axe on every report page.

The demo data (the source case 20 008 832 included) is loaded through the demo commands. Pages
are checked under the site's Content Security Policy: axe-core is evaluated through the DevTools
protocol (not an inline <script>, which the policy blocks), and any policy violation the page
itself causes fails the test.
"""

from __future__ import annotations

import io
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SERIOUS = ("serious", "critical")
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


@pytest.fixture
def demo(transactional_db):
    from accounts.management.commands.seed_demo import DEMO_PASSWORD
    from accounts.models import User

    today = timezone.localdate().isoformat()
    call_command("seed_demo", "--no-demo-data", stdout=StringIO())
    call_command("load_demo_data", "--complaints", "60", "--today", today, stdout=StringIO())
    call_command("load_ombudsman_demo_data", "--cases", "8", "--today", today, stdout=StringIO())
    call_command("load_reports_demo_data", "--today", today, stdout=StringIO())
    return User.objects.get(username="manager"), DEMO_PASSWORD


@pytest.fixture
def csp_violations(page: Page) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None)
    return messages


@pytest.fixture
def accessibility(axe_violations):
    """`check(page, what)`: axe-core finds no serious or critical violations; all are printed (-s)."""
    found: dict[str, list[dict]] = {}

    def check(page: Page, what: str) -> list[dict]:
        page.evaluate(AXE_JS.read_text() + "\n;undefined")
        results = page.evaluate("async () => await axe.run(document)")
        assert results["passes"], f"axe-core checked nothing on {what}"
        violations = results["violations"]
        found[what] = violations
        listing = axe_violations(violations)
        print(f"\naxe-core on {what}: {len(violations)} violation(s)\n{listing}")
        serious = [v for v in violations if v.get("impact") in SERIOUS]
        assert not serious, f"axe-core found serious/critical violations on {what}:\n{listing}"
        return violations

    check.found = found
    return check


def test_a_manager_prints_the_annual_performance_report_as_a_committee_paper(
    live_server, page, signed_in_page, demo, accessibility, csp_violations
):
    manager, password = demo
    signed_in_page(manager, password=password)
    with page.expect_navigation():
        page.get_by_role("link", name="Reports", exact=True).click()
    expect(page.locator("h1")).to_have_text("Reports")
    with page.expect_navigation():
        page.get_by_role("link", name="Complaints performance").click()
    expect(page.locator("h1")).to_have_text("Complaints performance report")
    year = timezone.localdate().year if timezone.localdate().month >= 4 else timezone.localdate().year - 1
    expect(page.locator(".app-report-title")).to_contain_text(
        f"{year} to {year + 1} (1 April {year} to 31 March {year + 1})"
    )
    expect(page.locator("svg[role=img]")).to_have_count(2)
    accessibility(page, "the performance report")

    # On paper: the title block, and no navigation, phase banner, filters, CSV links or footer.
    page.emulate_media(media="print")
    expect(page.locator(".app-report-title")).to_be_visible()
    expect(page.locator(".app-report-title")).to_contain_text("Demo County Council")
    for hidden in (".govuk-service-navigation", ".govuk-phase-banner", ".app-report-filters", ".govuk-footer"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.get_by_text("Download “Summary, compared with the same period a year earlier” as CSV")).to_be_hidden()

    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert "Complaints performance report" in text
    assert "Demo County Council" in text
    assert f"1 April {year} to 31 March {year + 1}" in text
    assert "Responses within the time limit, by stage" in text
    assert "Sign out" not in text and "Choose another period" not in text and "Download" not in text
    # Page numbers from the print stylesheet's @page margin box (Chromium supports them).
    assert re.search(rf"Page 1 of {len(reader.pages)}", text), text[-400:]
    assert not csp_violations, csp_violations


def test_every_report_page_has_no_serious_accessibility_violations(
    live_server, page, signed_in_page, demo, accessibility, csp_violations
):
    from ombudsman_cases.models import OmbudsmanCase

    manager, password = demo
    signed_in_page(manager, password=password)
    source = OmbudsmanCase.objects.get(reference="20 008 832")
    pages = [
        ("/reports/", "Reports", "the reports index"),
        ("/reports/ombudsman/?year=2021", "Ombudsman figures: the LGSCO annual letter", "the Ombudsman figures"),
        ("/reports/learning/", "Learning register", "the learning register"),
        (f"/reports/case/{source.pk}/", "Ombudsman case 20 008 832: report for committee", "the source case report"),
        ("/reports/learning/new/", "Add a service improvement", "the add-a-learning-item form"),
        (
            "/reports/ombudsman/2021/published/",
            "The LGSCO's published figures for 2021 to 2022",
            "the published figures form",
        ),
    ]
    for url, heading, what in pages:
        page.goto(live_server.url + url)
        expect(page.locator("h1")).to_have_text(heading)
        accessibility(page, what)

    # The case report prints with its title block and every committee.
    page.goto(f"{live_server.url}/reports/case/{source.pk}/")
    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)
    text = re.sub(r"\s+", " ", text)
    for date in ("4 February 2022", "15 March 2022", "13 May 2022", "26 May 2022", "13 July 2022"):
        assert date in text
    page.emulate_media(media="screen")

    # The error summary of a form with a mistake.
    page.goto(live_server.url + "/reports/learning/new/")
    with page.expect_navigation():
        page.get_by_role("button", name="Add to the learning register").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the complaint reference, the LGSCO reference, or both"
    )
    accessibility(page, "the add-a-learning-item form with errors")
    assert not csp_violations, csp_violations
