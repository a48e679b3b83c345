from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError

from calendars import rules
from calendars.models import WorkingDayCalendar
from calendars.selectors import DEFAULT_CALENDAR_SLUG, non_working_days, years_without_bank_holidays


def parse_date(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise CommandError(f"Not a date: {value!r} (use YYYY-MM-DD, e.g. 2023-01-09).", returncode=2) from None


class Command(BaseCommand):
    help = (
        "Date arithmetic on a working-day calendar (DOMAIN.md 4.3). Prints the ISO date, or a count "
        "for --between. With no option it prints the effective receipt date (--add 0). Exits with "
        "status 2 on a bad date or calendar, or if the bank holidays for the years involved are not "
        "loaded (run load_bank_holidays first)."
    )

    def add_arguments(self, parser):
        parser.add_argument("date", help="Start date, YYYY-MM-DD (day 0).")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--add", type=int, metavar="N", help="N working days after DATE (default 0).")
        mode.add_argument("--months", type=int, metavar="N", help="The corresponding date N months later.")
        mode.add_argument(
            "--months-beginning-with", type=int, metavar="N", help="Last day of N months beginning with DATE."
        )
        mode.add_argument("--between", metavar="DATE", help="Working days after DATE up to and including this.")
        parser.add_argument("--calendar", default=DEFAULT_CALENDAR_SLUG, metavar="SLUG")

    def handle(self, *args, **options):
        start = parse_date(options["date"])
        try:
            calendar = WorkingDayCalendar.objects.get(slug=options["calendar"])
        except WorkingDayCalendar.DoesNotExist:
            known = ", ".join(WorkingDayCalendar.objects.values_list("slug", flat=True))
            raise CommandError(f"No calendar {options['calendar']!r} (known: {known}).", returncode=2) from None
        try:
            if options["months"] is not None:
                result = rules.add_calendar_months(start, options["months"])
            elif options["months_beginning_with"] is not None:
                result = rules.end_of_months_beginning_with(start, options["months_beginning_with"])
            elif options["between"] is not None:
                return str(self.between(calendar, start, parse_date(options["between"])))
            else:
                return self.add(calendar, start, options["add"] or 0).isoformat()
        except ValueError as error:
            raise CommandError(str(error), returncode=2) from None
        if not rules.is_working_day(result, non_working_days(calendar=calendar, start=result, end=result)):
            # Flag it rather than move it: statutory periods are not extended (DOMAIN.md 4.3(4)).
            self.stderr.write(f"Note: {result.isoformat()} is not a working day.")
        return result.isoformat()

    def add(self, calendar: WorkingDayCalendar, start: date, n: int) -> date:
        # n working days never span more than 2n calendar days plus a year of holidays.
        holidays = non_working_days(calendar=calendar, start=start, end=rules.add_calendar_days(start, 2 * n + 366))
        result = rules.add_working_days(start, n, holidays)
        self.require_bank_holidays(calendar, start, result)
        return result

    def between(self, calendar: WorkingDayCalendar, start: date, end: date) -> int:
        self.require_bank_holidays(calendar, min(start, end), max(start, end))
        holidays = non_working_days(calendar=calendar, start=min(start, end), end=max(start, end))
        return rules.working_days_between(start, end, holidays)

    def require_bank_holidays(self, calendar: WorkingDayCalendar, first: date, last: date) -> None:
        missing = years_without_bank_holidays(calendar=calendar, years=range(first.year, last.year + 1))
        if missing:
            years = ", ".join(map(str, missing))
            raise CommandError(
                f"No bank holidays loaded for {years}: run `manage.py load_bank_holidays` first.",
                returncode=2,
            )
