"""reminders.services, tasks (eager), the policy rules and the send_due_reminders command.

Real database with England's bank holidays loaded. The reference day is Mon 30 Nov 2026; an
item due that day is lead-10 on Mon 16 Nov, lead-5 on Mon 23 Nov, lead-1 on Fri 27 Nov, due on
Mon 30 Nov, overdue-1 (and the manager) on Tue 1 Dec, escalated on Mon 7 Dec, overdue-2 on
Tue 8 Dec and overdue-3 on Tue 15 Dec (see test_rules.py for the counting).
"""

from __future__ import annotations

import datetime as dt
import email
import smtplib
import threading
from hashlib import sha256

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from reminders import services
from reminders.mail import IdempotentFileBackend
from reminders.models import (
    Digest,
    DigestStatus,
    EscalateTo,
    Obligation,
    ObligationKind,
    Reminder,
    ReminderPolicy,
    parse_lead_days,
)
from reminders.tasks import reminders_sweep_task, send_digest_task
from reminders.tests.conftest import TODAY, make_obligation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays")]

D = dt.date
NOV_16, NOV_23, NOV_27 = D(2026, 11, 16), D(2026, 11, 23), D(2026, 11, 27)
DEC_1, DEC_7, DEC_8, DEC_14, DEC_15 = D(2026, 12, 1), D(2026, 12, 7), D(2026, 12, 8), D(2026, 12, 14), D(2026, 12, 15)


class BrokenGatewayBackend(BaseEmailBackend):
    """A mail gateway that is down: every send raises an SMTP error."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("421 gateway unavailable")


BROKEN_BACKEND = f"{__name__}.BrokenGatewayBackend"


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so send_digest's error handling never sees it."""


class KilledAfterGatewayBackend(IdempotentFileBackend):
    """The gateway takes the message, then the worker dies before the database is told."""

    def send_messages(self, email_messages):
        super().send_messages(email_messages)
        raise WorkerKilled


def reminders_of(user=None, *, key: str | None = None) -> set[tuple[str, str]]:
    rows = Reminder.objects.filter(recipient_key=key or f"user:{user.pk}")
    return {(r.obligation.title, r.milestone) for r in rows.select_related("obligation")}


def sweep_and_prepare(today: dt.date) -> list[int]:
    services.sweep(today=today)
    with transaction.atomic():
        return services.prepare_digests(today=today)


def digest_for(user, day: dt.date = TODAY) -> Digest:
    return Digest.objects.get(recipient_key=f"user:{user.pk}", day=day)


def text_and_html(message) -> tuple[str, str]:
    html = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    return message.body, html[0] if html else ""


# --- the sweep -----------------------------------------------------------------------------------


def test_sweeping_twice_on_the_same_day_records_each_reminder_once(people):
    owen, mona = people["owen"], people["mona"]
    due_today = make_obligation(owner=owen, due_on=TODAY, title="due today")
    due_tomorrow = make_obligation(owner=owen, due_on=DEC_1, title="due tomorrow")
    overdue = make_obligation(owner=owen, due_on=NOV_27, title="due last Friday")

    first = services.sweep(today=TODAY)
    second = services.sweep(today=TODAY)

    assert (first.recorded, second.recorded) == (4, 0)
    assert reminders_of(owen) == {
        (due_today.title, "due"),
        (due_tomorrow.title, "lead-1"),
        (overdue.title, "overdue-1"),
    }
    assert reminders_of(mona) == {(overdue.title, "manager")}
    assert Reminder.objects.count() == 4


def test_the_database_refuses_a_second_reminder_for_the_same_milestone(people):
    obligation = make_obligation(owner=people["owen"], due_on=TODAY)
    services.sweep(today=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            obligation=obligation,
            recipient_key=f"user:{people['owen'].pk}",
            recipient=people["owen"],
            milestone="due",
            fires_on=TODAY,
            created_on=TODAY,
        )


def test_sweeping_every_day_records_each_milestone_of_the_ladder_once_on_its_day(people):
    owen, mona = people["owen"], people["mona"]
    obligation = make_obligation(owner=owen, due_on=TODAY)
    day = D(2026, 11, 10)
    while day <= DEC_15:
        services.sweep(today=day)
        day += dt.timedelta(days=1)

    rows = Reminder.objects.filter(obligation=obligation).order_by("fires_on", "id")
    assert [(r.recipient_key, r.milestone, r.fires_on, r.created_on) for r in rows] == [
        (f"user:{owen.pk}", "lead-10", NOV_16, NOV_16),
        (f"user:{owen.pk}", "lead-5", NOV_23, NOV_23),
        (f"user:{owen.pk}", "lead-1", NOV_27, NOV_27),
        (f"user:{owen.pk}", "due", TODAY, TODAY),
        (f"user:{owen.pk}", "overdue-1", DEC_1, DEC_1),
        (f"user:{mona.pk}", "manager", DEC_1, DEC_1),
        ("mailbox:housing-complaints@example.gov.uk", "escalation", DEC_7, DEC_7),
        (f"user:{owen.pk}", "overdue-2", DEC_8, DEC_8),
        (f"user:{owen.pk}", "overdue-3", DEC_15, DEC_15),
    ]


