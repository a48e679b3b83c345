"""LGSCO case pages through the test client, for every persona.

The personas (ombudsman_cases/tests/conftest.py): lena, the Link Officer who owns the case; cora,
a colleague caseworker in the same service area (may look, may not act unless she owns the
recommendation); hugo, a caseworker of another service area (every case URL answers 404); and
anonymous visitors (sent to the sign-in page). mona manages Children's services and Adult care,
max manages Highways, ada is a complaints admin. Data is built through the services; dates are
relative to `timezone.localdate()`, which is the views' today.
"""

from __future__ import annotations

import csv
import datetime as dt
import html as html_lib
import io
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import dateformat, timezone

from accounts.models import Role
from ombudsman_cases import services
from ombudsman_cases.models import Evidence, OmbudsmanCase, PublicInterestReport, Recommendation
from ombudsman_cases.tests.factories import PDF_BYTES, add_recommendation, date_fields, open_case, pdf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays", "media")]

SIGN_IN = "/accounts/sign-in/"


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def text(response) -> str:
    return response.content.decode()


def field_group(page: str, field: str) -> str:
    match = re.search(
        rf'<div id="div_id_{field}" class="govuk-form-group[^"]*">(.*?)(?=<div id="div_id_|</form>)', page, re.S
    )
    assert match, f"no form group for {field!r} in the page"
    return match.group(0)


def assert_error_by_field(response, field: str, message: str | None = None) -> None:
    """The GOV.UK pattern: an error summary at the top, and the message next to the field."""
    assert response.status_code == 200, response.status_code
    page = text(response)
    assert "There is a problem" in page, "no error summary"
    group = field_group(page, field)
    assert "govuk-form-group--error" in group, f"{field} is not marked as in error"
    if message:
        assert message in html_lib.unescape(group), f"{message!r} not next to {field}"
        assert f'href="#id_{field}' in page, f"the error summary does not link to {field}"


@dataclass
class World:
    case: OmbudsmanCase  # Children's services, Link Officer lena
    overdue: Recommendation  # lena's, due 10 days ago, with evidence uploaded
    due_soon: Recommendation  # cora's, due in 10 days
    later: Recommendation  # lena's, due in 60 days (outside the window)
    done: Recommendation  # evidence sent long ago
    evidence: Evidence
    report: PublicInterestReport  # notice due 6 days ago
    adult_case: OmbudsmanCase  # Adult care, mona's
    adult_rec: Recommendation
    highways_case: OmbudsmanCase  # hugo's
    highways_rec: Recommendation
    restricted: OmbudsmanCase  # Children's, restricted, named: lena
    restricted_rec: Recommendation
    restricted_for_cora: OmbudsmanCase  # Children's, restricted, named: lena and cora


@pytest.fixture
def world(people, areas) -> World:
    lena, cora, hugo, mona = people["lena"], people["cora"], people["hugo"], people["mona"]
    children, adults, highways = areas["Children's services"], areas["Adult care"], areas["Highways"]

    case = open_case(by=lena, service_area=children, final_decision_on=days(-60))
    overdue = add_recommendation(case, by=lena, due_on=days(-10), wording="Apologise to Ms B for the missed transfer.")
    due_soon = add_recommendation(
        case,
        by=lena,
        owner=cora,
        due_on=days(10),
        kind="symbolic_payment",
        amount=Decimal("1000.00"),
        wording="Pay Ms M £1,000 for the distress caused.",
        beneficiary_pseudonym="Ms M",
    )
    later = add_recommendation(
        case,
        by=lena,
        due_on=days(60),
        kind="staff_training",
        remedy_type="service_improvement",
        wording="Remind SEN officers of post-16 transfer duties.",
    )
    done = add_recommendation(case, by=lena, due_on=days(-30), wording="Apologise to Ms M.")
    services.recommendation_complete(
        by=lena, recommendation=done, completed_on=days(-40), evidence_sent_on=days(-39), today=today()
    )
    evidence = services.evidence_upload(
        by=lena, recommendation=overdue, uploaded_file=pdf("apology.pdf"), description="Apology letter"
    )
    report = services.report_add(by=lena, case=case, received_on=days(-20), today=today())

    adult_case = open_case(by=mona, service_area=adults, final_decision_on=days(-30))
    adult_rec = add_recommendation(
        adult_case,
        by=mona,
        due_on=days(-3),
        kind="procedure_review",
        remedy_type="service_improvement",
        wording="Review the charging procedure.",
    )
    highways_case = open_case(by=hugo, service_area=highways, final_decision_on=days(-30))
    highways_rec = add_recommendation(highways_case, by=hugo, due_on=days(-5), wording="Repair the footway.")
    restricted = open_case(by=lena, service_area=children, final_decision_on=days(-30), is_restricted=True)
    restricted_rec = add_recommendation(
        restricted, by=lena, due_on=days(-1), wording="Apologise to the child's mother."
    )
    restricted_for_cora = open_case(
        by=lena, service_area=children, final_decision_on=days(-30), is_restricted=True, named_users=[cora]
    )
    return World(
        case,
        overdue,
        due_soon,
        later,
        done,
        evidence,
        report,
        adult_case,
        adult_rec,
        highways_case,
        highways_rec,
        restricted,
        restricted_for_cora=restricted_for_cora,
        restricted_rec=restricted_rec,
    )


