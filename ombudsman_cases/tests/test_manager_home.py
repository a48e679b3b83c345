"""The complaints panel of the managers' home page (the overdue view): its counts are those of the
complaints the manager may open (accounts.access), and they follow a change of the manager's
service areas at once, although the counting query is compiled once per process."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from calendars.rules import add_working_days
from calendars.selectors import default_non_working_around
from complaints import selectors as complaint_selectors
from complaints.models import ComplaintStatus
from complaints.tests.factories import log_complaint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays")]


def today() -> dt.date:
    return timezone.localdate()


def expected_counts(user) -> dict:
    """The counts as the ORM gives them, from the same scoping function."""
    day = today()
    horizon = add_working_days(day, 5, default_non_working_around(day))
    counts = (
        complaint_selectors.visible_complaints(user)
        .filter(status=ComplaintStatus.OPEN, next_due_date__isnull=False)
        .aggregate(
            overdue_count=Count("id", filter=Q(next_due_date__lt=day)),
            due_soon_count=Count("id", filter=Q(next_due_date__gte=day, next_due_date__lte=horizon)),
        )
    )
    return {**counts, "horizon": horizon}


@pytest.fixture
def complaints(people, areas):
    """Overdue and due-soon complaints in each area; restricted ones with and without mona named."""
    children, highways = areas["Children's services"], areas["Highways"]
    lena, hugo, mona = people["lena"], people["hugo"], people["mona"]
    long_ago, yesterday = today() - dt.timedelta(days=120), today() - dt.timedelta(days=1)
    return [
        log_complaint(handler=lena, service_area=children, received_on=long_ago),
        log_complaint(handler=lena, service_area=children, received_on=long_ago),
        log_complaint(handler=lena, service_area=children, received_on=yesterday),
        log_complaint(handler=hugo, service_area=highways, received_on=long_ago),
        log_complaint(handler=hugo, service_area=highways, received_on=yesterday),
        log_complaint(handler=lena, service_area=children, received_on=long_ago, is_restricted=True),
        log_complaint(
            handler=hugo, service_area=highways, received_on=yesterday, is_restricted=True, named_users=[mona]
        ),
    ]


@pytest.mark.parametrize("who", ["mona", "max", "ada", "lena"])
def test_the_complaint_counts_are_those_of_the_complaints_the_user_may_open(people, complaints, who):
    user = people[who]
    counts = complaint_selectors.complaint_due_counts(user=user, today=today())
    assert counts == expected_counts(user)
    assert counts["overdue_count"] + counts["due_soon_count"] > 0


def test_the_managers_home_page_shows_the_counts(client, people, complaints):
    client.force_login(people["mona"])
    page = client.get("/").content.decode()
    counts = expected_counts(people["mona"])
    assert (counts["overdue_count"], counts["due_soon_count"]) == (2, 2), "children's 2 and 1, and the named one"
    assert "2 complaints overdue</a> and 2 due in the next 5 working days." in page


def test_the_counts_follow_a_change_of_the_managers_areas_at_once(client, people, areas, complaints):
    mona = people["mona"]
    client.force_login(mona)
    assert "2 complaints overdue</a> and 2 due in the next 5 working days." in client.get("/").content.decode()
    mona.service_areas.add(areas["Highways"])
    assert "3 complaints overdue</a> and 3 due in the next 5 working days." in client.get("/").content.decode()
    mona.service_areas.remove(areas["Children's services"])
    assert "1 complaint overdue</a> and 2 due in the next 5 working days." in client.get("/").content.decode()
