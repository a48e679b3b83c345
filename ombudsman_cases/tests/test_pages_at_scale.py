"""What the Ombudsman pages show once they were made to cost the same at any size (issue 8).

The query counts are in test_query_counts.py; here: the case page's sections read in a fixed
number of queries still say what they said (payments, committees, linked complaints), the
compliance panel's one query gives the figures a plain count gives, the overdue rows built in
Python are the shared deadline markup, and the CSV streams in chunks exactly the rows the page
shows.
"""

from __future__ import annotations

import csv
import datetime as dt
import html as html_lib
import io
import re
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.template import engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from complaints import selectors as complaint_selectors
from complaints.selectors import DueInfo
from complaints.tests.factories import log_complaint
from ombudsman_cases import selectors, services, views
from ombudsman_cases.models import LgscoStatus, OmbudsmanCase, Recommendation
from ombudsman_cases.templatetags.lgsco import case_rows, due_cell, long_date, recommendation_rows, short_date
from ombudsman_cases.tests.factories import add_recommendation, next_reference, open_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays", "media")]


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def pay(rec, *, by, approver, amount: str, paid_on: dt.date, proof: str) -> None:
    services.payment_record(
        by=by,
        recommendation=rec,
        amount=Decimal(amount),
        approved_by=approver,
        approved_on=paid_on - dt.timedelta(days=1),
        method="bank_transfer",
        paid_on=paid_on,
        proof=proof,
        today=today(),
    )


# --- the case page -------------------------------------------------------------------------------


def test_the_case_page_totals_every_payment_and_lists_committees_and_linked_complaints(client, people, areas):
    lena, mona, hugo = people["lena"], people["mona"], people["hugo"]
    mine = log_complaint(handler=lena, service_area=areas["Children's services"], received_on=days(-300))
    elsewhere = log_complaint(handler=hugo, service_area=areas["Highways"], received_on=days(-300))
    case = services.case_register(
        by=lena,
        today=today(),
        reference=next_reference(),
        service_area=areas["Children's services"],
        link_officer=lena,
        summary="Ms B says the placement was not arranged.",
        received_on=days(-200),
        complaints=[mine, elsewhere],
    )
    case = services.case_record_steps(
        by=lena, case=case, today=today(), final_decision_on=days(-90), outcome="upheld_fault_injustice"
    )
    first = add_recommendation(case, by=lena, kind="symbolic_payment", amount=Decimal("300.00"), due_on=days(-30))
    second = add_recommendation(case, by=lena, kind="financial_loss", amount=Decimal("500.00"), due_on=days(-20))
    add_recommendation(case, by=lena, due_on=days(-10), wording="Apologise to Ms B.")  # nothing paid
    for rec, completed in ((first, -40), (second, -30)):
        services.recommendation_complete(by=lena, recommendation=rec, completed_on=days(completed), today=today())
    pay(first, by=lena, approver=mona, amount="300.00", paid_on=days(-35), proof="FIN-1")
    pay(second, by=lena, approver=mona, amount="200.00", paid_on=days(-25), proof="FIN-2")
    pay(second, by=lena, approver=mona, amount="300.50", paid_on=days(-24), proof="FIN-3")
    report = services.report_add(by=lena, case=case, received_on=days(-60), today=today())
    for body, met in (("Children's Scrutiny Committee", -50), ("Cabinet", -45)):
        services.committee_add(by=lena, report=report, body=body, met_on=days(met), resolution="Noted", today=today())

    client.force_login(lena)
    page = html_lib.unescape(client.get(f"/ombudsman/{case.pk}/").content.decode())

    assert "Payments made on this case: £800.50." in page
    assert f"Children's Scrutiny Committee, {days(-50):%-d %B %Y}: Noted" in page
    assert f"Cabinet, {days(-45):%-d %B %Y}: Noted" in page
    assert f'href="/complaints/{mine.pk}/">{mine.reference}</a>' in page
    assert f"{elsewhere.reference} (you cannot open it)" in page, "lena may not open a Highways complaint"
    assert f"/complaints/{elsewhere.pk}/" not in page


