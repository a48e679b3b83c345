"""The permission matrix: every URL the product serves × every persona × open and restricted records.

The URL names come from the URL conf (`get_resolver()`, walked recursively with namespaces), so a
page added without a row in `ROWS` fails `test_every_served_url_has_an_expectation` and its own
`...-MISSING` case, naming it. Only `admin/` (Django's own admin, with its own permission system)
and static files are left out.

Who is who (built in tests/conftest.py through the real services):

- anonymous: not signed in. Pages that need a user answer 302 to /accounts/sign-in/.
- handler: caseworker in Housing who handles the complaint, is the Link Officer of the case and
  owns its recommendations and learning items. On a restricted record she is named (the
  services name the handler), so she keeps her work.
- colleague: caseworker in Housing with nothing assigned.
- outsider: caseworker in Highways, another service area.
- manager: manager of Housing, named on nothing.
- admin: complaints admin, named on nothing.
- named: caseworker in Highways named on the restricted complaint and the restricted case.

The rule (accounts/access.py): a record outside your service areas is not found (404, never
403, so a hidden record is not confirmed); a restricted record is found only by the people named
on it, whatever their role; a record you can see but may not act on answers 403.

GET only; POST-only pages answer 405. The forms themselves are exercised in test_form_fuzz.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings as django_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from intake.journey import STEPS as INTAKE_STEPS

pytestmark = pytest.mark.django_db

# The same names as tests/conftest.py (tests/ is not a package, so it is not imported from here).
PERSONAS = ("anonymous", "handler", "colleague", "outsider", "manager", "admin", "named")
KINDS = ("open", "restricted")
SIGN_IN_PREFIX = "/accounts/sign-in/"
SIGN_IN = "302 to sign-in"
SKIPPED_PREFIXES = ("admin/", "api/")  # Django's admin (its own permissions); api/: tests/test_api_permission_matrix.py


@dataclass(frozen=True)
class Redirect:
    """A 302 somewhere other than the sign-in page: `to(world, kind)` is the expected Location."""

    to: Callable
    text: str

    def __repr__(self):
        return f"302 to {self.text}"


def row(anonymous, handler, colleague, outsider, manager, admin, named) -> dict:
    """One line of the matrix, in the order of PERSONAS."""
    return dict(zip(PERSONAS, (anonymous, handler, colleague, outsider, manager, admin, named), strict=True))


# --- the answers, by kind of page ----------------------------------------------------------------
# fmt: off
#                          anonymous handler colleague outsider manager admin named
EVERYONE_200  = row(200,     200,    200,      200,     200,    200,  200)
SIGNED_IN_200 = row(SIGN_IN, 200,    200,      200,     200,    200,  200)
MANAGERS_ONLY = row(SIGN_IN, 403,    403,      403,     200,    200,  403)
ADMIN_ONLY    = row(SIGN_IN, 403,    403,      403,     403,    200,  403)
# A record's own pages: seen in its service area (and by admins) unless restricted; restricted,
# only by the people named on it.
SEE = {
    "open":       row(SIGN_IN, 200,  200,      404,     200,    200,  404),
    "restricted": row(SIGN_IN, 200,  404,      404,     404,    404,  200),
}
# Changing a case (LGSCO steps, recommendations, reports, closing): the Link Officer or a manager.
# Acting on a recommendation (completion, evidence, payments): its owner, the Link Officer or a
# manager; here the handler is both owner and Link Officer, so the answers are the same.
MANAGE = {
    "open":       row(SIGN_IN, 200,  403,      404,     200,    200,  404),
    "restricted": row(SIGN_IN, 200,  404,      404,     404,    404,  403),
}
# Managers (and complaints admins) only, once the record is found (404 before 403).
MANAGER_ACTS = {
    "open":       row(SIGN_IN, 403,  403,      404,     200,    200,  404),
    "restricted": row(SIGN_IN, 403,  404,      404,     404,    404,  403),
}
# Reports are for managers and admins (403 first); a case report also needs the case to be visible.
REPORT_OF_CASE = {
    "open":       row(SIGN_IN, 403,  403,      403,     200,    200,  403),
    "restricted": row(SIGN_IN, 403,  403,      403,     404,    404,  403),
}
# A learning item: managers of its area, admins and its owner. Its source's restriction does not
# hide it (issue 6: the page then says "a restricted complaint" instead of the reference).
LEARNING = {kind: row(SIGN_IN, 200, 403,      404,     200,    200,  404) for kind in KINDS}
# fmt: on


def _complaint_page(world, kind, state="awaiting"):
    return reverse("complaints:detail", args=[world.complaints[state, kind].pk])


NOT_NOW = Redirect(lambda w, k: _complaint_page(w, k), "the complaint's page")
# A stage action the workflow does not allow now: back to the complaint with a message.
NOT_AVAILABLE = {
    "open": row(SIGN_IN, NOT_NOW, NOT_NOW, 404, NOT_NOW, NOT_NOW, 404),
    "restricted": row(SIGN_IN, NOT_NOW, 404, 404, 404, 404, NOT_NOW),
}
HOME = Redirect(lambda w, k: "/", "/")
REPORTS_INDEX = Redirect(lambda w, k: reverse("reports:index"), "/reports/")
CASE_REPORT = Redirect(lambda w, k: reverse("reports:case", args=[w.cases[k].pk]), "the case report")
FIRST_QUESTION = Redirect(lambda w, k: reverse("intake:step", args=[INTAKE_STEPS[0].slug]), "the form's first question")
FORM_START = Redirect(lambda w, k: reverse("intake:start"), "/complain/")


@dataclass(frozen=True)
class Row:
    """Expected answers for one URL name (one variant of it, e.g. one stage action), per record kind."""

    name: str
    expect: dict  # kind -> persona -> answer; kind "-" for pages that are not about one record
    kwargs: Callable = field(default=lambda w, k: {})
    variant: str = ""
    query: Callable = field(default=lambda w, k: {})

    @property
    def label(self) -> str:
        return f"{self.name}[{self.variant}]" if self.variant else self.name


def page(name, expect, **kw) -> Row:
    return Row(name, {"-": expect}, **kw)


def record(name, expect, kwargs, **kw) -> Row:
    return Row(name, expect, kwargs, **kw)


def complaint(state="awaiting"):
    return lambda w, k: {"pk": w.complaints[state, k].pk}


def case(w, k):
    return {"pk": w.cases[k].pk}


def rec(w, k):
    return {"pk": w.cases[k].pk, "rec_pk": w.recommendations[k].pk}


def report(w, k):
    return {"pk": w.cases[k].pk, "report_pk": w.reports[k].pk}


# Each stage action on a complaint in a state where the workflow allows it.
STAGE_ACTION_STATES = {
    "acknowledge": "awaiting",
    "extend": "awaiting",
    "withdraw": "awaiting",
    "respond": "in_progress",
    "stop_clock": "in_progress",
    "restart_clock": "clock_stopped",
    "record_panel": "panel",
    "escalate": "responded",
    "close": "responded",
    "reopen": "closed",
}


def stage_action(action, state):
    return lambda w, k: {"pk": w.complaints[state, k].pk, "action": action}


ROWS: list[Row] = [
    # --- project pages ---
    page("home", SIGNED_IN_200),
    page("healthz", EVERYONE_200),
    page("ping", EVERYONE_200),
    page("signed_in_ping", SIGNED_IN_200),
    # --- accounts ---
    page("accounts:sign_in", row(200, HOME, HOME, HOME, HOME, HOME, HOME)),
    page("accounts:sign_out", row(405, 405, 405, 405, 405, 405, 405)),  # POST only
    page("accounts:password_change", SIGNED_IN_200),
    # --- complaints ---
    page("complaints:list", SIGNED_IN_200),
    page("complaints:create", SIGNED_IN_200),
    page("complaints:procedures", ADMIN_ONLY),
    page("complaints:subject_access", ADMIN_ONLY),
    record("complaints:detail", SEE, complaint()),
    record("complaints:legal_hold", MANAGER_ACTS, complaint()),
    *[
        record("complaints:stage_action", SEE, stage_action(action, state), variant=action)
        for action, state in STAGE_ACTION_STATES.items()
    ],
    # Reassigning a stage is for managers.
    record("complaints:stage_action", MANAGER_ACTS, stage_action("reassign", "awaiting"), variant="reassign"),
    record("complaints:stage_action", NOT_AVAILABLE, stage_action("respond", "awaiting"), variant="respond-not-now"),
    record(
        "complaints:stage_action",
        {kind: row(SIGN_IN, 404, 404, 404, 404, 404, 404) for kind in KINDS},
        stage_action("no-such-action", "awaiting"),
        variant="unknown",
    ),
    record(
        "complaints:action_complete",
        SEE,
        lambda w, k: {"pk": w.complaints["responded", k].pk, "action_pk": w.actions[k].pk},
    ),
    record("complaints:document_upload", SEE, complaint()),
    record(
        "complaints:document_download",
        SEE,
        lambda w, k: {"pk": w.complaints["awaiting", k].pk, "document_pk": w.documents[k].pk},
    ),
    # --- LGSCO cases ---
    page("ombudsman_cases:list", SIGNED_IN_200),
    page("ombudsman_cases:create", SIGNED_IN_200),
    page("ombudsman_cases:overdue", MANAGERS_ONLY),
    page("ombudsman_cases:overdue_csv", MANAGERS_ONLY),
    record("ombudsman_cases:detail", SEE, case),
    record("ombudsman_cases:steps", MANAGE, case),
    record("ombudsman_cases:close", MANAGE, case),
    record("ombudsman_cases:recommendation_add", MANAGE, case),
    record("ombudsman_cases:recommendation", SEE, rec),
    record("ombudsman_cases:complete", MANAGE, rec),
    record("ombudsman_cases:evidence_sent", MANAGE, rec),
    record("ombudsman_cases:evidence_upload", MANAGE, rec),
    record(
        "ombudsman_cases:evidence_download",
        SEE,
        lambda w, k: {**rec(w, k), "evidence_pk": w.evidence[k].pk},
    ),
    record("ombudsman_cases:payment", MANAGE, rec),
    record("ombudsman_cases:extend", MANAGER_ACTS, rec),
    record("ombudsman_cases:reassign", MANAGER_ACTS, rec),
    record("ombudsman_cases:outcome", MANAGE, rec),
    record("ombudsman_cases:report_add", MANAGE, case),
    record("ombudsman_cases:report_update", MANAGE, report),
    record("ombudsman_cases:committee_add", MANAGE, report),
    # --- reminders ---
    page("reminders:mine", SIGNED_IN_200),
    page("reminders:log", ADMIN_ONLY),
    # --- reports ---
    page("reports:index", MANAGERS_ONLY),
    page("reports:performance", MANAGERS_ONLY),
    page("reports:performance_stages_csv", MANAGERS_ONLY),
    page("reports:ombudsman", MANAGERS_ONLY),
    page(
        "reports:published_figures",
        MANAGERS_ONLY,
        kwargs=lambda w, k: {"year_start": w.today.year if w.today.month >= 4 else w.today.year - 1},
    ),
    page("reports:learning", MANAGERS_ONLY),
    page("reports:learning_add", MANAGERS_ONLY),
    record("reports:learning_detail", LEARNING, lambda w, k: {"pk": w.learning[k].pk}),
    record("reports:learning_complete", LEARNING, lambda w, k: {"pk": w.learning[k].pk}),
    record("reports:learning_drop", LEARNING, lambda w, k: {"pk": w.learning[k].pk}),
    record(
        "reports:case_pick",
        {
            "open": row(SIGN_IN, 403, 403, 403, CASE_REPORT, CASE_REPORT, 403),
            # A case the user may not open is "not found", exactly as a wrong reference.
            "restricted": row(SIGN_IN, 403, 403, 403, REPORTS_INDEX, REPORTS_INDEX, 403),
        },
        lambda w, k: {},
        query=lambda w, k: {"reference": w.cases[k].reference},
    ),
    record("reports:case", REPORT_OF_CASE, lambda w, k: {"case_pk": w.cases[k].pk}),
    # --- the online complaint form: public, no sign-in; its intake queue: staff with a role ---
    page("intake:start", EVERYONE_200),
    *[
        page("intake:step", EVERYONE_200, kwargs=lambda w, k, slug=step.slug: {"slug": slug}, variant=step.slug)
        for step in INTAKE_STEPS
        if step.slug != "documents"
    ],
    page("intake:documents", EVERYONE_200),
    # Nothing answered yet: check-your-answers goes to the first question; with no form sent, the
    # confirmation page goes to the start page.
    page("intake:check", row(*[FIRST_QUESTION] * len(PERSONAS))),
    page("intake:done", row(*[FORM_START] * len(PERSONAS))),
    page("intake:queue", SIGNED_IN_200),
    record("intake:pick_up", {kind: row(*[405] * len(PERSONAS)) for kind in KINDS}, complaint()),  # POST only
]

# Cells where the product answers wrongly today: (row label, kind, persona) -> "BUG: ...". Each
# becomes a strict xfail, so when the bug is fixed the test passes, fails as XPASS, and the entry
# goes. Empty now: what this matrix found (reassign answered 302 to caseworkers, admins were
# refused learning items, the case page linked caseworkers to reports) is fixed.
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}


# --- what the product serves -----------------------------------------------------------------------


def served_urls() -> list[tuple[str | None, str]]:
    """(namespaced name, route) of every URL pattern, walking includes; admin and static left out."""
    static = tuple(
        p.lstrip("/") for p in (django_settings.STATIC_URL, django_settings.MEDIA_URL) if p and p.lstrip("/")
    )
    found = []

    def walk(patterns, namespaces, prefix):
        for p in patterns:
            route = prefix + str(p.pattern)
            if route.startswith(SKIPPED_PREFIXES) or (static and route.startswith(static)):
                continue
            if isinstance(p, URLResolver):
                walk(p.url_patterns, [*namespaces, p.namespace] if p.namespace else namespaces, route)
            elif isinstance(p, URLPattern):
                found.append((":".join([*namespaces, p.name]) if p.name else None, route))

    walk(get_resolver().url_patterns, [], "")
    return found


SERVED = served_urls()


def _cases():
    params = []
    for name, route in SERVED:
        rows = [r for r in ROWS if r.name == name]
        if not rows:
            params.append(pytest.param(None, name or route, "-", "-", id=f"MISSING:{name or route}"))
            continue
        for r in rows:
            for kind in r.expect:
                for persona in PERSONAS:
                    bug = KNOWN_BUGS.get((r.label, kind, persona))
                    marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
                    params.append(
                        pytest.param(r, r.label, kind, persona, id=f"{r.label}-{kind}-{persona}", marks=marks)
                    )
    return params


def test_every_served_url_has_an_expectation():
    assert len(SERVED) > 40, f"the URL conf walk found only {len(SERVED)} URLs: is it still walking includes?"
    missing = sorted(name or f"(unnamed) {route}" for name, route in SERVED if name not in {r.name for r in ROWS})
    assert not missing, (
        "These URLs are served but have no row in tests/test_permission_matrix.py ROWS, so nobody has said "
        "who may open them: " + ", ".join(missing)
    )


def test_every_expectation_is_for_a_served_url():
    served = {name for name, _ in SERVED}
    stale = sorted({r.name for r in ROWS} - served)
    assert not stale, f"ROWS has entries for URL names the product no longer serves: {stale}"


def test_matrix_covers_every_persona_for_every_row():
    for r in ROWS:
        for kind, answers in r.expect.items():
            assert set(answers) == set(PERSONAS), f"{r.label}/{kind}: personas {set(PERSONAS) ^ set(answers)}"


def describe(response) -> str:
    location = response.headers.get("Location")
    return f"{response.status_code}" + (f" to {location}" if location else "")


@pytest.mark.parametrize(("row_", "url", "kind", "persona"), _cases())
def test_permission_matrix(row_, url, kind, persona, world, as_persona, settings):
    if row_ is None:
        pytest.fail(
            f"The URL {url!r} is served but has no row in ROWS (tests/test_permission_matrix.py): say who may open it."
        )
    settings.REDIS_URL = ""  # /healthz checks Redis only when configured; no Redis in tests
    client = as_persona(persona)
    path = reverse(row_.name, kwargs=row_.kwargs(world, kind))
    response = client.get(path, row_.query(world, kind))
    expected = row_.expect[kind][persona]
    where = f"GET {path} ({url}, {kind} record) as {persona}"
    if expected == SIGN_IN:
        assert response.status_code == 302 and response["Location"].startswith(SIGN_IN_PREFIX), (
            f"{where}: expected {SIGN_IN}, got {describe(response)}"
        )
    elif isinstance(expected, Redirect):
        to = expected.to(world, kind)
        assert response.status_code == 302 and urlsplit(response["Location"]).path == to, (
            f"{where}: expected 302 to {to}, got {describe(response)}"
        )
    else:
        assert response.status_code == expected, f"{where}: expected {expected}, got {describe(response)}"


# --- lists never show an item whose page the same user cannot open ----------------------------------

HREF = re.compile(r'href="([^"]+)"')
LIST_PAGES = ["/complaints/", "/ombudsman/", "/ombudsman/overdue/", "/reminders/", "/reports/", "/reports/learning/"]
MANAGERS_LISTS = ("/ombudsman/overdue/", "/reports/", "/reports/learning/")
ITEM_PATTERNS = {
    "/complaints/": re.compile(r"^/complaints/\d+/$"),
    "/ombudsman/": re.compile(r"^/ombudsman/\d+/$"),
}


def links(response) -> list[str]:
    """Every internal link on a page, resolved against it, without fragments; static files left out."""
    base = response.request["PATH_INFO"]
    out = []
    for href in HREF.findall(response.content.decode()):
        href = href.replace("&amp;", "&")
        if href.startswith(("#", "http://", "https://", "mailto:", "tel:")):
            continue
        url = urljoin(base, href).split("#")[0]
        if url.startswith(django_settings.STATIC_URL):
            continue
        out.append(url)
    return out


LIST_BUGS: dict = {}  # (persona, list page) -> "BUG: ...", as KNOWN_BUGS


PAGE_PARAMETERS = ("page", "after", "before")


@pytest.mark.parametrize(
    ("persona", "list_page"),
    [
        pytest.param(
            persona,
            list_page,
            id=f"{persona}-{list_page}",
            marks=[pytest.mark.xfail(strict=True, reason=LIST_BUGS[persona, list_page])]
            if (persona, list_page) in LIST_BUGS
            else [],
        )
        for persona in PERSONAS
        if persona != "anonymous"
        for list_page in LIST_PAGES
    ],
)
def test_every_link_on_a_list_opens_for_the_same_user(persona, list_page, world, as_persona):
    """Every page of the list, every link on it (items, filters, navigation) answers 200 to the same user."""
    client = as_persona(persona)
    first = client.get(list_page)
    if list_page in MANAGERS_LISTS and persona not in ("manager", "admin"):
        assert first.status_code == 403  # caseworkers have no overdue view or reports: they list nothing
        return
    assert first.status_code == 200, f"{list_page} as {persona}: {describe(first)}"
    pages, seen_pages, checked, items, broken = [first], {list_page}, set(), set(), []
    while pages:
        response = pages.pop()
        for url in links(response):
            path = urlsplit(url).path
            query = urlsplit(url).query
            # Another page of the same list, by number (?page=2) or by where it starts (?after=, ?before=).
            if path == list_page and any(query.startswith(f"{p}=") or f"&{p}=" in query for p in PAGE_PARAMETERS):
                if url not in seen_pages:  # another page of the same list: read it too
                    seen_pages.add(url)
                    nxt = client.get(url)
                    assert nxt.status_code == 200, f"{url} as {persona}: {describe(nxt)}"
                    pages.append(nxt)
                continue
            if url in checked:
                continue
            checked.add(url)
            if list_page in ITEM_PATTERNS and ITEM_PATTERNS[list_page].match(path):
                items.add(path)
            answer = client.get(url)
            if answer.status_code != 200:
                broken.append(f"{url}: {describe(answer)}")
    assert not broken, f"{list_page} as {persona} links to pages that do not open for them: {broken}"
    if list_page in ITEM_PATTERNS:
        page = first.context["page"]
        listed = page.paginator.count if hasattr(page, "paginator") else page.count
        assert len(items) == listed, f"{list_page} as {persona}: {listed} listed, {len(items)} links found"


def test_the_lists_are_not_trivially_empty(world, as_persona):
    """The property above means something only if the lists show things (and the complaints list pages)."""
    admin = as_persona("admin")
    complaints = admin.get("/complaints/")
    assert complaints.context["page"].has_next
    handler = as_persona("handler")
    assert handler.get("/reminders/").context["items"], "the handler has no reminders: the sweep found nothing"
    assert handler.get("/ombudsman/").context["page"].paginator.count == 3
    manager = as_persona("manager")
    assert manager.get("/ombudsman/overdue/").context["overdue"]["count"], "the manager's overdue view is empty"
    assert manager.get("/reminders/").context["items"], "the manager has no reminders (overdue items of her team)"


# --- nor does a record's page link to anything the same user cannot open ---------------------------


def complaint_page_in(state):
    return lambda w, k: _complaint_page(w, k, state)


RECORD_PAGES = {
    **{
        f"complaint-{state}": complaint_page_in(state)
        for state in ("awaiting", "in_progress", "clock_stopped", "panel", "responded", "closed")
    },
    "case": lambda w, k: reverse("ombudsman_cases:detail", args=[w.cases[k].pk]),
    "recommendation": lambda w, k: reverse("ombudsman_cases:recommendation", kwargs=rec(w, k)),
    "learning": lambda w, k: reverse("reports:learning_detail", args=[w.learning[k].pk]),
    "case-report": lambda w, k: reverse("reports:case", args=[w.cases[k].pk]),
}


RECORD_PAGE_BUGS: dict = {}  # (persona, record page, kind) -> "BUG: ...", as KNOWN_BUGS


@pytest.mark.parametrize(
    ("persona", "record_page", "kind"),
    [
        pytest.param(
            persona,
            page_,
            kind,
            id=f"{persona}-{page_}-{kind}",
            marks=[pytest.mark.xfail(strict=True, reason=RECORD_PAGE_BUGS[persona, page_, kind])]
            if (persona, page_, kind) in RECORD_PAGE_BUGS
            else [],
        )
        for persona in PERSONAS[1:]
        for page_ in RECORD_PAGES
        for kind in KINDS
    ],
)
def test_every_link_on_a_record_page_opens_for_the_same_user(persona, record_page, kind, world, as_persona):
    """Action links (Acknowledge, Record the steps, Upload ...) appear only to those who may follow them."""
    client = as_persona(persona)
    response = client.get(RECORD_PAGES[record_page](world, kind))
    if response.status_code != 200:
        assert response.status_code in (403, 404), describe(response)  # the matrix says which
        return
    broken = []
    for url in dict.fromkeys(links(response)):
        answer = client.get(url)
        if answer.status_code != 200:
            broken.append(f"{url}: {describe(answer)}")
    assert not broken, f"{response.request['PATH_INFO']} as {persona} links to pages they cannot open: {broken}"


# --- nor does an export ----------------------------------------------------------------------------


def _csv_rows(response) -> list[list[str]]:
    import csv

    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(text.splitlines()))


@pytest.mark.parametrize("persona", ["manager", "admin"])
def test_every_reference_in_an_export_opens_for_the_same_user(persona, world, as_persona):
    """The overdue CSV (LGSCO references) and the operational stages CSV (complaint references)."""
    from complaints.models import Complaint
    from ombudsman_cases.models import OmbudsmanCase

    client = as_persona(persona)
    today = world.today
    start, end = today - dt.timedelta(days=200), today
    period = {
        "year": today.year if today.month >= 4 else today.year - 1,
        **{f"start_{i}": v for i, v in enumerate((start.day, start.month, start.year))},
        **{f"end_{i}": v for i, v in enumerate((end.day, end.month, end.year))},
    }
    stages = _csv_rows(client.get(reverse("reports:performance_stages_csv"), period))
    overdue = _csv_rows(client.get(reverse("ombudsman_cases:overdue_csv")))
    complaints = {row[0] for row in stages[1:]}
    cases = {row[4] for row in overdue[1:] if row[4]}
    assert complaints and cases, "the exports are empty: this test would prove nothing"
    broken = []
    for reference in sorted(complaints):
        path = reverse("complaints:detail", args=[Complaint.objects.get(reference=reference).pk])
        if (answer := client.get(path)).status_code != 200:
            broken.append(f"complaint {reference} {path}: {describe(answer)}")
    for reference in sorted(cases):
        path = reverse("ombudsman_cases:detail", args=[OmbudsmanCase.objects.get(reference=reference).pk])
        if (answer := client.get(path)).status_code != 200:
            broken.append(f"case {reference} {path}: {describe(answer)}")
    assert not broken, f"the exports list, for {persona}, records they cannot open: {broken}"


# --- nor does a reminder digest, and an owner can open what they own ---------------------------------

EMAIL_LINK = re.compile(r"https?://[^/\s\"'<>]+(/[^\s\"'<>]*)")
DIGEST_BUGS: dict = {}  # persona -> "BUG: ...", as KNOWN_BUGS


@pytest.mark.parametrize(
    "persona",
    [
        pytest.param(p, marks=[pytest.mark.xfail(strict=True, reason=DIGEST_BUGS[p])] if p in DIGEST_BUGS else [])
        for p in [*PERSONAS[1:], "helper"]
    ],
)
def test_every_item_in_a_digest_opens_for_its_recipient(persona, world, client, mailoutbox):
    """Today's digest (the sweep ran in the world) links only to what its recipient may open, and names
    no restricted record they may not open."""
    from reminders.models import Digest
    from reminders.services import digest_items, send_digest

    user = world.users[persona]
    client.force_login(user)
    paths, hidden_titles = set(), set()
    for digest in Digest.objects.filter(recipient=user, day=world.today):
        items = digest_items(digest, today=world.today)
        paths |= {r.obligation.url for r in items["new"]} | {o.url for o in items["others"]}
        hidden_titles |= {r.obligation.title for r in items.get("hidden", [])}
        send_digest(digest_id=digest.pk, today=world.today)
    for message in mailoutbox:
        bodies = [message.body, *(content for content, _ in getattr(message, "alternatives", []))]
        for body in bodies:
            paths |= {p.replace("&amp;", "&") for p in EMAIL_LINK.findall(body)}
            leaked = [title for title in hidden_titles if title in body]
            assert not leaked, f"{persona}'s digest email shows restricted items they cannot open: {leaked}"
    broken = [f"{p}: {describe(a)}" for p in sorted(paths) if (a := client.get(p.split("#")[0])).status_code != 200]
    assert not broken, f"{persona}'s digest links to what they cannot open: {broken}"


def test_the_owner_of_an_action_on_a_restricted_complaint_can_open_it(world, client):
    client.force_login(world.users["helper"])
    complaint = world.complaints["responded", "restricted"]
    assert complaint.actions.filter(owner=world.users["helper"]).exists()
    response = client.get(reverse("complaints:detail", args=[complaint.pk]))
    assert response.status_code == 200, f"the action's owner got {describe(response)}"
