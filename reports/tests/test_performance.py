"""The performance report against the hand-counted complaints of conftest.py (issue 6, "Correctness")."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calendars.models import BankHoliday, ClosureDay, WorkingDayCalendar
from calendars.rules import working_days_between
from calendars.selectors import non_working_days
from complaints import retention, services
from complaints.models import Category, Channel, Outcome, Procedure
from reports import rules, selectors, views
from reports.tests.conftest import TODAY, D, acknowledge, answered, area, register, stage_of
from reports.tests.helpers import cell, csv_rows, page_tables

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays")]

YEAR = rules.financial_year(2025)
URL = "/reports/performance/?year=2025"


def figures(user, period=YEAR, **filters):
    return selectors.performance_figures(user=user, period=period, today=TODAY, **filters)


def test_received_counts_each_stage_by_its_own_received_date(people, hand_counted):
    f = figures(people["mona"])
    assert (f.stage(1).received, f.stage(2).received, f.complaints) == (8, 1, 8)
    assert f.by_channel == {Channel.EMAIL: 5, Channel.PHONE: 1, Channel.LETTER: 1, Channel.WEB_FORM: 1}
    assert f.by_category == {"": 8}
    assert f.by_month == {dt.date(2025, 6, 1): 7, dt.date(2025, 8, 1): 1}


def test_responded_on_the_due_date_is_on_time_and_the_next_working_day_is_late(people, hand_counted):
    a, b = stage_of(hand_counted["A"]), stage_of(hand_counted["B"])
    assert a.response_due == a.responded_on == dt.date(2025, 6, 17)
    assert b.response_due == dt.date(2025, 6, 17) and b.responded_on == dt.date(2025, 6, 18)
    stage1 = figures(people["mona"]).stage(1)
    # A, C (extended), E, G, H on time; B late; F left out (withdrawn).
    assert (stage1.responses, stage1.on_time) == (6, 5)
    assert stage1.on_time_rate == Decimal("83.3")


def test_an_extension_moves_the_deadline(people, hand_counted):
    c = stage_of(hand_counted["C"])
    assert (c.original_response_due, c.response_due, c.responded_on) == (
        dt.date(2025, 6, 17),
        dt.date(2025, 6, 24),
        dt.date(2025, 6, 24),
    )
    f = figures(people["mona"])
    assert (f.stage(1).extensions, f.stage(1).extended_stages) == (1, 1)
    assert f.extension_reasons == [(1, "Waiting for the contractor's report", 1)]
    assert (f.stage(2).responses, f.stage(2).on_time) == (1, 1)


def test_an_agreed_response_date_is_the_deadline_in_force(people, bank_holidays):
    """Adult social care: the date agreed with the complainant, not the 6-month outer limit, is the deadline;
    an extension moves the agreed date."""
    casey = people["casey"]
    late = register(casey, dt.date(2025, 6, 2), procedure="adults")
    acknowledge(late, dt.date(2025, 6, 3), agreed_response_on=dt.date(2025, 6, 20))
    services.stage_respond(
        by=casey, stage=stage_of(late), responded_on=dt.date(2025, 6, 23), outcome=Outcome.UPHELD, today=TODAY
    )
    extended = register(casey, dt.date(2025, 6, 2), procedure="adults")
    acknowledge(extended, dt.date(2025, 6, 3), agreed_response_on=dt.date(2025, 6, 20))
    services.stage_extend(
        by=casey,
        stage=stage_of(extended),
        new_due=dt.date(2025, 6, 27),
        reason="Waiting for the care provider",
        complainant_told_on=dt.date(2025, 6, 18),
        today=TODAY,
    )
    services.stage_respond(
        by=casey, stage=stage_of(extended), responded_on=dt.date(2025, 6, 27), outcome=Outcome.UPHELD, today=TODAY
    )
    assert stage_of(late).response_due > dt.date(2025, 11, 1)  # the outer limit, months away
    stage1 = figures(people["mona"]).stage(1)
    assert (stage1.responses, stage1.on_time) == (2, 1)


def test_a_withdrawn_complaint_counts_as_received_and_not_in_responses(people, hand_counted):
    f = figures(people["mona"])
    assert (f.withdrawn_received, f.withdrawn_in_period) == (2, 2)
    stage1 = f.stage(1)
    # F was answered (late, upheld) and then withdrawn: received yes; timeliness and outcomes no.
    assert (stage1.upheld, stage1.partly_upheld, stage1.not_upheld) == (2, 1, 3)
    assert stage1.responses == 6


def test_working_days_to_respond_skip_weekends_and_bank_holidays(people, hand_counted):
    f = figures(people["mona"])
    assert sorted(f.stage(1).days) == [5, 6, 11, 11, 12, 16]  # G: 25 August 2025 is a bank holiday
    assert (f.stage(1).mean_days, f.stage(1).median_days) == (Decimal("10.2"), Decimal("11.0"))
    assert f.stage(2).days == [21]


def test_working_days_follow_each_procedures_own_calendar(people, bank_holidays):
    """Two procedures on different calendars, the same dates: a council closure day counts only
    for the calendar that counts closure days (DOMAIN.md §4.1), as `calendars.rules` counts it."""
    ClosureDay.objects.create(date=D(2025, 6, 6), title="Staff training day")
    closures = WorkingDayCalendar.objects.create(
        name="With closure days", slug="with-closures", divisions="england-and-wales", counts_closure_days=True
    )
    Procedure.objects.filter(slug="housing").update(calendar=closures)
    casey = people["casey"]
    answered(casey, D(2025, 6, 2), D(2025, 6, 3), D(2025, 6, 16))
    answered(casey, D(2025, 6, 2), D(2025, 6, 3), D(2025, 6, 16), procedure="housing")
    answered(casey, D(2025, 5, 23), D(2025, 5, 27), D(2025, 6, 9))  # over the late May bank holiday

    def days(calendar, start, end):
        return working_days_between(start, end, non_working_days(calendar=calendar, start=start, end=end))

    default = Procedure.objects.get(slug="corporate").calendar
    assert (days(default, D(2025, 6, 2), D(2025, 6, 16)), days(closures, D(2025, 6, 2), D(2025, 6, 16))) == (10, 9)
    assert days(default, D(2025, 5, 23), D(2025, 6, 9)) == 10  # 26 May 2025 is a bank holiday
    assert sorted(figures(people["mona"]).stage(1).days) == [9, 10, 10]


def test_escalation_payments_and_actions(people, hand_counted):
    f = figures(people["mona"])
    assert (f.escalated, f.escalation_base, f.escalation_rate) == (1, 6, Decimal("16.7"))
    assert (f.payments, f.paid) == (1, Decimal("100.00"))
    assert f.actions == {"promised": 3, "on_time": 1, "late": 1, "outstanding": 1, "overdue": 1}


def test_the_previous_year_is_the_same_period_a_year_earlier(people, hand_counted):
    previous = figures(people["mona"], period=YEAR.previous())
    assert (previous.period.start, previous.period.end) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert (previous.stage(1).received, previous.stage(1).responses, previous.stage(1).on_time) == (7, 7, 5)
    assert previous.stage(1).on_time_rate == Decimal("71.4")


def test_figures_cover_the_users_service_areas_and_restricted_complaints(people, hand_counted):
    assert figures(people["ada"]).stage(1).received == 9  # N is in Highways
    assert figures(people["max"]).stage(1).received == 1
    # H is restricted and Mona is not named on it: it still counts (a number names nobody).
    assert figures(people["mona"]).by_channel[Channel.WEB_FORM] == 1


def test_filters_by_service_area_and_procedure(people, hand_counted):
    assert figures(people["ada"], service_area=area("Highways")).complaints == 1
    assert figures(people["ada"], procedure=Procedure.objects.get(slug="adults")).complaints == 0


def test_a_quarter_and_custom_dates(people, hand_counted):
    q1 = rules.quarter(2025, 1)
    assert figures(people["mona"], period=q1).complaints == 7  # G came in August (Q2)
    custom = rules.Period(start=dt.date(2025, 8, 1), end=dt.date(2025, 8, 31))
    assert figures(people["mona"], period=custom).complaints == 1


# --- the page and its CSV -------------------------------------------------------------------------


@pytest.fixture
def report_page(client, people, hand_counted):
    client.force_login(people["mona"])
    response = client.get(URL)
    assert response.status_code == 200
    return response


def test_the_page_shows_the_hand_counted_figures_with_small_numbers_suppressed(report_page):
    tables = page_tables(report_page.content)
    timeliness = tables["timeliness"]
    assert cell(timeliness, "Stage 1", "Responses") == "6"
    assert cell(timeliness, "Stage 1", "Within the time limit") == "5"  # 5 is shown as 5
    assert cell(timeliness, "Stage 1", "Within the time limit (%)") == "83.3%"
    assert cell(timeliness, "Stage 1", "A year earlier (%)") == "71.4%"
    assert cell(timeliness, "Stage 1", "Change") == "up 11.9 points"
    assert cell(timeliness, "Stage 2", "Responses") == "fewer than 5"
    assert cell(timeliness, "Stage 2", "Within the time limit (%)") == "fewer than 5"

    received = tables["received_by_stage"]
    assert [cell(received, "Stage 1", c) for c in ("Received", "A year earlier", "Change")] == ["8", "7", "up 1"]
    assert cell(received, "Stage 2", "Received") == "fewer than 5"
    assert cell(received, "Stage 2", "Change") == "not shown"

    channels = tables["received_by_channel"]
    assert cell(channels, "Email", "Complaints") == "5"
    assert cell(channels, "Phone", "Complaints") == "fewer than 5"
    assert cell(channels, "Web form", "A year earlier") == "7"

    days = tables["response_days"]
    assert (cell(days, "Stage 1", "Average"), cell(days, "Stage 1", "Median")) == ("10.2", "11")
    assert cell(days, "Stage 2", "Average") == "fewer than 5"

    outcomes = tables["outcomes"]
    assert cell(outcomes, "Stage 1", "Not upheld") == "fewer than 5"
    # 3 of 6 upheld or partly upheld: the rate would give the hidden 3 away.
    assert cell(outcomes, "Stage 1", "Upheld or partly upheld (%)") == "fewer than 5"
    assert cell(tables["escalation"], "Escalation rate", "This period") == "fewer than 5"
    assert cell(tables["withdrawn"], "Received in the period and since withdrawn", "This period") == "fewer than 5"
    assert cell(tables["payments"], "All stages", "Total paid") == "fewer than 5"


def test_every_table_has_a_csv_with_exactly_the_pages_cells(client, report_page):
    tables = page_tables(report_page.content)
    assert len(tables) == 14
    for name, rows in tables.items():
        response = client.get(f"{URL}&format=csv&table={name}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        exported = csv_rows(response)
        if len(exported) == 1:  # an empty table: the page shows one "nothing to show" row
            assert len(rows) == 2 and len(rows[1]) == 1
        else:
            assert exported == rows, name


def test_an_unknown_table_is_not_found(client, report_page):
    assert client.get(f"{URL}&format=csv&table=nope").status_code == 404


def test_no_complainant_details_on_the_page_or_in_any_export(client, report_page):
    for name in page_tables(report_page.content):
        report_page.content += b"".join(client.get(f"{URL}&format=csv&table={name}").streaming_content)
    operational = b"".join(client.get("/reports/performance/stages.csv?year=2025").streaming_content)
    for content in (report_page.content, operational):
        for detail in (
            b"Jane Doe-Smith",
            b"Doe-Smith",
            b"jane.doe-smith@example.org",
            b"07700 900123",
            b"Example Street",
        ):
            assert detail not in content


def test_the_operational_export_lists_references_the_manager_can_open(client, report_page, hand_counted):
    rows = csv_rows(client.get("/reports/performance/stages.csv?year=2025"))
    references = {row[0] for row in rows[1:]}
    visible = {hand_counted[k].reference for k in "ABCDEFG"}
    assert references == visible  # not H (restricted, Mona is not named), not N (Highways)
    c_stage1 = next(r for r in rows if r[0] == hand_counted["C"].reference and r[6] == "1")
    assert c_stage1[7:12] == ["2025-06-02", "2025-06-24", "2025-06-24", "Yes", "1"]


def test_a_bad_custom_period_says_what_is_wrong_and_shows_the_year(client, people, hand_counted):
    client.force_login(people["mona"])
    response = client.get("/reports/performance/?year=2025&start_0=10&start_1=6&start_2=2025&end_0=&end_1=&end_2=")
    assert response.status_code == 200
    assert b"Enter both the first and the last day of the period" in response.content
    assert b"There is a problem" in response.content


def test_a_custom_period_is_used_when_both_dates_are_given(client, people, hand_counted):
    client.force_login(people["mona"])
    response = client.get(
        "/reports/performance/?year=2025&start_0=1&start_1=8&start_2=2025&end_0=31&end_1=8&end_2=2025"
    )
    assert b"1 August 2025 to 31 August 2025" in response.content
    assert cell(page_tables(response.content)["received_by_stage"], "Stage 1", "Received") == "fewer than 5"


def test_the_operational_export_is_streamed_and_its_pieces_join_up_to_the_same_rows(client, report_page, monkeypatch):
    whole = client.get("/reports/performance/stages.csv?year=2025")
    assert whole.streaming
    assert whole["Content-Type"].startswith("text/csv")
    rows = csv_rows(whole)
    assert len(rows) == 9  # the heading; A to G's Stage 1 and C's Stage 2
    monkeypatch.setattr(views, "CSV_FETCH_ROWS", 2)
    monkeypatch.setattr(views, "CSV_SEND_CHARS", 50)
    pieces = list(client.get("/reports/performance/stages.csv?year=2025").streaming_content)
    assert len(pieces) > 4
    assert csv_rows(client.get("/reports/performance/stages.csv?year=2025")) == rows


# --- a finished year's figures are kept, and refreshed by any change ---------------------------------


@pytest.fixture
def finished_year(client, people, hand_counted, monkeypatch):
    """Mona's report on 2025 to 2026, asked on 30 April 2026 when that year is over."""
    monkeypatch.setattr(views, "today", lambda: TODAY)
    client.force_login(people["mona"])
    return page_tables(client.get(URL).content)


