"""The managers' home keeps its compliance figures and complaint due counts in the cache (issue 8):
opened again it does not count them again. What it shows must still follow every change at once:
a recommendation added, completed or given the LGSCO's outcome, a case restricted or a person
named on it, a complaint logged or answered.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints import retention
from complaints import selectors as complaint_selectors
from complaints import services as complaint_services
from complaints.models import ComplaintStage
from complaints.tests.factories import log_complaint
from ombudsman_cases import selectors, services
from ombudsman_cases.tests.factories import add_recommendation, open_case

# Transactional: each change commits, as in the running app (complaints/tests/test_list_kept.py).
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("bank_holidays", "media"),
]


def today() -> dt.date:
    return timezone.localdate()


def figures(user) -> tuple:
    panel = selectors.compliance_panel(user=user, today=today())
    return panel["due"], panel["on_time"], panel["outstanding"], panel["overdue"], panel["outcomes"], panel["rate"]


def test_the_compliance_figures_are_read_once_and_follow_every_change_at_once(people, areas):
    lena, mona, hugo = people["lena"], people["mona"], people["hugo"]
    start, _ = selectors.financial_year(today())
    case = open_case(by=lena, service_area=areas["Children's services"], final_decision_on=start, today=today())
    first = add_recommendation(case, by=lena, due_on=today() - dt.timedelta(days=3))
    assert figures(mona) == (1, 0, 1, 1, 0, None)
    with CaptureQueriesContext(connection) as again:
        assert figures(mona) == (1, 0, 1, 1, 0, None)
    assert len(again) == 0, [q["sql"] for q in again.captured_queries]

    add_recommendation(case, by=lena, due_on=today() + dt.timedelta(days=10))  # added
    assert figures(mona) == (2, 0, 2, 1, 0, None)

    done_on = today() - dt.timedelta(days=5)
    first = services.recommendation_complete(by=lena, recommendation=first, completed_on=done_on, today=today())
    assert figures(mona) == (2, 1, 1, 0, 0, None)  # completed on time

    services.recommendation_lgsco_outcome(
        by=lena, recommendation=first, satisfied=True, outcome_on=today(), today=today()
    )
    assert figures(mona) == (2, 1, 1, 0, 1, 100)  # the LGSCO's outcome

    # A restricted case in another area: hugo sees its figures only while he is named on it.
    hidden = open_case(
        by=lena, service_area=areas["Children's services"], final_decision_on=start, today=today(), is_restricted=True
    )
    add_recommendation(hidden, by=lena, due_on=today() - dt.timedelta(days=1))
    assert figures(hugo)[0] == 0
    hidden.named_users.add(hugo)
    assert figures(hugo)[0] == 1
    hidden.named_users.remove(hugo)
    assert figures(hugo)[0] == 0

    # Moved to another area by a plain save (as the Django admin does): Highways' manager sees it.
    assert figures(people["max"])[0] == 0
    case.service_area = areas["Highways"]
    case.save()
    assert figures(people["max"])[0] == 2


def test_the_complaint_due_counts_follow_a_complaint_logged_or_answered_at_once(people, areas):
    lena, mona = people["lena"], people["mona"]

    def counts():
        due = complaint_selectors.complaint_due_counts(user=mona, today=today())
        return due["overdue_count"], due["due_soon_count"]

    assert counts() == (0, 0)
    received = today() - dt.timedelta(days=90)
    late = log_complaint(handler=lena, service_area=areas["Children's services"], received_on=received, today=received)
    assert counts() == (1, 0)
    with CaptureQueriesContext(connection) as again:
        assert counts() == (1, 0)
    assert len(again) == 0, [q["sql"] for q in again.captured_queries]

    log_complaint(handler=lena, service_area=areas["Children's services"], received_on=today(), today=today())
    assert counts() == (1, 1)  # acknowledgement due in 5 working days

    stage = ComplaintStage.objects.get(complaint=late)
    complaint_services.stage_acknowledge(by=lena, stage=stage, acknowledged_on=received, today=today())
    complaint_services.stage_respond(by=lena, stage=stage, responded_on=today(), outcome="upheld", today=today())
    assert counts() == (0, 1)


def case_count_line(client, params: dict | None = None) -> str:
    response = client.get("/ombudsman/", params or {})
    assert response.status_code == 200
    return re.search(r'role="status">([^<]+)<', response.content.decode()).group(1)


def test_the_case_lists_count_is_kept_and_follows_every_change_at_once(client, people, areas):
    lena, mona, hugo = people["lena"], people["mona"], people["hugo"]
    client.force_login(mona)
    first = open_case(by=lena, service_area=areas["Children's services"])
    assert case_count_line(client) == "1 case."
    with CaptureQueriesContext(connection) as again:
        assert case_count_line(client) == "1 case."
    assert not any("COUNT(*)" in q["sql"] for q in again.captured_queries), "counted again"

    open_case(by=lena, service_area=areas["Children's services"])  # opened
    assert case_count_line(client) == "2 cases."

    # Highways' case: mona sees it once a recommendation of it is filed under her area.
    elsewhere = open_case(by=hugo, service_area=areas["Highways"], final_decision_on=today())
    assert case_count_line(client) == "2 cases."
    add_recommendation(elsewhere, by=hugo, service_area=areas["Children's services"], owner=lena)
    assert case_count_line(client) == "3 cases."

    # Restricted by a plain save: only the named see it.
    elsewhere.is_restricted = True
    elsewhere.save()
    assert case_count_line(client) == "2 cases."
    elsewhere.named_users.add(mona)
    assert case_count_line(client) == "3 cases."

    # Retention rewrites a case's summary with update(): a search by its words shows it at once.
    first.summary = "Ms Q says the transport never came."
    first.save()
    assert case_count_line(client, {"q": "transport"}) == "1 case."
    retention.anonymise_case(first, today=today())
    assert case_count_line(client, {"q": "transport"}) == "0 cases."


def overdue_heading(client) -> str:
    response = client.get("/ombudsman/overdue/")
    assert response.status_code == 200
    return re.search(r"Ombudsman: ([^<]+)</h2>", response.content.decode()).group(1)


def test_the_overdue_list_is_kept_and_follows_every_change_at_once(client, people, areas):
    lena, mona, cora = people["lena"], people["mona"], people["cora"]
    client.force_login(mona)
    decided = today() - dt.timedelta(days=40)
    case = open_case(by=lena, service_area=areas["Children's services"], final_decision_on=decided, today=today())
    late = add_recommendation(case, by=lena, owner=cora, due_on=today() - dt.timedelta(days=2))
    assert overdue_heading(client) == "1 item, 1 overdue"
    with CaptureQueriesContext(connection) as again:
        assert overdue_heading(client) == "1 item, 1 overdue"
    assert not any("reminders_obligation" in q["sql"] for q in again.captured_queries), "read again"

    soon = add_recommendation(case, by=lena, owner=cora, due_on=today() + dt.timedelta(days=10))  # added
    assert overdue_heading(client) == "2 items, 1 overdue"

    services.recommendation_complete(
        by=cora, recommendation=late, completed_on=today(), evidence_sent_on=today(), today=today()
    )
    assert overdue_heading(client) == "1 item, 0 overdue"

    cora.first_name = "Corinne"  # a renamed owner shows at once
    cora.save()
    assert "Corinne Tester (1)" in client.get("/ombudsman/overdue/").content.decode()

    # A restricted case: its items show to mona only once she is named on it.
    hidden = open_case(
        by=lena, service_area=areas["Children's services"], final_decision_on=decided, today=today(), is_restricted=True
    )
    add_recommendation(hidden, by=lena, owner=cora, due_on=today() + dt.timedelta(days=3))
    assert overdue_heading(client) == "1 item, 0 overdue"
    hidden.named_users.add(mona)
    assert overdue_heading(client) == "2 items, 0 overdue"
    hidden.named_users.remove(mona)
    assert overdue_heading(client) == "1 item, 0 overdue"
    assert "Corinne Tester (1)" in client.get("/ombudsman/overdue/").content.decode() and soon.pk