def test_a_sweep_that_missed_days_records_only_the_milestones_in_force_today(people):
    owen, mona = people["owen"], people["mona"]
    obligation = make_obligation(owner=owen, due_on=TODAY)
    services.sweep(today=NOV_16)  # then nothing ran until 15 December

    result = services.sweep(today=DEC_15)

    assert result.recorded == 3
    assert reminders_of(owen) == {(obligation.title, "lead-10"), (obligation.title, "overdue-3")}
    assert reminders_of(mona) == {(obligation.title, "manager")}
    assert reminders_of(key="mailbox:housing-complaints@example.gov.uk") == {(obligation.title, "escalation")}


def test_done_obligations_get_no_reminders(people):
    owen = people["owen"]
    done_early = make_obligation(owner=owen, due_on=TODAY, done_on=NOV_23)
    done_late = make_obligation(owner=owen, due_on=NOV_16, done_on=DEC_1)
    for day in (NOV_16, TODAY, DEC_7, DEC_15):
        services.sweep(today=day)
    assert not Reminder.objects.filter(obligation__in=[done_early, done_late]).exists()


def test_reminders_stop_once_the_obligation_is_done(people):
    owen = people["owen"]
    obligation = make_obligation(owner=owen, due_on=TODAY, key="test:stops")
    services.sweep(today=NOV_16)
    make_obligation(owner=owen, due_on=TODAY, key="test:stops", title=obligation.title, done_on=NOV_23)
    for day in (NOV_23, NOV_27, TODAY, DEC_1, DEC_15):
        services.sweep(today=day)
    assert list(Reminder.objects.filter(obligation=obligation).values_list("milestone", flat=True)) == ["lead-10"]


def test_a_reassigned_obligation_reminds_the_new_owner_and_not_the_old_one(people):
    owen, cara = people["owen"], people["cara"]
    obligation = make_obligation(owner=owen, due_on=TODAY, key="test:reassigned")
    services.sweep(today=NOV_16)
    make_obligation(owner=cara, due_on=TODAY, key="test:reassigned", title=obligation.title)

    services.sweep(today=NOV_23)

    assert reminders_of(cara) == {(obligation.title, "lead-5")}
    assert reminders_of(owen) == {(obligation.title, "lead-10")}


def test_an_extended_due_date_moves_the_ladder(people):
    owen = people["owen"]
    obligation = make_obligation(owner=owen, due_on=TODAY, key="test:extended")
    services.sweep(today=NOV_16)  # lead-10 of the original date
    make_obligation(owner=owen, due_on=DEC_14, key="test:extended", title=obligation.title)

    services.sweep(today=NOV_23)  # would have been lead-5 of 30 Nov; nothing for 14 Dec yet
    assert reminders_of(owen) == {(obligation.title, "lead-10")}
    services.sweep(today=DEC_7)  # lead-5 of 14 Dec
    assert Reminder.objects.get(obligation=obligation, milestone="lead-5").fires_on == DEC_7
    services.sweep(today=DEC_15)  # overdue from the new date, not the old one
    assert Reminder.objects.get(obligation=obligation, milestone="overdue-1").fires_on == DEC_15


def test_an_obligation_extended_on_its_due_date_is_reminded_again_on_the_new_due_date(people):
    owen = people["owen"]
    obligation = make_obligation(owner=owen, due_on=TODAY, key="test:extended-late")
    services.sweep(today=TODAY)  # "due" for 30 Nov
    make_obligation(owner=owen, due_on=DEC_14, key="test:extended-late", title=obligation.title)

    services.sweep(today=DEC_14)

    due_reminders = Reminder.objects.filter(obligation=obligation, milestone="due")
    assert sorted(r.fires_on for r in due_reminders) == [TODAY, DEC_14], (
        "the owner is not told on the new due date, 14 Dec, that the extended item is due"
    )


def test_a_missed_extended_deadline_is_escalated_to_the_manager_again(people):
    owen, mona = people["owen"], people["mona"]
    obligation = make_obligation(owner=owen, due_on=TODAY, key="test:extended-missed")
    services.sweep(today=DEC_1)  # overdue-1 and the manager for 30 Nov
    make_obligation(owner=owen, due_on=DEC_14, key="test:extended-missed", title=obligation.title)

    services.sweep(today=DEC_15)  # the extended date was missed too

    assert Reminder.objects.filter(obligation=obligation, recipient=mona).count() == 2


