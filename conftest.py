"""Shared pytest fixtures: users in roles, and browser tests in Debian's Chromium with axe-core.

Browser tests are marked `browser`. Locally they are skipped when Chromium is missing; with
BROWSER_TESTS=required (as .ci/run sets) a missing Chromium fails them, and the whole run fails
if any browser test was skipped, xfailed or deselected.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio loop in the main thread; without this Django raises
# SynchronousOnlyOperation, even while creating the test database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent
AXE_JS = ROOT / "tests" / "vendor" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    # No connection attempts on a closed network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SIGN_IN_URL = "/accounts/sign-in/"
TEST_PASSWORD = "correct-horse-battery-2026"


def browser_tests_required() -> bool:
    return os.environ.get("BROWSER_TESTS", "").strip().lower() == "required"


def chromium_available() -> bool:
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


# --- browser tests: skip locally, fail in CI ---------------------------------------------------


def pytest_itemcollected(item):
    """Only browser tests may use pytest-playwright's `page` fixture (a parameter named `page`
    included): starting Playwright mid-run gives later tests a connection without the test
    database's data-migration rows."""
    if "page" in getattr(item, "fixturenames", ()) and item.get_closest_marker("browser") is None:
        raise pytest.UsageError(f"{item.nodeid} uses `page` but is not marked `browser`: rename the parameter")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if item.get_closest_marker("browser") is None or chromium_available():
        return
    message = f"Chromium not found at {CHROMIUM} (set CHROMIUM_PATH, or apt-get install chromium)"
    if browser_tests_required():
        pytest.fail(f"{message}; BROWSER_TESTS=required, so browser tests may not be skipped.", pytrace=False)
    pytest.skip(message)


class BrowserTestGuard:
    """Fails the run when BROWSER_TESTS=required and not every browser test ran."""

    def __init__(self, config):
        self.config = config
        self.ran = 0
        self.skipped: list[str] = []
        self.deselected = 0
        self.problems: list[str] = []

    def pytest_deselected(self, items):
        self.deselected += sum(1 for item in items if item.get_closest_marker("browser"))

    def pytest_runtest_logreport(self, report):
        if "browser" not in report.keywords:
            return
        if report.skipped:  # skip in any phase, or xfail
            if report.nodeid not in self.skipped:
                self.skipped.append(report.nodeid)
        elif report.when == "call":
            self.ran += 1

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session, exitstatus):
        if exitstatus in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.USAGE_ERROR):
            return
        if self.skipped:
            self.problems.append(f"{len(self.skipped)} browser test(s) skipped or xfailed: " + ", ".join(self.skipped))
        if self.deselected:
            self.problems.append(f"{self.deselected} browser test(s) deselected")
        if self.ran == 0:
            self.problems.append("no browser test ran")
        if self.problems:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter):
        if self.problems:
            terminalreporter.section("BROWSER_TESTS=required", sep="=", red=True, bold=True)
            for problem in self.problems:
                terminalreporter.line(f"FAILED: {problem}", red=True)


def pytest_configure(config):
    # xdist workers report to the controller, which decides.
    if browser_tests_required() and not hasattr(config, "workerinput"):
        config.pluginmanager.register(BrowserTestGuard(config), "browser-test-guard")


# --- Playwright (pytest-playwright fixtures) ---------------------------------------------------


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Keep `serialized_rollback=True` working once Playwright has started.

    Playwright's sync API leaves an event loop running in the main thread, and from then on Django
    hands out a fresh (context-local) connection object that lacks the serialized copy of the
    test database. Without it, a transactional test gets no rows from data migrations (role
    groups, the default working-day calendar) after the first flush. Putting the copy on the
    connection class makes every connection object see it.
    """
    from django.db import connections

    patched = []
    for alias in connections:
        conn = connections[alias]
        contents = conn.__dict__.get("_test_serialized_contents")
        if contents is not None and "_test_serialized_contents" not in type(conn).__dict__:
            type(conn)._test_serialized_contents = contents
            patched.append(type(conn))
    yield
    for cls in patched:
        del cls._test_serialized_contents


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached calendars must not outlive the test database rows they came from; nor a note that an
    earlier test's transaction changed what the cache keeps (config.versions)."""
    from django.core.cache import cache
    from django.db import connection

    cache.clear()
    connection.versions_changed_in_transaction = False
    yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium; never a Playwright-downloaded browser."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def axe():
    """`axe(page)` runs axe-core (vendored, offline) on the page and returns its results dict."""

    def run(page, context=None, options=None):
        if not AXE_JS.exists():
            pytest.fail(f"axe-core is missing: {AXE_JS}")
        # Evaluated through the browser's debugging protocol: the Content Security Policy forbids an
        # inline <script>, which is how add_script_tag would inject it.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        return page.evaluate("async ([ctx, opts]) => await axe.run(ctx || document, opts || {})", [context, options])

    return run


def format_axe_violations(violations: list[dict]) -> str:
    """One readable block per violation, for assertion messages."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v.get('impact')}): {v['help']} {v.get('helpUrl', '')}")
        for node in v.get("nodes", [])[:5]:
            lines.append(f"    {node.get('target')}: {node.get('html', '')[:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


@pytest.fixture
def axe_violations():
    return format_axe_violations


def sign_in(page, base_url: str, username: str, password: str):
    """Sign in through the real form, as a person would. Returns the page after the redirect."""
    page.goto(base_url + SIGN_IN_URL)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    return page


@pytest.fixture
def signed_in_page(page, live_server):
    """`signed_in_page(user)` signs `user` in through the sign-in form and returns the page.

    Users from `make_user` know their password; pass `password=` for others.
    """

    def go(user, password: str | None = None):
        password = password or getattr(user, "test_password", None) or TEST_PASSWORD
        return sign_in(page, live_server.url, user.get_username(), password)

    return go


# --- users in roles ----------------------------------------------------------------------------


def _role_group(role):
    from django.contrib.auth.models import Group

    from accounts.models import ROLE_GROUP_NAMES, Role

    if isinstance(role, Role) or role in Role.values:
        name = ROLE_GROUP_NAMES[Role(role)]
    else:
        name = str(role)  # a group name, e.g. "Manager"
    # get_or_create: transactional tests flush the rows the data migration made.
    return Group.objects.get_or_create(name=name)[0]


def _service_area(area):
    from django.utils.text import slugify

    from accounts.models import ServiceArea

    if isinstance(area, ServiceArea):
        return area
    return ServiceArea.objects.get_or_create(name=area, defaults={"slug": slugify(area)})[0]


@pytest.fixture
def make_user(db):
    """`make_user("casey", "caseworker", service_areas=["Housing"], **fields)` -> a saved user.

    role: a `Role` ("caseworker", "manager", "complaints_admin"), a group name ("Manager"), or
    None. service_areas: ServiceArea objects or names (created when missing). The password is
    TEST_PASSWORD unless `password=` is given; it is kept on `user.test_password`.
    """
    from accounts.models import User

    def make(username: str, role=None, service_areas=(), password: str = TEST_PASSWORD, **fields):
        fields.setdefault("email", f"{username}@example.gov.uk")
        fields.setdefault("first_name", username.capitalize())
        fields.setdefault("last_name", "Tester")
        user = User.objects.create_user(username=username, password=password, **fields)
        if role is not None:
            user.groups.add(_role_group(role))
        if service_areas:
            user.service_areas.add(*[_service_area(a) for a in service_areas])
        user.test_password = password
        return user

    return make
