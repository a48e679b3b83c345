"""Anonymise complaints and Ombudsman cases closed more than RETENTION_YEARS ago (not on legal hold)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from complaints import retention


class Command(BaseCommand):
    help = "Remove personal details from complaints and cases past the retention period. Statistics stay correct."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be anonymised; change nothing.")
        parser.add_argument("--today", help="Run as if today were YYYY-MM-DD.")

    def handle(self, *args, dry_run=False, today=None, **options):
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Not a date: {today!r} (use YYYY-MM-DD).", returncode=2) from exc
        result = retention.apply_retention(today=day, dry_run=dry_run)
        verb = "Would anonymise" if dry_run else "Anonymised"
        for reference in result.complaints + result.cases:
            self.stdout.write(f"{verb} {reference}")
        self.stdout.write(
            f"{verb} {len(result.complaints)} complaints and {len(result.cases)} Ombudsman cases "
            f"closed before {retention.cutoff(day):%d %B %Y}."
        )
