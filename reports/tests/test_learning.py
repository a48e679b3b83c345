"""The learning register: items keep the obligation register in step, so reminders follow with no other change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from complaints.models import Outcome
from ombudsman_cases import services as case_services
from reminders.models import Obligation, ObligationKind, Reminder, ReminderPolicy
from reminders.services import sweep
from reports import services
from reports.models import LearningItem, LearningStatus, LearningTheme
from reports.tests.conftest import TODAY, answered, area
from reports.tests.helpers import cell, csv_rows, page_tables

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays")]

D = dt.date
DUE = D(2025, 9, 1)


@pytest.fixture
def complaint(people):
    return answered(people["casey"], D(2025, 6, 2), D(2025, 6, 3), D(2025, 6, 17), Outcome.UPHELD)


def add(people, complaint=None, case=None, *, due=DUE, owner="casey", theme=LearningTheme.DELAY):
    return services.learning_add(
        by=people["mona"],
        today=TODAY,
        theme=theme,
        improvement="Check every open repair weekly.",
        service_area=area("Housing"),
        owner=people[owner],
        due_on=due,
        complaint=complaint,
        ombudsman_case=case,
    )


def test_a_learning_item_creates_an_obligation_and_completing_it_marks_it_done(people, complaint):
    item = add(people, complaint)
    obligation = Obligation.objects.get(source_key=f"learning:{item.pk}")
    assert (obligation.kind, obligation.due_on, obligation.done_on) == (
        ObligationKind.LEARNING_ACTION,
        D(2025, 9, 1),
        None,
    )
    assert (obligation.owner, obligation.service_area, obligation.complaint) == (
        people["casey"],
        area("Housing"),
        complaint,
    )
    assert obligation.url == f"/reports/learning/{item.pk}/"
    assert obligation.title == f"{complaint.reference}: service improvement: Check every open repair weekly."
    assert not obligation.is_restricted

    services.learning_complete(by=people["casey"], item=item, completed_on=D(2025, 8, 20), today=TODAY)
    item.refresh_from_db()
    obligation.refresh_from_db()
    assert (item.status, item.completed_on, obligation.done_on) == (LearningStatus.DONE, D(2025, 8, 20), D(2025, 8, 20))
    with pytest.raises(ValidationError):
        services.learning_complete(by=people["casey"], item=item, completed_on=D(2025, 8, 21), today=TODAY)


def test_dropping_an_item_stops_its_reminders(people, complaint):
    item = add(people, complaint)
    with pytest.raises(ValidationError) as error:
        services.learning_drop(by=people["mona"], item=item, dropped_on=D(2025, 8, 1), reason=" ", today=TODAY)
    assert "reason" in error.value.error_dict
    services.learning_drop(by=people["mona"], item=item, dropped_on=D(2025, 8, 1), reason="Service closed", today=TODAY)
    assert Obligation.objects.get(source_key=f"learning:{item.pk}").done_on == D(2025, 8, 1)


def test_the_reminder_sweep_picks_learning_actions_up(people, complaint):
    assert ReminderPolicy.objects.filter(kind=ObligationKind.LEARNING_ACTION, lead_days="10, 5, 1, 0").exists()
    item = add(people, complaint)
    sweep(today=D(2025, 9, 1))
    assert Reminder.objects.filter(obligation__source_key=f"learning:{item.pk}", milestone="due").exists()
    services.learning_complete(by=people["casey"], item=item, completed_on=D(2025, 9, 1), today=TODAY)
    before = Reminder.objects.count()
    sweep(today=D(2025, 9, 10))
    assert Reminder.objects.count() == before  # done: nothing more


def test_an_item_from_a_restricted_complaint_is_restricted_and_not_described(people):
    restricted = answered(
        people["casey"], D(2025, 6, 2), D(2025, 6, 3), D(2025, 6, 17), Outcome.UPHELD, is_restricted=True
    )
    item = add(people, restricted)
    obligation = Obligation.objects.get(source_key=f"learning:{item.pk}")
    assert obligation.is_restricted
    assert obligation.title == f"{restricted.reference}: a service improvement agreed"


def test_an_item_needs_a_complaint_or_a_case(people):
    with pytest.raises(ValidationError):
        add(people)
    with pytest.raises(IntegrityError), transaction.atomic():
        LearningItem.objects.create(
            theme=LearningTheme.OTHER,
            improvement="x",
            service_area=area("Housing"),
            owner=people["casey"],
            due_on=D(2025, 9, 1),
            created_by=people["mona"],
        )


def test_an_item_can_come_from_an_ombudsman_case(people):
    case = case_services.case_register(
        by=people["ada"],
        today=TODAY,
        reference="25 000 222",
        service_area=area("Housing"),
        link_officer=people["mona"],
        summary="Mr X complains about a repair.",
        received_on=D(2025, 7, 1),
    )
    with pytest.raises(ValidationError) as error:
        add(people, case=case, due=D(2025, 6, 1))
    assert "due_on" in error.value.error_dict
    item = add(people, case=case)
    assert Obligation.objects.get(source_key=f"learning:{item.pk}").ombudsman_case == case


# --- pages ----------------------------------------------------------------------------------------


def test_a_manager_adds_an_item_by_complaint_reference(client, people, complaint):
    client.force_login(people["mona"])
    form = client.get(f"/reports/learning/new/?complaint={complaint.pk}")
    assert complaint.reference.encode() in form.content  # prefilled from the complaint's page link
    response = client.post(
        "/reports/learning/new/",
        {
            "complaint_reference": complaint.reference.lower(),
            "lgsco_reference": "",
            "theme": LearningTheme.COMMUNICATION,
            "improvement": "Call residents back within one working day.",
            "service_area": area("Housing").pk,
            "owner": people["casey"].pk,
            "due_on_0": "1",
            "due_on_1": "9",
            "due_on_2": "2025",
        },
    )
    item = LearningItem.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/learning/{item.pk}/"
    assert (item.complaint, item.created_by, item.due_on) == (complaint, people["mona"], D(2025, 9, 1))


def test_an_unknown_reference_is_refused_by_the_field(client, people):
    client.force_login(people["mona"])
    response = client.post(
        "/reports/learning/new/",
        {
            "complaint_reference": "CMP-2025-99999",
            "lgsco_reference": "12345",
            "theme": LearningTheme.COMMUNICATION,
            "improvement": "x",
            "service_area": area("Housing").pk,
            "owner": people["casey"].pk,
            "due_on_0": "1",
            "due_on_1": "9",
            "due_on_2": "2025",
        },
    )
    assert b"There is no complaint with that reference that you can open" in response.content
    assert b"Enter the LGSCO reference as 8 digits" in response.content
    assert not LearningItem.objects.exists()


def test_the_owner_marks_their_item_done_and_other_caseworkers_cannot(client, people, complaint):
    item = add(people, complaint)
    client.force_login(people["cora"])
    assert client.get(f"/reports/learning/{item.pk}/").status_code == 403
    client.force_login(people["hugo"])
    assert client.get(f"/reports/learning/{item.pk}/").status_code == 404
    client.force_login(people["casey"])
    assert client.get(f"/reports/learning/{item.pk}/").status_code == 200
    assert client.get("/reports/learning/").status_code == 403  # the register itself is a report
    response = client.post(
        f"/reports/learning/{item.pk}/done/", {"completed_on_0": "20", "completed_on_1": "8", "completed_on_2": "2025"}
    )
    assert response.status_code == 302
    assert Obligation.objects.get(source_key=f"learning:{item.pk}").done_on == D(2025, 8, 20)


def test_the_register_counts_by_theme_and_service_area(client, people, complaint):
    for _ in range(5):
        add(people, complaint, theme=LearningTheme.DELAY)
    add(people, complaint, theme=LearningTheme.RECORD_KEEPING)
    restricted = answered(
        people["casey"], D(2025, 6, 2), D(2025, 6, 3), D(2025, 6, 17), Outcome.UPHELD, is_restricted=True
    )
    add(people, restricted, theme=LearningTheme.COMMUNICATION)
    client.force_login(people["mona"])
    page = client.get("/reports/learning/")
    tables = page_tables(page.content)
    assert cell(tables["learning_by_theme"], "Delay", "Open") == "5"
    assert cell(tables["learning_by_theme"], "Record keeping", "Total") == "fewer than 5"
    assert cell(tables["learning_by_service_area"], "Housing", "Total") == "7"
    sources = [row[3] for row in tables["learning_items"][1:]]
    assert sources.count(f"Complaint {complaint.reference}") == 6
    assert "A restricted complaint" in sources
    assert restricted.reference.encode() not in page.content
    for name, rows in tables.items():
        assert csv_rows(client.get(f"/reports/learning/?format=csv&table={name}")) == rows, name
