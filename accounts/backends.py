"""Signing in and loading the signed-in user on every request."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connections
from django.db.models import OuterRef

from accounts import access
from accounts.models import ServiceArea, User


class UserBackend(ModelBackend):
    """Django's username and password check; the user of a session is loaded together with the
    names of their groups (roles) and the ids of their service areas, in one query on PostgreSQL.

    Every signed-in page asks for the role (navigation, home page, permission checks) and most ask
    for the areas; read fresh from the database on every request, so a change an admin makes to a
    user's roles or areas applies to their next request."""

    def get_user(self, user_id):
        users = User._default_manager.filter(pk=user_id)
        prefetched = connections[users.db].vendor == "postgresql"
        if prefetched:
            from django.contrib.postgres.expressions import ArraySubquery

            users = users.annotate(
                loaded_group_names=ArraySubquery(Group.objects.filter(user=OuterRef("pk")).values("name")),
                loaded_service_area_ids=ArraySubquery(ServiceArea.objects.filter(members=OuterRef("pk")).values("id")),
            )
        user = users.first()
        if user is None or not self.user_can_authenticate(user):
            return None
        if prefetched:
            access.remember(user, group_names=user.loaded_group_names, service_area_ids=user.loaded_service_area_ids)
        return user
