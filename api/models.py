"""Service accounts and their API tokens.

A service account is a `User` like any member of staff (role groups and service areas decide
what it may see and do, through `accounts.access`), with no usable password, so it never signs
in to the pages. Its tokens are stored as SHA-256 hashes: the full token is shown once, when it
is created, and a revoked token stays listed (who made it, when, last used) but opens nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class ServiceAccount(models.Model):
    """Another system (e.g. the council's web form) that uses the API as the user it is linked to."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_account")
    description = models.TextField(blank=True, help_text="Which system uses this account, and who looks after it.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return self.user.username


class ApiToken(models.Model):
    """One bearer token of a service account: `<prefix>.<secret>`; only the prefix and a hash are kept."""

    service_account = models.ForeignKey(ServiceAccount, on_delete=models.PROTECT, related_name="tokens")
    name = models.CharField(max_length=100, help_text="What this token is for, e.g. 'web form, production'.")
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, help_text="A revoked token opens nothing.")

    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=~Q(key_hash=""), name="api_token_has_hash")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
