"""Service accounts and their tokens: made by admins, shown once, stored hashed, revocable."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import Role, ServiceArea
from api.models import ApiToken, ServiceAccount
from api.services import hash_secret, service_account_save, token_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def housing(db):
    return ServiceArea.objects.get_or_create(name="Housing", defaults={"slug": "housing"})[0]


@pytest.fixture
def account(housing):
    return service_account_save(
        by=None, username="svc-webform", display_name="Web form", role=Role.CASEWORKER, service_areas=[housing]
    )


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_token_is_stored_as_a_hash_and_its_secret_nowhere(account):
    token, raw = token_issue(by=None, account=account, name="web form")
    prefix, secret = raw.split(".")
    assert token.prefix == prefix and token.key_hash == hash_secret(secret)
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert not [v for v in row.values() if isinstance(v, str) and secret in v]


def test_a_service_account_has_a_role_and_areas_but_cannot_sign_in_to_the_pages(account, client, housing):
    user = account.user
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == ["Caseworker"]
    assert list(user.service_areas.all()) == [housing]
    response = client.post(reverse("accounts:sign_in"), {"username": "svc-webform", "password": ""})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer a b", "Bearer nodot", "Bearer abc.def", "Token abc.def", "Bearer \u00e9\u00e9.x"],
)
def test_no_token_or_a_wrong_one_is_401(header, account, client):
    token_issue(by=None, account=account, name="real one")
    headers = {"HTTP_AUTHORIZATION": header.encode("utf-8").decode("latin-1")} if header else {}
    response = client.get(reverse("api:complaints"), **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["status"] == 401


def test_the_right_prefix_with_another_secret_is_401(account, client):
    token, raw = token_issue(by=None, account=account, name="x")
    assert client.get(reverse("api:complaints"), **bearer(raw)).status_code == 200
    assert client.get(reverse("api:complaints"), **bearer(f"{token.prefix}.guessed")).status_code == 401


def test_a_switched_off_account_is_401_and_an_account_without_a_role_is_403(account, client, housing):
    _, raw = token_issue(by=None, account=account, name="x")
    account.user.groups.clear()
    response = client.get(reverse("api:complaints"), **bearer(raw))
    assert response.status_code == 403 and "no role" in response.json()["detail"]
    account.user.is_active = False
    account.user.save()
    assert client.get(reverse("api:complaints"), **bearer(raw)).status_code == 401


def test_using_a_token_notes_when_but_not_on_every_request(account, client):
    token, raw = token_issue(by=None, account=account, name="x")
    client.get(reverse("api:service_areas"), **bearer(raw))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get(reverse("api:service_areas"), **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at == first


def test_an_admin_makes_a_service_account_and_a_token_in_the_admin_and_sees_it_once(admin_client, housing):
    response = admin_client.post(
        reverse("admin:api_serviceaccount_add"),
        {
            "username": "svc-crm",
            "display_name": "CRM",
            "role": "manager",
            "service_areas": [housing.pk],
            "is_active": "on",
            "description": "The CRM",
            "tokens-TOTAL_FORMS": "0",
            "tokens-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    account = ServiceAccount.objects.get(user__username="svc-crm")
    assert account.user.groups.get().name == "Manager"

    response = admin_client.post(
        reverse("admin:api_apitoken_add"), {"service_account": account.pk, "name": "CRM live"}, follow=True
    )
    shown = re.search(r"The token is ([0-9a-f]{12}\.[\w-]+)", response.content.decode())
    assert shown, "the new token is not shown"
    raw = shown.group(1)
    token = ApiToken.objects.get(service_account=account)
    assert token.key_hash == hash_secret(raw.split(".")[1])
    page = admin_client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert raw.split(".")[1] not in page, "the token is shown again"

    admin_client.post(reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.history.count() == 2  # made, revoked
