"""The signed-in user is loaded with their roles and service areas on every request, so what an
admin changes applies to the user's next request, without extra queries on each page."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ROLE_GROUP_NAMES, Role, ServiceArea
from complaints.tests.factories import log_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def casey(make_user):
    return make_user("casey", Role.CASEWORKER, service_areas=["Housing"])


def sign_in(client, user):
    response = client.post("/accounts/sign-in/", {"username": user.username, "password": user.test_password})
    assert response.status_code == 302


def test_a_new_role_applies_to_the_next_request(client, casey):
    sign_in(client, casey)
    assert '<h1 class="govuk-heading-l">My work</h1>' in client.get("/").content.decode()

    casey.groups.set([Group.objects.get(name=ROLE_GROUP_NAMES[Role.MANAGER])])
    html = client.get("/").content.decode()
    assert '<h1 class="govuk-heading-l">Overdue and due soon</h1>' in html
    assert 'href="/reports/"' in html

    casey.groups.clear()
    html = client.get("/").content.decode()
    assert "My work" not in html and 'href="/complaints/"' not in html


def test_a_new_service_area_applies_to_the_next_request(client, make_user, casey):
    roads = ServiceArea.objects.create(name="Roads", slug="roads")
    hugo = make_user("hugo", Role.CASEWORKER, service_areas=[roads])
    complaint = log_complaint(handler=hugo, service_area=roads)
    sign_in(client, casey)
    page = f"/complaints/{complaint.pk}/"
    assert client.get(page).status_code == 404

    casey.service_areas.add(roads)
    assert client.get(page).status_code == 200

    roads.members.remove(casey)  # from the other side, as the service area's admin page does
    assert client.get(page).status_code == 404


def test_a_switched_off_account_is_signed_out_at_its_next_request(client, casey):
    sign_in(client, casey)
    casey.is_active = False
    casey.save()
    response = client.get("/accounts/ping")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one query with ARRAY() needs PostgreSQL")
def test_roles_and_service_areas_come_with_the_user_in_one_query(client, casey):
    sign_in(client, casey)
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    user_queries = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "accounts_user"')]
    assert len(user_queries) == 1
    assert 'FROM "auth_group"' in user_queries[0] and 'FROM "accounts_servicearea"' in user_queries[0]
    assert tables.count('FROM "auth_group"') == 1 and tables.count('"accounts_user_service_areas"') == 1
