"""Writes for the online form: files uploaded before sending, sending the form, picking a complaint
up from the intake queue, and the resident's receipt email.

A complaint sent online is logged by `complaints.services.complaint_register` and picked up by
`complaints.services.stage_reassign`, so its deadlines, obligations, reminders and timeline are
exactly those of a complaint logged by staff. The online form itself is the "user" who logs it
and handles it until someone picks it up (`online_form_user`).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.access import role_of
from accounts.models import User
from complaints import services as complaint_services
from complaints.documents import check_upload
from complaints.models import Channel, Complaint, ComplaintStage, ComplaintStatus
from intake.journey import Draft
from intake.models import OnlineSubmission, PendingAttachment, Topic

log = logging.getLogger(__name__)

ONLINE_FORM_USERNAME = "online-complaint-form"
MAX_ATTACHMENTS = 5
# A draft not sent within this time loses its uploaded files.
DRAFT_FILES_KEPT = dt.timedelta(days=1)


def online_form_user() -> User:
    """The account that logs and holds online complaints until someone picks them up.

    It cannot sign in (inactive, no usable password) and has no role, so it never appears in a
    list of staff. Its email is the complaints team's mailbox, so a reminder about an online
    complaint nobody has picked up goes to the team."""
    user, created = User.objects.get_or_create(
        username=ONLINE_FORM_USERNAME,
        defaults={
            "first_name": "Online",
            "last_name": "complaint form",
            "email": settings.COMPLAINTS_TEAM_EMAIL,
            "is_active": False,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def is_unassigned(complaint: Complaint) -> bool:
    return complaint.handler.username == ONLINE_FORM_USERNAME


# --- before sending: uploaded files --------------------------------------------------------------


@transaction.atomic
def attachment_add(*, draft_id, uploaded_file) -> PendingAttachment:
    """Keep a file for a draft after checking its type by content and its size (as every upload)."""
    attachments_purge(now=timezone.now())
    if PendingAttachment.objects.filter(draft=draft_id).count() >= MAX_ATTACHMENTS:
        raise ValidationError({"file": f"You can upload up to {MAX_ATTACHMENTS} files"})
    content_type = check_upload(uploaded_file)
    attachment = PendingAttachment(
        draft=draft_id,
        original_name=uploaded_file.name[:255],
        content_type=content_type,
        size=uploaded_file.size,
    )
    attachment.file.save("upload", uploaded_file, save=False)
    attachment.save()
    return attachment


def attachment_remove(*, draft_id, attachment_id: int) -> bool:
    """Remove one of this draft's files (another draft's file is left alone)."""
    attachment = PendingAttachment.objects.filter(draft=draft_id, pk=attachment_id).first()
    if attachment is None:
        return False
    _delete(attachment)
    return True


def attachments_purge(*, now: dt.datetime) -> int:
    """Delete the files of drafts never sent, a day after they were uploaded."""
    stale = list(PendingAttachment.objects.filter(uploaded_at__lt=now - DRAFT_FILES_KEPT))
    for attachment in stale:
        _delete(attachment)
    return len(stale)


def _delete(attachment: PendingAttachment) -> None:
    name, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- sending the form ----------------------------------------------------------------------------


@transaction.atomic
def online_complaint_submit(*, draft: Draft, today: dt.date) -> Complaint:
    """Log the complaint at Stage 1 of the procedure its topic is mapped to, received today,
    unassigned (held by the online form), with the resident's files as its documents; then send
    the resident a receipt. Sending the same draft twice logs one complaint."""
    answers = draft.answers
    topic = Topic.objects.select_related("procedure", "service_area").filter(pk=answers.get("topic")).first()
    if topic is None or not topic.is_active:
        raise ValidationError({"topic": "Select what your complaint is about"})
    form_user = online_form_user()
    someone_else = draft.for_someone_else()
    method = answers.get("preferred_contact", "")
    complaint = complaint_services.complaint_register(
        by=form_user,
        today=today,
        procedure=topic.procedure,
        service_area=topic.service_area,
        channel=Channel.WEB_FORM,
        received_on=today,
        complainant_name=answers.get("full_name", ""),
        summary=answers.get("what_happened", ""),
        handler=form_user,
        submission_token=draft.id,
        complainant_email=answers.get("email", ""),
        complainant_phone=answers.get("phone", ""),
        complainant_address=answers.get("address", ""),
        preferred_contact=method,
        affected_person_name=answers.get("affected_name", "") if someone_else else "",
        affected_person_relationship=answers.get("affected_relationship", "") if someone_else else "",
        reasonable_adjustments=draft.adjustments(),
        outcome_wanted=answers.get("outcome_wanted", ""),
    )
    if OnlineSubmission.objects.filter(complaint=complaint).exists():
        return complaint  # sent twice: the first one stands
    for attachment in PendingAttachment.objects.filter(draft=draft.id):
        with attachment.file.open("rb") as stored:
            complaint_services.document_upload(
                by=form_user,
                complaint=complaint,
                uploaded_file=File(stored, name=attachment.original_name),
                description=f"Sent with the online form: {attachment.original_name}",
            )
        _delete(attachment)
    submission = OnlineSubmission.objects.create(
        complaint=complaint,
        topic=topic,
        for_someone_else=someone_else,
        consent=answers.get("consent", "") if someone_else else "",
    )
    if complaint.complainant_email:
        from intake.tasks import send_receipt_task

        send_receipt_task.delay_on_commit(submission.pk)
    log.info("Online complaint %s logged (topic %s)", complaint.reference, topic.pk)
    return complaint


def send_receipt(*, submission_id: int) -> bool:
    """Email the resident their reference, once: the row is claimed by a conditional UPDATE, and
    released again if the mail server refuses, so a retry sends it."""
    claimed = OnlineSubmission.objects.filter(pk=submission_id, receipt_sent_at__isnull=True).update(
        receipt_sent_at=timezone.now()
    )
    if not claimed:
        return False
    submission = OnlineSubmission.objects.select_related("complaint", "topic").get(pk=submission_id)
    complaint = submission.complaint
    stage = complaint.stages.get(number=1)
    context = {
        "complaint": complaint,
        "stage": stage,
        "topic": submission.topic,
        "council_name": settings.COUNCIL_NAME,
        "team_email": settings.COMPLAINTS_TEAM_EMAIL,
    }
    message = EmailMessage(
        subject=f"We have received your complaint – reference {complaint.reference}",
        body=render_to_string("emails/intake_receipt.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[complaint.complainant_email],
        reply_to=[settings.COMPLAINTS_TEAM_EMAIL],
    )
    try:
        message.send()
    except Exception:
        OnlineSubmission.objects.filter(pk=submission_id).update(receipt_sent_at=None)
        raise
    return True


# --- staff: the intake queue ---------------------------------------------------------------------


@transaction.atomic
def online_complaint_pick_up(*, by, complaint: Complaint, expected_version: int | None = None) -> ComplaintStage:
    """Make `by` the handler of an online complaint nobody has picked up yet (recorded in the
    timeline as a reassignment from the online form). Refused once someone else has it."""
    if role_of(by) is None:
        raise PermissionDenied("Your account has no role yet. Ask a complaints admin.")
    locked = Complaint.objects.select_for_update().select_related("handler").get(pk=complaint.pk)
    if locked.status != ComplaintStatus.OPEN or not is_unassigned(locked):
        raise ValidationError(f"{locked.reference} has already been picked up by {locked.handler}")
    stage = locked.stages.order_by("-number").first()
    return complaint_services.stage_reassign(by=by, stage=stage, handler=by, expected_version=expected_version)