@pytest.mark.parametrize("who", ["lena", "cora", "hugo", "mona", "max", "ada"])
def test_who_may_open_a_linked_complaint_is_what_visible_complaints_says(people, areas, who):
    """The case page decides from facts read with each complaint (accounts.access.may_open)."""
    lena, hugo, mona = people["lena"], people["hugo"], people["mona"]
    children, highways = areas["Children's services"], areas["Highways"]
    linked = [
        log_complaint(handler=lena, service_area=children, received_on=days(-300)),
        log_complaint(handler=hugo, service_area=highways, received_on=days(-300)),
        log_complaint(handler=hugo, service_area=highways, received_on=days(-300), is_restricted=True),
        log_complaint(handler=hugo, service_area=children, received_on=days(-300)),
        log_complaint(
            handler=hugo, service_area=highways, received_on=days(-300), is_restricted=True, named_users=[mona]
        ),
    ]
    case = services.case_register(
        by=lena,
        today=today(),
        reference=next_reference(),
        service_area=children,
        link_officer=lena,
        summary="Ms B says the placement was not arranged.",
        received_on=days(-200),
        complaints=linked,
    )
    user = people[who]
    shown = {
        c.pk: can_open for c, can_open in selectors.case_page(user=user, case=case, today=today())["linked_complaints"]
    }
    visible = set(complaint_selectors.visible_complaints(user).filter(pk__in=shown).values_list("pk", flat=True))
    assert shown == {c.pk: c.pk in visible for c in linked}


def test_a_case_page_without_payments_or_reports_says_so(client, people, areas):
    lena = people["lena"]
    case = open_case(by=lena, service_area=areas["Children's services"], final_decision_on=days(-60))
    add_recommendation(case, by=lena, due_on=days(5))
    client.force_login(lena)
    page = html_lib.unescape(client.get(f"/ombudsman/{case.pk}/").content.decode())
    assert "Payments made on this case" not in page
    assert "Public interest report" not in page
    assert "None: the council did not see the complaint first" in page


# --- the compliance panel ------------------------------------------------------------------------


def plain_figures(recs, *, start, end, on) -> dict:
    """The panel's figures counted one recommendation at a time, as the LGSCO's letter defines them."""

    def in_year(d):
        return d is not None and start <= d <= end

    due = [r for r in recs if in_year(r.due_on)]
    outcomes = [r for r in recs if in_year(r.lgsco_outcome_on) and r.lgsco_status != LgscoStatus.PENDING]
    satisfied = [r for r in outcomes if r.lgsco_status in (LgscoStatus.COMPLIED, LgscoStatus.COMPLIED_LATE)]
    return {
        "due": len(due),
        "on_time": sum(1 for r in due if r.completed_on and not r.is_late),
        "late": sum(1 for r in due if r.is_late),
        "outstanding": sum(1 for r in due if not r.completed_on),
        "overdue": sum(1 for r in due if not r.completed_on and r.due_on < on),
        "outcomes": len(outcomes),
        "satisfied": len(satisfied),
    }


def test_the_compliance_panel_counts_what_a_plain_count_of_the_visible_recommendations_gives(people, areas):
    lena, mona, hugo, ada = people["lena"], people["mona"], people["hugo"], people["ada"]
    on = dt.date(2025, 12, 1)  # a fixed day: the year's dates below are all in its past
    start, end = selectors.financial_year(on)
    decided = start - dt.timedelta(days=60)
    children = open_case(by=lena, service_area=areas["Children's services"], final_decision_on=decided, today=on)
    highways = open_case(by=hugo, service_area=areas["Highways"], final_decision_on=decided, today=on)
    restricted = open_case(
        by=lena, service_area=areas["Children's services"], final_decision_on=decided, today=on, is_restricted=True
    )

    def complete(rec, by, completed_on):
        return services.recommendation_complete(by=by, recommendation=rec, completed_on=completed_on, today=on)

    def outcome(rec, by, satisfied, outcome_on):
        services.recommendation_lgsco_outcome(
            by=by, recommendation=rec, satisfied=satisfied, outcome_on=outcome_on, today=on
        )

    # Due last year but given its outcome this year; due this year: on time, late (outcome: not
    # complied), open and overdue, open and not yet due; due next year. The same on another area's
    # case and on a restricted case.
    for case, by in ((children, lena), (highways, hugo), (restricted, lena)):
        last_year = add_recommendation(case, by=by, due_on=start - dt.timedelta(days=10))
        complete(last_year, by, start - dt.timedelta(days=5))
        outcome(last_year, by, True, start + dt.timedelta(days=3))
        on_time = add_recommendation(case, by=by, due_on=start + dt.timedelta(days=20))
        complete(on_time, by, start + dt.timedelta(days=10))
        late = add_recommendation(case, by=by, due_on=start + dt.timedelta(days=2))
        complete(late, by, start + dt.timedelta(days=9))
        outcome(late, by, False, start + dt.timedelta(days=12))
        add_recommendation(case, by=by, due_on=on - dt.timedelta(days=1))
        add_recommendation(case, by=by, due_on=on + dt.timedelta(days=3))
        add_recommendation(case, by=by, due_on=end + dt.timedelta(days=30))

    for user in (mona, ada, hugo, lena):
        visible = OmbudsmanCase.objects.filter(pk__in=selectors.visible_cases(user).values("pk"))
        recs = list(Recommendation.objects.filter(case__in=visible))
        expected = plain_figures(recs, start=start, end=end, on=on)
        figures = selectors.compliance_panel(user=user, today=on)
        assert {k: figures[k] for k in expected} == expected, user.username
        rate = round(100 * expected["satisfied"] / expected["outcomes"]) if expected["outcomes"] else None
        assert figures["rate"] == rate
    mona_figures = selectors.compliance_panel(user=mona, today=on)
    assert (mona_figures["due"], mona_figures["overdue"], mona_figures["outcomes"]) == (4, 1, 2), "not named"
    assert selectors.compliance_panel(user=lena, today=on)["due"] == 8, "lena is named on the restricted case"


