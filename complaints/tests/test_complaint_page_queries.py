"""The complaint page costs the same few queries however much a complaint holds (issue 8).

A complaint just logged (one stage, nothing else) is measured against children's complaints
taken through all three stages with extensions, clock stops, a review panel, point outcomes,
actions, documents and a long timeline, one still open at Stage 3 and one closed with
signposting. Every count must be equal, and at most PAGE_QUERY_CAP.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import dateformat, timezone

from accounts.models import Role
from calendars.models import BankHoliday
from calendars.selectors import non_working_days_around
from complaints import selectors, services
from complaints.models import Complaint, ComplaintStage
from complaints.tests.factories import log_complaint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays")]

PAGE_QUERY_CAP = 15
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def casey(make_user):
    return make_user("casey", Role.CASEWORKER, service_areas=["Children's services"])


@pytest.fixture
def cora(make_user):
    return make_user("cora", Role.CASEWORKER, service_areas=["Children's services"])


@pytest.fixture
def mona(make_user):
    """A manager, who may extend beyond a rule's limit (the page then names her)."""
    return make_user("mona", Role.MANAGER, service_areas=["Children's services"])


def today() -> dt.date:
    return timezone.localdate()


def current(complaint: Complaint) -> ComplaintStage:
    return complaint.stages.order_by("-number").first()


def working_days_after(day: dt.date, n: int) -> dt.date:
    """A weekday n weekdays after day (close enough for picking dates inside each stage's limits)."""
    while n:
        day += dt.timedelta(days=1)
        n -= day.weekday() < 5
    return day


def three_stage_complaint(casey, cora, mona, *, close: bool) -> Complaint:
    """A children's complaint through Stage 1, 2 and 3 with a little of everything at each."""
    day = today() - dt.timedelta(days=200)
    points = [f"Point {n}" for n in range(4)]
    complaint = log_complaint(
        procedure="children", handler=casey, received_on=day, today=today(), summary="\n".join(points), points=points
    )
    handlers = [casey, cora, casey]
    for number in (1, 2, 3):
        handler = handlers[number - 1]
        day = working_days_after(day, 1)
        if current(complaint).status == "awaiting_acknowledgement":  # Stages 2 and 3 start in progress
            services.stage_acknowledge(by=handler, stage=current(complaint), acknowledged_on=day, today=today())
        if number < 3:  # Stage 3's rule does not allow stopping the clock
            day = working_days_after(day, 1)
            services.clock_stop(by=handler, stage=current(complaint), stopped_on=day, reason="Waiting", today=today())
            day = working_days_after(day, 1)
            services.clock_restart(by=handler, stage=current(complaint), restarted_on=day, today=today())
        for n in range(2):
            stage = current(complaint)
            services.stage_extend(
                by=mona,
                stage=stage,
                new_due=(stage.agreed_response_on or stage.response_due) + dt.timedelta(days=1),
                reason=f"Reason {n}",
                complainant_told_on=day,
                today=today(),
            )
        if number == 3:
            day = working_days_after(day, 1)
            services.stage_record_panel(
                by=handler, stage=current(complaint), panel_met_on=day, panel_report_on=day, today=today()
            )
            if not close:
                break
        day = working_days_after(day, 1)
        services.stage_respond(
            by=handler,
            stage=current(complaint),
            responded_on=day,
            outcome="partly_upheld",
            today=today(),
            point_outcomes={p.pk: "upheld" for p in complaint.points.all()},
            actions=[(f"Action {number}.{n}", handler, today() + dt.timedelta(days=n)) for n in range(3)],
        )
        if number < 3:
            day = working_days_after(day, 1)
            services.escalation_request(
                by=handler,
                stage=current(complaint),
                requested_on=day,
                reasons="Not happy",
                handler=handlers[number],
                today=today(),
            )
    for n in range(5):
        services.document_upload(
            by=casey, complaint=complaint, description=f"Letter {n}", uploaded_file=SimpleUploadedFile("l.pdf", PDF)
        )
    if close:
        day = working_days_after(day, 1)
        services.complaint_close(
            by=casey,
            stage=current(complaint),
            closed_on=day,
            today=today(),
            signposting=services.SignpostingDetails(told_on=day, method="email", wording="Go to the LGSCO"),
        )
    return complaint


def measure(client, complaint: Complaint) -> tuple[CaptureQueriesContext, CaptureQueriesContext]:
    """The page's queries when it is built (nothing cached) and when it is opened again."""
    client.get("/complaints/")  # warm per-process caches (content types)
    counts = []
    cache.clear()
    non_working_days_around(calendar=complaint.procedure.calendar, day=today())  # bank holidays stay cached
    for _ in ("built", "opened again"):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/complaints/{complaint.pk}/")
        assert response.status_code == 200
        counts.append(ctx)
    return counts[0], counts[1]


def listing(ctx: CaptureQueriesContext) -> str:
    return "\n".join(f"  {q['sql'][:160]}" for q in ctx.captured_queries)


