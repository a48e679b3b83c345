"""Complaints admins keep the form's topics in the admin; online submissions are read-only there."""

import pytest
from django.urls import reverse

from accounts.management.commands.grant_role_permissions import grant_role_permissions
from accounts.models import Role
from complaints.models import Procedure
from intake.models import Topic
from intake.tests.conftest import HOUSING, area

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    grant_role_permissions()
    client.force_login(make_user("alex", Role.COMPLAINTS_ADMIN, is_staff=True))
    return client


def test_a_complaints_admin_adds_a_topic_mapped_to_a_service_area_and_procedure(admin_client):
    housing = area(HOUSING)
    response = admin_client.post(
        reverse("admin:intake_topic_add"),
        {
            "label": "Noise from a council tenant",
            "hint": "For example, loud music at night",
            "service_area": housing.pk,
            "procedure": Procedure.objects.get(slug="housing").pk,
            "position": "3",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    topic = Topic.objects.get(label="Noise from a council tenant")
    assert (topic.service_area, topic.procedure.slug) == (housing, "housing")
    assert "Noise from a council tenant" in admin_client.get(reverse("intake:step", args=["about"])).content.decode()


def test_submissions_are_read_only_and_topics_cannot_be_deleted(admin_client, topics):
    assert admin_client.get(reverse("admin:intake_onlinesubmission_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:intake_onlinesubmission_add")).status_code == 403
    topic = topics["bins"]
    assert admin_client.get(reverse("admin:intake_topic_delete", args=[topic.pk])).status_code == 403


def test_a_caseworker_cannot_edit_topics(client, make_user, topics):
    grant_role_permissions()
    client.force_login(make_user("casey", Role.CASEWORKER, is_staff=True))
    assert client.get(reverse("admin:intake_topic_changelist")).status_code == 403