def test_the_manager_milestone_goes_to_the_owners_manager(people):
    owen, mona, lena = people["owen"], people["mona"], people["lena"]
    obligation = make_obligation(owner=owen, due_on=TODAY)
    unmanaged = make_obligation(owner=lena, due_on=TODAY)  # lena has no manager
    services.sweep(today=DEC_1)

    manager = Reminder.objects.get(milestone="manager")
    assert (manager.obligation, manager.recipient, manager.address) == (obligation, mona, mona.email)
    assert list(Reminder.objects.filter(obligation=unmanaged).values_list("milestone", flat=True)) == ["overdue-1"]


@pytest.fixture
def lgsco_case(people):
    from ombudsman_cases.tests.factories import open_case

    return open_case(by=people["lena"], link_officer=people["lena"], today=D(2026, 10, 1))


def escalation_of(obligation) -> Reminder:
    return Reminder.objects.get(obligation=obligation, milestone="escalation")


def test_an_ombudsman_item_escalates_to_the_cases_link_officer(people, lgsco_case):
    lena = people["lena"]
    obligation = make_obligation(
        owner=people["owen"], due_on=TODAY, kind=ObligationKind.RECOMMENDATION, ombudsman_case=lgsco_case
    )
    services.sweep(today=DEC_7)
    reminder = escalation_of(obligation)
    assert (reminder.recipient_key, reminder.recipient, reminder.address) == (f"user:{lena.pk}", lena, lena.email)


def test_an_ombudsman_item_owned_by_the_link_officer_escalates_to_the_service_area_mailbox(people, lgsco_case):
    obligation = make_obligation(
        owner=people["lena"], due_on=TODAY, kind=ObligationKind.LGSCO_ENQUIRY_REPLY, ombudsman_case=lgsco_case
    )
    services.sweep(today=DEC_7)
    reminder = escalation_of(obligation)
    assert (reminder.recipient_key, reminder.recipient, reminder.address) == (
        "mailbox:housing-complaints@example.gov.uk",
        None,
        "housing-complaints@example.gov.uk",
    )


def test_a_policy_escalating_to_the_team_mailbox_skips_the_link_officer(people, lgsco_case):
    ReminderPolicy.objects.filter(kind=ObligationKind.RECOMMENDATION).update(escalate_to=EscalateTo.TEAM_MAILBOX)
    obligation = make_obligation(
        owner=people["owen"], due_on=TODAY, kind=ObligationKind.RECOMMENDATION, ombudsman_case=lgsco_case
    )
    services.sweep(today=DEC_7)
    assert escalation_of(obligation).address == "housing-complaints@example.gov.uk"


def test_a_complaint_item_escalates_to_the_mailbox_or_else_the_complaints_team(people, settings):
    settings.COMPLAINTS_TEAM_EMAIL = "Complaints-Team@example.gov.uk"
    housing = make_obligation(owner=people["owen"], due_on=TODAY)
    highways = make_obligation(owner=people["hugo"], due_on=TODAY)  # Highways has no mailbox
    services.sweep(today=DEC_7)
    assert escalation_of(housing).address == "housing-complaints@example.gov.uk"
    assert (escalation_of(highways).recipient_key, escalation_of(highways).address) == (
        "mailbox:complaints-team@example.gov.uk",
        "Complaints-Team@example.gov.uk",
    )


def test_a_dry_run_sweep_plans_without_recording(people):
    make_obligation(owner=people["owen"], due_on=TODAY)
    result = services.sweep(today=DEC_7, dry_run=True)
    assert sorted(r.milestone for r in result.planned) == ["escalation", "manager", "overdue-1"]
    assert not Reminder.objects.exists()


def test_a_logged_complaints_acknowledgement_deadline_is_reminded_until_it_is_acknowledged(people, areas):
    from complaints import services as complaint_services
    from complaints.tests.factories import log_complaint

    owen = people["owen"]
    # Corporate Stage 1 received Mon 2 March 2026: acknowledge by Mon 9 March (policy "1, 0").
    complaint = log_complaint(handler=owen, service_area=areas["Housing"], received_on=D(2026, 3, 2))
    stage = complaint.stages.get(number=1)
    acknowledgement = Obligation.objects.get(source_key=f"complaint-ack:{stage.pk}")
    assert (acknowledgement.kind, acknowledgement.owner, acknowledgement.due_on, acknowledgement.done_on) == (
        ObligationKind.COMPLAINT_ACKNOWLEDGEMENT,
        owen,
        D(2026, 3, 9),
        None,
    )

    services.sweep(today=D(2026, 3, 5))
    assert not Reminder.objects.filter(obligation=acknowledgement).exists()
    services.sweep(today=D(2026, 3, 6))
    assert list(Reminder.objects.filter(obligation=acknowledgement).values_list("milestone", flat=True)) == ["lead-1"]

    complaint_services.stage_acknowledge(by=owen, stage=stage, acknowledged_on=D(2026, 3, 6), today=D(2026, 3, 6))
    acknowledgement.refresh_from_db()
    assert acknowledgement.done_on == D(2026, 3, 6)

    for day in (D(2026, 3, 9), D(2026, 3, 10), D(2026, 3, 16)):
        services.sweep(today=day)
    assert list(Reminder.objects.filter(obligation=acknowledgement).values_list("milestone", flat=True)) == ["lead-1"]


