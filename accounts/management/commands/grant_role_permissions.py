"""Give each role group the admin permissions it needs. Safe to rerun (run after `migrate`).

Permissions are created by Django after migrations, so a data migration cannot rely on them on
a fresh database; this command runs once they exist.
"""

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q

from accounts.models import ROLE_GROUP_NAMES, Role

# Complaints admins keep the rules, calendars and users in the admin: add, change and view,
# never delete (records are kept, not removed).
ADMIN_APPS = [
    "accounts",
    "complaints",
    "calendars",
    "ombudsman_cases",
    "intake",
    "api",
]  # api: service accounts, tokens
ADMIN_ACTIONS = ["add", "change", "view"]
# Extra permissions by "app_label.codename": see the role groups on the user page, and unlock a
# locked-out colleague (django-axes unlocks by deleting the access attempt).
ADMIN_EXTRA = ["auth.view_group", "axes.view_accessattempt", "axes.delete_accessattempt", "axes.view_accesslog"]


def complaints_admin_permissions():
    by_app = Q(content_type__app_label__in=ADMIN_APPS)
    actions = Q()
    for action in ADMIN_ACTIONS:
        actions |= Q(codename__startswith=f"{action}_")
    perms = Permission.objects.filter(by_app & actions)
    # History rows (django-simple-history) are read-only evidence.
    perms = perms.exclude(Q(codename__startswith="add_historical") | Q(codename__startswith="change_historical"))
    extra = Q(pk__in=[])
    for dotted in ADMIN_EXTRA:
        app_label, codename = dotted.split(".")
        extra |= Q(content_type__app_label=app_label, codename=codename)
    return list(perms) + list(Permission.objects.filter(extra))


@transaction.atomic
def grant_role_permissions() -> int:
    """Add missing permissions to the role groups; returns how many were added."""
    groups = {role: Group.objects.get_or_create(name=name)[0] for role, name in ROLE_GROUP_NAMES.items()}
    group = groups[Role.COMPLAINTS_ADMIN]
    have = set(group.permissions.values_list("pk", flat=True))
    missing = [p for p in complaints_admin_permissions() if p.pk not in have]
    group.permissions.add(*missing)
    return len(missing)


class Command(BaseCommand):
    help = "Create the role groups if missing and give complaints admins their admin permissions. Safe to rerun."

    def handle(self, *args, **options):
        added = grant_role_permissions()
        self.stdout.write(f"Role permissions: {added} added.")