# --- the overdue rows ----------------------------------------------------------------------------


@pytest.mark.parametrize("days_left", ["no info", None, -12, -1, 0, 1, 2, 3, 40])
@pytest.mark.parametrize("hide_date", [True, False])
def test_an_overdue_rows_deadline_cell_is_the_shared_deadline_markup(days_left, hide_date):
    if days_left == "no info":
        info = None
    else:
        info = DueInfo(None, None) if days_left is None else DueInfo(dt.date(2026, 3, 4), days_left)
    shared = render_to_string("includes/due.html", {"info": info, "hide_date": hide_date})
    assert str(due_cell(info, hide_date=hide_date)) == shared.rstrip("\n")  # the file ends with a newline


# The case page's recommendation rows as the template's loop wrote them before the rows were
# written in Python (templatetags/lgsco.py `recommendation_rows`).
RECOMMENDATION_LOOP = (
    "{% load lgsco %}"
    "{% for r in recommendations %}\n"
    '            <tr class="govuk-table__row">\n'
    '              <td class="govuk-table__cell"><a class="govuk-link" href="{{ r.url }}">{{ r.get_kind_display }}</a>{% if r.beneficiary_pseudonym %} ({{ r.beneficiary_pseudonym }}){% endif %}{% if r.amount %}, £{{ r.amount }}{% endif %}<br><span class="govuk-body-s">{{ r.wording|truncatechars:140 }}</span></td>\n'
    '              <td class="govuk-table__cell">{{ r.owner }}</td>\n'
    '              <td class="govuk-table__cell">{{ r.due_on|short_date }}{% if r.due_on != r.original_due_on %}<br><span class="govuk-body-s">extended from {{ r.original_due_on|short_date }}</span>{% endif %}<br><span class="govuk-body-s">{{ r.basis_description }}</span></td>\n'
    '              <td class="govuk-table__cell">\n'
    '                {% if r.completed_on %}Completed {{ r.completed_on|short_date }} {% if r.is_late %}<strong class="govuk-tag govuk-tag--red">Late</strong>{% else %}<strong class="govuk-tag govuk-tag--green">On time</strong>{% endif %}<br>{% endif %}\n'
    "                {% if r.evidence_sent_on %}Evidence sent {{ r.evidence_sent_on|short_date }}{% elif r.due_info %}{{ r.due_info|due_words }}{% endif %}\n"
    '                {% if r.lgsco_status != "pending" %}<br>LGSCO: {{ r.get_lgsco_status_display }}{% endif %}\n'
    "              </td>\n"
    "            </tr>\n"
    "          {% endfor %}"
)


