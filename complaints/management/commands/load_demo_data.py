"""Load a few hundred demo complaints in every state (for `make run`). Safe to rerun.

Needs the demo users from `seed_demo` (which calls this command itself). Bank holidays for
the years the demo covers are loaded if missing.
"""

import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from complaints.demo import DemoSetupError, load_demo_data


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}.") from error


class Command(BaseCommand):
    help = "Load demo complaints in every state (deterministic with --seed). Adds nothing if already loaded."

    def add_arguments(self, parser):
        parser.add_argument("--complaints", type=int, default=300, help="How many complaints (default 300).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument("--today", default=None, help="Pretend today is YYYY-MM-DD (default: today).")
        parser.add_argument("--allow-production", action="store_true", help="Load even when PRODUCTION is on.")

    def handle(self, *args, complaints: int, seed: int, today, allow_production: bool, **options):
        if getattr(settings, "PRODUCTION", False) and not allow_production:
            raise CommandError("Refusing to load demo complaints in production.")
        if complaints < 1:
            raise CommandError("--complaints must be at least 1.")
        today = iso_date(today) if today else timezone.localdate()
        started = time.monotonic()
        try:
            result = load_demo_data(complaints=complaints, seed=seed, today=today)
        except DemoSetupError as error:
            raise CommandError(str(error)) from error
        if not result.loaded:
            self.stdout.write("Demo data already loaded")
            return
        self.stdout.write(f"{result.summary()} Took {time.monotonic() - started:.1f}s.")
