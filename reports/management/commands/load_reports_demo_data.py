"""Load the demo learning register and the LGSCO's published figures (for `make run`). Safe to rerun.

Run after `load_demo_data` and `load_ombudsman_demo_data`: learning items come from their upheld
complaints and decisions, and the published figures from their Ombudsman decisions.
"""

import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.demo import DemoSetupError, load_demo_data


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}.") from error


class Command(BaseCommand):
    help = "Load a demo learning register and the LGSCO's published figures. Adds nothing if already loaded."

    def add_arguments(self, parser):
        parser.add_argument("--complaints", type=int, default=8, help="Learning items from complaints (default 8).")
        parser.add_argument("--cases", type=int, default=3, help="Learning items from Ombudsman cases (default 3).")
        parser.add_argument("--today", default=None, help="Pretend today is YYYY-MM-DD (default: today).")
        parser.add_argument("--allow-production", action="store_true", help="Load even when PRODUCTION is on.")

    def handle(self, *args, complaints: int, cases: int, today, allow_production: bool, **options):
        if getattr(settings, "PRODUCTION", False) and not allow_production:
            raise CommandError("Refusing to load demo reports data in production.")
        today = iso_date(today) if today else timezone.localdate()
        started = time.monotonic()
        try:
            result = load_demo_data(today=today, complaints=complaints, cases=cases)
        except DemoSetupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{result.summary()} Took {time.monotonic() - started:.1f}s.")
