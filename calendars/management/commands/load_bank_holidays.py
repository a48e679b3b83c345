from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from calendars.services import FIRST_YEAR, YEARS_AHEAD, load_bank_holidays


class Command(BaseCommand):
    help = "Add bank holidays for England and Wales, Scotland and Northern Ireland. Safe to rerun."

    def add_arguments(self, parser):
        this_year = timezone.localdate().year
        parser.add_argument("--from-year", type=int, default=FIRST_YEAR)
        parser.add_argument("--to-year", type=int, default=this_year + YEARS_AHEAD)

    def handle(self, *args, from_year: int, to_year: int, **options):
        if from_year > to_year:
            raise CommandError(f"--from-year {from_year} is after --to-year {to_year}.", returncode=2)
        added = load_bank_holidays(years=range(from_year, to_year + 1))
        self.stdout.write(f"Added {added} bank holidays for {from_year} to {to_year}.")
