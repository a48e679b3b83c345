"""The reminders page (the digest's list, so nobody depends on email) and the delivery log.

Personas: owen owns the items; cara is a colleague in the same service area; hugo works in
another; mona is their manager; ada is a complaints admin.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from reminders import selectors, services
from reminders.models import Digest, DigestStatus
from reminders.tests.conftest import TODAY, make_obligation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays")]

MINE, LOG = "/reminders/", "/reminders/log/"
DEC_1 = TODAY.replace(month=12, day=1)


def sweep_and_prepare(today=TODAY) -> list[int]:
    services.sweep(today=today)
    with transaction.atomic():
        return services.prepare_digests(today=today)


def listed(response) -> list[int]:
    return [o.pk for o in response.context["items"]]


def digest_obligation_ids(user, today=TODAY) -> set[int]:
    digest = Digest.objects.get(recipient=user, day=today)
    items = services.digest_items(digest, today=today)
    return {r.obligation_id for r in items["new"]} | {o.pk for o in items["others"]}


@pytest.fixture
def world(people):
    owen, cara, hugo = people["owen"], people["cara"], people["hugo"]
    return {
        "owen": [
            make_obligation(owner=owen, due_on=TODAY.replace(day=27), title="OWEN overdue"),
            make_obligation(owner=owen, due_on=TODAY, title="OWEN due today"),
            make_obligation(owner=owen, due_on=DEC_1, title="OWEN due tomorrow"),
            make_obligation(owner=owen, due_on=TODAY.replace(year=2027, month=3, day=1), title="OWEN far away"),
        ],
        "cara": [make_obligation(owner=cara, due_on=TODAY, title="CARA due today")],
        "hugo": [make_obligation(owner=hugo, due_on=TODAY, title="HUGO due today")],
    }


def test_the_owner_sees_the_same_items_as_in_their_digest(client, people, world):
    owen = people["owen"]
    # Yesterday's reminder (lead-1, Fri 27 Nov) is still open; today adds two more.
    sweep_and_prepare(TODAY.replace(day=27))
    sweep_and_prepare(TODAY)
    client.force_login(owen)

    response = client.get(MINE)

    assert response.status_code == 200
    expected = [o.pk for o in world["owen"][:3]]  # not the one due in March: never reminded
    assert listed(response) == expected
    assert set(listed(response)) == digest_obligation_ids(owen)
    assert listed(response) == [o.pk for o in selectors.items_for(owen, today=TODAY)]
    page = response.content.decode()
    for o in world["owen"][:3]:
        assert o.title in page
    assert "OWEN far away" not in page and "CARA" not in page and "HUGO" not in page


def test_the_manager_sees_what_they_were_told_about(client, people, world):
    mona = people["mona"]
    sweep_and_prepare(TODAY)
    client.force_login(mona)
    response = client.get(MINE)
    assert listed(response) == [world["owen"][0].pk]
    assert set(listed(response)) == digest_obligation_ids(mona)


def test_a_colleague_sees_only_their_own_reminders(client, people, world):
    sweep_and_prepare(TODAY)
    client.force_login(people["cara"])
    response = client.get(MINE)
    assert listed(response) == [world["cara"][0].pk]
    assert "OWEN" not in response.content.decode()


def test_someone_in_another_service_area_sees_nothing_of_it(client, people, world):
    sweep_and_prepare(TODAY)
    client.force_login(people["hugo"])
    response = client.get(MINE)
    assert listed(response) == [world["hugo"][0].pk]
    page = response.content.decode()
    assert "OWEN" not in page and "CARA" not in page


def test_a_person_with_no_reminders_is_told_so(client, people, world):
    client.force_login(people["owen"])
    response = client.get(MINE)
    assert listed(response) == []
    assert "You have no reminders." in response.content.decode()


def test_the_reminders_page_needs_a_role_and_a_sign_in(client, make_user):
    response = client.get(MINE)
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    client.force_login(make_user("norole"))
    assert client.get(MINE).status_code == 403


def test_after_a_reassignment_the_old_owners_page_no_longer_lists_the_item(client, people):
    owen, cara = people["owen"], people["cara"]
    obligation = make_obligation(owner=owen, due_on=TODAY, key="view:reassigned", title="REASSIGNED item")
    sweep_and_prepare(TODAY.replace(day=16))
    make_obligation(owner=cara, due_on=TODAY, key="view:reassigned", title=obligation.title)
    client.force_login(owen)
    assert listed(client.get(MINE)) == []


# --- the delivery log ------------------------------------------------------------------------------


@pytest.fixture
def log_rows(people, world, make_user, mailoutbox):
    make_obligation(owner=make_user("noemail", "caseworker", service_areas=["Housing"], email=""), due_on=TODAY)
    for digest_id in sweep_and_prepare(TODAY):
        services.send_digest(digest_id=digest_id)
    return Digest.objects.all()


def test_the_delivery_log_shows_complaints_admins_every_digest_and_its_problem(client, people, log_rows):
    client.force_login(people["ada"])
    response = client.get(LOG)
    assert response.status_code == 200
    page = response.content.decode()
    assert [d.pk for d in response.context["page"].object_list] == [d.pk for d in selectors.delivery_log()]
    assert len(response.context["page"].object_list) == log_rows.count() == 5
    assert "Noemail Tester has no email address" in page and "Not sent: no email address" in page
    assert people["owen"].email in page


def test_the_delivery_log_filters_by_status(client, people, log_rows):
    client.force_login(people["ada"])
    response = client.get(LOG, {"status": DigestStatus.NO_ADDRESS})
    assert [d.recipient.username for d in response.context["page"].object_list] == ["noemail"]
    response = client.get(LOG, {"status": "nonsense"})
    assert len(response.context["page"].object_list) == 5


@pytest.mark.parametrize("persona", ["owen", "cara", "mona"])
def test_the_delivery_log_is_refused_to_caseworkers_and_managers(client, people, persona):
    client.force_login(people[persona])
    assert client.get(LOG).status_code == 403


def test_the_delivery_log_sends_anonymous_people_to_sign_in(client):
    response = client.get(LOG)
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


# --- query counts ------------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    client.get(url)  # warm up: session, role and other per-request caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_reminders_page_runs_as_many_queries_for_20_items_as_for_2(client, people):
    owen = people["owen"]
    for _ in range(2):
        make_obligation(owner=owen, due_on=TODAY)
    sweep_and_prepare(TODAY)
    client.force_login(owen)
    few = count_queries(client, MINE)
    assert len(client.get(MINE).context["items"]) == 2

    for _ in range(18):
        make_obligation(owner=owen, due_on=TODAY)
    sweep_and_prepare(TODAY)
    many = count_queries(client, MINE)
    assert len(client.get(MINE).context["items"]) == 20

    assert few == many
    assert many <= 20
