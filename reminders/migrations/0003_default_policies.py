"""One reminder policy per kind of obligation, with the defaults of issue 5."""

from django.db import migrations

KINDS = [
    "complaint_acknowledgement",
    "complaint_response",
    "complaint_action",
    "lgsco_enquiry_reply",
    "lgsco_draft_comments",
    "recommendation",
    "pir_notice",
    "pir_response",
]


def seed(apps, schema_editor):
    ReminderPolicy = apps.get_model("reminders", "ReminderPolicy")
    for kind in KINDS:
        # Acknowledgements have 3 to 5 working days in all: a 10-day lead time would fire on receipt.
        leads = "1, 0" if kind == "complaint_acknowledgement" else "10, 5, 1, 0"
        ReminderPolicy.objects.get_or_create(kind=kind, defaults={"lead_days": leads})


class Migration(migrations.Migration):
    dependencies = [("reminders", "0002_add_policies_digests_reminders")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
