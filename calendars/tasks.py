import logging

from celery import shared_task
from django.utils import timezone

from .services import load_bank_holidays

logger = logging.getLogger(__name__)


@shared_task(name="calendars.tasks.load_bank_holidays_task")
def load_bank_holidays_task() -> int:
    """Keep the bank-holiday table filled from 2015 to three years ahead (monthly, from beat)."""
    added = load_bank_holidays(today=timezone.localdate())
    logger.info("Added %d bank holidays", added)
    return added