# --- three personas on every case page -----------------------------------------------------------

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
# page name -> (lena the Link Officer, cora the colleague, hugo of another area, mona the manager)
PAGES = {
    "case detail": (OK, OK, NOT_FOUND, OK),
    "recommendation": (OK, OK, NOT_FOUND, OK),
    "evidence download": (OK, OK, NOT_FOUND, OK),
    "steps": (OK, FORBIDDEN, NOT_FOUND, OK),
    "close": (OK, FORBIDDEN, NOT_FOUND, OK),
    "add recommendation": (OK, FORBIDDEN, NOT_FOUND, OK),
    "add report": (OK, FORBIDDEN, NOT_FOUND, OK),
    "report steps": (OK, FORBIDDEN, NOT_FOUND, OK),
    "add committee": (OK, FORBIDDEN, NOT_FOUND, OK),
    "complete": (OK, FORBIDDEN, NOT_FOUND, OK),
    "evidence sent": (OK, FORBIDDEN, NOT_FOUND, OK),
    "upload evidence": (OK, FORBIDDEN, NOT_FOUND, OK),
    "payment": (OK, FORBIDDEN, NOT_FOUND, OK),
    "lgsco outcome": (OK, FORBIDDEN, NOT_FOUND, OK),
    "extend": (FORBIDDEN, FORBIDDEN, NOT_FOUND, OK),
    "reassign": (FORBIDDEN, FORBIDDEN, NOT_FOUND, OK),
}


def url_of(page: str, w: World) -> str:
    c, r = w.case.pk, w.overdue.pk
    return {
        "case detail": f"/ombudsman/{c}/",
        "recommendation": f"/ombudsman/{c}/recommendations/{r}/",
        "evidence download": f"/ombudsman/{c}/recommendations/{r}/evidence/{w.evidence.pk}/",
        "steps": f"/ombudsman/{c}/steps/",
        "close": f"/ombudsman/{c}/close/",
        "add recommendation": f"/ombudsman/{c}/recommendations/new/",
        "add report": f"/ombudsman/{c}/reports/new/",
        "report steps": f"/ombudsman/{c}/reports/{w.report.pk}/",
        "add committee": f"/ombudsman/{c}/reports/{w.report.pk}/committees/new/",
        "complete": f"/ombudsman/{c}/recommendations/{r}/complete/",
        "evidence sent": f"/ombudsman/{c}/recommendations/{r}/evidence-sent/",
        "upload evidence": f"/ombudsman/{c}/recommendations/{r}/evidence/new/",
        "payment": f"/ombudsman/{c}/recommendations/{r}/payments/new/",
        "lgsco outcome": f"/ombudsman/{c}/recommendations/{r}/outcome/",
        "extend": f"/ombudsman/{c}/recommendations/{r}/extend/",
        "reassign": f"/ombudsman/{c}/recommendations/{r}/reassign/",
    }[page]


@pytest.mark.parametrize("page_name", PAGES)
@pytest.mark.parametrize("persona", ["lena", "cora", "hugo", "mona"])
def test_every_case_page_answers_each_persona_as_the_access_rules_say(client, people, world, page_name, persona):
    # Not called `page`: pytest-playwright would take it for its browser fixture.
    page = page_name
    expected = PAGES[page][["lena", "cora", "hugo", "mona"].index(persona)]
    client.force_login(people[persona])
    response = client.get(url_of(page, world))
    assert response.status_code == expected, f"{persona} on {page}"


