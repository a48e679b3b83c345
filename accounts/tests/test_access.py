"""accounts.access: which role a user has, and the navigation that role gets.

visible_q needs a model with a service area, a restricted flag and named users, so the
complaint and Ombudsman case tests cover it; here only its anonymous case.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.access import (
    AccessPath,
    can_see_service_area,
    is_complaints_admin,
    is_manager,
    navigation_for,
    role_of,
    service_area_ids,
    visible_q,
)
from accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_anonymous_user_has_no_role():
    assert role_of(AnonymousUser()) is None
    assert role_of(None) is None


def test_user_in_no_role_group_has_no_role(make_user):
    assert role_of(make_user("nobody")) is None


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.MANAGER, Role.COMPLAINTS_ADMIN])
def test_user_in_one_role_group_has_that_role(make_user, role):
    assert role_of(make_user("someone", role)) == role


@pytest.mark.parametrize(
    "roles, expected",
    [
        ([Role.CASEWORKER, Role.MANAGER], Role.MANAGER),
        ([Role.MANAGER, Role.COMPLAINTS_ADMIN], Role.COMPLAINTS_ADMIN),
        ([Role.CASEWORKER, Role.COMPLAINTS_ADMIN], Role.COMPLAINTS_ADMIN),
        ([Role.CASEWORKER, Role.MANAGER, Role.COMPLAINTS_ADMIN], Role.COMPLAINTS_ADMIN),
    ],
)
def test_the_widest_of_several_roles_wins(make_user, roles, expected):
    user = make_user("several", roles[0])
    for role in roles[1:]:
        user.groups.add(make_user(f"other-{role}", role).groups.get())
    user = User.objects.get(pk=user.pk)
    assert role_of(user) == expected


def test_superuser_counts_as_complaints_admin_without_a_group(make_user):
    assert role_of(make_user("root", is_superuser=True)) == Role.COMPLAINTS_ADMIN


def test_an_unrelated_group_gives_no_role(make_user):
    from django.contrib.auth.models import Group

    user = make_user("grouped")
    user.groups.add(Group.objects.create(name="Book club"))
    assert role_of(user) is None


def test_role_is_cached_on_the_user_object(make_user, django_assert_num_queries):
    user = make_user("cached", Role.MANAGER)
    role_of(user)
    with django_assert_num_queries(0):
        assert role_of(user) == Role.MANAGER


@pytest.mark.parametrize(
    "role, manager, admin",
    [
        (None, False, False),
        (Role.CASEWORKER, False, False),
        (Role.MANAGER, True, False),
        (Role.COMPLAINTS_ADMIN, True, True),
    ],
)
def test_managers_and_admins_may_do_what_a_manager_may(make_user, role, manager, admin):
    user = make_user("person", role)
    assert is_manager(user) is manager
    assert is_complaints_admin(user) is admin


def test_service_areas_decide_which_areas_a_caseworker_can_see(make_user):
    user = make_user("casey", Role.CASEWORKER, service_areas=["Housing", "Highways"])
    other = make_user("sam", Role.CASEWORKER, service_areas=["Planning"])
    housing = user.service_areas.get(name="Housing")
    planning = other.service_areas.get()
    assert set(service_area_ids(user)) == set(user.service_areas.values_list("id", flat=True))
    assert can_see_service_area(user, housing.id)
    assert not can_see_service_area(user, planning.id)


def test_complaints_admin_can_see_every_service_area(make_user):
    admin = make_user("alex", Role.COMPLAINTS_ADMIN)
    planning = make_user("sam", Role.CASEWORKER, service_areas=["Planning"]).service_areas.get()
    assert can_see_service_area(admin, planning.id)


def test_anonymous_user_sees_no_rows():
    q = visible_q(AnonymousUser(), User, AccessPath())
    assert not User.objects.filter(q).exists()


def test_anonymous_user_gets_no_navigation():
    assert navigation_for(AnonymousUser(), "/") == []


def test_user_without_a_role_gets_no_navigation(make_user):
    assert navigation_for(make_user("nobody"), "/") == []


@pytest.mark.parametrize(
    "role, home_text",
    [(Role.CASEWORKER, "My work"), (Role.MANAGER, "Overdue and due soon"), (Role.COMPLAINTS_ADMIN, "Rules and users")],
)
def test_navigation_starts_with_the_role_home_page_and_ends_with_change_password(make_user, role, home_text):
    items = navigation_for(make_user("person", role), "/")
    assert items[0] == {"text": home_text, "href": "/", "active": True}
    assert items[-1]["text"] == "Change password"
    assert [item for item in items if item["active"]] == [items[0]]


def test_navigation_marks_the_section_the_user_is_in(make_user):
    items = navigation_for(make_user("person", Role.CASEWORKER), "/accounts/password/")
    active = [item["text"] for item in items if item["active"]]
    assert active == ["Change password"]
