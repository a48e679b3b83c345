"""intake.services: sending a draft, the receipt email, files of unsent drafts, the demo topics."""

from __future__ import annotations

import datetime as dt
import smtplib
import uuid
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from accounts.management.commands.seed_demo import SERVICE_AREAS, seed_service_areas
from complaints.models import Complaint
from intake import services
from intake.journey import Draft
from intake.models import OnlineSubmission, PendingAttachment, Topic
from intake.tests.conftest import ANSWERS

pytestmark = pytest.mark.django_db

ALL_ANSWERS = {k: v for page in ANSWERS.values() for k, v in page.items()}


def draft_for(topic, **answers) -> Draft:
    return Draft(id=uuid.uuid4(), answers={**ALL_ANSWERS, "topic": topic.pk, **answers}, done=[])


@pytest.mark.parametrize(
    ("received_on", "acknowledge_due"),
    [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 9)),  # Monday: five working days
        (dt.date(2026, 3, 7), dt.date(2026, 3, 16)),  # Saturday: received on the Monday (DOMAIN.md 4.3)
        (dt.date(2026, 4, 2), dt.date(2026, 4, 13)),  # before Easter: Good Friday and Easter Monday skipped
        (dt.date(2026, 12, 23), dt.date(2027, 1, 4)),  # Christmas and Boxing Day (moved to Monday 28th)
    ],
)
def test_the_stage_1_acknowledgement_is_due_by_the_procedures_rule_from_the_date_received(
    topics, received_on, acknowledge_due
):
    complaint = services.online_complaint_submit(draft=draft_for(topics["bins"]), today=received_on)
    stage = complaint.stages.get()
    assert (complaint.received_on, stage.received_on) == (received_on, received_on)
    assert stage.acknowledge_due == acknowledge_due


def test_sending_the_same_draft_twice_logs_one_complaint(topics, django_capture_on_commit_callbacks, mailoutbox):
    draft = draft_for(topics["bins"])
    with django_capture_on_commit_callbacks(execute=True):
        first = services.online_complaint_submit(draft=draft, today=dt.date(2026, 3, 2))
        second = services.online_complaint_submit(draft=draft, today=dt.date(2026, 3, 2))
    assert first == second
    assert Complaint.objects.count() == OnlineSubmission.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_topic_withdrawn_before_sending_is_refused(topics):
    topics["bins"].is_active = False
    topics["bins"].save()
    with pytest.raises(ValidationError):
        services.online_complaint_submit(draft=draft_for(topics["bins"]), today=dt.date(2026, 3, 2))
    assert not Complaint.objects.exists()


def test_the_receipt_is_sent_once_however_often_the_task_runs(topics, mailoutbox):
    complaint = services.online_complaint_submit(draft=draft_for(topics["bins"]), today=dt.date(2026, 3, 2))
    submission = complaint.online_submission
    assert services.send_receipt(submission_id=submission.pk) is True
    assert services.send_receipt(submission_id=submission.pk) is False
    assert len(mailoutbox) == 1
    assert "9 March 2026" in mailoutbox[0].body  # the acknowledgement deadline


def test_a_receipt_the_mail_server_refuses_is_sent_by_the_retry(topics, mailoutbox):
    complaint = services.online_complaint_submit(draft=draft_for(topics["bins"]), today=dt.date(2026, 3, 2))
    submission = complaint.online_submission
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPServerDisconnected()):
        with pytest.raises(smtplib.SMTPServerDisconnected):
            services.send_receipt(submission_id=submission.pk)
    submission.refresh_from_db()
    assert submission.receipt_sent_at is None
    assert services.send_receipt(submission_id=submission.pk) is True
    assert len(mailoutbox) == 1


def test_files_of_a_draft_never_sent_are_deleted_after_a_day(topics, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        old = services.attachment_add(draft_id=uuid.uuid4(), uploaded_file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"))
        new = services.attachment_add(draft_id=uuid.uuid4(), uploaded_file=SimpleUploadedFile("b.pdf", b"%PDF-1.4 b"))
        PendingAttachment.objects.filter(pk=old.pk).update(uploaded_at=timezone.now() - dt.timedelta(days=1, minutes=1))
        assert services.attachments_purge(now=timezone.now()) == 1
    assert list(PendingAttachment.objects.all()) == [new]
    assert not old.file.storage.exists(old.file.name) and new.file.storage.exists(new.file.name)


def test_only_staff_with_a_role_can_pick_up(topics, make_user):
    complaint = services.online_complaint_submit(draft=draft_for(topics["bins"]), today=dt.date(2026, 3, 2))
    with pytest.raises(PermissionDenied):
        services.online_complaint_pick_up(by=make_user("nobody"), complaint=complaint)


def test_the_demo_maps_topics_to_the_demo_service_areas_and_adds_nothing_twice(bank_holidays):
    seed_service_areas()
    call_command("load_intake_demo_data")
    counts = (Topic.objects.count(), Complaint.objects.count())
    call_command("load_intake_demo_data")
    assert (Topic.objects.count(), Complaint.objects.count()) == counts
    demo = Topic.objects.all()
    assert demo.count() == 8
    assert {t.service_area.name for t in demo} == set(SERVICE_AREAS)
    assert {t.procedure.slug for t in demo} == {"corporate", "housing", "children", "adults"}
    assert OnlineSubmission.objects.count() == 2
    assert all(c.handler.username == services.ONLINE_FORM_USERNAME for c in Complaint.objects.all())