@pytest.mark.parametrize("page_name", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, page_name):
    page = page_name
    response = client.get(url_of(page, world))
    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)


@pytest.mark.parametrize("page_name", ["complete", "evidence sent", "extend", "reassign", "steps", "close"])
def test_a_caseworker_of_another_area_cannot_post_to_a_case_either(client, people, world, page_name):
    client.force_login(people["hugo"])
    response = client.post(url_of(page_name, world), {**date_fields("completed_on", days(-1)), "version": 1})
    assert response.status_code == 404
    world.overdue.refresh_from_db()
    assert world.overdue.completed_on is None and world.overdue.version == 1


@pytest.mark.parametrize("path", ["/ombudsman/", "/ombudsman/new/", "/ombudsman/overdue/", "/ombudsman/overdue.csv"])
def test_anonymous_visitors_are_sent_to_sign_in_from_the_lists(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.url.startswith(SIGN_IN)


@pytest.mark.parametrize("path", ["/ombudsman/overdue/", "/ombudsman/overdue.csv"])
@pytest.mark.parametrize("persona", ["lena", "cora", "hugo"])
def test_caseworkers_may_not_see_the_overdue_view(client, people, world, path, persona):
    client.force_login(people[persona])
    assert client.get(path).status_code == 403


def test_the_case_page_shows_the_recommendations_report_and_timeline(client, people, world):
    client.force_login(people["cora"])
    page = html_lib.unescape(text(client.get(f"/ombudsman/{world.case.pk}/")))
    assert world.case.reference in page
    for rec in (world.overdue, world.due_soon, world.later, world.done):
        assert f"/ombudsman/{world.case.pk}/recommendations/{rec.pk}/" in page
    assert "Public interest report" in page
    assert "Evidence uploaded: Apology letter" in page
    assert "Record the LGSCO's steps" not in page, "a colleague may look but not manage the case"


def test_the_timeline_gives_each_entry_its_local_time_as_the_date_filter_wrote_it(client, people, world):
    client.force_login(people["cora"])
    page = html_lib.unescape(text(client.get(f"/ombudsman/{world.case.pk}/")))
    events = list(world.case.events.select_related("actor"))
    assert events
    for event in events:
        assert f"{dateformat.format(timezone.localtime(event.at), 'j M Y, H:i')} by {event.actor}" in page


# --- acting on a recommendation you own --------------------------------------------------------


def test_a_caseworker_who_owns_a_recommendation_records_completion_and_evidence(client, people, world):
    cora, rec = people["cora"], world.due_soon
    client.force_login(cora)
    base = f"/ombudsman/{world.case.pk}/recommendations/{rec.pk}/"
    assert "Record completion" in text(client.get(base))

    response = client.post(base + "complete/", {**date_fields("completed_on", days(-1)), "version": rec.version})
    assert response.status_code == 302 and response.url == base
    rec.refresh_from_db()
    assert rec.completed_on == days(-1) and rec.is_late is False and rec.evidence_sent_on is None

    response = client.post(
        base + "evidence-sent/", {**date_fields("evidence_sent_on", today()), "version": rec.version}
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.evidence_sent_on == today()
    assert rec.case.events.filter(kind="evidence_sent", actor=cora).exists()

    assert client.get(base + "extend/").status_code == 403
    assert client.get(base + "reassign/").status_code == 403


def test_a_caseworker_cannot_complete_a_colleagues_recommendation(client, people, world):
    client.force_login(people["cora"])
    rec = world.overdue  # lena's
    url = f"/ombudsman/{world.case.pk}/recommendations/{rec.pk}/complete/"
    assert client.post(url, {**date_fields("completed_on", days(-1)), "version": rec.version}).status_code == 403
    rec.refresh_from_db()
    assert rec.completed_on is None


def test_completion_before_the_decision_is_refused_by_the_field(client, people, world):
    client.force_login(people["lena"])
    rec = world.overdue
    url = f"/ombudsman/{world.case.pk}/recommendations/{rec.pk}/complete/"
    response = client.post(url, {**date_fields("completed_on", days(-61)), "version": rec.version})
    assert_error_by_field(response, "completed_on", "The completion date cannot be before the final decision")
    rec.refresh_from_db()
    assert rec.completed_on is None


def test_evidence_sent_before_completion_is_refused_by_the_field(client, people, world):
    client.force_login(people["lena"])
    rec = world.overdue
    url = f"/ombudsman/{world.case.pk}/recommendations/{rec.pk}/complete/"
    response = client.post(
        url,
        {**date_fields("completed_on", days(-2)), **date_fields("evidence_sent_on", days(-3)), "version": rec.version},
    )
    assert_error_by_field(
        response, "evidence_sent_on", "The evidence cannot be sent before the recommendation was completed"
    )
    rec.refresh_from_db()
    assert rec.completed_on is None and rec.evidence_sent_on is None


def test_a_manager_records_an_extension_and_the_original_date_is_kept(client, people, world):
    client.force_login(people["mona"])
    rec = world.overdue
    url = f"/ombudsman/{world.case.pk}/recommendations/{rec.pk}/extend/"
    response = client.post(
        url,
        {
            **date_fields("new_due_on", days(20)),
            **date_fields("agreed_on", days(-1)),
            "letter": "LGSCO email, ref 1",
            "reason": "Waiting for figures",
            "version": rec.version,
        },
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert (rec.original_due_on, rec.due_on) == (days(-10), days(20))


# --- the create and recommendation forms ---------------------------------------------------------


def case_form(people, areas, **overrides):
    data = {
        "reference": "20 008 832",
        "service_area": areas["Children's services"].pk,
        "link_officer": people["lena"].pk,
        "summary": "Ms B: post-16 transfer missed.",
        **date_fields("received_on", days(-30)),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("reference", ["2000883", "AB 008 832", "20 008 8321"])
def test_the_create_form_refuses_an_invalid_reference_by_the_field_and_saves_nothing(client, people, areas, reference):
    client.force_login(people["lena"])
    response = client.post("/ombudsman/new/", case_form(people, areas, reference=reference))
    assert_error_by_field(response, "reference", "Enter the LGSCO reference as 8 digits in the format 20 008 832")
    assert "<title>Error:" in text(response)
    assert not OmbudsmanCase.objects.exists()


def test_the_create_form_refuses_a_duplicate_reference_by_the_field(client, people, areas):
    client.force_login(people["lena"])
    assert client.post("/ombudsman/new/", case_form(people, areas, reference="20008832")).status_code == 302
    response = client.post("/ombudsman/new/", case_form(people, areas, reference="20-008-832"))
    assert_error_by_field(response, "reference", "A case with the LGSCO reference 20 008 832 already exists")
    assert OmbudsmanCase.objects.count() == 1


def test_the_create_form_opens_a_case_with_the_reference_normalised(client, people, areas):
    client.force_login(people["lena"])
    response = client.post("/ombudsman/new/", case_form(people, areas, reference="20-008-832"))
    case = OmbudsmanCase.objects.get()
    assert case.reference == "20 008 832"
    assert response.status_code == 302 and response.url == f"/ombudsman/{case.pk}/"


def recommendation_form(people, areas, **overrides):
    data = {
        "kind": "symbolic_payment",
        "remedy_type": "personal",
        "wording": "Pay Ms B £500 for her time and trouble.",
        "amount": "500",
        "owner": people["lena"].pk,
        "service_area": areas["Children's services"].pk,
        "due_basis": "months",
        "due_within": "1",
        **date_fields("explicit_due_on", None),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("lots", "Enter the amount as a number of pounds, like 500 or 500.00"),
        ("-5", "The amount must be £0 or more"),
        ("12.345", "Enter the amount in pounds and pence, like 250.50"),
    ],
)
def test_a_bad_amount_is_refused_by_the_field_and_nothing_is_saved(client, people, areas, world, amount, message):
    client.force_login(people["lena"])
    before = Recommendation.objects.count()
    response = client.post(
        f"/ombudsman/{world.case.pk}/recommendations/new/", recommendation_form(people, areas, amount=amount)
    )
    assert_error_by_field(response, "amount", message)
    assert Recommendation.objects.count() == before


def test_a_recommendation_added_through_the_form_stores_its_basis(client, people, areas, world):
    client.force_login(people["lena"])
    response = client.post(f"/ombudsman/{world.case.pk}/recommendations/new/", recommendation_form(people, areas))
    assert response.status_code == 302
    rec = Recommendation.objects.latest("id")
    assert (rec.due_basis, rec.due_within, rec.amount) == ("months", 1, 500)
    assert rec.due_on == rec.original_due_on


def test_a_payment_of_nothing_is_refused_by_the_field(client, people, world):
    client.force_login(people["lena"])
    rec = world.due_soon
    response = client.post(
        f"/ombudsman/{world.case.pk}/recommendations/{rec.pk}/payments/new/",
        {
            "amount": "0",
            "approved_by": people["lena"].pk,
            **date_fields("approved_on", days(-2)),
            "method": "bank_transfer",
            **date_fields("paid_on", days(-1)),
            "proof": "FIN-1",
        },
    )
    assert_error_by_field(response, "amount", "The amount paid must be more than £0")
    assert not rec.payments.exists()


# --- the managers' overdue view --------------------------------------------------------------------

ROW = re.compile(
    r'<h3 class="govuk-heading-m">(?P<area>.*?)</h3>'
    r'|<caption class="govuk-table__caption govuk-table__caption--s">(?P<owner>.*?) \(\d+\)</caption>'
    r'|<td class="govuk-table__cell"><a class="govuk-link" href="(?P<url>[^"]+)">(?P<title>.*?)</a><br>'
    r'<span class="govuk-body-s">(?P<kind>.*?)</span></td>\s*<td class="govuk-table__cell">(?P<due>.*?)</td>',
    re.S,
)


def page_rows(response) -> list[tuple[str, str, str, str, str]]:
    """(service area, owner, what is due, item, due date) for every row on the overdue page, in order."""
    assert response.status_code == 200
    rows, area, owner = [], None, None
    for m in ROW.finditer(text(response)):
        if m["area"] is not None:
            area = html_lib.unescape(m["area"])
        elif m["owner"] is not None:
            owner = html_lib.unescape(m["owner"])
        else:
            due = dt.datetime.strptime(m["due"].strip(), "%d %b %Y").date().isoformat()
            rows.append((area, owner, html_lib.unescape(m["kind"]), html_lib.unescape(m["title"]), due))
    return rows


def page_urls(response) -> list[str]:
    return [m["url"] for m in ROW.finditer(text(response)) if m["url"]]


def csv_rows(response) -> list[tuple[str, str, str, str, str]]:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    lines = list(csv.reader(io.StringIO(body)))
    assert lines[0][:6] == ["Service area", "Owner", "What is due", "Item", "LGSCO reference", "Due date"]
    return [(r[0], r[1], r[2], r[3], r[5]) for r in lines[1:]]


def titles(rows) -> list[str]:
    return [r[3] for r in rows]


def test_the_overdue_view_lists_what_is_overdue_or_due_soon_grouped_by_area_and_owner(client, people, world):
    client.force_login(people["mona"])
    response = client.get("/ombudsman/overdue/")
    rows = page_rows(response)
    ref, adult_ref = world.case.reference, world.adult_case.reference
    assert [(area, owner, kind) for area, owner, kind, _, _ in rows] == [
        ("Adult care", "Mona Tester", "LGSCO recommendation"),
        ("Children's services", "Cora Tester", "LGSCO recommendation"),
        ("Children's services", "Lena Tester", "LGSCO recommendation"),
        ("Children's services", "Lena Tester", "Public notice of a public interest report"),
    ]
    assert rows[0][3].startswith(f"{adult_ref}: Procedure or policy review")
    assert rows[1][3].startswith(f"{ref}: Symbolic payment") and rows[1][4] == days(10).isoformat()
    assert rows[2][3].startswith(f"{ref}: Apology") and rows[2][4] == days(-10).isoformat()
    assert rows[3][4] == days(-6).isoformat()
    page = text(response)
    assert "4 items, 3 overdue" in page
    # Not listed: due in 60 days, evidence sent, another area, a restricted case mona is not named on.
    for rec in (world.later, world.done, world.highways_rec, world.restricted_rec):
        assert f"/recommendations/{rec.pk}/" not in page


def test_every_row_of_the_overdue_view_opens_for_the_manager(client, people, world):
    client.force_login(people["mona"])
    urls = page_urls(client.get("/ombudsman/overdue/"))
    assert urls
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_a_recommendation_for_another_area_on_the_overdue_view_opens_for_its_manager(
    client, make_user, people, world, areas
):
    adults_manager = make_user("adam", Role.MANAGER, service_areas=["Adult care"])
    # mona manages both areas, so may put an Adult care recommendation on a Children's services case.
    rec = add_recommendation(
        world.case,
        by=people["mona"],
        owner=people["mona"],
        service_area=areas["Adult care"],
        due_on=days(-2),
        wording="Adult care to review the transition protocol.",
    )
    client.force_login(adults_manager)
    urls = page_urls(client.get("/ombudsman/overdue/"))
    rec_url = f"/ombudsman/{world.case.pk}/recommendations/{rec.pk}/"
    assert rec_url in urls, "the manager of the recommendation's service area is told about it"
    for url in urls:
        assert client.get(url).status_code == 200, f"{url} is listed on the overdue view but does not open"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["adult_rec", "due_soon", "overdue", "notice"]),
        ({"service_area": "Children's services"}, ["due_soon", "overdue", "notice"]),
        ({"service_area": "Adult care"}, ["adult_rec"]),
        ({"kind": "recommendation"}, ["adult_rec", "due_soon", "overdue"]),
        ({"kind": "pir_notice"}, ["notice"]),
        ({"owner": "cora"}, ["due_soon"]),
        ({"owner": "lena", "kind": "recommendation"}, ["overdue"]),
        ({"window": "overdue"}, ["adult_rec", "overdue", "notice"]),
        ({"window": "overdue", "service_area": "Children's services", "owner": "lena"}, ["overdue", "notice"]),
    ],
)
def test_the_overdue_filters_and_the_csv_show_exactly_the_same_rows(client, people, areas, world, filters, expected):
    params = {
        key: (areas[value].pk if key == "service_area" else people[value].pk if key == "owner" else value)
        for key, value in filters.items()
    }
    client.force_login(people["mona"])
    page = page_rows(client.get("/ombudsman/overdue/", params))
    wanted = {
        "adult_rec": f"recommendation:{world.adult_rec.pk}",
        "due_soon": f"recommendation:{world.due_soon.pk}",
        "overdue": f"recommendation:{world.overdue.pk}",
        "notice": f"pir-notice:{world.report.pk}",
    }
    from reminders.models import Obligation

    titles_by_key = dict(Obligation.objects.values_list("source_key", "title"))
    assert titles(page) == [titles_by_key[wanted[name]] for name in expected]

    exported = csv_rows(client.get("/ombudsman/overdue.csv", params))
    assert exported == page


