"""Cache invalidation only (no domain flow): a changed holiday, closure day or calendar clears the
cached non-working days in every process, via the shared version key."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from calendars.models import BankHoliday, ClosureDay, WorkingDayCalendar
from calendars.selectors import invalidate


@receiver([post_save, post_delete], sender=BankHoliday)
@receiver([post_save, post_delete], sender=ClosureDay)
@receiver([post_save, post_delete], sender=WorkingDayCalendar)
def forget_cached_days(sender, **kwargs):
    invalidate()