def test_a_finished_year_is_counted_once_and_shown_again_from_the_cache(client, finished_year):
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(URL)
    assert not any("complaints_complaint" in q["sql"] for q in ctx.captured_queries)
    assert page_tables(again.content) == finished_year


def test_a_late_edit_to_a_finished_year_shows_at_once(client, people, hand_counted, finished_year):
    assert cell(finished_year["timeliness"], "Stage 1", "Responses") == "6"
    services.complaint_withdraw(
        by=people["casey"], complaint=hand_counted["A"], withdrawn_on=D(2025, 6, 20), reason="Sorted", today=TODAY
    )
    timeliness = page_tables(client.get(URL).content)["timeliness"]
    assert cell(timeliness, "Stage 1", "Responses") == "5"  # A is withdrawn now: left out of responses
    assert cell(timeliness, "Stage 1", "Within the time limit") == "fewer than 5"


def test_a_new_bank_holiday_recounts_the_working_days_of_a_finished_year(client, finished_year):
    assert cell(finished_year["response_days"], "Stage 1", "Average") == "10.2"
    BankHoliday.objects.create(division="england-and-wales", date=D(2025, 8, 20), title="A new bank holiday")
    days = page_tables(client.get(URL).content)["response_days"]
    assert cell(days, "Stage 1", "Average") == "10"  # G took 4 working days, not 5
    assert cell(days, "Stage 1", "Median") == "11"


