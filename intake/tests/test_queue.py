"""The intake queue: online complaints nobody has picked up, in the viewer's service areas; picking
one up makes you its handler (in the timeline), and the usual stage actions follow."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, StageStatus
from complaints.tests.factories import log_complaint
from intake import services
from intake.journey import Draft
from intake.selectors import intake_queue
from intake.tests.conftest import ANSWERS, WASTE, area

pytestmark = pytest.mark.django_db


def sent_online(topic, *, name="Ms Resident", today=None) -> Complaint:
    answers = {k: v for page in ANSWERS.values() for k, v in page.items()}
    draft = Draft(id=uuid.uuid4(), answers={**answers, "full_name": name, "topic": topic.pk}, done=[])
    return services.online_complaint_submit(draft=draft, today=today or timezone.localdate())


@pytest.fixture
def online(topics, staff) -> dict[str, Complaint]:
    return {"bins": sent_online(topics["bins"]), "repairs": sent_online(topics["repairs"], name="Mr Tenant")}


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("caseworker", {"bins"}),
        ("colleague", {"bins"}),
        ("manager", {"bins"}),
        ("outsider", {"repairs"}),
        ("admin", {"bins", "repairs"}),
    ],
)
def test_the_queue_shows_the_online_complaints_in_the_viewers_service_areas(client, staff, online, persona, sees):
    client.force_login(staff[persona])
    response = client.get(reverse("intake:queue"))
    assert response.status_code == 200
    listed = {key for key, complaint in online.items() if complaint.reference in response.content.decode()}
    assert listed == sees


def test_the_queue_is_for_signed_in_staff_with_a_role(client, staff, online):
    assert client.get(reverse("intake:queue"))["Location"].startswith("/accounts/sign-in/")
    client.force_login(staff["no_role"])
    assert client.get(reverse("intake:queue")).status_code == 403


def test_complaints_logged_by_staff_and_those_picked_up_are_not_in_the_queue(staff, online, topics):
    log_complaint(service_area=area(WASTE), handler=staff["colleague"])
    services.online_complaint_pick_up(by=staff["caseworker"], complaint=online["bins"])
    assert list(intake_queue(staff["admin"])) == [online["repairs"]]


def test_the_queue_links_to_pages_its_viewer_can_open(client, staff, online):
    client.force_login(staff["caseworker"])
    page = client.get(reverse("intake:queue")).content.decode()
    assert f'href="{reverse("complaints:detail", args=[online["bins"].pk])}"' in page
    assert client.get(reverse("complaints:detail", args=[online["bins"].pk])).status_code == 200


def test_picking_up_makes_you_the_handler_and_says_so_in_the_timeline(client, staff, online):
    complaint = online["bins"]
    client.force_login(staff["caseworker"])
    response = client.post(reverse("intake:pick_up", args=[complaint.pk]))
    assert response["Location"] == reverse("complaints:detail", args=[complaint.pk])
    complaint.refresh_from_db()
    stage = complaint.stages.get()
    assert complaint.handler == stage.handler == staff["caseworker"]
    event = complaint.events.get(kind="reassigned")
    assert event.actor == staff["caseworker"]
    assert event.summary == "Stage 1 reassigned from Online complaint form to Wendy Tester"
    # The deadlines do not move: the clock started when the complaint was received.
    assert complaint.next_due_date == stage.acknowledge_due
    assert reverse("complaints:detail", args=[complaint.pk]) not in client.get(reverse("intake:queue")).content.decode()
    # It is now on the caseworker's own list.
    assert complaint.reference in client.get(reverse("home")).content.decode()


def test_after_picking_up_the_usual_acknowledge_action_works(client, staff, online):
    complaint = online["bins"]
    client.force_login(staff["caseworker"])
    client.post(reverse("intake:pick_up", args=[complaint.pk]))
    stage = complaint.stages.get()
    today = timezone.localdate()
    response = client.post(
        reverse("complaints:stage_action", args=[complaint.pk, "acknowledge"]),
        {
            "version": stage.version,
            "acknowledged_on_0": today.day,
            "acknowledged_on_1": today.month,
            "acknowledged_on_2": today.year,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    stage.refresh_from_db()
    assert (stage.status, stage.acknowledged_on) == (StageStatus.IN_PROGRESS, today)


def test_a_complaint_already_picked_up_cannot_be_picked_up_again(client, staff, online):
    complaint = online["bins"]
    services.online_complaint_pick_up(by=staff["colleague"], complaint=complaint)
    client.force_login(staff["caseworker"])
    response = client.post(reverse("intake:pick_up", args=[complaint.pk]), follow=True)
    assert "has already been picked up by Walt Tester" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.handler == staff["colleague"]
    assert complaint.events.filter(kind="reassigned").count() == 1


def test_a_complaint_outside_your_service_areas_is_not_found(client, staff, online):
    client.force_login(staff["outsider"])
    assert client.post(reverse("intake:pick_up", args=[online["bins"].pk])).status_code == 404
    assert online["bins"].handler.username == services.ONLINE_FORM_USERNAME


def test_a_complaint_logged_by_staff_cannot_be_picked_up_from_the_queue(client, staff):
    complaint = log_complaint(service_area=area(WASTE), handler=staff["colleague"])
    client.force_login(staff["caseworker"])
    client.post(reverse("intake:pick_up", args=[complaint.pk]))
    complaint.refresh_from_db()
    assert complaint.handler == staff["colleague"]


def test_pick_up_is_a_post(client, staff, online):
    client.force_login(staff["caseworker"])
    assert client.get(reverse("intake:pick_up", args=[online["bins"].pk])).status_code == 405


def test_the_online_form_account_is_never_offered_as_a_handler(client, staff, online):
    client.force_login(staff["manager"])
    page = client.get(reverse("complaints:create")).content.decode()
    assert "Online complaint form" not in page


def test_the_queue_takes_the_same_number_of_queries_for_more_complaints(client, staff, topics):
    client.force_login(staff["admin"])
    sent_online(topics["bins"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("intake:queue")).status_code == 200
        return len(queries)

    count()  # the first request also fills the calendar cache
    few = count()
    for n in range(6):
        sent_online(topics["bins" if n % 2 else "repairs"], name=f"Resident {n}")
    assert count() == few <= 15


def test_an_online_complaint_nobody_picks_up_reminds_the_complaints_team(staff, topics, settings):
    """The online form's account holds it until it is picked up; that account's address is the
    team's mailbox, so the acknowledgement reminder goes there."""
    from reminders.models import Reminder
    from reminders.services import sweep

    complaint = sent_online(topics["bins"], today=dt.date(2026, 3, 2))
    acknowledge_due = complaint.stages.get().acknowledge_due
    assert acknowledge_due == dt.date(2026, 3, 9)
    sweep(today=acknowledge_due)
    addresses = set(Reminder.objects.filter(obligation__complaint=complaint).values_list("address", flat=True))
    assert settings.COMPLAINTS_TEAM_EMAIL in addresses
