"""seed_demo: the demo users and service areas for make run, safe to run twice."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.admin import site as admin_site
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.access import role_of
from accounts.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS, SERVICE_AREAS
from accounts.models import Role, ServiceArea, Team, User

pytestmark = pytest.mark.django_db

EXPECTED = {
    "caseworker": ("Casey Worker", Role.CASEWORKER, {"Children's Services – SEND", "Children's Social Care"}),
    "caseworker2": ("Sam Patel", Role.CASEWORKER, {"Adult Social Care", "Housing"}),
    "manager": (
        "Morgan Manager",
        Role.MANAGER,
        {"Children's Services – SEND", "Children's Social Care", "Adult Social Care"},
    ),
    "admin": ("Alex Admin", Role.COMPLAINTS_ADMIN, set()),
}


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", "--no-demo-data", *args, stdout=out)
    return out.getvalue()


def test_running_seed_demo_twice_creates_everything_once():
    seed()
    counts = (User.objects.count(), ServiceArea.objects.count(), Team.objects.count(), Group.objects.count())
    seed()
    assert (User.objects.count(), ServiceArea.objects.count(), Team.objects.count(), Group.objects.count()) == counts
    assert sorted(User.objects.values_list("username", flat=True)) == sorted(EXPECTED)
    assert ServiceArea.objects.count() == len(SERVICE_AREAS) == 8
    assert all(area.teams.count() >= 2 for area in ServiceArea.objects.all())


def test_demo_users_have_their_role_group_and_service_areas():
    seed()
    seed()
    for username, (name, role, areas) in EXPECTED.items():
        user = User.objects.get(username=username)
        assert user.get_full_name() == name
        assert list(user.groups.values_list("name", flat=True)) == [role.label]
        assert role_of(user) == role
        assert set(user.service_areas.values_list("name", flat=True)) == areas
        assert user.email.endswith("@example.gov.uk")
        assert user.check_password(DEMO_PASSWORD)
        assert not user.is_superuser


def test_manager_is_caseworkers_manager():
    seed()
    assert User.objects.get(username="caseworker").manager == User.objects.get(username="manager")


def test_admin_can_use_the_admin_site_but_is_not_a_superuser_and_cannot_delete():
    seed()
    seed()
    admin = User.objects.get(username="admin")
    assert admin.is_staff and not admin.is_superuser
    for app_label in ("accounts", "calendars", "complaints"):
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.model_name.startswith("historical"):
                continue
            for action in ("add", "change", "view"):
                assert admin.has_perm(f"{app_label}.{action}_{model._meta.model_name}")
    assert not admin.has_perm("accounts.delete_user")
    assert not any(
        p.split(".")[1].startswith("delete_") for p in admin.get_all_permissions() if not p.startswith("axes.")
    )
    for name in ("caseworker", "caseworker2", "manager"):
        assert not User.objects.get(username=name).is_staff


def test_admin_can_open_every_admin_list_of_the_domain_apps(client):
    seed()
    client.force_login(User.objects.get(username="admin"))
    assert client.get("/admin/").status_code == 200
    for model in admin_site._registry:
        if model._meta.app_label in ("accounts", "calendars", "complaints"):
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            assert client.get(url).status_code == 200, url


def test_seed_demo_prints_each_demo_user_and_the_password():
    out = seed()
    for spec in DEMO_USERS:
        assert spec.username in out
    assert DEMO_PASSWORD in out


def test_password_option_overrides_the_demo_password():
    out = seed("--password", "another-demo-pass-77")
    assert "another-demo-pass-77" in out
    assert User.objects.get(username="manager").check_password("another-demo-pass-77")


def test_a_password_the_validators_refuse_is_an_error():
    with pytest.raises(CommandError, match="too short"):
        seed("--password", "short")
    assert not User.objects.exists()


def test_seed_demo_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        seed()
    assert not User.objects.exists()
