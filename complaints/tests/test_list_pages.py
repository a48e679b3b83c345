"""The complaint list's pages as a user walks them: First, Previous, Next, Last and the count.

Pages start after (or before) a row rather than at a page number, so each costs the same at any
depth (issue 8). These tests use a small page size so that a handful of complaints make several
pages, and compare what the pages show with the whole list in its order.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from complaints import selectors, services, views
from complaints.models import Complaint, ComplaintStage
from complaints.tests.factories import log_complaint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays")]

LIST = "/complaints/"


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def references(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'href="/complaints/\d+/">(CMP-\d{4}-\d{5})</a>', response.content.decode())


def link(response, rel_or_label: str) -> str | None:
    """The href of the Previous/Next link (by rel) or of the First/Last item (by aria-label)."""
    page = response.content.decode()
    match = re.search(rf'href="([^"]*)" rel="{rel_or_label}"', page) or re.search(
        rf'href="([^"]*)" aria-label="{rel_or_label}"', page
    )
    return html.unescape(match.group(1)) if match else None


def follow(client, href: str):
    return client.get(href if href.startswith("/") else LIST + href)


def walk(client, start: str, rel: str) -> list[list[str]]:
    """Every page from `start`, following `rel` ("next" or "prev") until there is none."""
    response = follow(client, start)
    pages = [references(response)]
    while (href := link(response, rel)) is not None:
        response = follow(client, href)
        pages.append(references(response))
        assert len(pages) < 50, "the pages never end"
    return pages


@pytest.fixture
def page_size(monkeypatch):
    monkeypatch.setattr(views, "COMPLAINTS_PER_PAGE", 3)
    return 3


@pytest.fixture
def handler(make_user):
    return make_user("casey", Role.CASEWORKER, service_areas=["Housing"])


def close(complaint: Complaint, *, by, received: dt.date) -> None:
    stage = ComplaintStage.objects.get(complaint=complaint)
    services.stage_acknowledge(by=by, stage=stage, acknowledged_on=received, today=today())
    services.stage_respond(by=by, stage=stage, responded_on=received, outcome="upheld", today=today())
    services.complaint_close(by=by, stage=stage, closed_on=received, today=today())


@pytest.fixture
def eight(handler, make_user) -> list[Complaint]:
    """Eight complaints: pairs received on the same day (so ties are broken by id), two closed
    (no deadline), one restricted to someone else (never listed for the handler)."""
    made = []
    for n in range(8):
        received = days_ago(2 + n // 2)
        complaint = log_complaint(handler=handler, received_on=received, today=today(), complainant_name=f"Person {n}")
        if n in (1, 6):
            close(complaint, by=handler, received=received)
        made.append(complaint)
    colleague = make_user("cora", Role.CASEWORKER, service_areas=["Housing"])
    log_complaint(
        handler=colleague, received_on=days_ago(3), today=today(), complainant_name="Rita", is_restricted=True
    )
    return made


def in_order(handler, sort: str) -> list[str]:
    return list(
        selectors.complaint_list(user=handler, filters={"sort": sort}, today=today()).values_list(
            "reference", flat=True
        )
    )


def test_the_first_page_has_next_and_last_but_no_previous(client, handler, eight, page_size):
    client.force_login(handler)
    response = client.get(LIST)
    page = response.content.decode()
    assert len(references(response)) == 3
    assert "8 complaints." in page
    assert link(response, "prev") is None and link(response, "next") is not None
    assert re.search(r'aria-label="First page" aria-current="page"', page), "First is not marked as this page"
    assert link(response, "Last page") == "?page=last"


@pytest.mark.parametrize("sort", ["due", "-due", "received", "-received", "reference"])
def test_next_walks_every_complaint_once_in_the_chosen_order(client, handler, eight, page_size, sort):
    client.force_login(handler)
    pages = walk(client, f"?sort={sort}", "next")
    assert [len(p) for p in pages] == [3, 3, 2]
    assert sum(pages, []) == in_order(handler, sort)


@pytest.mark.parametrize("sort", ["due", "-due", "received", "-received", "reference"])
def test_previous_from_the_last_page_meets_the_same_pages_as_next(client, handler, eight, page_size, sort):
    client.force_login(handler)
    forwards = walk(client, f"?sort={sort}", "next")
    backwards = walk(client, f"?sort={sort}&page=last", "prev")
    assert backwards[::-1] == forwards


def test_complaints_without_a_deadline_stay_last_across_pages(client, handler, eight, page_size):
    client.force_login(handler)
    closed = {eight[1].reference, eight[6].reference}
    for sort in ("due", "-due"):
        listed = sum(walk(client, f"?sort={sort}", "next"), [])
        assert set(listed[-2:]) == closed, sort


def test_the_last_page_is_marked_and_has_no_next(client, handler, eight, page_size):
    client.force_login(handler)
    response = client.get(LIST, {"page": "last"})
    page = response.content.decode()
    assert references(response) == in_order(handler, "due")[-2:]
    assert link(response, "next") is None and link(response, "prev") is not None
    assert re.search(r'aria-label="Last page" aria-current="page"', page), "Last is not marked as this page"


def test_page_links_keep_the_filters_and_the_sort(client, handler, eight, page_size):
    client.force_login(handler)
    response = client.get(LIST, {"status": "open", "sort": "-received"})
    for rel in ("next", "Last page", "First page"):
        assert "status=open" in link(response, rel) and "sort=-received" in link(response, rel), rel
    listed = sum(walk(client, "?status=open&sort=-received", "next"), [])
    closed = {eight[1].reference, eight[6].reference}
    assert len(listed) == 6 and not closed & set(listed)


def test_one_page_of_complaints_has_no_pagination(client, handler, eight):
    client.force_login(handler)
    response = client.get(LIST)
    assert len(references(response)) == 8
    assert "govuk-pagination" not in response.content.decode()


def test_the_count_says_more_than_past_the_cap(client, handler, eight, page_size, monkeypatch):
    client.force_login(handler)
    monkeypatch.setattr(selectors, "LIST_COUNT_CAP", 5)
    assert "More than 5 complaints match" in client.get(LIST).content.decode()
    assert "2 complaints." in client.get(LIST, {"status": "closed"}).content.decode()
    # "Last" is still the end of the list, a full page of it.
    assert references(client.get(LIST, {"page": "last"})) == in_order(handler, "due")[-3:]


@pytest.mark.parametrize(
    "params",
    [
        {"after": "nonsense"},
        {"before": "2026-02-31_1"},
        {"after": "2026-01-01_²"},
        {"after": "x" * 500},
        {"after": "\x00_1"},
        {"after": "2026-01-01_" + "9" * 40},
        {"page": "7"},
    ],
)
def test_a_tampered_page_link_shows_the_first_page(client, handler, eight, page_size, params):
    client.force_login(handler)
    assert references(client.get(LIST, params)) == in_order(handler, "due")[:3]


def test_a_link_past_the_end_shows_the_last_page_and_before_the_start_the_first(client, handler, eight, page_size):
    client.force_login(handler)
    assert references(client.get(LIST, {"after": "9999-12-31_999999"})) == in_order(handler, "due")[-2:]
    assert references(client.get(LIST, {"before": "0001-01-01_1"})) == in_order(handler, "due")[:3]


def test_a_search_pages_through_its_matches(client, handler, eight, page_size):
    client.force_login(handler)
    listed = sum(walk(client, "?q=person", "next"), [])
    assert listed == in_order(handler, "due")


@pytest.mark.parametrize("cap", [100, 5], ids=["matches read by id", "more matches than the cap"])
@pytest.mark.parametrize("sort", ["due", "-received", "reference"])
def test_a_search_walks_the_same_pages_both_ways_within_and_past_the_count_cap(
    client, handler, eight, page_size, monkeypatch, cap, sort
):
    client.force_login(handler)
    monkeypatch.setattr(selectors, "LIST_COUNT_CAP", cap)
    first = client.get(LIST, {"q": "person", "sort": sort}).content.decode()
    assert ("More than 5 complaints match" if cap == 5 else "8 complaints.") in first
    forwards = walk(client, f"?q=person&sort={sort}", "next")
    assert sum(forwards, []) == in_order(handler, sort)
    backwards = walk(client, f"?q=person&sort={sort}&page=last", "prev")[::-1]
    if cap == 100:
        assert backwards == forwards
    else:  # past the cap the count is not exact, so the last page is a full one
        assert sum(backwards, []) == sum(forwards, []) and len(backwards[-1]) == 3


# --- the same number of queries whatever the data and the page size ------------------------------


def page_queries(client, params: dict) -> int:
    client.get(LIST, params)  # warm per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def cursors(client) -> tuple[str, str]:
    """A Next and a Previous cursor from the current data (the second page's links)."""
    second = follow(client, link(client.get(LIST), "next"))
    after = re.search(r"after=([^&]+)", link(second, "next") or link(client.get(LIST), "next")).group(1)
    before = re.search(r"before=([^&]+)", link(second, "prev")).group(1)
    return after, before


def test_the_list_runs_the_same_queries_for_few_or_many_complaints_and_any_page_size(
    client, make_user, handler, monkeypatch
):
    colleague = make_user("cora", Role.CASEWORKER, service_areas=["Housing"])
    client.force_login(handler)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            complaint = log_complaint(
                handler=[handler, colleague][i % 2],
                received_on=days_ago(1 + i % 9),
                today=today(),
                complainant_name=f"Person {i}",
            )
            if i % 3 == 0:
                close(complaint, by=[handler, colleague][i % 2], received=days_ago(1 + i % 9))

    def measure() -> dict[str, int]:
        after, before = cursors(client)
        variants = {
            "first page": {},
            "next page": {"after": after},
            "previous page": {"before": before},
            "last page": {"page": "last"},
            "searched": {"q": "Person"},
            "filtered, sorted": {"status": "open", "handler": colleague.pk, "sort": "-received", "page": "last"},
            "service area + open": {"service_area": handler.service_areas.get().pk, "status": "open"},
        }
        return {name: page_queries(client, params) for name, params in variants.items()}

    counts = {}
    add(7, 0)
    for size in (2, 3):
        monkeypatch.setattr(views, "COMPLAINTS_PER_PAGE", size)
        counts[("7 complaints", size)] = measure()
    add(23, 7)
    for size in (2, 3, 5):
        monkeypatch.setattr(views, "COMPLAINTS_PER_PAGE", size)
        counts[("30 complaints", size)] = measure()

    for variant in counts[("7 complaints", 2)]:
        assert len({measured[variant] for measured in counts.values()}) == 1, f"{variant}: counts differ: {counts}"
    few = counts[("7 complaints", 2)]
    # Browsing reads the page and its count in one query; a search reads its matches' ids (and so
    # their number) first, then the page by id. (Nothing is kept in the cache here: these tests run
    # inside one transaction that changed the data; test_list_kept.py tests what is kept.)
    assert len({n for variant, n in few.items() if variant != "searched"}) == 1, few
    assert few["searched"] == few["first page"] + 1
    assert max(few.values()) <= 15


def test_the_apis_page_of_complaints_serializes_without_a_query_per_row(handler, eight, django_assert_num_queries):
    from api.serializers import ComplaintListSerializer

    page = selectors.complaint_list_page(user=handler, filters={}, today=today(), size=5)
    assert len(page.rows) == 5 and page.count == 8
    with django_assert_num_queries(0):
        data = ComplaintListSerializer(page.rows, many=True).data
    assert [row["reference"] for row in data] == in_order(handler, "due")[:5]
    assert all(row["procedure_name"] and row["received_on"] for row in data)