# --- an edit starts a new version of the figures of its own years only --------------------------------


def recounts(client, url=URL) -> bool:
    """Whether showing the report again counts the complaints afresh (else it came from the cache)."""
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return any("complaints_complaint" in q["sql"] for q in ctx.captured_queries)


def test_an_edit_in_another_year_leaves_a_finished_years_figures_in_the_cache(client, people, finished_year):
    casey = people["casey"]
    this_year = answered(casey, D(2026, 4, 20), D(2026, 4, 21), D(2026, 4, 28))  # 2026 to 2027
    services.complaint_withdraw(
        by=casey, complaint=this_year, withdrawn_on=D(2026, 4, 29), reason="Sorted", today=TODAY
    )
    assert not recounts(client)
    assert page_tables(client.get(URL).content) == finished_year


def test_a_save_that_changes_nothing_counted_leaves_the_figures_in_the_cache(
    client, people, hand_counted, finished_year
):
    a = hand_counted["A"]
    a.handler = people["cora"]
    a.save(update_fields=["handler"])
    stage = stage_of(a)
    stage.handler = people["cora"]
    stage.save(update_fields=["handler"])
    assert not recounts(client)
    a.channel = Channel.LETTER
    a.save(update_fields=["channel", "updated_at"])
    assert recounts(client)
    assert page_tables(client.get(URL).content)["received_by_channel"] != finished_year["received_by_channel"]


