"""The case page keeps what is the same for everyone as HTML in the cache (ombudsman_cases.views.case_body).

Opened again it costs fewer queries, the same number whatever the case holds; every change through
the services (and the retention job) shows at once; deadlines in words follow today and the bank
holidays; and who may act on the case, or open each linked complaint, is worked out for each person
on a page kept from another's visit.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AccessLog
from calendars.models import BankHoliday
from calendars.selectors import default_non_working_around
from complaints import selectors as complaint_selectors
from complaints.retention import anonymise_case
from complaints.templatetags.complaint_tables import short_date
from complaints.tests.factories import log_complaint
from ombudsman_cases import services
from ombudsman_cases.models import OmbudsmanCase, Recommendation
from ombudsman_cases.templatetags.lgsco import long_date
from ombudsman_cases.tests.factories import add_recommendation, next_reference, open_case, pdf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays", "media")]

# The page's own queries, after signing in (the session and the user with their roles and areas:
# one query on PostgreSQL, several on SQLite, counted in config/tests/test_signed_in_cost.py).
SIGNING_IN_TABLES = {"django_session", "accounts_user", "auth_group", "accounts_servicearea"}
# Opened again: the case (with the permission check), its newest timeline entry, and the linked
# complaints (who may open each is worked out per request).
OPENED_AGAIN_QUERIES = 3
# Built: the 3 above and the recommendations, reports, committees and timeline.
BUILT_QUERIES = OPENED_AGAIN_QUERIES + 4


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def page_of(client, case: OmbudsmanCase) -> str:
    response = client.get(f"/ombudsman/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def measure(client, case: OmbudsmanCase) -> tuple[list[str], list[str]]:
    """The page's queries when it is built (nothing cached) and when it is opened again."""
    cache.clear()
    client.get("/ombudsman/")  # the session and per-process caches (content types)
    default_non_working_around(today())  # bank holidays stay cached
    counts = []
    for _ in ("built", "opened again"):
        with CaptureQueriesContext(connection) as ctx:
            page_of(client, case)
        counts.append([q["sql"] for q in ctx.captured_queries if _first_table(q["sql"]) not in SIGNING_IN_TABLES])
    return counts[0], counts[1]


def _first_table(sql: str) -> str:
    found = re.search(r'FROM "(\w+)"', sql)
    return found.group(1) if found else ""


