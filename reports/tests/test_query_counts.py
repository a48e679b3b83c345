"""The performance report's query count does not depend on the number of complaints (issue 6).

The page is measured with 3 complaints, then with 30 (made through the real services, in every
state: answered on time and late, extended, escalated, withdrawn, with payments and actions), and
the two counts must be EQUAL. The other reports are measured the same way.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import services
from complaints.models import Channel, Outcome
from ombudsman_cases import services as case_services
from ombudsman_cases.models import Outcome as CaseOutcome
from ombudsman_cases.models import RecommendationKind, RemedyType
from reports import services as report_services
from reports.models import LearningTheme
from reports.tests.conftest import TODAY, acknowledge, area, register, respond, stage_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays")]

SMALL, LARGE = 3, 30
CHANNELS = list(Channel.values)


class World:
    def __init__(self, people):
        self.people = people
        self.made = 0

    def add(self, n: int):
        casey, cora = self.people["casey"], self.people["cora"]
        for _ in range(n):
            i = self.made
            self.made += 1
            received = dt.date(2025, 6, 2) + dt.timedelta(days=7 * (i % 30))
            complaint = register(casey, received, channel=CHANNELS[i % len(CHANNELS)], is_restricted=i % 5 == 4)
            acknowledge(complaint, received + dt.timedelta(days=1))
            if i % 6 == 1:
                services.complaint_withdraw(
                    by=casey, complaint=complaint, withdrawn_on=received + dt.timedelta(days=2), reason="x", today=TODAY
                )
                continue
            stage = stage_of(complaint)
            if i % 3 == 0:
                services.stage_extend(
                    by=casey,
                    stage=stage,
                    new_due=stage.response_due + dt.timedelta(days=7),
                    reason=f"Reason {i % 4}",
                    complainant_told_on=received + dt.timedelta(days=2),
                    today=TODAY,
                )
            respond(
                complaint,
                received + dt.timedelta(days=14 + i % 9),
                [Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD][i % 3],
                payment_amount=Decimal(50 * (i % 4)) if i % 4 else None,
                payment_reason="Time and trouble" if i % 4 else "",
                actions=[("Do something", casey, received + dt.timedelta(days=40))] if i % 2 else [],
            )
            if i % 4 == 2:
                services.escalation_request(
                    by=casey,
                    stage=stage_of(complaint),
                    requested_on=received + dt.timedelta(days=30),
                    reasons="Still unhappy",
                    handler=cora,
                    today=TODAY,
                )
            if i % 2 == 0:
                case = case_services.case_register(
                    by=self.people["ada"],
                    today=TODAY,
                    reference=f"25 {100 + i:03d} {200 + i:03d}",
                    service_area=area("Housing"),
                    link_officer=self.people["ada"],
                    summary="Mr X complains about a repair.",
                    received_on=received,
                    complaints=[complaint],
                )
                case_services.case_record_steps(
                    by=self.people["ada"],
                    case=case,
                    today=TODAY,
                    final_decision_on=received + dt.timedelta(days=60),
                    outcome=CaseOutcome.UPHELD_INJUSTICE,
                )
                case_services.recommendation_add(
                    by=self.people["ada"],
                    case=case,
                    kind=RecommendationKind.APOLOGY,
                    remedy_type=RemedyType.PERSONAL,
                    wording="Apologise to Mr X.",
                    owner=casey,
                    service_area=area("Housing"),
                    due_basis="months",
                    due_within=1,
                )
                report_services.learning_add(
                    by=self.people["mona"],
                    today=TODAY,
                    theme=LearningTheme.COMMUNICATION,
                    improvement="Write sooner.",
                    service_area=area("Housing"),
                    owner=casey,
                    due_on=received + dt.timedelta(days=90),
                    complaint=complaint,
                )


# The session is saved at most once a minute (`accounts.middleware`), so whether a request writes it
# depends on the clock, not on the page: those writes are left out of the count.
SESSION_WRITE = ('UPDATE "django_session"', "SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT")


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return sum(not q["sql"].startswith(SESSION_WRITE) for q in ctx.captured_queries)


@pytest.mark.parametrize(
    "url, most",
    [
        # The performance report (issue 8: at most 15 queries), for a finished year, a quarter, this
        # year (not over yet), a table as CSV, and the operational export of every stage.
        ("/reports/performance/?year=2025", 15),
        ("/reports/performance/?year=2025&quarter=2", 15),
        ("/reports/performance/", 15),
        ("/reports/performance/?year=2025&format=csv&table=timeliness", 15),
        ("/reports/performance/stages.csv?year=2025", 15),
        ("/reports/ombudsman/?year=2025", 45),
        ("/reports/learning/", 45),
    ],
)
@pytest.mark.parametrize("who", ["mona", "ada"])
def test_a_report_makes_the_same_number_of_queries_for_3_and_30_complaints(client, people, url, most, who):
    world = World(people)
    client.force_login(people[who])
    world.add(SMALL)
    small = count_queries(client, url)
    world.add(LARGE - SMALL)
    large = count_queries(client, url)
    assert small == large, f"{url}: {small} queries with {SMALL} complaints, {large} with {LARGE}"
    assert large <= most
