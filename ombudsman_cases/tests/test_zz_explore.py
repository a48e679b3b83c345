import pytest
from ombudsman_cases.tests.factories import date_fields
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays")]

def test_explore(client, people, areas):
    client.force_login(people["lena"])
    data = {"reference": "2000883", "service_area": areas["Children's services"].pk, "link_officer": people["lena"].pk,
            "summary": "x", **date_fields("received_on", __import__("datetime").date(2026, 1, 5))}
    r = client.post("/ombudsman/new/", data)
    open("/tmp/explore/create.html", "w").write(r.content.decode())
    print(r.status_code)
