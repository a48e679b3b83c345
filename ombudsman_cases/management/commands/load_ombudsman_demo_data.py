"""Load demo LGSCO cases in every state, with the source case 20 008 832 (for `make run`). Safe to rerun.

Needs the demo users and service areas from `seed_demo`; bank holidays for the years the demo
covers are loaded if missing. Run after `load_demo_data`, so the source case is linked to the
source complaint (Ms B's complaint about the post-16 transfer).
"""

import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ombudsman_cases.demo import DemoSetupError, load_demo_data


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}.") from error


class Command(BaseCommand):
    help = "Load demo LGSCO cases in every state (deterministic with --seed). Adds nothing if already loaded."

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases", type=int, default=40, help="How many cases, the source case included (default 40)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument("--today", default=None, help="Pretend today is YYYY-MM-DD (default: today).")
        parser.add_argument("--allow-production", action="store_true", help="Load even when PRODUCTION is on.")

    def handle(self, *args, cases: int, seed: int, today, allow_production: bool, **options):
        if getattr(settings, "PRODUCTION", False) and not allow_production:
            raise CommandError("Refusing to load demo Ombudsman cases in production.")
        if cases < 1:
            raise CommandError("--cases must be at least 1.")
        today = iso_date(today) if today else timezone.localdate()
        started = time.monotonic()
        try:
            result = load_demo_data(cases=cases, seed=seed, today=today)
        except DemoSetupError as error:
            raise CommandError(str(error)) from error
        if not result.loaded:
            self.stdout.write(result.summary())
            return
        self.stdout.write(f"{result.summary()} Took {time.monotonic() - started:.1f}s.")
