"""The default public-interest-report clocks (LGA 1974 s30(4)-(5), s31(2); DOMAIN.md §3)."""

import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    ReportRule = apps.get_model("ombudsman_cases", "ReportRule")
    ReportRule.objects.get_or_create(
        effective_from=dt.date(2000, 1, 1),
        defaults={
            "notice_within_weeks": 2,
            "inspection_start_within_weeks": 1,
            "inspection_weeks": 3,
            "response_within_months": 3,
            "source": "LGA 1974 s30(4)-(5) (2 weeks in the current text; 1 week as enacted: DOMAIN.md §3) and s31(2)",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("ombudsman_cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
