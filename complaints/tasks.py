"""Celery tasks for complaints: thin, they call one service and log a count."""

import logging

from celery import shared_task
from django.utils import timezone

from complaints import retention

log = logging.getLogger(__name__)


@shared_task(name="complaints.tasks.apply_retention_task")
def apply_retention_task():
    result = retention.apply_retention(today=timezone.localdate())
    log.info("Retention: anonymised %s complaints and %s cases", len(result.complaints), len(result.cases))
    return {"complaints": len(result.complaints), "cases": len(result.cases)}
