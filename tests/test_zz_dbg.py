import pytest
from calendars.models import WorkingDayCalendar
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
def cal(tag):
    from django.db import connection
    print(tag, list(WorkingDayCalendar.objects.values_list("slug", flat=True)), connection.settings_dict["NAME"], len(getattr(connection, "_test_serialized_contents", "") or ""))
@pytest.mark.parametrize("n", [1,2,3])
def test_plain(n):
    cal(f"plain{n}")
@pytest.mark.parametrize("n", [1,2])
def test_live(n, live_server):
    cal(f"live{n}")
@pytest.mark.parametrize("n", [1,2])
def test_page(n, page):
    cal(f"page{n}")
