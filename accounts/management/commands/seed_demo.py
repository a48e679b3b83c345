"""Demo service areas, teams and users for `make run`. Safe to rerun: nothing is made twice.

Then loads demo complaints with `load_demo_data` when that command exists, and prints the
demo users' usernames and passwords.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from accounts.management.commands.grant_role_permissions import grant_role_permissions
from accounts.models import ROLE_GROUP_NAMES, Role, ServiceArea, Team, User

DEMO_PASSWORD = "demo-password-2026"

SEND = "Children's Services – SEND"
CHILDRENS_SOCIAL_CARE = "Children's Social Care"
ADULT_SOCIAL_CARE = "Adult Social Care"
HOUSING = "Housing"

# Service area -> its teams.
SERVICE_AREAS = {
    SEND: ["SEN 0-16", "SEN 16-25"],
    CHILDRENS_SOCIAL_CARE: ["Children in Care", "Safeguarding and Assessment"],
    ADULT_SOCIAL_CARE: ["Adult Assessment", "Care and Support at Home"],
    HOUSING: ["Housing Options", "Repairs and Tenancy"],
    "Highways": ["Highways Maintenance", "Street Lighting"],
    "Waste and Recycling": ["Collections", "Household Recycling Centres"],
    "Council Tax and Benefits": ["Council Tax", "Housing Benefit"],
    "Planning": ["Development Management", "Planning Enforcement"],
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    job_title: str
    service_areas: tuple[str, ...] = ()
    teams: tuple[tuple[str, str], ...] = ()  # (service area, team)
    manager: str = ""
    is_staff: bool = False

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}@example.gov.uk".lower()


# Managers first, so reports can point at them.
DEMO_USERS = [
    DemoUser(
        "manager",
        "Morgan",
        "Manager",
        Role.MANAGER,
        "Complaints manager",
        service_areas=(SEND, CHILDRENS_SOCIAL_CARE, ADULT_SOCIAL_CARE),
    ),
    DemoUser(
        "caseworker",
        "Casey",
        "Worker",
        Role.CASEWORKER,
        "Complaints caseworker",
        service_areas=(SEND, CHILDRENS_SOCIAL_CARE),
        teams=((SEND, "SEN 16-25"),),
        manager="manager",
    ),
    DemoUser(
        "caseworker2",
        "Sam",
        "Patel",
        Role.CASEWORKER,
        "Complaints caseworker",
        service_areas=(ADULT_SOCIAL_CARE, HOUSING),
        teams=((ADULT_SOCIAL_CARE, "Adult Assessment"),),
    ),
    DemoUser("admin", "Alex", "Admin", Role.COMPLAINTS_ADMIN, "Complaints team lead", is_staff=True),
]


def seed_service_areas() -> dict[str, ServiceArea]:
    areas = {}
    for name, team_names in SERVICE_AREAS.items():
        slug = slugify(name)
        area, _ = ServiceArea.objects.get_or_create(
            name=name, defaults={"slug": slug, "mailbox": f"{slug}-complaints@example.gov.uk"}
        )
        for team_name in team_names:
            Team.objects.get_or_create(service_area=area, name=team_name)
        areas[name] = area
    return areas


def seed_user(spec: DemoUser, *, password: str, areas: dict[str, ServiceArea]) -> tuple[User, bool]:
    """Create or refresh one demo user; the password is reset so the printed table is true."""
    user, created = User.objects.get_or_create(username=spec.username)
    user.first_name, user.last_name, user.email = spec.first_name, spec.last_name, spec.email
    user.job_title = spec.job_title
    user.is_staff, user.is_superuser, user.is_active = spec.is_staff, False, True
    user.manager = User.objects.get(username=spec.manager) if spec.manager else None
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get_or_create(name=ROLE_GROUP_NAMES[spec.role])[0]])
    user.service_areas.set([areas[name] for name in spec.service_areas])
    user.teams.set([Team.objects.get(service_area=areas[a], name=t) for a, t in spec.teams])
    return user, created


class Command(BaseCommand):
    help = "Create the demo service areas, teams and users (and demo data if available). Safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=DEMO_PASSWORD, help=f"Password for every demo user (default {DEMO_PASSWORD})."
        )
        parser.add_argument("--no-demo-data", action="store_true", help="Skip load_demo_data even if it exists.")
        parser.add_argument("--allow-production", action="store_true", help="Seed even when PRODUCTION is on.")

    def handle(self, *args, password: str, no_demo_data: bool, allow_production: bool, **options):
        if getattr(settings, "PRODUCTION", False) and not allow_production:
            raise CommandError("Refusing to create demo users with a known password in production.")
        for spec in DEMO_USERS:
            try:
                validate_password(
                    password,
                    User(
                        username=spec.username, first_name=spec.first_name, last_name=spec.last_name, email=spec.email
                    ),
                )
            except ValidationError as error:
                raise CommandError(f"--password is not allowed: {' '.join(error.messages)}") from error

        with transaction.atomic():
            grant_role_permissions()
            areas = seed_service_areas()
            created = [spec.username for spec in DEMO_USERS if seed_user(spec, password=password, areas=areas)[1]]
        self.stdout.write(
            f"Demo service areas: {len(areas)}. Demo users created: {', '.join(created) or 'none (already there)'}."
        )
        self._unlock_demo_users()

        if not no_demo_data and "load_demo_data" in get_commands():
            call_command("load_demo_data", stdout=self.stdout, stderr=self.stderr)
            call_command("load_ombudsman_demo_data", stdout=self.stdout, stderr=self.stderr)
            call_command("load_reports_demo_data", stdout=self.stdout, stderr=self.stderr)
            call_command("load_intake_demo_data", stdout=self.stdout, stderr=self.stderr)

        self._print_table(password)

    def _unlock_demo_users(self):
        # A demo user locked out by django-axes during an earlier run can sign in again.
        from axes.utils import reset

        for spec in DEMO_USERS:
            reset(username=spec.username)

    def _print_table(self, password: str):
        rows = [("Username", "Password", "Name", "Role", "Service areas")]
        for spec in DEMO_USERS:
            rows.append(
                (
                    spec.username,
                    password,
                    f"{spec.first_name} {spec.last_name}",
                    spec.role.label,
                    ", ".join(spec.service_areas) or "all",
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo users (sign in at http://127.0.0.1:8000/accounts/sign-in/):"))
        for n, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
            if n == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        self.stdout.write("")
