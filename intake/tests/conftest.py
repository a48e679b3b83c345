"""Fixtures for the online form and its queue: topics mapped to two service areas, staff in three
roles, and `send_form`, which completes the whole form through its pages as a resident would."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.text import slugify

from accounts.models import Role, ServiceArea
from calendars.services import load_bank_holidays
from complaints.models import Procedure
from intake.models import Topic

WASTE = "Waste and Recycling"
HOUSING = "Housing"


@pytest.fixture
def bank_holidays(db) -> int:
    return load_bank_holidays(years=range(2019, 2029))


def area(name: str) -> ServiceArea:
    return ServiceArea.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0]


@pytest.fixture
def topics(bank_holidays) -> dict[str, Topic]:
    return {
        "bins": Topic.objects.create(
            label="Bins, recycling or street cleaning",
            hint="For example, a missed collection",
            service_area=area(WASTE),
            procedure=Procedure.objects.get(slug="corporate"),
            position=1,
        ),
        "repairs": Topic.objects.create(
            label="Your council home, repairs or tenancy",
            service_area=area(HOUSING),
            procedure=Procedure.objects.get(slug="housing"),
            position=2,
        ),
    }


@pytest.fixture
def staff(make_user, topics) -> dict:
    """The owner's colleague in the area (wendy), her manager, an outsider in Housing, an admin."""
    return {
        "caseworker": make_user("wendy", Role.CASEWORKER, service_areas=[WASTE]),
        "colleague": make_user("walt", Role.CASEWORKER, service_areas=[WASTE]),
        "manager": make_user("mo", Role.MANAGER, service_areas=[WASTE]),
        "outsider": make_user("otto", Role.CASEWORKER, service_areas=[HOUSING]),
        "admin": make_user("ada", Role.COMPLAINTS_ADMIN),
        "no_role": make_user("nora"),
    }


ANSWERS = {
    "who": {"for_whom": "myself"},
    "your-name": {"full_name": "Ms Resident"},
    "contact-method": {"preferred_contact": "email"},
    "contact-details": {"email": "resident@example.com", "phone": "", "address": ""},
    "what-happened": {"what_happened": "The bin was not collected for three weeks."},
    "outcome": {"outcome_wanted": "Collect the bin and say sorry."},
    "adjustments": {"needs_adjustments": "no"},
}


def step(slug: str) -> str:
    return reverse("intake:documents") if slug == "documents" else reverse("intake:step", args=[slug])


def fill_in(client, topic: Topic, **changes) -> None:
    """Answer every page up to check-your-answers. `changes={"who": {...}}` replaces a page's answers;
    `someone-else` and `adjustments-details` answers are posted when the page before says so."""
    pages = {**ANSWERS, "about": {"topic": topic.pk}, **changes}
    order = ["who", "someone-else", "your-name", "contact-method", "contact-details", "about"]
    order += ["what-happened", "outcome", "adjustments", "adjustments-details"]
    for slug in order:
        if slug == "someone-else" and pages["who"].get("for_whom") != "someone_else":
            continue
        if slug == "adjustments-details" and pages["adjustments"].get("needs_adjustments") != "yes":
            continue
        response = client.post(step(slug), pages[slug])
        assert response.status_code == 302, (slug, response.content.decode()[:3000])
    response = client.post(step("documents"), {"action": "continue"})
    assert response.status_code == 302 and response["Location"] == reverse("intake:check")


@pytest.fixture
def send_form(client, topics, django_capture_on_commit_callbacks):
    """Complete and send the form as a resident; returns the final response (following redirects)."""

    def send(topic: str = "bins", **changes):
        fill_in(client, topics[topic], **changes)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("intake:check"), {}, follow=True)

    return send
