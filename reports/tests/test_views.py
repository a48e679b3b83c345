"""Who may open the reports (issue 6): managers and complaints admins; caseworkers 403; anonymous 302."""

from __future__ import annotations

import datetime as dt

import pytest

from ombudsman_cases import services as case_services
from reports.tests.conftest import TODAY, area

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays")]


@pytest.fixture
def case(people):
    return case_services.case_register(
        by=people["ada"],
        today=TODAY,
        reference="25 000 111",
        service_area=area("Housing"),
        link_officer=people["mona"],
        summary="Mr X complains the council did not repair his roof.",
        received_on=dt.date(2025, 9, 1),
    )


def report_urls(case) -> list[str]:
    return [
        "/reports/",
        "/reports/performance/",
        "/reports/performance/?year=2025&format=csv&table=summary",
        "/reports/performance/stages.csv",
        "/reports/ombudsman/",
        "/reports/ombudsman/?format=csv&table=annual_letter",
        "/reports/ombudsman/2025/published/",
        "/reports/learning/",
        "/reports/learning/?format=csv&table=learning_items",
        "/reports/learning/new/",
        f"/reports/case/{case.pk}/",
        f"/reports/case/{case.pk}/?format=csv&table=chronology",
    ]


@pytest.mark.parametrize("who, status", [("casey", 403), ("hugo", 403), ("mona", 200), ("ada", 200)])
def test_reports_are_for_managers_and_complaints_admins(client, people, case, who, status):
    client.force_login(people[who])
    for url in report_urls(case):
        assert client.get(url).status_code == status, url


def test_anonymous_people_are_sent_to_sign_in(client, case):
    for url in report_urls(case):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/sign-in/"), url


def test_a_case_report_for_a_case_the_manager_cannot_open_is_not_found(client, people, case):
    client.force_login(people["max"])  # Highways
    assert client.get(f"/reports/case/{case.pk}/").status_code == 404


def test_the_case_picker_finds_a_case_by_any_spelling_of_its_reference(client, people, case):
    client.force_login(people["mona"])
    response = client.get("/reports/case/?reference=25000111")
    assert response.status_code == 302 and response["Location"] == f"/reports/case/{case.pk}/"
    response = client.get("/reports/case/?reference=nonsense", follow=True)
    assert b"Enter the LGSCO reference as 8 digits" in response.content


def test_managers_and_admins_see_reports_in_their_navigation(client, people):
    client.force_login(people["mona"])
    assert b'href="/reports/"' in client.get("/reports/").content
    client.force_login(people["ada"])
    assert b'href="/reports/"' in client.get("/reports/").content


def test_the_print_title_block_names_the_report_period_date_and_council(client, people, settings):
    settings.COUNCIL_NAME = "Exampleshire County Council"
    client.force_login(people["mona"])
    content = client.get("/reports/performance/?year=2025").content.decode()
    assert 'class="app-report-title"' in content
    assert "Complaints performance report" in content
    assert "2025 to 2026 (1 April 2025 to 31 March 2026)" in content
    assert "Exampleshire County Council" in content
    assert "Produced" in content


def test_the_charts_are_svg_images_with_a_title_and_a_table_of_the_same_figures(client, people, hand_counted):
    client.force_login(people["mona"])
    content = client.get("/reports/performance/?year=2025").content.decode()
    assert content.count('role="img"') == 2
    assert '<title id="chart-months-title">Complaints received per month</title>' in content
    assert "Jun 25: This period 7, A year earlier 7" in content
    assert "The same figures are in the table “Complaints received by month”" in content
    assert "http://" not in content.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")


def test_the_ombudsman_page_draws_compliance_by_year(client, people):
    client.force_login(people["ada"])
    content = client.get("/reports/ombudsman/?year=2025").content.decode()
    assert content.count('role="img"') == 1
    assert '<title id="chart-compliance-title">Compliance with LGSCO recommendations, by year</title>' in content
