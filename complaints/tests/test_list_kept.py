"""The complaint list keeps its count and its filter options in the cache (issue 8): a list paged
through or opened again is counted once, not on every page. What is shown must still follow every
change at once: a complaint logged, closed, withdrawn, restricted or anonymised, a person named on
one, a colleague joining or leaving a service area, a renamed area or procedure.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, ServiceArea
from complaints import retention, selectors, services
from complaints.models import Complaint, ComplaintStage, Procedure
from complaints.tests.factories import log_complaint
from config.versions import read_versions

# Transactional: each change commits, as in the running app (what a transaction that has changed
# something reads is not kept, in case it rolls back).
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("bank_holidays"),
]

LIST = "/complaints/"


def today() -> dt.date:
    return timezone.localdate()


def count_line(client, params: dict | None = None) -> str:
    response = client.get(LIST, params or {})
    assert response.status_code == 200
    return re.search(r'role="status">([^<]+)<', response.content.decode()).group(1)


def options(client, name: str) -> list[str]:
    page = client.get(LIST).content.decode()
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def log(handler, **fields) -> Complaint:
    return log_complaint(handler=handler, received_on=today() - dt.timedelta(days=2), today=today(), **fields)


@pytest.fixture
def casey(make_user):
    return make_user("casey", Role.CASEWORKER, service_areas=["Housing"])


@pytest.fixture
def signed_in(client, casey):
    client.force_login(casey)
    return client


def test_a_list_opened_again_is_not_counted_again(signed_in, casey):
    for n in range(3):
        log(casey, complainant_name=f"Person {n}")
    assert count_line(signed_in) == "3 complaints."
    with CaptureQueriesContext(connection) as ctx:
        assert count_line(signed_in) == "3 complaints."
    sql = [q["sql"] for q in ctx.captured_queries]
    assert not any("COUNT(" in s.upper() for s in sql), sql
    assert not any("UNION ALL" in s for s in sql), "the filter options were read again"
    # A different filter is a different count.
    assert count_line(signed_in, {"status": "closed"}) == "0 complaints."
    # A search reads its matches once: opened again, only the page's rows are read.
    with CaptureQueriesContext(connection) as first:
        assert count_line(signed_in, {"q": "Person"}) == "3 complaints."
    with CaptureQueriesContext(connection) as again:
        assert count_line(signed_in, {"q": "Person"}) == "3 complaints."
    assert len(again) == len(first) - 1, [q["sql"] for q in again.captured_queries]


def test_the_count_follows_every_kind_of_change_at_once(signed_in, casey, make_user):
    first, second = log(casey), log(casey)
    assert count_line(signed_in) == "2 complaints."
    assert count_line(signed_in, {"status": "open"}) == "2 complaints."

    log(casey)  # logged
    assert count_line(signed_in) == "3 complaints."

    services.complaint_withdraw(
        by=casey, complaint=first, withdrawn_on=today(), reason="Resolved by phone", today=today()
    )
    assert count_line(signed_in, {"status": "open"}) == "2 complaints."
    assert count_line(signed_in, {"status": "withdrawn"}) == "1 complaint."

    # Someone else's restricted complaint in another area: seen only once casey is named on it.
    other = make_user("olga", Role.CASEWORKER, service_areas=["Planning"])
    hidden = log(other, is_restricted=True)
    assert count_line(signed_in) == "3 complaints."
    hidden.named_users.add(casey)
    assert count_line(signed_in) == "4 complaints."
    hidden.named_users.remove(casey)
    assert count_line(signed_in) == "3 complaints."

    # Moved to another area by a plain save (as the Django admin does).
    housing = {"status": "open", "service_area": casey.service_areas.get().pk}
    assert count_line(signed_in, housing) == "2 complaints."
    second.service_area = ServiceArea.objects.get(name="Planning")
    second.save()
    assert count_line(signed_in, housing) == "1 complaint."

    # Retention rewrites the name with update(), which sends no signal: searches show it.
    named = log(casey, complainant_name="Xo Whitfield")
    assert count_line(signed_in, {"q": "Xo"}) == "1 complaint."
    assert count_line(signed_in, {"q": "Whitfield"}) == "1 complaint."
    log(casey, complainant_name="Ann Whitfield")
    assert count_line(signed_in, {"q": "Whitfield"}) == "2 complaints."
    assert "Ann Whitfield" in signed_in.get(LIST, {"q": "Whitfield"}).content.decode()
    retention.anonymise_complaint(named, today=today())
    assert count_line(signed_in, {"q": "Xo"}) == "0 complaints."
    assert count_line(signed_in, {"q": "Whitfield"}) == "1 complaint."


def test_a_count_kept_before_a_change_commits_is_not_shown_after_it(signed_in, casey):
    """The version moves at the change and again at the commit: a count another process made in
    between, from the rows before the commit, is never shown afterwards."""
    log(casey)
    assert count_line(signed_in) == "1 complaint."
    with transaction.atomic():
        log(casey)
        # Another process counts now, before the commit: it still sees one complaint, and keeps it.
        other = selectors._remembered_matches(user=casey, filters={}, today=today())
        cache.set(other.key, (other.version, 1))
        assert count_line(signed_in) == "1 complaint."  # this reads "the other process's" count
    assert count_line(signed_in) == "2 complaints."


def test_a_count_read_inside_a_transaction_that_rolls_back_is_not_kept(signed_in, casey):
    log(casey)
    assert count_line(signed_in) == "1 complaint."
    with pytest.raises(RuntimeError), transaction.atomic():
        log(casey)
        assert count_line(signed_in) == "2 complaints."  # its own change, read inside it
        raise RuntimeError("rolled back")
    assert count_line(signed_in) == "1 complaint."


def test_past_the_cap_the_kept_count_still_says_more_than(signed_in, casey, monkeypatch):
    monkeypatch.setattr(selectors, "LIST_COUNT_CAP", 2)
    for _ in range(3):
        log(casey)
    assert count_line(signed_in) == "More than 2 complaints match: use the filters to find fewer."
    assert count_line(signed_in) == "More than 2 complaints match: use the filters to find fewer."
    assert count_line(signed_in, {"status": "closed"}) == "0 complaints."


def test_the_filter_options_follow_people_areas_and_procedures_at_once(signed_in, casey, make_user):
    assert options(signed_in, "handler") == ["Anyone", "Casey Tester"]
    assert options(signed_in, "service_area") == ["All", "Housing"]

    hana = make_user("hana", Role.CASEWORKER, service_areas=["Housing"])
    assert options(signed_in, "handler") == ["Anyone", "Casey Tester", "Hana Tester"]

    hana.first_name = "Ayesha"
    hana.save()
    assert options(signed_in, "handler") == ["Anyone", "Ayesha Tester", "Casey Tester"]

    hana.service_areas.clear()
    assert options(signed_in, "handler") == ["Anyone", "Casey Tester"]
    hana.service_areas.add(ServiceArea.objects.get(name="Housing"))
    hana.groups.clear()  # no role any more
    assert options(signed_in, "handler") == ["Anyone", "Casey Tester"]

    area = ServiceArea.objects.get(name="Housing")
    area.name = "Housing and homelessness"
    area.save()
    assert options(signed_in, "service_area") == ["All", "Housing and homelessness"]

    procedure = Procedure.objects.get(slug="corporate")
    old = procedure.name
    procedure.name = "Corporate complaints (two stages)"
    procedure.save()
    labels = options(signed_in, "procedure")
    assert "Corporate complaints (two stages)" in labels and old not in labels


def test_signing_in_does_not_throw_the_kept_options_away(client, casey):
    client.force_login(casey)
    client.get(LIST)
    version = read_versions([selectors.CHOICES_VERSION_KEY])[selectors.CHOICES_VERSION_KEY]
    client.logout()
    client.post("/accounts/sign-in/", {"username": "casey", "password": casey.test_password})
    assert read_versions([selectors.CHOICES_VERSION_KEY])[selectors.CHOICES_VERSION_KEY] == version


def test_answering_an_overdue_complaint_takes_it_off_the_overdue_count_at_once(signed_in, casey):
    received = today() - dt.timedelta(days=90)
    complaint = log_complaint(handler=casey, received_on=received, today=received)
    assert count_line(signed_in, {"due": "overdue"}) == "1 complaint."
    stage = ComplaintStage.objects.get(complaint=complaint)
    services.stage_acknowledge(by=casey, stage=stage, acknowledged_on=received, today=today())
    services.stage_respond(by=casey, stage=stage, responded_on=today(), outcome="upheld", today=today())
    assert count_line(signed_in, {"due": "overdue"}) == "0 complaints."