def test_a_date_moved_out_of_a_finished_year_takes_its_figures_with_it(client, people, finished_year):
    slow = answered(people["casey"], D(2024, 3, 4), D(2024, 3, 5), D(2025, 4, 7))  # received in 2023 to 2024
    assert cell(page_tables(client.get(URL).content)["timeliness"], "Stage 1", "Responses") == "7"
    stage = stage_of(slow)
    stage.responded_on = D(2026, 4, 28)  # 2026 to 2027: only the year it left says it changed
    stage.save()
    assert cell(page_tables(client.get(URL).content)["timeliness"], "Stage 1", "Responses") == "6"


def test_the_year_before_is_recounted_after_an_edit_in_it(client, people, hand_counted, finished_year):
    """This year's report shows last year beside it: an edit to last year counts for both reports."""
    before = figures(people["mona"], period=YEAR.previous())
    answered(people["casey"], D(2024, 9, 2), D(2024, 9, 3), D(2024, 9, 10))
    assert recounts(client)
    last_year = selectors.performance_report(user=people["mona"], period=YEAR, today=TODAY)[1]
    assert last_year.complaints == before.complaints + 1


def test_a_custom_period_over_several_years_is_recounted_after_an_edit_in_any_of_them(people, hand_counted):
    period, mona = rules.Period(start=D(2023, 1, 1), end=D(2025, 12, 31)), people["mona"]
    first = selectors.performance_report(user=mona, period=period, today=TODAY)
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.performance_report(user=mona, period=period, today=TODAY) == first
    assert not ctx.captured_queries
    answered(people["casey"], D(2023, 5, 2), D(2023, 5, 3), D(2023, 5, 9))  # 2023 to 2024: neither end's year
    again = selectors.performance_report(user=mona, period=period, today=TODAY)
    assert again[0].complaints == first[0].complaints + 1


