"""Smoke test in real Chromium: each demo user signs in through the form and lands on their
role's home page, and axe-core finds no accessibility violations on the sign-in and home pages.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.management.commands.seed_demo import DEMO_PASSWORD
from accounts.models import User

# live_server runs in another thread, so the test data must be committed (transaction=True).
# serialized_rollback restores the rows data migrations made (role groups, the default working-day
# calendar), which the flush after each transactional test deletes.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HOME_HEADINGS = {
    "caseworker": "My work",
    "caseworker2": "My work",
    "manager": "Overdue and due soon",
    "admin": "Rules and users",
}


@pytest.fixture
def demo_users():
    # A small demo data set, so the home pages have rows for axe to scan.
    call_command("seed_demo", "--no-demo-data", stdout=StringIO())
    call_command("load_demo_data", "--complaints", "40", stdout=StringIO())


def assert_no_axe_violations(page, axe, axe_violations, what: str):
    results = axe(page)
    violations = results["violations"]
    assert not violations, f"axe-core found {len(violations)} violation(s) on {what}:\n" + axe_violations(violations)


def test_sign_in_page_has_no_accessibility_violations(live_server, page, axe, axe_violations):
    page.goto(live_server.url + "/accounts/sign-in/")
    assert page.locator("h1").inner_text() == "Sign in"
    assert_no_axe_violations(page, axe, axe_violations, "the sign-in page")


def test_sign_in_error_page_has_no_accessibility_violations(live_server, page, axe, axe_violations, make_user):
    make_user("casey", "caseworker")
    page.goto(live_server.url + "/accounts/sign-in/")
    page.get_by_label("Username").fill("casey")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(page, axe, axe_violations, "the sign-in page with errors")


@pytest.mark.parametrize("username", list(HOME_HEADINGS))
def test_demo_user_signs_in_and_lands_on_their_home_page(
    username, demo_users, signed_in_page, live_server, axe, axe_violations
):
    page = signed_in_page(User.objects.get(username=username), password=DEMO_PASSWORD)

    assert page.url == live_server.url + "/"
    assert page.locator("h1").inner_text() == HOME_HEADINGS[username]
    assert_no_axe_violations(page, axe, axe_violations, f"{username}'s home page")

    # Signing out (a POST form in the header) returns to the sign-in page.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert page.url == live_server.url + "/accounts/sign-in/"
