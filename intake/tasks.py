"""Celery tasks for the online form: thin, take ids, idempotent (the row is claimed before sending)."""

import logging
import smtplib

from celery import shared_task

from intake import services

log = logging.getLogger(__name__)
MAIL_ERRORS = (smtplib.SMTPException, OSError, ConnectionError)


@shared_task(bind=True, name="intake.tasks.send_receipt_task", acks_late=True, max_retries=5)
def send_receipt_task(self, submission_id: int) -> bool:
    """Send the resident's receipt; a mail error retries with backoff (the claim was released)."""
    try:
        sent = services.send_receipt(submission_id=submission_id)
    except MAIL_ERRORS as exc:
        raise self.retry(exc=exc, countdown=min(600, 30 * 2**self.request.retries)) from exc
    log.info("Online complaint receipt for submission %s: %s", submission_id, "sent" if sent else "already sent")
    return sent