def test_a_renamed_category_recounts_every_year(client, people, hand_counted, finished_year):
    category = Category.objects.create(name="Repairs")
    assert recounts(client)
    assert not recounts(client)
    category.name = "Repairs and maintenance"
    category.save()
    assert recounts(client)


def without_csrf(html: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", html)


def test_a_finished_years_page_from_the_cache_is_the_page_drawn_afresh(client, finished_year):
    """The report body is kept as HTML; each table's CSV link still carries the page's own query string."""
    url = URL + "&note=%3Cb%3E%26"
    drawn = client.get(url).content
    with CaptureQueriesContext(connection) as ctx:
        kept = client.get(url).content
    assert not any("complaints_complaint" in q["sql"] for q in ctx.captured_queries)
    assert without_csrf(kept) == without_csrf(drawn)
    assert b'href="?year=2025&amp;note=%3Cb%3E%26&amp;format=csv&amp;table=timeliness"' in kept
    plain = client.get(URL).content
    assert b'href="?year=2025&amp;format=csv&amp;table=timeliness"' in plain
    assert page_tables(plain) == finished_year
    cache.clear()
    assert without_csrf(client.get(url).content) == without_csrf(kept)


def test_the_filter_form_from_the_cache_shows_each_pages_own_choices_and_errors(client, people, finished_year):
    """The form is kept as HTML per query string and choices: another page's values never leak in."""
    page = client.get("/reports/performance/?year=2024&quarter=2").content.decode()
    assert '<option value="2024" selected>2024 to 2025' in page and 'value="2" selected' in page
    assert client.get("/reports/performance/?year=2024&quarter=2").content.decode().count(" selected") == page.count(
        " selected"
    )
    again = client.get(URL).content.decode()
    assert '<option value="2025" selected>2025 to 2026' in again and 'value="2" selected' not in again
    wrong = client.get("/reports/performance/?start-day=3&start-month=2&start-year=2025").content.decode()
    assert "govuk-error-summary" in wrong and "govuk-form-group--error" in wrong  # the form drawn with its error
    Procedure.objects.filter(slug="housing").update(name="Housing tenancy")  # no signal: only the choices tell
    assert "Housing tenancy" in client.get(URL).content.decode()


def test_a_reason_removed_by_retention_leaves_a_finished_years_cached_report_at_once(
    client, people, hand_counted, finished_year
):
    """Retention rewrites extension reasons without saving them one by one (QuerySet.update): the
    anonymised timeline entry it records forgets the complaint's years all the same."""
    assert "Waiting for the contractor" in client.get(URL).content.decode()
    retention.anonymise_complaint(hand_counted["C"], today=TODAY)
    page = client.get(URL).content.decode()
    assert "Waiting for the contractor" not in page
    assert cell(page_tables(page.encode())["timeliness"], "Stage 1", "Responses") == "6"
