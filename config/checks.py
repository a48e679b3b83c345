"""System checks for settings that would make deadlines or reminders silently wrong."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def celery_time_zone_matches_django(app_configs, **kwargs):
    """Beat's 07:00 digest and Django's "today" must agree on the clock they read."""
    celery_tz = getattr(settings, "CELERY_TIMEZONE", None)
    if celery_tz != settings.TIME_ZONE:
        return [
            Error(
                f"CELERY_TIMEZONE ({celery_tz!r}) differs from TIME_ZONE ({settings.TIME_ZONE!r}).",
                hint="Set both to the council's time zone, normally Europe/London.",
                id="config.E001",
            )
        ]
    return []
