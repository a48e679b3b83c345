"""One small council, built once per module through the real services, for the cross-app tests.

`world` (module-scoped) logs complaints in every stage state, opens LGSCO cases with
recommendations, evidence and a public interest report, adds learning items and runs the
reminder sweep, each in an unrestricted and a restricted version. It lives inside one
transaction that is rolled back when the module ends; every test runs in a savepoint inside it
(pytest-django's `db`), so what a test changes is gone before the next one.

Dates count back from the real `timezone.localdate()`, because that is what the views use.

The personas (see `PERSONAS`):

- anonymous: not signed in.
- handler (hana): caseworker in Housing. The handler of every Housing complaint below, the Link
  Officer of every case, the owner of every recommendation and learning item. On a restricted
  record she is named, as the services name the handler.
- colleague (cole): caseworker in Housing with nothing assigned.
- outsider (otto): caseworker in Highways.
- manager (mona): manager of Housing, hana's line manager; named on nothing.
- admin (ada): complaints admin, in no service area; named on nothing.
- named (nina): caseworker in Highways, named on every restricted complaint and case.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.text import slugify

PASSWORD = "correct-horse-battery-2026"
PDF_BYTES = b"%PDF-1.4 test"
PERSONAS = ("anonymous", "handler", "colleague", "outsider", "manager", "admin", "named")
KINDS = ("open", "restricted")
# The complaint states the stage actions need, each logged open and restricted.
STATES = ("awaiting", "in_progress", "clock_stopped", "panel", "responded", "closed")

_references = itertools.count(31_000_001)


def lgsco_reference() -> str:
    digits = f"{next(_references):08d}"
    return f"{digits[:2]} {digits[2:5]} {digits[5:]}"


@dataclass
class World:
    today: dt.date
    users: dict = field(default_factory=dict)  # persona (and helper) name -> User
    areas: dict = field(default_factory=dict)
    complaints: dict = field(default_factory=dict)  # (state, kind) -> Complaint
    actions: dict = field(default_factory=dict)  # kind -> open Action on the responded complaint
    documents: dict = field(default_factory=dict)  # kind -> Document on the awaiting complaint
    cases: dict = field(default_factory=dict)  # kind -> OmbudsmanCase
    recommendations: dict = field(default_factory=dict)  # kind -> Recommendation (due soon)
    overdue_recommendations: dict = field(default_factory=dict)
    completed_recommendations: dict = field(default_factory=dict)  # completed, evidence not yet sent
    bare_case: object = None  # open, Housing, no recommendations: it can be closed
    evidence: dict = field(default_factory=dict)  # kind -> Evidence
    reports: dict = field(default_factory=dict)  # kind -> PublicInterestReport
    learning: dict = field(default_factory=dict)  # kind -> LearningItem

    def user(self, persona: str):
        return None if persona == "anonymous" else self.users[persona]


def _user(username: str, role, areas=(), **fields):
    from django.contrib.auth.models import Group

    from accounts.models import ROLE_GROUP_NAMES, User

    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.gov.uk",
        first_name=username.capitalize(),
        last_name="Tester",
        **fields,
    )
    if role is not None:
        user.groups.add(Group.objects.get_or_create(name=ROLE_GROUP_NAMES[role])[0])
    if areas:
        user.service_areas.add(*areas)
    return user


def pdf(name: str = "letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def build_world() -> World:
    from accounts.models import Role, ServiceArea
    from calendars.services import load_bank_holidays
    from complaints import services as cs
    from complaints.models import Channel, Procedure
    from ombudsman_cases import services as os_
    from reminders import services as reminders
    from reports import services as rs

    load_bank_holidays(years=range(2019, 2029))
    today = timezone.localdate()
    w = World(today=today)
    days = lambda n: today - dt.timedelta(days=n)  # noqa: E731 - n days ago

    housing = ServiceArea.objects.get_or_create(name="Housing", defaults={"slug": slugify("Housing")})[0]
    highways = ServiceArea.objects.get_or_create(name="Highways", defaults={"slug": slugify("Highways")})[0]
    w.areas = {"housing": housing, "highways": highways}
    mona = _user("mona", Role.MANAGER, [housing])
    w.users = {
        "handler": _user("hana", Role.CASEWORKER, [housing], manager=mona),
        "colleague": _user("cole", Role.CASEWORKER, [housing], manager=mona),
        "outsider": _user("otto", Role.CASEWORKER, [highways]),
        "manager": mona,
        "admin": _user("ada", Role.COMPLAINTS_ADMIN),
        "named": _user("nina", Role.CASEWORKER, [highways]),
        # Not personas: a second Housing caseworker for Stage 2 (which must have another
        # handler), and the Highways handler of the filler complaints.
        "helper": _user("hal", Role.CASEWORKER, [housing]),
        "highways_handler": _user("hugh", Role.CASEWORKER, [highways]),
    }
    hana, hal, nina = w.users["handler"], w.users["helper"], w.users["named"]
    procedures = {p.slug: p for p in Procedure.objects.all()}

    def log(slug, kind, received_on, *, handler=hana, area=housing, name="Ms B", named=None):
        restricted = kind == "restricted"
        return cs.complaint_register(
            by=handler,
            today=today,
            procedure=procedures[slug],
            service_area=area,
            channel=Channel.EMAIL,
            received_on=received_on,
            complainant_name=name,
            complainant_email="ms.b@example.org",
            summary="The council did not arrange the placement.\nNobody answered my letters.",
            handler=handler,
            is_restricted=restricted,
            named_users=(named if named is not None else [nina]) if restricted else (),
        )

    def stage(complaint):
        return complaint.stages.order_by("-number").first()

    # A restricted Highways complaint named to nobody here, linked to both cases: their pages must
    # not link to it for anyone who cannot open it.
    hidden = log("corporate", "restricted", days(9), handler=w.users["highways_handler"], area=highways, named=[])
    w.complaints["hidden", "restricted"] = hidden

    for kind in KINDS:
        c = w.complaints
        c["awaiting", kind] = log("corporate", kind, days(3))
        w.documents[kind] = cs.document_upload(
            by=hana, complaint=c["awaiting", kind], uploaded_file=pdf(), description="Stage 1 letter"
        )

        c["in_progress", kind] = log("children", kind, days(5))

        c["clock_stopped", kind] = log("children", kind, days(6))
        cs.clock_stop(
            by=hana, stage=stage(c["clock_stopped", kind]), stopped_on=days(2), reason="Advocate", today=today
        )

        panel = log("children", kind, days(60))
        cs.stage_respond(by=hana, stage=stage(panel), responded_on=days(55), outcome="not_upheld", today=today)
        cs.escalation_request(
            by=hana, stage=stage(panel), requested_on=days(50), reasons="Unhappy", handler=hal, today=today
        )
        cs.stage_respond(by=hal, stage=stage(panel), responded_on=days(30), outcome="not_upheld", today=today)
        cs.escalation_request(
            by=hal, stage=stage(panel), requested_on=days(25), reasons="Still unhappy", handler=hana, today=today
        )
        c["panel", kind] = panel

        responded = log("corporate", kind, days(40))
        cs.stage_acknowledge(by=hana, stage=stage(responded), acknowledged_on=days(39), today=today)
        cs.stage_respond(
            by=hana,
            stage=stage(responded),
            responded_on=days(20),
            outcome="upheld",
            today=today,
            # Well overdue, so the owners' manager is told too. The second owner (hal) has no
            # other part in the restricted complaint: see test_the_owner_of_an_action_...
            actions=[("Write to the school", hana, days(10)), ("Send the file to the panel", hal, days(10))],
        )
        c["responded", kind] = responded
        w.actions[kind] = responded.actions.get(owner=hana)

        closed = log("corporate", kind, days(45))
        cs.stage_acknowledge(by=hana, stage=stage(closed), acknowledged_on=days(44), today=today)
        cs.stage_respond(by=hana, stage=stage(closed), responded_on=days(35), outcome="not_upheld", today=today)
        cs.complaint_close(by=hana, stage=stage(closed), closed_on=days(33), today=today)
        c["closed", kind] = closed
        for state in STATES:
            c[state, kind].refresh_from_db()

        case = os_.case_register(
            by=hana,
            today=today,
            reference=lgsco_reference(),
            service_area=housing,
            link_officer=hana,
            summary="Ms B says the council did not arrange the placement.",
            received_on=days(120),
            complaints=[responded, hidden],
            is_restricted=kind == "restricted",
            named_users=[nina] if kind == "restricted" else (),
        )
        case = os_.case_record_steps(
            by=hana,
            case=case,
            today=today,
            enquiry_received_on=days(110),
            enquiry_reply_due=today + dt.timedelta(days=10),
            final_decision_on=days(30),
            outcome="upheld_fault_injustice",
        )
        rec = dict(
            by=hana,
            case=case,
            kind="apology",
            remedy_type="personal",
            wording="Apologise to Ms B in writing.",
            owner=hana,
            service_area=housing,
            due_basis="explicit",
        )
        w.recommendations[kind] = os_.recommendation_add(**rec, explicit_due_on=today + dt.timedelta(days=7))
        w.overdue_recommendations[kind] = os_.recommendation_add(**rec, explicit_due_on=days(10))
        w.completed_recommendations[kind] = os_.recommendation_complete(
            by=hana,
            recommendation=os_.recommendation_add(**rec, explicit_due_on=today + dt.timedelta(days=20)),
            completed_on=days(3),
            today=today,
        )
        w.evidence[kind] = os_.evidence_upload(
            by=hana, recommendation=w.recommendations[kind], uploaded_file=pdf("apology.pdf"), description="Letter"
        )
        w.reports[kind] = os_.report_add(by=hana, case=case, received_on=days(10), today=today)
        case.refresh_from_db()
        w.cases[kind] = case

        w.learning[kind] = rs.learning_add(
            by=mona,
            today=today,
            theme="communication",
            improvement="Reply to letters within 10 working days.",
            service_area=housing,
            owner=hana,
            due_on=today + dt.timedelta(days=5),
            complaint=responded,
        )

    w.bare_case = os_.case_register(
        by=hana,
        today=today,
        reference=lgsco_reference(),
        service_area=housing,
        link_officer=hana,
        summary="Mr C says the council lost his application.",
        received_on=days(50),
    )

    # Fillers so that the complaints list has more than one page for the widest viewers.
    for n in range(10):
        log("corporate", "open", days(8 + n), handler=hal, name=f"Mr Housing {n}")
        log("corporate", "open", days(8 + n), handler=w.users["highways_handler"], area=highways, name=f"Mx Road {n}")
    for n in range(3):
        log("corporate", "restricted", days(8 + n), handler=w.users["highways_handler"], area=highways, named=[])

    reminders.sweep(today=today)
    reminders.prepare_digests(today=today)
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The council above, for every test in a module; rolled back when the module ends."""
    media = tmp_path_factory.mktemp("uploads")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        with transaction.atomic():
            yield build_world()
            transaction.set_rollback(True)


