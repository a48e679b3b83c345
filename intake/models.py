"""The online complaint form: the plain-language topics residents choose from, what the form adds
to the complaint it logs, and the files a resident uploads before sending the form.

A complaint sent online is logged through `complaints.services.complaint_register` like any
other; these rows hold only what is particular to the form.
"""

from __future__ import annotations

import uuid

from django.db import models
from simple_history.models import HistoricalRecords

from accounts.models import ServiceArea
from complaints.models import Complaint, Procedure


class Topic(models.Model):
    """A choice on the form's "What is your complaint about?" page, in the resident's words.

    Complaints admins map each topic to the service area and procedure its complaints are logged
    under; a topic no longer offered is made inactive, never deleted (complaints point at it)."""

    label = models.CharField(max_length=120, unique=True, help_text='What residents see, e.g. "Bins and recycling".')
    hint = models.CharField(max_length=250, blank=True, help_text="Shown under the label, e.g. examples.")
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="intake_topics")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="intake_topics")
    position = models.PositiveSmallIntegerField(default=0, help_text="Topics are listed by position, then label.")
    is_active = models.BooleanField(default=True, help_text="Offered on the form.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


class Consent(models.TextChoices):
    AGREED = "agreed", "Yes, they have agreed"
    AUTHORITY = "authority", "I have legal authority to act for them"
    NOT_YET = "not_yet", "No, not yet"


class OnlineSubmission(models.Model):
    """What the online form adds to the complaint it logged: the topic, consent to act for someone
    else, and when the resident's receipt email was sent (claimed once, so it is sent once)."""

    complaint = models.OneToOneField(Complaint, on_delete=models.PROTECT, related_name="online_submission")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="submissions")
    for_someone_else = models.BooleanField(default=False)
    consent = models.CharField(max_length=20, choices=Consent.choices, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(for_someone_else=False, consent="")
                | models.Q(for_someone_else=True) & ~models.Q(consent=""),
                name="submission_consent_only_for_someone_else",
            )
        ]

    def __str__(self) -> str:
        return f"Online submission of {self.complaint_id}"


def pending_path(instance, filename):
    # Random stored names: the original name is kept in the row, never on disk.
    return f"intake/{instance.draft}/{uuid.uuid4().hex}"


class PendingAttachment(models.Model):
    """A file uploaded on the form before it was sent. Sending the form makes it a document of the
    complaint; a draft never sent loses its files after a day (`attachments_purge`)."""

    draft = models.UUIDField(db_index=True)
    file = models.FileField(upload_to=pending_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