# --- digests -------------------------------------------------------------------------------------


def test_one_digest_per_recipient_lists_all_their_new_reminders(people, mailoutbox):
    owen, cara, mona = people["owen"], people["cara"], people["mona"]
    owens = [
        make_obligation(owner=owen, due_on=TODAY, title="OWEN-A due today"),
        make_obligation(owner=owen, due_on=DEC_1, title="OWEN-B due tomorrow"),
        make_obligation(owner=owen, due_on=NOV_27, title="OWEN-C overdue"),
    ]
    caras = make_obligation(owner=cara, due_on=TODAY, title="CARA-A due today")

    ids = sweep_and_prepare(TODAY)
    outcomes = [services.send_digest(digest_id=i) for i in ids]

    assert outcomes == ["sent"] * 3
    assert Digest.objects.filter(day=TODAY).count() == 3
    by_address = {m.to[0]: m for m in mailoutbox}
    assert sorted(by_address) == sorted([owen.email, cara.email, mona.email])

    text, html = text_and_html(by_address[owen.email])
    for o in owens:
        assert o.title in text and o.title in html
    assert caras.title not in text and caras.title not in html
    assert "(OVERDUE)" in text and "<strong>(overdue)</strong>" in html
    assert by_address[owen.email].subject == "Complaints and Ombudsman cases: 3 items due or overdue (30 November 2026)"

    text, html = text_and_html(by_address[mona.email])
    assert "OWEN-C overdue" in text and "(owner: Owen Tester)" in text
    assert "OWEN-A" not in text and "CARA-A" not in text

    digest = digest_for(owen)
    assert (digest.status, digest.item_count, digest.address, digest.attempts) == (DigestStatus.SENT, 3, owen.email, 1)
    assert set(digest.reminders.values_list("obligation__title", flat=True)) == {o.title for o in owens}


def test_a_digest_has_a_text_and_an_html_part_and_a_deterministic_message_id(people, mailoutbox):
    make_obligation(owner=people["owen"], due_on=TODAY)
    (digest_id,) = sweep_and_prepare(TODAY)
    services.send_digest(digest_id=digest_id)

    (message,) = mailoutbox
    expected_id = f"<digest-{digest_id}-20261130@example.gov.uk>"
    assert services.message_id_for(Digest.objects.get(pk=digest_id)) == expected_id
    parsed = email.message_from_bytes(message.message().as_bytes())
    assert parsed["Message-ID"] == expected_id
    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.get_payload()] == ["text/plain", "text/html"]
    assert Digest.objects.get(pk=digest_id).message_id == expected_id


def test_sending_the_same_digest_twice_sends_it_once(people, mailoutbox):
    make_obligation(owner=people["owen"], due_on=TODAY)
    (digest_id,) = sweep_and_prepare(TODAY)

    assert services.send_digest(digest_id=digest_id) == "sent"
    assert services.send_digest(digest_id=digest_id) == "skipped"
    assert send_digest_task.delay(digest_id).get() == "skipped"
    assert len(mailoutbox) == 1
    assert Digest.objects.get(pk=digest_id).attempts == 1


def test_preparing_twice_makes_no_second_digest(people):
    make_obligation(owner=people["owen"], due_on=TODAY)
    first = sweep_and_prepare(TODAY)
    second = sweep_and_prepare(TODAY)
    assert first == second and len(first) == 1
    assert Digest.objects.count() == 1


def test_a_reminder_recorded_after_todays_digest_went_out_waits_for_the_next_days_digest(people, mailoutbox):
    owen = people["owen"]
    make_obligation(owner=owen, due_on=TODAY, title="EARLY item")
    for i in sweep_and_prepare(TODAY):
        services.send_digest(digest_id=i)
    assert len(mailoutbox) == 1

    late = make_obligation(owner=owen, due_on=TODAY, title="LATE item")
    assert sweep_and_prepare(TODAY) == []
    late_reminder = Reminder.objects.get(obligation=late)
    assert late_reminder.digest is None
    assert digest_for(owen).reminders.count() == 1

    ids = sweep_and_prepare(DEC_1)
    late_reminder.refresh_from_db()
    assert late_reminder.digest == digest_for(owen, DEC_1)
    for i in ids:
        services.send_digest(digest_id=i)
    tomorrow = next(m for m in mailoutbox[1:] if m.to == [owen.email])
    assert "LATE item" in tomorrow.body


