import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from calendars.models import BankHoliday, CalendarDivisions, ClosureDay, Division, WorkingDayCalendar
from calendars.selectors import (
    default_calendar,
    non_working_days,
    non_working_days_around,
    years_without_bank_holidays,
)
from calendars.services import default_years, load_bank_holidays
from calendars.tasks import load_bank_holidays_task

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def holiday_dates(division: str, year: int) -> set[date]:
    return set(BankHoliday.objects.filter(division=division, date__year=year).values_list("date", flat=True))


def run_command(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("working_days", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_loading_bank_holidays_twice_adds_nothing_the_second_time():
    added = load_bank_holidays(years=[2022])
    assert added == BankHoliday.objects.count() > 0
    assert BankHoliday.history.filter(history_type="+").count() == added
    assert load_bank_holidays(years=[2022]) == 0
    assert BankHoliday.objects.count() == added


def test_england_has_easter_monday_and_late_august_but_not_st_patricks_day():
    load_bank_holidays(years=[2022])
    england = holiday_dates(Division.ENGLAND_AND_WALES, 2022)
    assert len(england) == 12  # DOMAIN.md 4.4: 12 entries for subdiv="ENG" in 2022
    assert {date(2022, 4, 18), date(2022, 8, 29), date(2022, 9, 19)} <= england
    assert date(2022, 3, 17) not in england
    assert date(2022, 3, 17) in holiday_dates(Division.NORTHERN_IRELAND, 2022)


def test_scotland_has_st_andrews_day_and_not_easter_monday():
    load_bank_holidays(years=[2026])
    scotland = holiday_dates(Division.SCOTLAND, 2026)
    assert date(2026, 11, 30) in scotland
    assert date(2026, 4, 6) not in scotland
    assert date(2026, 11, 30) not in holiday_dates(Division.ENGLAND_AND_WALES, 2026)


def test_a_bank_holiday_added_by_hand_is_kept_when_loading():
    BankHoliday.objects.create(
        division=Division.ENGLAND_AND_WALES, date=date(2022, 4, 18), title="Easter Monday (by hand)"
    )
    load_bank_holidays(years=[2022])
    kept = BankHoliday.objects.get(division=Division.ENGLAND_AND_WALES, date=date(2022, 4, 18))
    assert (kept.title, kept.source) == ("Easter Monday (by hand)", BankHoliday.Source.MANUAL)


def test_default_years_run_from_2015_to_three_years_ahead():
    assert default_years(today=date(2026, 11, 28)) == range(2015, 2030)
    with pytest.raises(ValueError):
        load_bank_holidays()


def test_the_task_loads_the_default_years():
    added = load_bank_holidays_task.delay().get()
    assert added == BankHoliday.objects.count()
    assert years_without_bank_holidays(calendar=default_calendar(), years=range(2015, 2028)) == []


def test_the_data_migration_creates_the_two_england_calendars():
    assert default_calendar().slug == "england"
    flags = dict(WorkingDayCalendar.objects.values_list("slug", "counts_closure_days"))
    assert flags == {"england": False, "england-closures": True}


def test_closure_days_are_non_working_only_for_the_calendar_that_counts_them():
    load_bank_holidays(years=[2022])
    ClosureDay.objects.create(date=date(2022, 12, 29), title="Privilege day")
    christmas = {date(2022, 12, 25), date(2022, 12, 26), date(2022, 12, 27)}
    window = {"start": date(2022, 12, 1), "end": date(2022, 12, 31)}
    plain = WorkingDayCalendar.objects.get(slug="england")
    with_closures = WorkingDayCalendar.objects.get(slug="england-closures")
    assert non_working_days(calendar=plain, **window) == christmas
    assert non_working_days(calendar=with_closures, **window) == christmas | {date(2022, 12, 29)}


def test_an_all_uk_calendar_counts_every_nations_bank_holidays():
    load_bank_holidays(years=[2022])
    foia = WorkingDayCalendar.objects.create(name="FOIA", slug="foia", divisions=CalendarDivisions.ALL_UK)
    days = non_working_days(calendar=foia, start=date(2022, 1, 1), end=date(2022, 12, 31))
    assert {date(2022, 3, 17), date(2022, 7, 12), date(2022, 11, 30), date(2022, 4, 18)} <= days


def test_non_working_days_around_a_day_cover_the_year_before_to_two_years_after():
    load_bank_holidays(years=range(2021, 2027))
    days = non_working_days_around(calendar=default_calendar(), day=date(2023, 6, 1))
    assert min(days) == date(2022, 1, 1)
    assert max(days) == date(2025, 12, 26)


def test_years_without_bank_holidays_lists_years_not_loaded():
    load_bank_holidays(years=[2022])
    assert years_without_bank_holidays(calendar=default_calendar(), years=[2021, 2022, 2023]) == [2021, 2023]


def test_load_bank_holidays_command_reports_how_many_were_added():
    out = StringIO()
    call_command("load_bank_holidays", "--from-year", "2022", "--to-year", "2023", stdout=out)
    assert out.getvalue().startswith(f"Added {BankHoliday.objects.count()} bank holidays")
    out = StringIO()
    call_command("load_bank_holidays", "--from-year", "2022", "--to-year", "2023", stdout=out)
    assert out.getvalue() == "Added 0 bank holidays for 2022 to 2023.\n"


def test_working_days_command_adds_working_days_over_christmas():
    load_bank_holidays(years=[2022, 2023])
    assert run_command("2022-12-21", "--add", "10") == ("2023-01-09\n", "")


def test_working_days_command_counts_closure_days_for_the_closures_calendar():
    load_bank_holidays(years=[2022, 2023])
    ClosureDay.objects.create(date=date(2022, 12, 29), title="Privilege day")
    out, _ = run_command("2022-12-21", "--add", "10", "--calendar", "england-closures")
    assert out == "2023-01-10\n"


@pytest.mark.parametrize(
    "args, expected",
    [
        (["2022-12-24"], "2022-12-28\n"),  # no option: the effective day 0
        (["2022-12-21", "--between", "2023-01-09"], "10\n"),
        (["2023-01-09", "--between", "2022-12-21"], "-10\n"),
        (["2022-02-04", "--months", "3"], "2022-05-04\n"),
        (["2022-02-04", "--months-beginning-with", "3"], "2022-05-03\n"),
        (["2022-01-31", "--months", "1"], "2022-02-28\n"),
    ],
)
def test_working_days_command_prints_one_line(args, expected):
    load_bank_holidays(years=[2022, 2023])
    assert run_command(*args) == (expected, "")


def test_working_days_command_flags_a_month_deadline_on_a_bank_holiday_without_moving_it():
    load_bank_holidays(years=[2022])
    out, err = run_command("2022-03-18", "--months", "1")
    assert out == "2022-04-18\n"
    assert err == "Note: 2022-04-18 is not a working day.\n"


@pytest.mark.parametrize(
    "args, message",
    [
        (["2023-02-30"], "Not a date: '2023-02-30'"),
        (["tomorrow"], "Not a date: 'tomorrow'"),
        (["2022-12-21", "--between", "2022-13-01"], "Not a date: '2022-13-01'"),
        (["2022-12-21", "--calendar", "narnia"], "No calendar 'narnia'"),
        (["2022-12-21", "--add", "-1"], "negative"),
        (["2022-12-21", "--months-beginning-with", "0"], "at least one month"),
        (["2022-12-21", "--add", "10"], "No bank holidays loaded for 2022, 2023"),
    ],
)
def test_working_days_command_refuses_bad_input_with_status_2(args, message):
    with pytest.raises(CommandError) as caught:
        run_command(*args)
    assert caught.value.returncode == 2
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_working_days_command_line_exits_2_with_one_line_for_an_impossible_date():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "working_days", "2023-02-30", "--skip-checks"],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "CommandError: Not a date: '2023-02-30' (use YYYY-MM-DD, e.g. 2023-01-09)."
    ]
