"""Signing in and loading the signed-in user on every request."""

from functools import cache

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections

from accounts import access
from accounts.models import User


class UserBackend(ModelBackend):
    """Django's username and password check; the user of a session is loaded together with the
    names of their groups (roles) and the ids of their service areas, in one query on PostgreSQL.

    Every signed-in page asks for the role (navigation, home page, permission checks) and most ask
    for the areas; read fresh from the database on every request, so a change an admin makes to a
    user's roles or areas applies to their next request."""

    def get_user(self, user_id):
        db = User._default_manager.db
        if connections[db].vendor != "postgresql":
            return super().get_user(user_id)
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        # Raw SQL: the ORM takes longer to compile this query than PostgreSQL takes to run it.
        user = next(iter(User._default_manager.raw(user_with_access_sql(), [user_id])), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        access.remember(user, group_names=user.loaded_group_names, service_area_ids=user.loaded_service_area_ids)
        return user


@cache
def user_with_access_sql() -> str:
    """SELECT one user (by id) with ARRAYs of their group names and service area ids (by area name)."""
    qn = connections[User._default_manager.db].ops.quote_name
    groups = User._meta.get_field("groups")
    areas = User._meta.get_field("service_areas")
    group_model, area_model = groups.remote_field.model, areas.remote_field.model
    user_table, group_table, area_table = (qn(m._meta.db_table) for m in (User, group_model, area_model))
    user_groups, user_areas = qn(groups.m2m_db_table()), qn(areas.m2m_db_table())
    return (
        f"SELECT {user_table}.*, "
        f"ARRAY(SELECT g.{qn('name')} FROM {group_table} g JOIN {user_groups} ug"
        f" ON ug.{qn(groups.m2m_reverse_name())} = g.{qn('id')}"
        f" WHERE ug.{qn(groups.m2m_column_name())} = {user_table}.{qn('id')}) AS loaded_group_names, "
        f"ARRAY(SELECT a.{qn('id')} FROM {area_table} a JOIN {user_areas} ua"
        f" ON ua.{qn(areas.m2m_reverse_name())} = a.{qn('id')}"
        f" WHERE ua.{qn(areas.m2m_column_name())} = {user_table}.{qn('id')} ORDER BY a.{qn('name')})"
        f" AS loaded_service_area_ids "
        f"FROM {user_table} WHERE {user_table}.{qn('id')} = %s"
    )
