"""Users, roles, service areas and teams: who may see and do what.

Roles are Django groups (created by a data migration) so that complaints admins can manage
membership in the admin; `accounts.access` is the one place that turns role, service area and
assignment into what a user may see.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    CASEWORKER = "caseworker", "Caseworker"
    MANAGER = "manager", "Manager"
    COMPLAINTS_ADMIN = "complaints_admin", "Complaints admin"


# The Django group that carries each role. Names are what admins see in the admin.
ROLE_GROUP_NAMES = {
    Role.CASEWORKER: "Caseworker",
    Role.MANAGER: "Manager",
    Role.COMPLAINTS_ADMIN: "Complaints admin",
}
# When a user holds several roles, the widest decides their home page and what they see.
ROLE_PRECEDENCE = [Role.COMPLAINTS_ADMIN, Role.MANAGER, Role.CASEWORKER]


class ServiceArea(models.Model):
    """A directorate or service (e.g. "Children's Services – SEND") that owns complaints."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    mailbox = models.EmailField(blank=True, help_text="Team mailbox used for escalated reminders.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team inside a service area (e.g. "SEN 16-25")."""

    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=120)

    history = HistoricalRecords()

    class Meta:
        ordering = ["service_area__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service_area", "name"], name="team_unique_name_per_service_area")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.service_area})"


class User(AbstractUser):
    """A member of council staff who signs in to the tracker."""

    job_title = models.CharField(max_length=120, blank=True)
    service_areas = models.ManyToManyField(
        ServiceArea,
        blank=True,
        related_name="members",
        help_text="The service areas whose complaints and cases this person works on or manages.",
    )
    teams = models.ManyToManyField(Team, blank=True, related_name="members")
    manager = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text="Told when this person's deadlines pass.",
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class AccessLog(models.Model):
    """Who opened a restricted record, and when. Written on every opening; never edited."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    record_type = models.CharField(max_length=30)
    record_id = models.PositiveBigIntegerField()
    reference = models.CharField(max_length=30)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["record_type", "record_id", "-at"], name="accesslog_record_at")]

    def __str__(self) -> str:
        return f"{self.user} opened {self.reference} at {self.at:%d %b %Y %H:%M}"