@pytest.fixture
def as_persona(world, client):
    """`as_persona("manager")` -> the test client signed in as that persona (anonymous: signed out)."""

    def sign_in(persona: str):
        user = world.user(persona)
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def api_as(world):
    """`api_as("manager")` -> a test client calling the API with a service-account token for that
    persona's user (anonymous: no token), so API answers compare with the pages' for the same person."""
    from django.test import Client

    from api.models import ServiceAccount
    from api.services import token_issue

    def client_for(persona: str):
        user = world.user(persona)
        if user is None:
            return Client()
        account = ServiceAccount.objects.get_or_create(user=user)[0]
        _, raw = token_issue(by=None, account=account, name=f"tests: {persona}")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return client_for


@pytest.fixture
def listed_on_pages():
    """`listed_on_pages(client, "/complaints/", {"status": "open"})` -> the ids a list page shows, in
    order, following its Next links: what a person sees, to compare with what the API lists."""
    import re
    from urllib.parse import urlencode, urljoin

    next_link = re.compile(r'<a [^>]*href="([^"]+)"[^>]*rel="next"')

    def ids(client, path: str, query: dict | None = None) -> list[int]:
        item = re.compile(r'href="' + re.escape(path) + r'(\d+)/"')
        found, url = [], path + (f"?{urlencode(query)}" if query else "")
        while url:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            found += [int(pk) for pk in item.findall(html) if int(pk) not in found]
            more = next_link.search(html)
            url = urljoin(path, more.group(1).replace("&amp;", "&")) if more else None
        return found

    return ids
