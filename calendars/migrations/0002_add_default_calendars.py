"""The two working-day calendars every installation starts with (DOMAIN.md 4.1)."""

from django.db import migrations

CALENDARS = [
    {
        "slug": "england",
        "name": "England and Wales bank holidays",
        "divisions": "england-and-wales",
        "counts_closure_days": False,
        "description": "Monday to Friday except England and Wales bank holidays. The default.",
    },
    {
        "slug": "england-closures",
        "name": "England and Wales bank holidays and council closure days",
        "divisions": "england-and-wales",
        "counts_closure_days": True,
        "description": "As the default, and council closure days do not count either.",
    },
]


def add_calendars(apps, schema_editor):
    WorkingDayCalendar = apps.get_model("calendars", "WorkingDayCalendar")
    for fields in CALENDARS:
        WorkingDayCalendar.objects.update_or_create(slug=fields["slug"], defaults=fields)


def remove_calendars(apps, schema_editor):
    WorkingDayCalendar = apps.get_model("calendars", "WorkingDayCalendar")
    WorkingDayCalendar.objects.filter(slug__in=[fields["slug"] for fields in CALENDARS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("calendars", "0001_add_bank_holidays_closures_and_calendars"),
    ]

    operations = [migrations.RunPython(add_calendars, remove_calendars)]
