"""Every page's query count does not grow with the number of complaints shown or stored (issue 3).

Each test measures a page with a few complaints, adds many more through the real services (in
every state, in the user's areas and elsewhere), measures again and asserts the two counts are
EQUAL. A sanity cap catches a page that is constant but wasteful.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from complaints import services
from complaints.models import Complaint, ComplaintStage
from complaints.tests.factories import log_complaint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays")]

QUERY_CAP = 25
SMALL, LARGE = 3, 30
PDF = b"%PDF-1.4\n%%EOF\n"


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def current_stage(complaint: Complaint) -> ComplaintStage:
    return complaint.stages.order_by("-number").first()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def people(make_user):
    return {
        "caseworker": make_user("casey", Role.CASEWORKER, service_areas=["Housing"]),
        "colleague": make_user("cora", Role.CASEWORKER, service_areas=["Housing"]),
        "manager": make_user("mona", Role.MANAGER, service_areas=["Housing"]),
        "admin": make_user("ada", Role.COMPLAINTS_ADMIN),
        "elsewhere": make_user("hugo", Role.CASEWORKER, service_areas=["Highways"]),
    }


class World:
    """Complaints made through the services, in every state, numbered from 0 across calls."""

    def __init__(self, people):
        self.people = people
        self.made = 0

    def add(self, n: int) -> list[Complaint]:
        made = []
        for _ in range(n):
            i = self.made
            self.made += 1
            # Every fourth complaint belongs to another service area (Highways); the rest to Housing.
            handler = [
                self.people["caseworker"],
                self.people["colleague"],
                self.people["caseworker"],
                self.people["elsewhere"],
            ][i % 4]
            received = days_ago(45 - (i * 7) % 43)  # the first is overdue: lists have rows from the start
            complaint = log_complaint(
                handler=handler,
                received_on=received,
                today=today(),
                complainant_name=f"Person {i:03d}",
                summary="First point\nSecond point",
                points=["First point", "Second point"],
                is_restricted=(i % 11 == 10),
            )
            self.progress(complaint, handler, received, state=i % 5)
            made.append(complaint)
        return made

    def progress(self, complaint, handler, received, *, state: int):
        if state == 0:
            return  # awaiting acknowledgement (overdue when received long enough ago)
        services.stage_acknowledge(
            by=handler, stage=current_stage(complaint), acknowledged_on=received + dt.timedelta(days=1), today=today()
        )
        if state == 1:
            return
        if state == 4:
            stage = current_stage(complaint)
            services.stage_extend(
                by=handler,
                stage=stage,
                new_due=stage.response_due + dt.timedelta(days=3),
                reason="Waiting for a report",
                complainant_told_on=today(),
                today=today(),
            )
            return
        services.stage_respond(
            by=handler,
            stage=current_stage(complaint),
            responded_on=received + dt.timedelta(days=2),
            outcome="upheld",
            today=today(),
            actions=[("Apologise in writing", handler, today() + dt.timedelta(days=5))],
        )
        if state == 3:
            services.complaint_close(
                by=handler, stage=current_stage(complaint), closed_on=received + dt.timedelta(days=2), today=today()
            )


@pytest.fixture
def world(people):
    return World(people)


def measure(client, path: str, params: dict | None = None) -> CaptureQueriesContext:
    client.get(path, params)  # warm up per-process caches (content types, etc.)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params)
    assert response.status_code == 200, f"{path} {params}: {response.status_code}"
    return ctx


def assert_same_count(small: CaptureQueriesContext, large: CaptureQueriesContext, what: str) -> None:
    def listing(ctx):
        return "\n".join(f"  {q['sql'][:220]}" for q in ctx.captured_queries)

    assert len(large) == len(small), (
        f"{what}: {len(small)} queries with {SMALL} complaints but {len(large)} with {LARGE}.\n"
        f"Small:\n{listing(small)}\nLarge:\n{listing(large)}"
    )
    assert len(small) <= QUERY_CAP, f"{what}: {len(small)} queries (cap {QUERY_CAP}):\n{listing(small)}"


def housing_pk(people) -> int:
    return people["caseworker"].service_areas.get().pk


LIST_VARIANTS = {
    "default": {},
    "filtered": {"service_area": "HOUSING", "status": "open", "due": "overdue", "procedure": "", "sort": "-received"},
    "searched by name": {"q": "Person"},
    "searched by reference": {"q": "CMP-"},
    "by handler, sorted by reference": {"handler": "CASEY", "sort": "reference"},
    "last page": {"page": "last"},
}


def pages_for(role: str, people, made: list[Complaint]) -> dict[str, tuple[str, dict]]:
    """The pages a role uses, as (path, query parameters), named for the failure message."""
    pages = {"home page": ("/", {})}
    for variant, params in LIST_VARIANTS.items():
        params = dict(params)
        if params.get("service_area") == "HOUSING":
            params["service_area"] = housing_pk(people)
        if params.get("handler") == "CASEY":
            params["handler"] = people["caseworker"].pk
        pages[f"/complaints/ ({variant})"] = ("/complaints/", params)
    acknowledged, answered = made[1], made[2]
    pages["complaint page"] = (f"/complaints/{answered.pk}/", {})
    pages["log form"] = ("/complaints/new/", {})
    pages["respond form"] = (f"/complaints/{acknowledged.pk}/stage/respond/", {})
    for action in ("escalate", "close", "withdraw"):
        pages[f"{action} form"] = (f"/complaints/{answered.pk}/stage/{action}/", {})
    if role == "admin":
        pages["stage rules"] = ("/complaints/rules/", {})
    return pages


@pytest.mark.parametrize("role", ["caseworker", "colleague", "manager", "admin"])
def test_page_query_counts_do_not_grow_with_the_number_of_complaints(client, people, world, role):
    client.force_login(people[role])
    made = world.add(SMALL)
    pages = pages_for(role, people, made)
    small = {name: measure(client, path, params) for name, (path, params) in pages.items()}
    world.add(LARGE - SMALL)
    large = {name: measure(client, path, params) for name, (path, params) in pages.items()}

    problems = []
    for name in pages:
        try:
            assert_same_count(small[name], large[name], f"{name} for {role}")
        except AssertionError as error:
            problems.append(str(error))
    assert not problems, "\n\n".join(problems)
    if role == "admin":  # the large data really is larger than a page, so "last page" has one before it
        assert 'rel="prev"' in client.get("/complaints/", {"page": "last"}).content.decode()


def rich_complaint(people, *, items: int) -> Complaint:
    """A complaint through two stages with `items` points, extensions, actions, documents."""
    casey, cora = people["caseworker"], people["colleague"]
    points = [f"Point {n}" for n in range(items)]
    received = days_ago(40)
    complaint = log_complaint(
        handler=casey, received_on=received, today=today(), summary="\n".join(points), points=points
    )
    stage = services.stage_acknowledge(
        by=casey, stage=current_stage(complaint), acknowledged_on=received + dt.timedelta(days=1), today=today()
    )
    for n in range(items):
        stage = current_stage(complaint)
        services.stage_extend(
            by=casey,
            stage=stage,
            new_due=stage.response_due + dt.timedelta(days=1),
            reason=f"Reason {n}",
            complainant_told_on=received + dt.timedelta(days=2),
            today=today(),
        )
    services.stage_respond(
        by=casey,
        stage=current_stage(complaint),
        responded_on=received + dt.timedelta(days=3),
        outcome="partly_upheld",
        today=today(),
        point_outcomes={p.pk: "upheld" for p in complaint.points.all()},
        actions=[(f"Action {n}", casey, today() + dt.timedelta(days=n)) for n in range(items)],
    )
    services.escalation_request(
        by=casey,
        stage=current_stage(complaint),
        requested_on=received + dt.timedelta(days=4),
        reasons="Not happy",
        handler=cora,
        today=today(),
    )
    services.stage_acknowledge(
        by=cora, stage=current_stage(complaint), acknowledged_on=received + dt.timedelta(days=5), today=today()
    )
    services.stage_respond(
        by=cora,
        stage=current_stage(complaint),
        responded_on=received + dt.timedelta(days=6),
        outcome="not_upheld",
        today=today(),
        point_outcomes={p.pk: "not_upheld" for p in complaint.points.all()},
    )
    for n in range(items):
        services.document_upload(
            by=casey,
            complaint=complaint,
            description=f"Letter {n}",
            uploaded_file=SimpleUploadedFile(f"letter{n}.pdf", PDF),
        )
    services.complaint_close(
        by=cora,
        stage=current_stage(complaint),
        closed_on=received + dt.timedelta(days=7),
        today=today(),
        signposting=services.SignpostingDetails(
            told_on=received + dt.timedelta(days=7), method="email", wording="Go to the LGSCO"
        ),
    )
    return complaint


def test_complaint_page_query_count_does_not_grow_with_what_the_complaint_holds(client, people):
    client.force_login(people["caseworker"])
    small = measure(client, f"/complaints/{rich_complaint(people, items=1).pk}/")
    large = measure(client, f"/complaints/{rich_complaint(people, items=4).pk}/")
    assert_same_count(small, large, "complaint page (1 vs 4 extensions, points, actions, documents)")