def test_a_person_with_nothing_due_gets_no_digest(people, mailoutbox):
    make_obligation(owner=people["cara"], due_on=D(2027, 3, 1), title="far away")
    make_obligation(owner=people["owen"], due_on=TODAY)
    for i in sweep_and_prepare(TODAY):
        services.send_digest(digest_id=i)
    assert [m.to for m in mailoutbox] == [[people["owen"].email]]
    assert not Digest.objects.filter(recipient=people["cara"]).exists()


def test_a_user_without_an_email_address_is_logged_not_crashed_on(people, mailoutbox, make_user):
    nobody = make_user("noemail", "caseworker", service_areas=["Housing"], email="", manager=people["mona"])
    make_obligation(owner=nobody, due_on=TODAY)
    make_obligation(owner=people["owen"], due_on=TODAY)

    outcomes = sorted(services.send_digest(digest_id=i) for i in sweep_and_prepare(TODAY))

    assert outcomes == ["no_address", "sent"]
    digest = digest_for(nobody)
    assert (digest.status, digest.item_count) == (DigestStatus.NO_ADDRESS, 1)
    assert digest.error == "Noemail Tester has no email address"
    assert [m.to for m in mailoutbox] == [[people["owen"].email]]
    assert services.send_digest(digest_id=digest.pk) == "skipped"


def test_a_claim_is_won_once_and_a_stale_claim_can_be_taken_again(people, settings):
    make_obligation(owner=people["owen"], due_on=TODAY)
    (digest_id,) = sweep_and_prepare(TODAY)
    now = timezone.now()

    assert services.claim_digest(digest_id=digest_id, now=now) is True
    assert services.claim_digest(digest_id=digest_id, now=now) is False
    fresh = now + dt.timedelta(seconds=settings.DIGEST_STALE_CLAIM_SECONDS - 1)
    assert services.claim_digest(digest_id=digest_id, now=fresh) is False
    assert services.unsent_digest_ids(now=fresh) == []

    later = now + dt.timedelta(seconds=settings.DIGEST_STALE_CLAIM_SECONDS + 1)
    assert services.unsent_digest_ids(now=later) == [digest_id]
    assert services.claim_digest(digest_id=digest_id, now=later) is True
    digest = Digest.objects.get(pk=digest_id)
    assert (digest.status, digest.claimed_at) == (DigestStatus.SENDING, later)


def test_a_sent_digest_cannot_be_claimed(people, mailoutbox):
    make_obligation(owner=people["owen"], due_on=TODAY)
    (digest_id,) = sweep_and_prepare(TODAY)
    services.send_digest(digest_id=digest_id)
    far_later = timezone.now() + dt.timedelta(days=2)
    assert services.claim_digest(digest_id=digest_id, now=far_later) is False
    assert services.unsent_digest_ids(now=far_later) == []


def test_a_mail_error_puts_the_digest_back_to_pending_with_the_error(people, settings, mailoutbox):
    settings.EMAIL_BACKEND = BROKEN_BACKEND
    make_obligation(owner=people["owen"], due_on=TODAY)
    (digest_id,) = sweep_and_prepare(TODAY)

    with pytest.raises(smtplib.SMTPException):
        services.send_digest(digest_id=digest_id)

    digest = Digest.objects.get(pk=digest_id)
    assert (digest.status, digest.attempts, digest.error) == (
        DigestStatus.PENDING,
        1,
        "SMTPException: 421 gateway unavailable",
    )
    assert services.unsent_digest_ids() == [digest_id]

    services.mark_failed(digest_id=digest_id, error="Gave up")
    digest.refresh_from_db()
    assert (digest.status, digest.error) == (DigestStatus.FAILED, "Gave up")
    assert services.claim_digest(digest_id=digest_id, now=timezone.now()) is False


def test_a_digest_whose_sender_died_after_the_gateway_is_resent_as_the_same_message(people, settings, tmp_path):
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.EMAIL_BACKEND = f"{__name__}.KilledAfterGatewayBackend"
    make_obligation(owner=people["owen"], due_on=TODAY)
    (digest_id,) = sweep_and_prepare(TODAY)
    claimed = timezone.now()
    with pytest.raises(WorkerKilled):
        services.send_digest(digest_id=digest_id, now=claimed)
    assert Digest.objects.get(pk=digest_id).status == DigestStatus.SENDING

    settings.EMAIL_BACKEND = "reminders.mail.IdempotentFileBackend"
    assert services.send_digest(digest_id=digest_id, now=claimed + dt.timedelta(seconds=1)) == "skipped"
    stale = claimed + dt.timedelta(seconds=settings.DIGEST_STALE_CLAIM_SECONDS + 1)
    assert services.unsent_digest_ids(now=stale) == [digest_id]
    assert services.send_digest(digest_id=digest_id, now=stale) == "sent"

    message_id = services.message_id_for(Digest.objects.get(pk=digest_id))
    assert [p.name for p in tmp_path.glob("*.eml")] == [sha256(message_id.encode()).hexdigest()[:32] + ".eml"]
    assert [line.split()[0] for line in (tmp_path / "sends.log").read_text().splitlines()] == [message_id] * 2
    assert Digest.objects.get(pk=digest_id).attempts == 2