def test_the_csv_link_on_the_page_carries_the_filters(client, people, areas, world):
    client.force_login(people["mona"])
    query = f"service_area={areas['Adult care'].pk}&window=overdue"
    page = text(client.get(f"/ombudsman/overdue/?{query}"))
    link = re.search(r'href="(/ombudsman/overdue\.csv[^"]*)"', page)
    assert link, "no CSV link"
    exported = csv_rows(client.get(html_lib.unescape(link[1])))
    assert [r[3] for r in exported] == [r[3] for r in page_rows(client.get(f"/ombudsman/overdue/?{query}"))]
    assert len(exported) == 1


def test_the_managers_home_page_is_the_overdue_view(client, people, world):
    client.force_login(people["mona"])
    response = client.get("/")
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Overdue and due soon</h1>' in text(response)
    assert page_rows(response) == page_rows(client.get("/ombudsman/overdue/"))


def test_a_complaints_admin_sees_every_area_on_the_overdue_view(client, people, world):
    client.force_login(people["ada"])
    rows = page_rows(client.get("/ombudsman/overdue/"))
    assert [r[0] for r in rows] == [
        "Adult care",
        "Children's services",
        "Children's services",
        "Children's services",
        "Highways",
    ]
    assert rows[-1][3].startswith(world.highways_case.reference)
    assert all(not r[3].startswith(world.restricted.reference) for r in rows), "restricted: ada is not named"
    assert csv_rows(client.get("/ombudsman/overdue.csv")) == rows