def without_token(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def rich_case(people, areas) -> OmbudsmanCase:
    """A case with a little of everything: linked complaints, recommendations with payments,
    extensions and evidence, two reports with committees, and a long timeline."""
    lena, mona = people["lena"], people["mona"]
    complaints = [
        log_complaint(procedure="children", handler=lena, received_on=days(-200), today=days(-200)) for _ in range(3)
    ]
    case = services.case_register(
        by=lena,
        today=today(),
        reference=next_reference(),
        service_area=areas["Children's services"],
        link_officer=lena,
        summary="Ms B says the council did not arrange Ms M's post-16 placement.",
        received_on=days(-150),
        complaints=complaints,
    )
    case = services.case_record_steps(
        by=lena, case=case, today=today(), enquiry_received_on=days(-140), enquiry_reply_due=days(-120)
    )
    case = services.case_record_steps(
        by=lena, case=case, today=today(), final_decision_on=days(-90), outcome="upheld_injustice"
    )
    for j in range(4):
        rec = add_recommendation(case, by=lena, wording=f"Recommendation {j}", due_on=days(-60 + j * 20))
        services.payment_record(
            by=lena,
            recommendation=rec,
            amount=Decimal("100.00"),
            approved_by=mona,
            approved_on=days(-3),
            method="bank_transfer",
            paid_on=days(-2),
            proof=f"FIN-{j}",
            today=today(),
        )
        services.recommendation_extend(
            by=mona,
            recommendation=rec,
            new_due_on=rec.due_on + dt.timedelta(days=14),
            letter="LGSCO email",
            reason="More time",
            agreed_on=days(-1),
            today=today(),
        )
        services.evidence_upload(by=lena, recommendation=rec, uploaded_file=pdf(), description=f"Letter {j}")
    for k in range(2):
        report = services.report_add(
            by=lena, case=case, received_on=days(-60 + k * 10), today=today(), is_further_report=k > 0
        )
        services.committee_add(
            by=lena, report=report, body="Cabinet", met_on=days(-30 + k), resolution="Noted", today=today()
        )
    return case


def listing(queries: list[str]) -> str:
    return "\n".join(f"  {sql[:160]}" for sql in queries)


def test_opened_again_the_case_page_costs_fewer_queries_the_same_whatever_the_case_holds(client, people, areas):
    lena = people["lena"]
    client.force_login(lena)
    bare = open_case(by=lena, service_area=areas["Children's services"])
    rich = rich_case(people, areas)
    assert rich.events.count() > 20 and rich.complaints.count() == 3 and rich.reports.count() == 2

    for case in (bare, rich):
        built, opened_again = measure(client, case)
        assert len(built) == BUILT_QUERIES, f"{case}, built:\n{listing(built)}"
        assert len(opened_again) == OPENED_AGAIN_QUERIES, f"{case}, opened again:\n{listing(opened_again)}"


def test_the_page_from_the_cache_is_the_page_built_afresh(client, people, areas):
    case = rich_case(people, areas)
    for person in ("lena", "mona", "cora"):
        client.force_login(people[person])
        cache.clear()
        built = page_of(client, case)
        assert without_token(page_of(client, case)) == without_token(built)


# --- A change through each kind of service shows at once -------------------------------------------


def first_rec(case: OmbudsmanCase) -> Recommendation:
    return case.recommendations.order_by("id").first()


def complete(case, people):
    services.recommendation_complete(
        by=people["lena"], recommendation=first_rec(case), completed_on=today(), today=today()
    )


def send_evidence(case, people):
    services.recommendation_complete(
        by=people["lena"], recommendation=first_rec(case), completed_on=today(), evidence_sent_on=today(), today=today()
    )


def first_report(case):
    return case.reports.order_by("id").first()


CHANGES = [
    # (what, prepare (before the page is kept), change, text the page shows after it)
    (
        "a recommendation added",
        None,
        lambda case, p: add_recommendation(case, by=p["lena"], wording="Review the placement policy"),
        lambda case, p: "Review the placement policy",
    ),
    (
        "a recommendation completed",
        None,
        lambda case, p: services.recommendation_complete(
            by=p["lena"], recommendation=first_rec(case), completed_on=today(), today=today()
        ),
        lambda case, p: f"Completed {short_date(today())}",
    ),
    (
        "a recommendation extended",
        None,
        lambda case, p: services.recommendation_extend(
            by=p["mona"],
            recommendation=first_rec(case),
            new_due_on=first_rec(case).due_on + dt.timedelta(days=21),
            letter="LGSCO email",
            reason="More time",
            agreed_on=today(),
            today=today(),
        ),
        lambda case, p: "extended from",
    ),
    (
        "a recommendation reassigned",
        None,
        lambda case, p: services.recommendation_reassign(by=p["mona"], recommendation=first_rec(case), owner=p["cora"]),
        lambda case, p: f'<td class="govuk-table__cell">{p["cora"]}</td>',
    ),
    (
        "evidence sent",
        complete,
        lambda case, p: services.recommendation_evidence_sent(
            by=p["lena"], recommendation=first_rec(case), evidence_sent_on=today(), today=today()
        ),
        lambda case, p: f"Evidence sent {short_date(today())}",
    ),
    (
        "the LGSCO satisfied",
        send_evidence,
        lambda case, p: services.recommendation_lgsco_outcome(
            by=p["lena"], recommendation=first_rec(case), satisfied=True, outcome_on=today(), today=today()
        ),
        lambda case, p: "<br>LGSCO: ",
    ),
    (
        "evidence uploaded",
        None,
        lambda case, p: services.evidence_upload(
            by=p["lena"], recommendation=first_rec(case), uploaded_file=pdf(), description="Signed apology"
        ),
        lambda case, p: "Evidence uploaded: Signed apology",
    ),
    (
        "a payment",
        None,
        lambda case, p: services.payment_record(
            by=p["lena"],
            recommendation=first_rec(case),
            amount=Decimal("250.00"),
            approved_by=p["mona"],
            approved_on=today(),
            method="bank_transfer",
            paid_on=today(),
            proof="FIN-9",
            today=today(),
        ),
        lambda case, p: "Payments made on this case: £250.00.",
    ),
    (
        "a report added",
        None,
        lambda case, p: services.report_add(
            by=p["lena"], case=case, received_on=days(-5), today=today(), is_further_report=True
        ),
        lambda case, p: "Further report",
    ),
    (
        "a report's steps",
        None,
        lambda case, p: services.report_update(
            by=p["lena"],
            report=first_report(case),
            today=today(),
            notice_published_on=today(),
            notice_where="The Herald",
        ),
        lambda case, p: "The Herald",
    ),
    (
        "a committee",
        None,
        lambda case, p: services.committee_add(
            by=p["lena"],
            report=first_report(case),
            body="Cabinet",
            met_on=today(),
            resolution="Accepted",
            today=today(),
        ),
        lambda case, p: f"Cabinet, {long_date(today())}: Accepted",
    ),
    (
        "the case's steps",
        None,
        lambda case, p: services.case_record_steps(
            by=p["lena"], case=case, today=today(), decision_published_on=days(-80)
        ),
        lambda case, p: f"; published {long_date(days(-80))}",
    ),
    (
        "the case closed",
        send_evidence,
        lambda case, p: services.case_close(by=p["lena"], case=case, closed_on=today(), today=today()),
        lambda case, p: f'Closed</dt><dd class="govuk-summary-list__value">{long_date(today())}',
    ),
    (
        "the retention job",
        None,
        lambda case, p: anonymise_case(case, today=today()),
        lambda case, p: "Personal details removed under the",
    ),
]


def rename(user, first_name: str) -> None:
    """As the Django admin or the user admin page does: a plain save."""
    user.first_name = first_name
    user.save()


@pytest.mark.parametrize("what, prepare, change, shows", CHANGES, ids=[c[0] for c in CHANGES])
def test_a_page_opened_before_a_change_shows_the_change_at_once(client, people, areas, what, prepare, change, shows):
    lena = people["lena"]
    case = open_case(by=lena, service_area=areas["Children's services"], final_decision_on=days(-90))
    add_recommendation(case, by=lena, due_on=days(10))
    services.report_add(by=lena, case=case, received_on=days(-20), today=today())
    if prepare:
        prepare(case, people)
    client.force_login(people["mona"])
    page_of(client, case)  # kept in the cache
    assert shows(case, people) not in page_of(client, case), what

    change(OmbudsmanCase.objects.get(pk=case.pk), people)
    assert shows(case, people) in page_of(client, case), what


def enquiry_words(page: str) -> str:
    return re.search(r"Enquiries</dt>.*?<br>(.*?)</dd>", page, re.S).group(1)


def test_deadlines_in_words_follow_today_and_the_bank_holidays(client, people, areas, monkeypatch):
    lena = people["lena"]
    case = open_case(by=lena, service_area=areas["Children's services"])
    due = days(1)
    while due.weekday() > 4:
        due += dt.timedelta(days=1)
    due = due + dt.timedelta(days=14)
    services.case_record_steps(by=lena, case=case, today=today(), enquiry_received_on=today(), enquiry_reply_due=due)
    client.force_login(lena)
    before = int(re.search(r"(\d+) working days? left", enquiry_words(page_of(client, case))).group(1))

    day = today() + dt.timedelta(days=1)
    while day.weekday() > 4 or BankHoliday.objects.filter(date=day, division="england-and-wales").exists():
        day += dt.timedelta(days=1)
    assert day < due
    BankHoliday.objects.create(division="england-and-wales", date=day, title="A new bank holiday")
    assert f"{before - 1} working days left" in enquiry_words(page_of(client, case))

    monkeypatch.setattr(
        complaint_selectors, "today", lambda: due + dt.timedelta(days=7)
    )  # opened a week after it was due
    assert "overdue" in enquiry_words(page_of(client, case)).lower()


# --- What depends on who is looking ---------------------------------------------------------------


def test_each_person_sees_only_their_own_actions_and_links_on_a_page_kept_from_another(client, people, areas):
    """lena is the Link Officer and handles the restricted linked complaint; cora, a colleague, may
    neither manage the case nor open that complaint."""
    lena, cora = people["lena"], people["cora"]
    mine = log_complaint(
        procedure="children", handler=lena, received_on=days(-200), today=days(-200), is_restricted=True
    )
    case = services.case_register(
        by=lena,
        today=today(),
        reference=next_reference(),
        service_area=areas["Children's services"],
        link_officer=lena,
        summary="Ms B says the council did not arrange Ms M's post-16 placement.",
        received_on=days(-150),
        complaints=[mine],
    )
    services.report_add(by=lena, case=case, received_on=days(-20), today=today())
    link = f'<a class="govuk-link" href="/complaints/{mine.pk}/">{mine.reference}</a>'
    for first, second in ((lena, cora), (cora, lena)):
        cache.clear()
        pages = {}
        for user in (first, second):
            client.force_login(user)
            pages[user] = page_of(client, case)
        assert "Add a recommendation" in pages[lena] and "Record the report's steps" in pages[lena]
        assert "Add a recommendation" not in pages[cora] and "Record the report's steps" not in pages[cora]
        assert link in pages[lena] and "(you cannot open it)" not in pages[lena]
        assert link not in pages[cora] and f"{mine.reference} (you cannot open it)" in pages[cora]


def test_a_restricted_case_logs_every_opening_even_from_the_cache(client, people, areas):
    lena, cora = people["lena"], people["cora"]
    case = open_case(by=lena, service_area=areas["Children's services"], is_restricted=True, named_users=[cora])
    client.force_login(cora)
    for n in (1, 2, 3):
        page_of(client, case)
        assert AccessLog.objects.filter(record_type="ombudsman_case", record_id=case.pk, user=cora).count() == n
    client.force_login(people["hugo"])  # another area: refused before anything is read from the cache
    assert client.get(f"/ombudsman/{case.pk}/").status_code == 404


def test_a_renamed_person_shows_under_the_new_name_everywhere_on_a_kept_page_at_once(client, people, areas):
    lena = people["lena"]
    case = open_case(by=lena, service_area=areas["Children's services"], final_decision_on=days(-90))
    add_recommendation(case, by=lena, due_on=days(10))  # lena: its owner and the timeline's actor
    client.force_login(people["mona"])
    assert "Lena Tester" in page_of(client, case)  # kept in the cache
    rename(lena, "Lenora")
    page = page_of(client, case)
    assert "Lena Tester" not in page and "Lenora Tester" in page
