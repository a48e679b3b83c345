"""The LGSCO annual-letter figures (DOMAIN.md §2.5) against hand-counted cases, and the LGSCO's own figures.

Year 2024 to 2025, Housing (C8 is Highways; C7 is decided in the next year):
  C1 upheld (injustice), 10 May 2024: R1 apology done on time, LGSCO satisfied 20 Jun 2024 (complied);
     R2 payment done late, LGSCO satisfied 1 Jul 2024 (complied late)
  C2 upheld, satisfactory remedy by the council, 1 Jul 2024
  C3 not upheld, 1 Aug 2024       C4 premature, 1 Sep 2024       C5 closed after initial enquiries, 1 Oct 2024
  C6 public interest report, 1 Nov 2024 (report received that day): R3 due 1 Dec 2024, LGSCO not satisfied 15 Jan 2025
So: decisions 6; investigated 4 (C1 C2 C3 C6); upheld 3 (C1 C2 C6); uphold rate 75%; satisfactory
remedy 1 of 3 (33%); compliance 2 of 3 outcomes (67%); 1 late recommendation of 2 completed; 1 report.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ombudsman_cases import services
from ombudsman_cases.models import Outcome, RecommendationKind, RemedyType
from reports import rules, selectors
from reports.models import LgscoPublishedFigures
from reports.tests.conftest import TODAY, area
from reports.tests.helpers import cell, csv_rows, page_tables

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays")]

D = dt.date
YEAR = rules.financial_year(2024)


def decided(people, reference, on, outcome, area_name="Housing"):
    case = services.case_register(
        by=people["ada"],
        today=TODAY,
        reference=reference,
        service_area=area(area_name),
        link_officer=people["ada"],
        summary="Mr X complains about the council.",
        received_on=on - dt.timedelta(days=120),
    )
    return services.case_record_steps(by=people["ada"], case=case, today=TODAY, final_decision_on=on, outcome=outcome)


def recommendation(people, case, kind=RecommendationKind.APOLOGY, **due):
    due = due or {"due_basis": "months", "due_within": 1}
    return services.recommendation_add(
        by=people["ada"],
        case=case,
        kind=kind,
        remedy_type=RemedyType.PERSONAL,
        wording="Apologise to Mr X.",
        owner=people["casey"],
        service_area=area("Housing"),
        **due,
    )


@pytest.fixture
def cases(people):
    ada = people["ada"]
    c1 = decided(people, "24 000 001", D(2024, 5, 10), Outcome.UPHELD_INJUSTICE)
    r1 = recommendation(people, c1)
    services.recommendation_complete(by=ada, recommendation=r1, completed_on=D(2024, 6, 1), today=TODAY)
    services.recommendation_lgsco_outcome(
        by=ada, recommendation=r1, satisfied=True, outcome_on=D(2024, 6, 20), today=TODAY
    )
    r2 = recommendation(people, c1, kind=RecommendationKind.SYMBOLIC_PAYMENT)
    services.recommendation_complete(by=ada, recommendation=r2, completed_on=D(2024, 6, 20), today=TODAY)
    services.recommendation_lgsco_outcome(
        by=ada, recommendation=r2, satisfied=True, outcome_on=D(2024, 7, 1), today=TODAY
    )
    decided(people, "24 000 002", D(2024, 7, 1), Outcome.UPHELD_SATISFACTORY_REMEDY)
    decided(people, "24 000 003", D(2024, 8, 1), Outcome.NOT_UPHELD)
    decided(people, "24 000 004", D(2024, 9, 2), Outcome.PREMATURE)
    decided(people, "24 000 005", D(2024, 10, 1), Outcome.CLOSED_AFTER_INITIAL_ENQUIRIES)
    c6 = decided(people, "24 000 006", D(2024, 11, 1), Outcome.REPORT_ISSUED)
    services.report_add(by=ada, case=c6, received_on=D(2024, 11, 1), today=TODAY)
    r3 = recommendation(people, c6, due_basis="explicit", explicit_due_on=D(2024, 12, 2))
    services.recommendation_lgsco_outcome(
        by=ada, recommendation=r3, satisfied=False, outcome_on=D(2025, 1, 15), today=TODAY
    )
    decided(people, "25 000 007", D(2025, 4, 1), Outcome.UPHELD_INJUSTICE)
    decided(people, "24 000 008", D(2024, 6, 3), Outcome.UPHELD_INJUSTICE, area_name="Highways")
    return {"r2": r2}


def test_the_annual_letter_figures_from_the_councils_records(people, cases):
    f = selectors.ombudsman_figures(user=people["mona"], year=YEAR)
    assert (f.decisions, f.investigated, f.upheld, f.satisfactory_remedy) == (6, 4, 3, 1)
    assert (f.uphold_rate, f.satisfactory_remedy_rate) == (Decimal("75.0"), Decimal("33.3"))
    assert (f.compliance_outcomes, f.complied, f.compliance_rate) == (3, 2, Decimal("66.7"))
    assert (f.late_recommendations, f.completed_recommendations) == (1, 2)
    assert (f.reports, f.further_reports) == (1, 0)
    assert cases["r2"].__class__.objects.get(pk=cases["r2"].pk).is_late


def test_an_admin_counts_every_service_area(people, cases):
    assert selectors.ombudsman_figures(user=people["ada"], year=YEAR).decisions == 7
    assert selectors.ombudsman_figures(user=people["max"], year=YEAR).decisions == 1


def test_compliance_by_year_covers_five_years_in_one_query(people, cases, django_assert_num_queries):
    selectors.reporting_area_ids(people["mona"])  # the role and areas are read once per request
    with django_assert_num_queries(1):
        years = selectors.compliance_by_year(user=people["mona"], last_year_start=2024)
    assert [(p.start.year, outcomes, complied) for p, outcomes, complied in years] == [
        (2020, 0, 0),
        (2021, 0, 0),
        (2022, 0, 0),
        (2023, 0, 0),
        (2024, 3, 2),
    ]


def test_the_page_shows_where_the_lgscos_figures_differ(client, people, cases):
    client.force_login(people["mona"])
    response = client.post(
        "/reports/ombudsman/2024/published/",
        {
            "decisions": "8",
            "investigated": "",
            "upheld": "3",
            "uphold_rate": "75",
            "satisfactory_remedy_rate": "33",
            "compliance_rate": "67",
            "public_interest_reports": "1",
            "source_url": "https://www.lgo.org.uk/your-councils-performance",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/reports/ombudsman/?year=2024"
    published = LgscoPublishedFigures.objects.get(year_start=2024)
    assert (published.decisions, published.entered_by) == (8, people["mona"])
    assert published.history.count() == 1

    page = client.get("/reports/ombudsman/?year=2024")
    letter = page_tables(page.content)["annual_letter"]
    assert cell(letter, "Decisions", "Check") == "Differs: LGSCO 8, our records 6"
    assert cell(letter, "Upheld", "Check") == "Same"
    assert cell(letter, "Investigated (upheld or not upheld)", "Check") == "No LGSCO figure entered"
    assert cell(letter, "Uphold rate (upheld ÷ investigated)", "Our records") == "75% (3 of 4)"
    assert cell(letter, "Compliance rate (complied ÷ compliance outcomes recorded)", "Check") == "Same"
    assert cell(letter, "Public interest reports received", "LGSCO published") == "1"
    for name, rows in page_tables(page.content).items():
        assert csv_rows(client.get(f"/reports/ombudsman/?year=2024&format=csv&table={name}")) == rows, name

    # Correcting the figures keeps the earlier version in the history.
    client.post("/reports/ombudsman/2024/published/", {"decisions": "6", "upheld": "3"})
    assert LgscoPublishedFigures.objects.get(year_start=2024).history.count() == 2
    letter = page_tables(client.get("/reports/ombudsman/?year=2024").content)["annual_letter"]
    assert cell(letter, "Decisions", "Check") == "Same"


def test_the_published_figures_form_refuses_impossible_figures(client, people):
    client.force_login(people["ada"])
    response = client.post(
        "/reports/ombudsman/2024/published/", {"uphold_rate": "120", "decisions": "2", "upheld": "3"}
    )
    assert response.status_code == 200
    assert b"Enter a percentage from 0 to 100" in response.content
    assert not LgscoPublishedFigures.objects.exists()
    response = client.post("/reports/ombudsman/2024/published/", {"decisions": "2", "upheld": "3"})
    assert b"Upheld cannot be more than the number of decisions" in response.content