def test_marking_a_sent_digest_failed_changes_nothing(people, mailoutbox):
    make_obligation(owner=people["owen"], due_on=TODAY)
    (digest_id,) = sweep_and_prepare(TODAY)
    services.send_digest(digest_id=digest_id)
    services.mark_failed(digest_id=digest_id, error="late failure")
    assert Digest.objects.get(pk=digest_id).status == DigestStatus.SENT


def test_the_send_task_retries_mail_errors_and_records_failure_when_retries_run_out(people, settings, monkeypatch):
    settings.EMAIL_BACKEND = BROKEN_BACKEND
    # Eager apply() follows a retry only when it does not propagate it (test settings propagate).
    monkeypatch.setitem(send_digest_task.app.conf, "task_eager_propagates", False)
    make_obligation(owner=people["owen"], due_on=TODAY)
    (digest_id,) = sweep_and_prepare(TODAY)

    result = send_digest_task.apply(args=[digest_id])  # each retry runs at once, without the countdown

    assert result.get() == "failed"

    digest = Digest.objects.get(pk=digest_id)
    assert digest.status == DigestStatus.FAILED
    assert digest.attempts == 1 + send_digest_task.max_retries
    assert digest.error == "Gave up after 5 retries: 421 gateway unavailable"


def test_the_send_task_on_its_last_retry_records_failure(people, settings):
    settings.EMAIL_BACKEND = BROKEN_BACKEND
    make_obligation(owner=people["owen"], due_on=TODAY)
    (digest_id,) = sweep_and_prepare(TODAY)

    result = send_digest_task.apply(args=[digest_id], retries=send_digest_task.max_retries)

    assert result.get() == "failed"
    digest = Digest.objects.get(pk=digest_id)
    assert (digest.status, digest.attempts) == (DigestStatus.FAILED, 1)


def test_the_sweep_task_sends_when_told_to_and_not_before_the_digest_hour(people, mailoutbox, monkeypatch):
    make_obligation(owner=people["owen"], due_on=TODAY)
    six_am = timezone.make_aware(dt.datetime(2026, 11, 30, 6, 30))
    monkeypatch.setattr(timezone, "now", lambda: six_am)

    assert reminders_sweep_task.delay(today="2026-11-30").get() == {"recorded": 1, "digests": 0}
    assert mailoutbox == []
    assert reminders_sweep_task.delay(today="2026-11-30", send_now=True).get() == {"recorded": 0, "digests": 1}
    assert [m.to for m in mailoutbox] == [[people["owen"].email]]


def test_the_sweep_after_seven_on_a_working_day_sends_but_not_on_a_bank_holiday(people, mailoutbox):
    make_obligation(owner=people["owen"], due_on=D(2026, 12, 29))
    at_eight = timezone.make_aware(dt.datetime(2026, 12, 28, 8, 0))
    result = services.run(today=D(2026, 12, 28), now=at_eight)  # Boxing Day substitute
    assert (result["recorded"], result["digests"]) == (1, [])
    result = services.run(today=D(2026, 12, 29), now=at_eight + dt.timedelta(days=1))
    assert len(result["digests"]) == 1


# --- the send_due_reminders command --------------------------------------------------------------


def test_the_command_sweeps_and_sends_the_days_digests(people, mailoutbox, capsys):
    make_obligation(owner=people["owen"], due_on=TODAY)
    make_obligation(owner=people["cara"], due_on=NOV_27)
    call_command("send_due_reminders", "--today", "2026-11-30")
    out = capsys.readouterr().out
    assert "2026-11-30: 3 reminders recorded; digests sent 3, skipped 0, without an address 0." in out
    assert sorted(m.to[0] for m in mailoutbox) == sorted(people[p].email for p in ("owen", "cara", "mona"))

    call_command("send_due_reminders", "--today", "2026-11-30")
    assert "0 reminders recorded; digests sent 0" in capsys.readouterr().out
    assert len(mailoutbox) == 3


def test_the_commands_dry_run_sends_and_records_nothing(people, mailoutbox, capsys):
    obligation = make_obligation(owner=people["owen"], due_on=TODAY)
    call_command("send_due_reminders", "--today", "2026-12-07", "--dry-run")
    out = capsys.readouterr().out
    assert "Dry run for 2026-12-07: 3 reminders in force for 1 obligations." in out
    assert "escalation   housing-complaints@example.gov.uk" in out and obligation.title in out
    assert not Reminder.objects.exists() and not Digest.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("bad", ["2026-13-01", "30/11/2026", "tomorrow"])
def test_the_command_refuses_a_bad_date_with_exit_code_2(bad):
    with pytest.raises(CommandError, match="Not a date") as caught:
        call_command("send_due_reminders", "--today", bad)
    assert caught.value.returncode == 2
    assert not Reminder.objects.exists()


