"""The LGSCO pages' query counts do not grow with the number of cases and recommendations (issue 4).

Each test measures the pages with 2 cases of 2 recommendations, grows the data through the real
services to 12 cases of 4 recommendations (in every state, in the user's areas and elsewhere,
restricted and not, with evidence, payments, extensions, reports and committees), measures again
and asserts the two counts are EQUAL. A sanity cap catches a page that is constant but wasteful.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ombudsman_cases import services
from ombudsman_cases.models import OmbudsmanCase
from ombudsman_cases.tests.factories import add_recommendation, open_case, pdf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays", "media")]

# Issue 8: at most 15 queries per page, the same number whatever the data.
QUERY_CAP = 15
# The overdue page has the same cap as every other page.
OVERDUE_PAGE_CAP = 15


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


class World:
    """Cases made through the services; `grow` adds recommendations to existing cases and new cases."""

    def __init__(self, people, areas):
        self.people = people
        self.areas = areas
        self.cases: list[OmbudsmanCase] = []
        self.recs_made = 0

    def add_case(self) -> OmbudsmanCase:
        i = len(self.cases)
        lena, mona, hugo, cora = (self.people[p] for p in ("lena", "mona", "hugo", "cora"))
        # Two in three cases are in mona's areas; every fifth is restricted; one in three is elsewhere.
        by, area = [(lena, "Children's services"), (mona, "Adult care"), (hugo, "Highways")][i % 3]
        case = open_case(
            by=by,
            service_area=self.areas[area],
            final_decision_on=days(-90 + i),
            is_restricted=(i % 5 == 4),
            named_users=[cora] if i % 5 == 4 else (),
        )
        services.case_record_steps(
            by=by,
            case=case,
            today=today(),
            enquiry_received_on=days(-200),
            enquiry_reply_due=days(-180 + i * 20),
            enquiry_reply_sent_on=days(-185) if i % 2 else None,
        )
        report = services.report_add(by=by, case=case, received_on=days(-40 + i), today=today())
        services.committee_add(
            by=by,
            report=report,
            body="Children's Scrutiny Committee",
            met_on=days(-30 + i),
            resolution="Noted",
            today=today(),
        )
        self.cases.append(case)
        return case

    def add_recommendations(self, case: OmbudsmanCase, n: int) -> None:
        owner = case.link_officer
        for _ in range(n):
            j = self.recs_made
            self.recs_made += 1
            rec = add_recommendation(
                case,
                by=owner,
                owner=owner,
                due_on=days(-20 + (j * 7) % 50),
                kind="symbolic_payment",
                amount=Decimal("100.00"),
                wording=f"Pay Ms B £100 ({j})",
            )
            state = j % 4
            if state == 1:
                services.recommendation_complete(by=owner, recommendation=rec, completed_on=days(-1), today=today())
            elif state == 2:
                services.recommendation_complete(
                    by=owner, recommendation=rec, completed_on=days(-2), evidence_sent_on=days(-1), today=today()
                )
                services.payment_record(
                    by=owner,
                    recommendation=rec,
                    amount=Decimal("100.00"),
                    approved_by=self.people["mona"],
                    approved_on=days(-3),
                    method="bank_transfer",
                    paid_on=days(-2),
                    proof=f"FIN-{j}",
                    today=today(),
                )
                services.recommendation_lgsco_outcome(
                    by=owner, recommendation=rec, satisfied=True, outcome_on=days(-1), today=today()
                )
            elif state == 3:
                services.recommendation_extend(
                    by=self.people["ada"],
                    recommendation=rec,
                    new_due_on=rec.due_on + dt.timedelta(days=14),
                    letter="LGSCO email",
                    reason="More time",
                    agreed_on=days(-1),
                    today=today(),
                )
                services.evidence_upload(by=owner, recommendation=rec, uploaded_file=pdf(), description=f"Letter {j}")

    def build(self, cases: int, recs_per_case: int) -> None:
        """Bring the world to `cases` cases of `recs_per_case` recommendations each."""
        for case in self.cases:
            self.add_recommendations(case, recs_per_case - case.recommendations.count())
        while len(self.cases) < cases:
            self.add_recommendations(self.add_case(), recs_per_case)


@pytest.fixture
def world(people, areas) -> World:
    return World(people, areas)


def measure(client, path: str, params: dict | None = None) -> list[str]:
    """The SQL of one request, copied at once: a CaptureQueriesContext reads the connection's query
    log lazily, so a context kept until after later requests would report their queries instead."""
    client.get(path, params)  # warm up per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, f"{path} {params}: {response.status_code}"
    return [q["sql"] for q in ctx.captured_queries]


def assert_same_count(small: list[str], large: list[str], what: str, cap: int = QUERY_CAP) -> None:
    def listing(queries):
        return "\n".join(f"  {sql[:220]}" for sql in queries)

    assert len(large) == len(small), (
        f"{what}: {len(small)} queries with 2 cases x 2 recommendations but {len(large)} with 12 x 4.\n"
        f"Small:\n{listing(small)}\nLarge:\n{listing(large)}"
    )
    assert len(small) <= cap, f"{what}: {len(small)} queries (cap {cap}):\n{listing(small)}"


def pages(world: World, role: str, areas) -> dict[str, tuple[str, dict]]:
    first = world.cases[0]
    rec = first.recommendations.order_by("id").first()
    found = {
        "case list": ("/ombudsman/", {}),
        "case list, filtered": ("/ombudsman/", {"status": "compliance", "q": "Ms B"}),
        "case page": (f"/ombudsman/{first.pk}/", {}),
        "recommendation page": (f"/ombudsman/{first.pk}/recommendations/{rec.pk}/", {}),
    }
    if role in ("mona", "ada"):
        found |= {
            "overdue view": ("/ombudsman/overdue/", {}),
            "overdue view, filtered": (
                "/ombudsman/overdue/",
                {"service_area": areas["Children's services"].pk, "kind": "recommendation", "window": "overdue"},
            ),
            "overdue CSV": ("/ombudsman/overdue.csv", {}),
            "overdue CSV, filtered": ("/ombudsman/overdue.csv", {"kind": "recommendation"}),
        }
    if role == "mona":
        found["home page (the overdue view)"] = ("/", {})
    return found


@pytest.mark.parametrize("role", ["lena", "mona", "ada"])
def test_query_counts_do_not_grow_with_the_number_of_cases_and_recommendations(client, people, areas, world, role):
    client.force_login(people[role])
    world.build(2, 2)
    measured = pages(world, role, areas)
    small = {name: measure(client, path, params) for name, (path, params) in measured.items()}
    world.build(12, 4)
    assert OmbudsmanCase.objects.count() == 12
    assert all(c.recommendations.count() == 4 for c in world.cases)
    large = {name: measure(client, path, params) for name, (path, params) in measured.items()}

    problems = []
    for name in measured:
        try:
            cap = OVERDUE_PAGE_CAP if name.startswith(("overdue view", "home page")) else QUERY_CAP
            assert_same_count(small[name], large[name], f"{name} for {role}", cap)
        except AssertionError as error:
            problems.append(str(error))
    assert not problems, "\n\n".join(problems)


def test_the_overdue_view_really_lists_more_rows_in_the_larger_world(client, people, areas, world):
    """Guards the test above: the equal counts must come from more rows, not an empty page."""
    client.force_login(people["mona"])
    world.build(2, 2)
    small = client.get("/ombudsman/overdue/").context["overdue"]["count"]
    world.build(12, 4)
    large = client.get("/ombudsman/overdue/").context["overdue"]["count"]
    assert 0 < small < large


def test_the_overdue_view_stays_within_the_query_cap(client, people, areas, world):
    client.force_login(people["mona"])
    world.build(2, 2)
    for params in (
        {},
        {"service_area": areas["Children's services"].pk, "kind": "recommendation", "window": "overdue"},
    ):
        queries = measure(client, "/ombudsman/overdue/", params)
        assert len(queries) <= QUERY_CAP, f"{len(queries)} queries for {params}:\n" + "\n".join(
            q[:160] for q in queries
        )


def test_the_case_page_query_count_does_not_grow_with_further_reports(client, people, areas):
    lena = people["lena"]
    client.force_login(lena)

    def case_with_reports(n: int) -> OmbudsmanCase:
        case = open_case(by=lena, service_area=areas["Children's services"], final_decision_on=days(-90))
        for k in range(n):
            services.report_add(
                by=lena, case=case, received_on=days(-60 + k * 10), today=today(), is_further_report=k > 0
            )
        return case

    small = measure(client, f"/ombudsman/{case_with_reports(1).pk}/")
    large = measure(client, f"/ombudsman/{case_with_reports(3).pk}/")
    listing = "\n".join(sql[:160] for sql in large)
    assert len(large) == len(small), f"{len(small)} queries with 1 report, {len(large)} with 3:\n{listing}"