def test_a_manager_of_another_area_sees_only_that_area(client, people, world):
    client.force_login(people["max"])
    rows = page_rows(client.get("/ombudsman/overdue/"))
    assert [(r[0], r[1]) for r in rows] == [("Highways", "Hugo Tester")]


def test_evidence_sent_takes_a_recommendation_off_the_overdue_view(client, people, world):
    rec = world.overdue
    services.recommendation_complete(by=people["lena"], recommendation=rec, completed_on=days(-1), today=today())
    client.force_login(people["mona"])
    assert f"/recommendations/{rec.pk}/" in text(client.get("/ombudsman/overdue/"))
    services.recommendation_evidence_sent(
        by=people["lena"], recommendation=rec, evidence_sent_on=today(), today=today()
    )
    assert f"/recommendations/{rec.pk}/" not in text(client.get("/ombudsman/overdue/"))


# --- the case list: the same scoping as the case page --------------------------------------------


def listed_case_ids(client) -> set[int]:
    response = client.get("/ombudsman/")
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r'href="/ombudsman/(\d+)/"', text(response))}


@pytest.mark.parametrize("persona", ["lena", "cora", "hugo", "mona", "max", "ada"])
def test_the_case_list_shows_exactly_the_cases_whose_page_opens(client, people, world, persona):
    client.force_login(people[persona])
    listed = listed_case_ids(client)
    opens = {c.pk for c in OmbudsmanCase.objects.all() if client.get(f"/ombudsman/{c.pk}/").status_code == 200}
    assert listed == opens
    expected = {
        "lena": {world.case, world.restricted, world.restricted_for_cora},
        "cora": {world.case, world.restricted_for_cora},
        "hugo": {world.highways_case},
        "mona": {world.case, world.adult_case},
        "max": {world.highways_case},
        "ada": {world.case, world.adult_case, world.highways_case},
    }[persona]
    assert listed == {c.pk for c in expected}


