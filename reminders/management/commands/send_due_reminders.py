"""Run the reminder sweep and send the digests by hand (for operators and tests)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from reminders import services


class Command(BaseCommand):
    help = "Record the reminders due on a day and send that day's digests (what Celery beat does)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="The day to run for, YYYY-MM-DD (default: today).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be reminded; change and send nothing."
        )

    def handle(self, *args, today=None, dry_run=False, **options):
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Not a date: {today!r} (use YYYY-MM-DD).", returncode=2) from exc
        if dry_run:
            result = services.sweep(today=day, dry_run=True)
            for r in result.planned:
                self.stdout.write(
                    f"{r.fires_on} {r.milestone:<12} {r.address or r.recipient_key:<40} {r.obligation.title}"
                )
            self.stdout.write(
                f"Dry run for {day}: {len(result.planned)} reminders in force for {result.obligations} obligations."
            )
            return
        recorded = services.sweep(today=day).recorded
        with transaction.atomic():
            digest_ids = services.prepare_digests(today=day)
        outcomes, errors, queue = [], {}, list(digest_ids)
        while queue:
            batch, queue = queue[: services.SEND_BATCH], queue[services.SEND_BATCH :]
            result = services.send_digests(digest_ids=batch, today=day)
            queue += result.ids("released")
            outcomes += [what for what in result.outcomes.values() if what != "released"]
            errors.update(result.errors)
        self.stdout.write(
            f"{day}: {recorded} reminders recorded; digests sent {outcomes.count('sent')}, "
            f"skipped {outcomes.count('skipped')}, without an address {outcomes.count('no_address')}."
        )
        if errors:
            pk, exc = next(iter(errors.items()))
            raise CommandError(
                f"{len(errors)} digest(s) not sent and left pending for the next run, e.g. {pk}: {type(exc).__name__}: {exc}"
            )