def test_the_complaint_page_costs_the_same_few_queries_however_much_the_complaint_holds(client, casey, cora, mona):
    just_logged = log_complaint(procedure="children", handler=casey, received_on=today(), today=today())
    open_at_stage_3 = three_stage_complaint(casey, cora, mona, close=False)
    closed = three_stage_complaint(casey, cora, mona, close=True)
    assert open_at_stage_3.stages.count() == closed.stages.count() == 3
    assert closed.events.count() > 25 and closed.documents.count() == 5 and closed.actions.count() == 9
    client.force_login(casey)

    small = measure(client, just_logged)
    for rich in (open_at_stage_3, closed):
        large = measure(client, rich)
        for when, one_stage, three_stages in zip(("built", "opened again"), small, large, strict=True):
            assert len(three_stages) == len(one_stage), (
                f"{when}, 1 stage: {len(one_stage)} queries\n{listing(one_stage)}\n"
                f"{rich}: {len(three_stages)}\n{listing(three_stages)}"
            )
    built, opened_again = small
    assert len(built) <= PAGE_QUERY_CAP, listing(built)
    assert len(opened_again) <= len(built) - 8, "opened again, the page reads nothing but the complaint\n" + listing(
        opened_again
    )


def test_the_rich_complaint_page_shows_what_it_loaded_in_those_queries(client, casey, cora, mona):
    """The merged queries still put every row in its place: outcomes under their stage, stops, actions."""
    complaint = three_stage_complaint(casey, cora, mona, close=False)
    client.force_login(casey)
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert page.count("Point 3: Upheld") == 2  # answered at Stages 1 and 2, not yet at Stage 3
    assert page.count(": Waiting</dd>") == 2  # the stopped and restarted clock of Stages 1 and 2
    assert page.count("Reason: Reason 1</dd>") == 3  # the second extension of every stage
    assert "Action 2.2" in page and "Letter 4" in page
    assert "Record the response" in page and "Stop the clock" not in page  # from Stage 3's rule


def test_the_timeline_gives_local_times_and_says_none_for_an_empty_earlier_value(client, casey):
    complaint = log_complaint(handler=casey, received_on=today(), today=today())
    services.stage_acknowledge(by=casey, stage=current(complaint), acknowledged_on=today(), today=today())
    client.force_login(casey)
    with timezone.override("Asia/Kolkata"):  # half an hour off UTC, so a time left in UTC shows
        page = client.get(f"/complaints/{complaint.pk}/").content.decode()
        for event in complaint.events.all():
            assert f"{dateformat.format(timezone.localtime(event.at), 'j M Y, H:i')} by Casey Tester" in page
    assert f"Acknowledged on: (none) → {today():%-d %b %Y}" in page


# --- The cached part of the page (complaints.views.complaint_body) ------------------------------


def page_of(client, complaint: Complaint) -> str:
    return client.get(f"/complaints/{complaint.pk}/").content.decode()


def test_a_page_opened_before_a_change_shows_the_change_at_once(client, casey):
    """Completing an action or uploading a document saves no complaint; the timeline entry still counts."""
    received = today() - dt.timedelta(days=20)
    complaint = log_complaint(handler=casey, received_on=received, today=today())
    services.stage_acknowledge(by=casey, stage=current(complaint), acknowledged_on=received, today=today())
    services.stage_respond(
        by=casey,
        stage=current(complaint),
        responded_on=received + dt.timedelta(days=1),
        outcome="upheld",
        today=today(),
        actions=[("Apologise in writing", casey, today() + dt.timedelta(days=5))],
    )
    client.force_login(casey)
    assert "Mark as complete" in page_of(client, complaint) and "Letter to the complainant" not in page_of(
        client, complaint
    )

    services.action_complete(by=casey, action=complaint.actions.get(), completed_on=today(), today=today())
    assert f"Completed {today():%-d %b %Y}" in page_of(client, complaint)

    services.document_upload(
        by=casey,
        complaint=complaint,
        description="Letter to the complainant",
        uploaded_file=SimpleUploadedFile("letter.pdf", PDF),
    )
    assert "Letter to the complainant" in page_of(client, complaint)

    casey.first_name = "Casimir"  # renamed (a plain save, as the Django admin does): handler, actor
    casey.save()
    page = page_of(client, complaint)
    assert "Casey Tester" not in page and "Casimir Tester" in page


def days_left_on(page: str) -> list[int]:
    return [int(n) for n in re.findall(r"(\d+) working days? left", page)]


def test_deadlines_in_words_follow_today_and_the_bank_holidays(client, casey, monkeypatch):
    complaint = log_complaint(handler=casey, received_on=today(), today=today())
    client.force_login(casey)
    before = days_left_on(page_of(client, complaint))
    assert len(before) == 2  # acknowledgement and response

    day = today() + dt.timedelta(days=1)
    while day.weekday() > 4 or BankHoliday.objects.filter(date=day, division="england-and-wales").exists():
        day += dt.timedelta(days=1)
    assert day <= current(complaint).acknowledge_due
    BankHoliday.objects.create(division="england-and-wales", date=day, title="A new bank holiday")
    assert days_left_on(page_of(client, complaint)) == [n - 1 for n in before]

    monkeypatch.setattr(selectors, "today", lambda: day + dt.timedelta(days=7))  # opened again a week later
    response_days_left = days_left_on(page_of(client, complaint))[-1]
    assert response_days_left <= before[-1] - 4  # a week holds at least three working days


def test_what_each_person_may_do_is_worked_out_for_them_on_a_page_kept_from_another(client, casey, mona):
    complaint = log_complaint(handler=casey, received_on=today(), today=today())
    for first, second in ((mona, casey), (casey, mona)):
        cache.clear()
        pages = {}
        for user in (first, second):
            client.force_login(user)
            pages[user] = page_of(client, complaint)
        assert "Reassign" in pages[mona] and "Place a legal hold" in pages[mona]
        assert "Reassign" not in pages[casey] and "Place a legal hold" not in pages[casey]
        assert "Acknowledge" in pages[casey] and "Acknowledge" in pages[mona]