def test_the_recommendation_rows_are_what_the_template_wrote(people, areas):
    lena, mona = people["lena"], people["mona"]
    case = services.case_register(
        by=lena,
        today=today(),
        reference=next_reference(),
        service_area=areas["Children's services"],
        link_officer=lena,
        summary="Ms B says the placement was not arranged.",
        received_on=days(-200),
    )
    case = services.case_record_steps(
        by=lena, case=case, today=today(), final_decision_on=days(-90), outcome="upheld_fault_injustice"
    )
    long = 'Apologise to <Ms B> & her "family" for the delay in arranging the placement. ' * 4
    on_time = add_recommendation(case, by=lena, due_on=days(-30), wording=long, beneficiary_pseudonym="Ms <B>")
    late = add_recommendation(case, by=lena, kind="financial_loss", amount=Decimal("1250.50"), due_on=days(-60))
    extended = add_recommendation(case, by=lena, kind="symbolic_payment", amount=Decimal("0.00"), due_on=days(5))
    add_recommendation(case, by=lena, due_on=days(-3), beneficiary_pseudonym="", wording="Review the policy.")
    services.recommendation_complete(by=lena, recommendation=on_time, completed_on=days(-40), today=today())
    services.recommendation_complete(
        by=lena, recommendation=late, completed_on=days(-20), evidence_sent_on=days(-10), today=today()
    )
    services.recommendation_lgsco_outcome(
        by=lena,
        recommendation=Recommendation.objects.get(pk=late.pk),
        satisfied=True,
        outcome_on=days(-5),
        today=today(),
    )
    services.recommendation_extend(
        by=mona,
        recommendation=extended,
        new_due_on=days(40),
        letter="LGSCO letter of 1 May",
        reason="More time to arrange the payment.",
        agreed_on=days(-1),
        today=today(),
    )
    recommendations = selectors.case_page(user=lena, case=case, today=today())["recommendations"]
    assert len(recommendations) == 4
    expected = engines["django"].from_string(RECOMMENDATION_LOOP).render({"recommendations": recommendations})
    assert str(recommendation_rows(recommendations)) == expected
    assert "&lt;Ms B&gt; &amp; her &quot;family&quot;" in expected and "Ms &lt;B&gt;" in expected
    assert "Late" in expected and "On time" in expected and "extended from" in expected and "LGSCO:" in expected


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("reports:learning_add", ()),
        ("ombudsman_cases:detail", (7,)),
        ("ombudsman_cases:steps", (12345,)),
        ("ombudsman_cases:recommendation", (4, 987654)),
        ("ombudsman_cases:report_update", (31, 2)),
    ],
)
def test_url_for_gives_what_reverse_gives(name, args):
    assert selectors.url_for(name, *args) == reverse(name, args=args)
    assert selectors.url_for(name, *args) == selectors.url_for(name, *args), "and again, from what it kept"


def test_the_case_page_links_a_manager_to_each_step(client, people, areas):
    case = open_case(by=people["lena"], service_area=areas["Children's services"])
    client.force_login(people["mona"])
    page = client.get(f"/ombudsman/{case.pk}/").content.decode()
    for name, args in (
        ("ombudsman_cases:steps", [case.pk]),
        ("ombudsman_cases:recommendation_add", [case.pk]),
        ("ombudsman_cases:report_add", [case.pk]),
        ("ombudsman_cases:close", [case.pk]),
        ("reports:case", [case.pk]),
    ):
        assert f'href="{reverse(name, args=args)}"' in page
    assert f'href="{reverse("reports:learning_add")}?case={case.pk}"' in page


@pytest.mark.parametrize("day", [dt.date(2026, 1, 1), dt.date(2026, 3, 4), dt.date(2025, 12, 31), dt.date(2027, 9, 30)])
def test_the_quick_date_filters_write_dates_as_the_date_filter_does(day):
    assert short_date(day) == date_format(day, "j M Y")
    assert long_date(day) == date_format(day, "j F Y")
    assert short_date(None) == long_date(None) == ""


# --- the CSV -------------------------------------------------------------------------------------

ROW = re.compile(
    r'<td class="govuk-table__cell"><a class="govuk-link" href="(?P<url>[^"]+)">(?P<title>.*?)</a><br>'
    r'<span class="govuk-body-s">(?P<kind>.*?)</span></td>\s*<td class="govuk-table__cell">(?P<due>.*?)</td>',
    re.S,
)


def page_titles(response) -> list[tuple[str, str, str]]:
    return [
        (html_lib.unescape(m["title"]), html_lib.unescape(m["kind"]), m["due"].strip())
        for m in ROW.finditer(response.content.decode())
    ]


def csv_titles(response) -> list[tuple[str, str, str]]:
    assert isinstance(response, StreamingHttpResponse), "the CSV is streamed, not built in memory first"
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    return [(r[3], r[2], short_date(dt.date.fromisoformat(r[5]))) for r in lines[1:]]


