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
    crash or a missed run is caught up by the next sweep. They go in batches of SEND_BATCH."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    result = services.run(today=day, send_now=send_now)
    ids = result["digests"]
    for start in range(0, len(ids), services.SEND_BATCH):
        send_digests_task.delay(ids[start : start + services.SEND_BATCH])
    services.record_task_run(name="reminders_sweep")
    log.info("Sweep: %s reminders recorded, %s digests queued", result["recorded"], len(ids))
    return {"recorded": result["recorded"], "digests": len(ids)}


def _retry_backoff(retries: int) -> int:
    return min(600, 30 * 2**retries)


@shared_task(bind=True, name="reminders.tasks.send_digests_task", acks_late=True, max_retries=5)
def send_digests_task(self, digest_ids: list[int]) -> dict:
    """Send a batch of digests. Those released before their claim could go stale are queued again;
    mail errors retry (those digests only) with backoff and, once the retries run out, are logged
    as failed. Any other error leaves its digest pending for the next sweep."""
    result = services.send_digests(digest_ids=digest_ids)
    if released := result.ids("released"):
        send_digests_task.delay(released)
    retry = {pk: exc for pk, exc in result.errors.items() if isinstance(exc, MAIL_ERRORS)}
    for pk, exc in result.errors.items():
        if pk not in retry:
            log.error("Digest %s not sent: %s: %s", pk, type(exc).__name__, exc, exc_info=exc)
    summary = {what: len(result.ids(what)) for what in sorted(set(result.outcomes.values()))}
    if retry:
        if self.request.retries >= self.max_retries:
            for pk, exc in retry.items():
                services.mark_failed(digest_id=pk, error=f"Gave up after {self.max_retries} retries: {exc}")
            return summary
        exc = next(iter(retry.values()))
        raise self.retry(args=[sorted(retry)], exc=exc, countdown=_retry_backoff(self.request.retries)) from exc
    return summary


@shared_task(bind=True, name="reminders.tasks.send_digest_task", acks_late=True, max_retries=5)
def send_digest_task(self, digest_id: int) -> str:
    """Send one digest; mail errors retry with backoff and, once the retries run out, are logged as failed."""
    try:
        return services.send_digest(digest_id=digest_id)
    except MAIL_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            services.mark_failed(digest_id=digest_id, error=f"Gave up after {self.max_retries} retries: {exc}")
            return "failed"
        raise self.retry(exc=exc, countdown=_retry_backoff(self.request.retries)) from exc