# --- policies -----------------------------------------------------------------------------------

NEGATIVE = "Lead times cannot be negative: use 0 for the due date itself"
ORDER = "List the lead times from the longest to the shortest, each once, like 10, 5, 1, 0"
NUMBERS = "Enter whole numbers of working days separated by commas, like 10, 5, 1, 0"
NOBODY = "A policy must remind someone: set lead times, overdue reminders, the manager or an escalation"

BAD_LEADS = [
    ("-1, 0", NEGATIVE),
    ("5, -1", NEGATIVE),
    ("1, 5", ORDER),
    ("0, 1, 5, 10", ORDER),
    ("5, 5, 0", ORDER),
    ("10, 5, 5", ORDER),
    ("ten, five", NUMBERS),
    ("1.5, 0", NUMBERS),
    ("5; 0", NUMBERS),
]


@pytest.mark.parametrize(("text", "message"), BAD_LEADS)
def test_bad_lead_times_are_refused_with_a_message(text, message):
    with pytest.raises(ValidationError) as caught:
        parse_lead_days(text)
    assert caught.value.message_dict == {"lead_days": [message]}

    policy = ReminderPolicy.objects.get(kind=ObligationKind.COMPLAINT_RESPONSE)
    policy.lead_days = text
    with pytest.raises(ValidationError) as caught:
        policy.full_clean()
    assert caught.value.message_dict["lead_days"] == [message]


@pytest.mark.parametrize(
    ("text", "leads"), [("10, 5, 1, 0", [10, 5, 1, 0]), ("10,5,1,0", [10, 5, 1, 0]), ("3", [3]), ("", [])]
)
def test_good_lead_times_are_read_longest_first(text, leads):
    assert parse_lead_days(text) == leads


def test_a_policy_that_reminds_nobody_is_refused_with_a_message():
    policy = ReminderPolicy(
        kind=ObligationKind.COMPLAINT_RESPONSE,
        lead_days="",
        remind_owner_when_overdue=False,
        manager_after_overdue_days=None,
        escalate_after_overdue_days=None,
    )
    with pytest.raises(ValidationError) as caught:
        policy.full_clean(validate_unique=False)
    assert caught.value.message_dict[NON_FIELD_ERRORS] == [NOBODY]


def test_a_policy_with_only_overdue_reminders_is_valid():
    policy = ReminderPolicy(kind=ObligationKind.COMPLAINT_RESPONSE, lead_days="", remind_owner_when_overdue=True)
    policy.full_clean(validate_unique=False)


def test_the_migration_seeds_a_default_policy_per_kind():
    policies = {p.kind: p for p in ReminderPolicy.objects.all()}
    assert set(policies) == set(ObligationKind.values)
    for kind, p in policies.items():
        expected = [1, 0] if kind == ObligationKind.COMPLAINT_ACKNOWLEDGEMENT else [10, 5, 1, 0]
        assert (p.leads, p.remind_owner_when_overdue, p.owner_overdue_every) == (expected, True, 5)
        assert (p.manager_after_overdue_days, p.escalate_after_overdue_days, p.escalate_to) == (1, 5, "link_officer")


