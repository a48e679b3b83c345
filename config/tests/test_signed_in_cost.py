"""What every signed-in page pays before its own work, and the caseworker's home page (issue 8).

Each page is measured with a little data, then with much more (the caseworker's own open and closed
complaints, colleagues', other areas', restricted ones), and must make the SAME number of queries,
at most 15. The signed-in floor (session and user, nothing else) stays at two at most: the session
(none when it comes from Redis) and the user with their roles and areas.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from complaints import services
from complaints.tests.factories import log_complaint

pytestmark = pytest.mark.django_db

QUERY_CAP = 15
PAGES = {"signed-in floor": "/accounts/ping", "page shell": "/accounts/password/", "my work": "/"}


@pytest.fixture
def people(make_user):
    return {
        "casey": make_user("casey", Role.CASEWORKER, service_areas=["Housing"]),
        "cora": make_user("cora", Role.CASEWORKER, service_areas=["Housing"]),
        "hugo": make_user("hugo", Role.CASEWORKER, service_areas=["Highways"]),
    }


def add_complaints(people, n: int, start: int) -> None:
    today = timezone.localdate()
    for i in range(start, start + n):
        handler = [people["casey"], people["cora"], people["hugo"]][i % 3]
        complaint = log_complaint(
            handler=handler,
            received_on=today - timezone.timedelta(days=i % 40),
            today=today,
            complainant_name=f"Person {i:03d}",
            is_restricted=(i % 7 == 6),
        )
        if i % 5 == 4:
            services.complaint_withdraw(
                by=handler,
                complaint=complaint,
                withdrawn_on=today,
                reason="Resolved informally",
                today=today,
            )


def measure(client, path: str) -> list[str]:
    client.get(path)  # warm per-process caches (calendars, content types) and the session's last-seen mark
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return [q["sql"] for q in ctx.captured_queries]


def test_signed_in_pages_make_the_same_few_queries_whatever_the_data(client, people):
    client.force_login(people["casey"])
    add_complaints(people, 3, start=0)
    small = {name: measure(client, path) for name, path in PAGES.items()}
    add_complaints(people, 30, start=3)
    large = {name: measure(client, path) for name, path in PAGES.items()}

    for name in PAGES:
        listing = "\n".join(f"  {sql[:200]}" for sql in large[name])
        assert len(large[name]) == len(small[name]), f"{name}: {len(small[name])} then {len(large[name])}:\n{listing}"
        assert len(large[name]) <= QUERY_CAP, f"{name}: {len(large[name])} queries:\n{listing}"
    assert len(large["signed-in floor"]) <= 2, large["signed-in floor"]
    # My work really lists the bigger data: 11 of the 33 are Casey's, some withdrawn or restricted.
    html = client.get("/").content.decode()
    assert html.count('<tr class="govuk-table__row">') - 1 >= 7


def test_no_signed_in_page_writes_the_session_on_every_request(client, people):
    client.force_login(people["casey"])
    for path in PAGES.values():
        queries = measure(client, path)
        assert not [sql for sql in queries if sql.startswith(("UPDATE", "INSERT", "DELETE"))], path