@pytest.mark.parametrize("persona", ["mona", "ada", "max"])
def test_the_csv_streams_in_chunks_exactly_the_rows_the_page_shows(client, people, areas, monkeypatch, persona):
    """Chunks of 2 rows, so rows cross chunk boundaries; restricted cases stay out for everyone not named."""
    lena, hugo, mona = people["lena"], people["hugo"], people["mona"]
    monkeypatch.setattr(views, "CSV_CHUNK_ROWS", 2)
    for i in range(3):
        case = open_case(by=lena, service_area=areas["Children's services"], final_decision_on=days(-60))
        for j in range(3):
            add_recommendation(case, by=lena, due_on=days(-5 + 4 * j - i), wording=f"Apologise ({i}, {j}).")
    adult = open_case(by=mona, service_area=areas["Adult care"], final_decision_on=days(-60))
    add_recommendation(adult, by=mona, due_on=days(2), wording="Review the charging procedure.")
    highways = open_case(by=hugo, service_area=areas["Highways"], final_decision_on=days(-60))
    add_recommendation(highways, by=hugo, due_on=days(-8), wording="Repair the footway.")
    secret = open_case(
        by=lena, service_area=areas["Children's services"], final_decision_on=days(-60), is_restricted=True
    )
    add_recommendation(secret, by=lena, due_on=days(-1), wording="Apologise to the child's mother.")

    client.force_login(people[persona])
    for params in ({}, {"kind": "recommendation", "window": "overdue"}):
        page = page_titles(client.get("/ombudsman/overdue/", params))
        exported = csv_titles(client.get("/ombudsman/overdue.csv", params))
        assert exported == page
        assert page, "the comparison must be about rows"
        assert all("child's mother" not in title for title, _, _ in page), "restricted: not named"
    if persona == "ada":
        assert len(page_titles(client.get("/ombudsman/overdue/"))) == 11


# The case list's rows as the template's loop wrote them before `case_rows` wrote them in Python.
CASE_LOOP = (
    "{% for c in cases %}\n"
    '      <tr class="govuk-table__row">\n'
    '        <td class="govuk-table__cell"><a class="govuk-link" href="{{ c.url }}">{{ c.reference }}</a>{% if c.is_restricted %} <strong class="govuk-tag govuk-tag--grey">Restricted</strong>{% endif %}</td>\n'
    '        <td class="govuk-table__cell">{{ c.service_area.name }}</td>\n'
    '        <td class="govuk-table__cell">{{ c.get_status_display }}</td>\n'
    '        <td class="govuk-table__cell">{{ c.get_outcome_display|default:"—" }}</td>\n'
    '        <td class="govuk-table__cell">{{ c.link_officer }}</td>\n'
    '        <td class="govuk-table__cell">{{ c.open_recommendations }}</td>\n'
    "      </tr>\n"
    "    {% empty %}\n"
    '      <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="6">No cases match.</td></tr>\n'
    "    {% endfor %}"
)


def test_the_case_list_rows_are_what_the_template_wrote(people, areas, make_user):
    lena, mona = people["lena"], people["mona"]
    odd = make_user("odd", "caseworker", service_areas=["Children's services"], first_name='<Al> & "Bo"', last_name="")
    plain = open_case(by=lena, service_area=areas["Children's services"])
    decided = open_case(
        by=odd,
        service_area=areas["Children's services"],
        final_decision_on=days(-10),
        is_restricted=True,
        named_users=[mona],
    )
    add_recommendation(decided, by=odd, due_on=days(5))
    add_recommendation(decided, by=odd, due_on=days(9))
    areas["Children's services"].name = "Children's <services> & schools"
    areas["Children's services"].save()
    cases = list(selectors.case_list(user=mona, filters={}, fields=selectors.CASE_LIST_FIELDS))
    assert {c.pk for c in cases} == {plain.pk, decided.pk}
    for case in cases:
        case.url = f"/ombudsman/{case.pk}/?a=1&b=<2>"
    loop = engines["django"].from_string(CASE_LOOP)
    assert str(case_rows(cases)) == loop.render({"cases": cases})
    assert "Restricted" in str(case_rows(cases)) and "&lt;Al&gt; &amp; &quot;Bo&quot;" in str(case_rows(cases))
    assert str(case_rows([])) == loop.render({"cases": []})
