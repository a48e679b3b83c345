"""Writes for service accounts and their tokens (the admin calls these)."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import ROLE_GROUP_NAMES, Role, User
from api.models import ApiToken, ServiceAccount

TOKEN_PREFIX_BYTES = 6  # 12 hex characters: enough to find the row, never enough to use it


def hash_secret(secret: str) -> str:
    """Tokens are long random strings, so a plain SHA-256 is the right hash (no salt or stretching needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def service_account_save(
    *,
    by,
    username: str,
    display_name: str,
    role: str,
    service_areas,
    description: str = "",
    is_active: bool = True,
    account: ServiceAccount | None = None,
) -> ServiceAccount:
    """Create or change a service account: a user with one role, its service areas and no password."""
    if account is None:
        user = User(username=username)
        user.set_unusable_password()
    else:
        user = account.user
        user.username = username
    user.first_name = display_name[:150]
    user.is_active = is_active
    user.is_staff = False
    user.is_superuser = False
    user.full_clean(exclude=["password"])
    user.save()
    role_groups = Group.objects.filter(name__in=ROLE_GROUP_NAMES.values())
    user.groups.remove(*role_groups)
    user.groups.add(Group.objects.get_or_create(name=ROLE_GROUP_NAMES[Role(role)])[0])
    user.service_areas.set(service_areas)
    if account is None:
        account = ServiceAccount.objects.create(user=user, description=description, created_by=by)
    else:
        account.description = description
        account.save(update_fields=["description"])
    return account


@transaction.atomic
def token_issue(*, by, account: ServiceAccount, name: str) -> tuple[ApiToken, str]:
    """A new token; the returned string is the only time the whole token exists outside the caller."""
    prefix = secrets.token_hex(TOKEN_PREFIX_BYTES)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        service_account=account,
        name=name.strip() or "API token",
        prefix=prefix,
        key_hash=hash_secret(secret),
        created_by=by,
    )
    return token, f"{prefix}.{secret}"


def token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(raw: str):
    """The user a token stands for, or None: unknown, wrong, revoked, or its account switched off."""
    prefix, _, secret = raw.partition(".")
    if not prefix or not secret or len(prefix) > 16:
        return None
    token = (
        ApiToken.objects.select_related("service_account__user").filter(prefix=prefix, revoked_at__isnull=True).first()
    )
    if token is None or not secrets.compare_digest(token.key_hash, hash_secret(secret)):
        return None
    user = token.service_account.user
    if not user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        # At most one write per token every five minutes, not one per request.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user
