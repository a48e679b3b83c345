"""Writes for accounts: the access log of restricted records."""

from accounts.models import AccessLog


def record_access(*, user, record, record_type: str, path: str = "") -> None:
    """Log an opening of a restricted record (complaint or Ombudsman case); others are not logged."""
    if getattr(record, "is_restricted", False):
        AccessLog.objects.create(
            user=user, record_type=record_type, record_id=record.pk, reference=str(record)[:30], path=path[:300]
        )
