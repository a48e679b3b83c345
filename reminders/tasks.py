"""Celery tasks: thin, take ids, idempotent (the database guards every send)."""

import datetime as dt
import logging
import smtplib

from celery import shared_task
from django.utils import timezone

from reminders import services

log = logging.getLogger(__name__)
MAIL_ERRORS = (smtplib.SMTPException, OSError, ConnectionError)


@shared_task(name="reminders.tasks.reminders_sweep_task")
def reminders_sweep_task(today: str | None = None, send_now: bool = False):
    """Record what has become due; after the digest hour on a working day, queue the digests.

    Digests left unsent (pending, or claimed by a worker that died) are queued again, so a
    crash or a missed run is caught up by the next sweep."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    result = services.run(today=day, send_now=send_now)
    for digest_id in result["digests"]:
        send_digest_task.delay(digest_id)
    services.record_task_run(name="reminders_sweep")
    log.info("Sweep: %s reminders recorded, %s digests queued", result["recorded"], len(result["digests"]))
    return {"recorded": result["recorded"], "digests": len(result["digests"])}


@shared_task(bind=True, name="reminders.tasks.send_digest_task", acks_late=True, max_retries=5)
def send_digest_task(self, digest_id: int) -> str:
    """Send one digest; mail errors retry with backoff and, once the retries run out, are logged as failed."""
    try:
        return services.send_digest(digest_id=digest_id)
    except MAIL_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            services.mark_failed(digest_id=digest_id, error=f"Gave up after {self.max_retries} retries: {exc}")
            return "failed"
        raise self.retry(exc=exc, countdown=min(600, 30 * 2**self.request.retries)) from exc
