"""`load_reports_demo_data`: a learning register and the LGSCO's figures, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from reminders.models import Obligation, ObligationKind
from reports.models import LearningItem, LearningStatus, LgscoPublishedFigures

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_with_items_in_every_status_and_published_figures(client):
    call_command("seed_demo", "--no-demo-data", stdout=StringIO())
    call_command("load_demo_data", "--complaints", "40", stdout=StringIO())
    call_command("load_ombudsman_demo_data", "--cases", "12", stdout=StringIO())
    out = StringIO()
    call_command("load_reports_demo_data", stdout=out)
    assert "learning items" in out.getvalue()
    items = LearningItem.objects.count()
    assert items >= 8
    statuses = set(LearningItem.objects.values_list("status", flat=True))
    assert {LearningStatus.DONE, LearningStatus.OPEN, LearningStatus.DROPPED} <= statuses
    assert LearningItem.objects.filter(ombudsman_case__reference="20 008 832").count() == 2
    assert Obligation.objects.filter(kind=ObligationKind.LEARNING_ACTION).count() == items
    assert LgscoPublishedFigures.objects.filter(year_start=2021).exists()

    again = StringIO()
    call_command("load_reports_demo_data", stdout=again)
    assert "already loaded" in again.getvalue()
    assert LearningItem.objects.count() == items

    from accounts.models import User

    client.force_login(User.objects.get(username="admin"))
    page = client.get("/reports/ombudsman/?year=2021")
    assert b"Same" in page.content
