"""A reminder belongs to the due date it was counted from, so an extended deadline gets its own
ladder; a policy may have no lead times when it reminds people once the item is overdue."""

from django.db import migrations, models


def copy_due_dates(apps, schema_editor):
    Reminder = apps.get_model("reminders", "Reminder")
    Obligation = apps.get_model("reminders", "Obligation")
    Reminder.objects.update(
        due_on=models.Subquery(Obligation.objects.filter(pk=models.OuterRef("obligation_id")).values("due_on")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("reminders", "0005_add_learning_action_kind")]

    operations = [
        migrations.RemoveConstraint(model_name="reminder", name="reminder_once_per_milestone"),
        migrations.AddField(model_name="reminder", name="due_on", field=models.DateField(null=True)),
        migrations.RunPython(copy_due_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reminder",
            name="due_on",
            field=models.DateField(
                help_text="The due date the milestone was counted from (an extension starts a new ladder)."
            ),
        ),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.UniqueConstraint(
                fields=("recipient_key", "obligation", "milestone", "due_on"), name="reminder_once_per_milestone"
            ),
        ),
        migrations.AlterField(
            model_name="reminderpolicy",
            name="lead_days",
            field=models.CharField(
                blank=True,
                default="10, 5, 1, 0",
                help_text="Working days before the due date, longest first; 0 is the day.",
                max_length=60,
            ),
        ),
        migrations.AlterField(
            model_name="historicalreminderpolicy",
            name="lead_days",
            field=models.CharField(
                blank=True,
                default="10, 5, 1, 0",
                help_text="Working days before the due date, longest first; 0 is the day.",
                max_length=60,
            ),
        ),
    ]