@pytest.fixture
def superuser_client(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.gov.uk", "correct-horse-battery-2026")
    client.force_login(root)
    return client


def policy_form(policy, **changes) -> dict:
    data = {
        "kind": policy.kind,
        "lead_days": policy.lead_days,
        "owner_overdue_every": str(policy.owner_overdue_every),
        "manager_after_overdue_days": ""
        if policy.manager_after_overdue_days is None
        else str(policy.manager_after_overdue_days),
        "escalate_after_overdue_days": ""
        if policy.escalate_after_overdue_days is None
        else str(policy.escalate_after_overdue_days),
        "escalate_to": policy.escalate_to,
    }
    if policy.remind_owner_when_overdue:
        data["remind_owner_when_overdue"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_admin_saves_a_good_policy_in_its_normal_form(superuser_client):
    policy = ReminderPolicy.objects.get(kind=ObligationKind.COMPLAINT_RESPONSE)
    url = f"/admin/reminders/reminderpolicy/{policy.pk}/change/"
    assert superuser_client.get(url).status_code == 200
    response = superuser_client.post(url, policy_form(policy, lead_days="15,5,2,0"))
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.lead_days, policy.leads) == ("15, 5, 2, 0", [15, 5, 2, 0])


@pytest.mark.parametrize(("text", "message"), BAD_LEADS[:1] + BAD_LEADS[2:3] + BAD_LEADS[4:5] + BAD_LEADS[6:7])
def test_the_admin_change_form_shows_a_bad_lead_time_message_next_to_the_field(superuser_client, text, message):
    policy = ReminderPolicy.objects.get(kind=ObligationKind.COMPLAINT_RESPONSE)
    url = f"/admin/reminders/reminderpolicy/{policy.pk}/change/"

    response = superuser_client.post(url, policy_form(policy, lead_days=text))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["lead_days"] == [message]
    assert message in response.content.decode()
    policy.refresh_from_db()
    assert policy.lead_days == "10, 5, 1, 0"


def test_the_admin_add_form_shows_a_bad_lead_time_message_and_adds_nothing(superuser_client):
    ReminderPolicy.objects.filter(kind=ObligationKind.PIR_NOTICE).delete()
    policy = ReminderPolicy(kind=ObligationKind.PIR_NOTICE)

    response = superuser_client.post("/admin/reminders/reminderpolicy/add/", policy_form(policy, lead_days="1, 5"))

    assert response.status_code == 200
    assert ORDER in response.content.decode()
    assert not ReminderPolicy.objects.filter(kind=ObligationKind.PIR_NOTICE).exists()


def test_the_admin_shows_the_no_recipients_message_and_saves_nothing(superuser_client):
    policy = ReminderPolicy.objects.get(kind=ObligationKind.COMPLAINT_RESPONSE)
    url = f"/admin/reminders/reminderpolicy/{policy.pk}/change/"
    data = policy_form(
        policy,
        lead_days="",
        remind_owner_when_overdue=None,
        manager_after_overdue_days="",
        escalate_after_overdue_days="",
    )
    data.pop("remind_owner_when_overdue", None)

    response = superuser_client.post(url, data)

    assert response.status_code == 200
    policy.refresh_from_db()
    assert policy.lead_days == "10, 5, 1, 0" and policy.remind_owner_when_overdue
    assert NOBODY in response.content.decode()


def test_the_admin_refuses_a_policy_with_no_recipients_and_saves_nothing(superuser_client):
    """A policy that reminds nobody is refused in the admin, and nothing is saved."""
    policy = ReminderPolicy.objects.get(kind=ObligationKind.COMPLAINT_RESPONSE)
    url = f"/admin/reminders/reminderpolicy/{policy.pk}/change/"
    data = policy_form(policy, lead_days="", manager_after_overdue_days="", escalate_after_overdue_days="")
    data.pop("remind_owner_when_overdue", None)

    response = superuser_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    policy.refresh_from_db()
    assert (policy.lead_days, policy.remind_owner_when_overdue, policy.manager_after_overdue_days) == (
        "10, 5, 1, 0",
        True,
        1,
    )


# --- privacy ---------------------------------------------------------------------------------------


def test_a_restricted_cases_recommendation_wording_is_not_emailed_to_the_team_mailbox(people, mailoutbox):
    from ombudsman_cases.tests.factories import add_recommendation, open_case

    lena = people["lena"]
    case = open_case(
        by=lena, link_officer=lena, today=D(2026, 10, 1), final_decision_on=D(2026, 10, 1), is_restricted=True
    )
    add_recommendation(case, by=lena, due_on=TODAY, wording="Apologise to Ms B about her son's EHC plan.")

    for i in sweep_and_prepare(DEC_7):
        services.send_digest(digest_id=i)

    mailbox = next(m for m in mailoutbox if m.to == ["housing-complaints@example.gov.uk"])
    assert "EHC plan" not in mailbox.body


# --- concurrency (PostgreSQL only: needs two real connections) ------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking between two connections")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reminder_attached_while_its_digest_is_being_sent_is_not_lost(people, mailoutbox):
    mailbox = "mailbox:housing-complaints@example.gov.uk"
    make_obligation(owner=people["owen"], due_on=TODAY, title="FIRST item")
    sweep_and_prepare(DEC_7)  # escalated to the Housing mailbox
    mailbox_digest = Digest.objects.get(recipient_key=mailbox, day=DEC_7)
    make_obligation(owner=people["cara"], due_on=TODAY, title="SECOND item")  # registered late, swept at 07:15
    services.sweep(today=DEC_7)

    prepared, go_on = threading.Event(), threading.Event()
    errors = []

    def sweep_run():
        try:
            with transaction.atomic():  # as services.run() does
                services.prepare_digests(today=DEC_7)
                prepared.set()
                go_on.wait(10)  # the moment between the UPDATE and the COMMIT, widened
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=sweep_run)
    thread.start()
    assert prepared.wait(10)
    services.send_digest(digest_id=mailbox_digest.pk)  # a worker sends the mailbox digest meanwhile
    go_on.set()
    thread.join(10)
    assert not errors

    second = Reminder.objects.select_related("digest").get(recipient_key=mailbox, obligation__title="SECOND item")
    told = any("SECOND item" in m.body for m in mailoutbox if m.to == ["housing-complaints@example.gov.uk"])
    waiting = second.digest is None or second.digest.status == DigestStatus.PENDING
    assert told or waiting, (
        f"the mailbox's reminder for SECOND item is attached to digest {second.digest_id} "
        f"({second.digest.status}), which was sent without it: it will never be delivered"
    )
