"""Demo topics for the online complaint form, and two online complaints in the intake queue.

Needs the demo service areas from `seed_demo` (which calls this command itself). Safe to rerun."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from intake.demo import load_intake_demo_data


class Command(BaseCommand):
    help = "Load the online form's demo topics and two online complaints. Adds nothing already there."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true", help="Load even when PRODUCTION is on.")

    def handle(self, *args, allow_production: bool, **options):
        if getattr(settings, "PRODUCTION", False) and not allow_production:
            raise CommandError("Refusing to load demo data in production.")
        topics, sent = load_intake_demo_data(today=timezone.localdate())
        self.stdout.write(f"Online form: {topics} demo topics added, {sent} demo online complaints sent.")