def test_a_restricted_case_answers_404_to_people_not_named_on_it(client, people, world):
    url = f"/ombudsman/{world.restricted.pk}/recommendations/{world.restricted_rec.pk}/"
    for persona in ("cora", "mona", "ada", "hugo"):
        client.force_login(people[persona])
        assert client.get(f"/ombudsman/{world.restricted.pk}/").status_code == 404, persona
        assert client.get(url).status_code == 404, persona
    client.force_login(people["lena"])
    assert client.get(url).status_code == 200


def test_a_caseworker_who_owns_a_recommendation_on_another_areas_case_can_open_it(client, people, world, areas):
    rec = add_recommendation(
        world.highways_case, by=people["max"], owner=people["cora"], service_area=areas["Highways"], due_on=days(5)
    )
    client.force_login(people["cora"])
    assert world.highways_case.pk in listed_case_ids(client)
    assert client.get(f"/ombudsman/{world.highways_case.pk}/recommendations/{rec.pk}/").status_code == 200


# --- evidence files -------------------------------------------------------------------------------


def test_evidence_is_uploaded_and_downloaded_as_an_attachment(client, people, world):
    client.force_login(people["cora"])
    rec = world.due_soon  # cora's
    base = f"/ombudsman/{world.case.pk}/recommendations/{rec.pk}/"
    response = client.post(base + "evidence/new/", {"file": pdf("remittance.pdf"), "description": "Remittance advice"})
    assert response.status_code == 302
    evidence = rec.evidence.get()
    assert (evidence.original_name, evidence.content_type, evidence.uploaded_by) == (
        "remittance.pdf",
        "application/pdf",
        people["cora"],
    )
    assert "Remittance advice" in text(client.get(base))

    client.force_login(people["lena"])
    download = client.get(f"{base}evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="remittance.pdf"' in download["Content-Disposition"]
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_an_upload_of_the_wrong_type_is_refused_by_the_field(client, people, world):
    client.force_login(people["lena"])
    rec = world.overdue
    response = client.post(
        f"/ombudsman/{world.case.pk}/recommendations/{rec.pk}/evidence/new/",
        {"file": SimpleUploadedFile("run.pdf", b"MZ\x90\x00\x03\x00\x00\x00"), "description": ""},
    )
    assert_error_by_field(response, "file")
    assert rec.evidence.count() == 1


def test_evidence_of_one_recommendation_is_not_served_under_another(client, people, world):
    client.force_login(people["lena"])
    url = f"/ombudsman/{world.case.pk}/recommendations/{world.due_soon.pk}/evidence/{world.evidence.pk}/"
    assert client.get(url).status_code == 404
