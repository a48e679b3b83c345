"""A new kind of obligation, a learning-register action (issue 6), and its default reminder policy.

The policy has the issue 5 defaults every other kind has (10, 5 and 1 working days before and on
the day; weekly once overdue; the manager from the first overdue day; escalation after 5).
"""

from django.db import migrations, models


def add_policy(apps, schema_editor):
    ReminderPolicy = apps.get_model("reminders", "ReminderPolicy")
    ReminderPolicy.objects.get_or_create(kind="learning_action", defaults={"lead_days": "10, 5, 1, 0"})


def remove_policy(apps, schema_editor):
    ReminderPolicy = apps.get_model("reminders", "ReminderPolicy")
    ReminderPolicy.objects.filter(kind="learning_action").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('reminders', '0004_add_task_run'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalreminderpolicy',
            name='kind',
            field=models.CharField(choices=[('complaint_acknowledgement', 'Acknowledge a complaint'), ('complaint_response', 'Respond to a complaint'), ('complaint_action', 'Action promised in a complaint response'), ('lgsco_enquiry_reply', 'Reply to LGSCO enquiries'), ('lgsco_draft_comments', 'Comments on the LGSCO draft decision'), ('recommendation', 'LGSCO recommendation'), ('pir_notice', 'Public notice of a public interest report'), ('pir_response', 'Tell the Ombudsman what the council has done'), ('learning_action', 'Service improvement from the learning register')], db_index=True, max_length=40),
        ),
        migrations.AlterField(
            model_name='obligation',
            name='kind',
            field=models.CharField(choices=[('complaint_acknowledgement', 'Acknowledge a complaint'), ('complaint_response', 'Respond to a complaint'), ('complaint_action', 'Action promised in a complaint response'), ('lgsco_enquiry_reply', 'Reply to LGSCO enquiries'), ('lgsco_draft_comments', 'Comments on the LGSCO draft decision'), ('recommendation', 'LGSCO recommendation'), ('pir_notice', 'Public notice of a public interest report'), ('pir_response', 'Tell the Ombudsman what the council has done'), ('learning_action', 'Service improvement from the learning register')], max_length=40),
        ),
        migrations.AlterField(
            model_name='reminderpolicy',
            name='kind',
            field=models.CharField(choices=[('complaint_acknowledgement', 'Acknowledge a complaint'), ('complaint_response', 'Respond to a complaint'), ('complaint_action', 'Action promised in a complaint response'), ('lgsco_enquiry_reply', 'Reply to LGSCO enquiries'), ('lgsco_draft_comments', 'Comments on the LGSCO draft decision'), ('recommendation', 'LGSCO recommendation'), ('pir_notice', 'Public notice of a public interest report'), ('pir_response', 'Tell the Ombudsman what the council has done'), ('learning_action', 'Service improvement from the learning register')], max_length=40, unique=True),
        ),
        migrations.RunPython(add_policy, remove_policy),
    ]
