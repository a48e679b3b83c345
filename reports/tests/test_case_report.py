"""The committee case report: every date of the source case (DOMAIN.md §0) the demo records; no personal details."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from complaints.models import Complaint, Outcome, Signposting
from ombudsman_cases import services as case_services
from ombudsman_cases.models import OmbudsmanCase
from ombudsman_cases.models import Outcome as CaseOutcome
from reports.tests.conftest import TODAY, answered, area
from reports.tests.helpers import csv_rows, page_tables, text_of

pytestmark = [pytest.mark.django_db]

# Every date DOMAIN.md §0 gives that the demo data records for the source case, and the dates the
# demo adds around them (complaint, LGSCO steps, report duties), in the words the report uses.
SOURCE_DATES = {
    "18 January 2021": "complaint received",
    "20 January 2021": "Stage 1 acknowledged",
    "17 February 2021": "Stage 1 response and signposting to the Ombudsman",
    "24 February 2021": "complaint closed",
    "23 March 2020": "Stage 2 suspended from",
    "30 June 2021": "Stage 2 suspended to",
    "12 April 2021": "the council heard of the case; enquiries",
    "14 May 2021": "reply to the enquiries",
    "22 November 2021": "draft decision",
    "17 December 2021": "comments on the draft",
    "4 February 2022": "final decision and report received (DOMAIN.md §0)",
    "10 February 2022": "public notice",
    "14 February 2022": "inspection begins",
    "18 February 2022": "payments",
    "3 March 2022": "decision published: the press release date (DOMAIN.md §0)",
    "4 March 2022": "one-month recommendations due",
    "15 March 2022": "Children's Scrutiny Committee (DOMAIN.md §0)",
    "28 April 2022": "more time agreed in writing",
    "3 May 2022": "end of the s31(2) three months beginning with receipt (DOMAIN.md §0)",
    "13 May 2022": "the council's response (DOMAIN.md §0)",
    "26 May 2022": "Council (DOMAIN.md §0)",
    "13 July 2022": "Cabinet (the demo's assumed date)",
    "23 August 2022": "letter of satisfaction; case closed",
}


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--no-demo-data", stdout=StringIO())
    call_command("load_demo_data", "--complaints", "5", stdout=StringIO())
    call_command("load_ombudsman_demo_data", "--cases", "3", stdout=StringIO())
    return OmbudsmanCase.objects.get(reference="20 008 832")


def test_the_source_case_report_shows_every_date_and_no_personal_details(client, demo):
    client.force_login(User.objects.get(username="manager"))
    response = client.get(f"/reports/case/{demo.pk}/")
    assert response.status_code == 200
    text = text_of(response.content)
    missing = [f"{date} ({what})" for date, what in SOURCE_DATES.items() if date not in text]
    assert not missing, f"missing dates: {missing}"
    assert "Cabinet 13 July 2022 RESOLVED that the Report and actions to date be noted." in text
    assert "LGSCO email of 28 April 2022 agreeing a longer period, to 13 May 2022" in text
    assert "was not offered. It was suspended from 23 March 2020 to 30 June 2021" in text
    assert "£3,000.00" in text and "Upheld: public interest report issued" in text

    complaint = demo.complaints.get()
    assert complaint.complainant_name == "Ms B"  # the demo's complainant is the decision's pseudonym
    private = [
        complaint.summary,
        complaint.outcome_wanted,
        complaint.stages.get(number=1).response_summary,
        Signposting.objects.get(complaint=complaint).wording,
        complaint.reference,
        *complaint.points.values_list("text", flat=True),
        *complaint.actions.values_list("description", flat=True),
    ]
    for other in Complaint.objects.all():
        private += [other.complainant_email, other.complainant_phone, other.complainant_address]
    for value in filter(None, private):
        assert value not in text, value
    assert "the complainant" in text


def test_every_table_of_the_case_report_exports_as_on_the_page(client, demo):
    client.force_login(User.objects.get(username="manager"))
    page = client.get(f"/reports/case/{demo.pk}/")
    tables = page_tables(page.content)
    assert set(tables) == {
        "chronology",
        "complaint_stages",
        "lgsco_steps",
        "recommendations",
        "payments",
        "report_duties",
        "committees",
    }
    for name, rows in tables.items():
        assert csv_rows(client.get(f"/reports/case/{demo.pk}/?format=csv&table={name}")) == rows, name


def test_names_written_into_free_text_by_mistake_are_removed(client, people, bank_holidays):
    complaint = answered(
        people["casey"],
        dt.date(2025, 6, 2),
        dt.date(2025, 6, 3),
        dt.date(2025, 6, 17),
        Outcome.UPHELD,
        affected_person_name="Tom Doe-Smith",
    )
    case = case_services.case_register(
        by=people["ada"],
        today=TODAY,
        reference="25 000 333",
        service_area=area("Housing"),
        link_officer=people["mona"],
        summary="Jane Doe-Smith complains that her son Tom's door was not repaired.",
        received_on=dt.date(2025, 8, 1),
        complaints=[complaint],
    )
    case_services.case_record_steps(
        by=people["ada"],
        case=case,
        today=TODAY,
        final_decision_on=dt.date(2025, 11, 3),
        outcome=CaseOutcome.UPHELD_INJUSTICE,
    )
    client.force_login(people["mona"])
    text = text_of(client.get(f"/reports/case/{case.pk}/").content)
    for detail in (
        "Jane Doe-Smith",
        "Doe-Smith",
        "jane.doe-smith@example.org",
        "07700 900123",
        "Example Street",
        complaint.reference,
    ):
        assert detail not in text
    assert "[name removed] complains that her son Tom's door was not repaired." in text
    assert "17 June 2025" in text and "On time" in text
