"""Writes: the obligation register, the reminder sweep, digests and their delivery.

Reminders are state, not events (STYLE.md): the sweep records what is due from stored due dates
as rows unique per (recipient, obligation, milestone); a digest is one row per (recipient, day),
claimed by a conditional UPDATE before it is sent and marked sent after. A rerun, a retry or two
workers at once therefore never send the same thing twice, and a missed run catches up.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.utils import timezone

from calendars.rules import is_working_day
from calendars.selectors import default_calendar, non_working_days_around
from reminders import rules
from reminders.models import (
    OMBUDSMAN_KINDS,
    Digest,
    DigestStatus,
    EscalateTo,
    Obligation,
    Reminder,
    ReminderPolicy,
    TaskRun,
)

log = logging.getLogger(__name__)


def stale_claim() -> dt.timedelta:
    """A digest claimed this long ago whose sender died is claimed again (its Message-ID is the same)."""
    return dt.timedelta(seconds=settings.DIGEST_STALE_CLAIM_SECONDS)


SWEEP_BATCH = 2000


def record_task_run(*, name: str) -> None:
    """Note that a scheduled task finished, for /healthz ("is beat running?")."""
    TaskRun.objects.update_or_create(name=name, defaults={"last_success_at": timezone.now()})


def obligation_sync(
    *,
    key: str,
    kind: str,
    title: str,
    url: str,
    due_on: dt.date | None,
    done_on: dt.date | None,
    owner,
    service_area,
    ombudsman_case=None,
    complaint=None,
    is_restricted: bool = False,
) -> Obligation | None:
    """Make the register match one obligation: created, updated, or removed when it has no due date."""
    if due_on is None:
        Obligation.objects.filter(source_key=key).delete()
        return None
    obligation, _ = Obligation.objects.update_or_create(
        source_key=key,
        defaults={
            "kind": kind,
            "title": title[:300],
            "url": url,
            "due_on": due_on,
            "done_on": done_on,
            "owner": owner,
            "service_area": service_area,
            "ombudsman_case": ombudsman_case,
            "complaint": complaint,
            "is_restricted": is_restricted,
        },
    )
    return obligation


@dataclass
class SweepResult:
    obligations: int = 0
    recorded: int = 0
    batches: int = 0
    planned: list = field(default_factory=list)


def _recipient(obligation: Obligation, role: str, policy: ReminderPolicy):
    """(key, user, address) of whom a milestone goes to, or None if nobody can be told."""
    owner = obligation.owner
    if role == rules.OWNER:
        return f"user:{owner.pk}", owner, owner.email
    if role == rules.MANAGER:
        manager = owner.manager
        return (f"user:{manager.pk}", manager, manager.email) if manager else None
    case = obligation.ombudsman_case
    if (
        policy.escalate_to == EscalateTo.LINK_OFFICER
        and case is not None
        and obligation.kind in OMBUDSMAN_KINDS
        and case.link_officer_id != owner.pk
    ):
        return f"user:{case.link_officer_id}", case.link_officer, case.link_officer.email
    mailbox = obligation.service_area.mailbox or settings.COMPLAINTS_TEAM_EMAIL
    return f"mailbox:{mailbox.lower()}", None, mailbox


def sweep(*, today: dt.date, dry_run: bool = False, batch_size: int = SWEEP_BATCH) -> SweepResult:
    """Record every reminder milestone in force today for every open obligation.

    Reads open obligations in keyset batches (queries grow with batches, not items) and inserts
    the reminders with ON CONFLICT DO NOTHING against the unique (recipient, obligation,
    milestone), so reruns and concurrent sweeps add nothing twice.
    """
    policies = {p.kind: p for p in ReminderPolicy.objects.all()}
    non_working = non_working_days_around(calendar=default_calendar(), day=today)
    horizon = rules.lead_horizon(today, policies.values(), non_working)
    result = SweepResult()
    recorded_before = 0 if dry_run else Reminder.objects.filter(created_on=today).count()
    last_id = 0
    while True:
        batch = list(
            Obligation.objects.filter(done_on__isnull=True, due_on__lte=horizon, id__gt=last_id)
            .select_related("owner__manager", "service_area", "ombudsman_case__link_officer")
            .order_by("id")[:batch_size]
        )
        if not batch:
            break
        result.batches += 1
        last_id = batch[-1].id
        rows = []
        for obligation in batch:
            policy = policies.get(obligation.kind)
            if policy is None:
                continue
            result.obligations += 1
            for milestone in rules.current_milestones(
                due_on=obligation.due_on, done_on=None, today=today, policy=policy, non_working=non_working
            ):
                recipient = _recipient(obligation, milestone.role, policy)
                if recipient is None:
                    continue
                key, user, address = recipient
                rows.append(
                    Reminder(
                        obligation=obligation,
                        recipient_key=key,
                        recipient=user,
                        address=address or "",
                        milestone=milestone.key,
                        # Part of the uniqueness: an extended deadline gets its own ladder.
                        due_on=obligation.due_on,
                        fires_on=milestone.fires_on,
                        created_on=today,
                    )
                )
        if dry_run:
            result.planned.extend(rows)
        else:
            Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    if not dry_run:
        result.recorded = Reminder.objects.filter(created_on=today).count() - recorded_before
    log.info("Reminder sweep for %s: %s obligations, %s reminders recorded", today, result.obligations, result.recorded)
    return result


def prepare_digests(*, today: dt.date) -> list[int]:
    """Gather today's unsent reminders into one pending digest per recipient; return pending digest ids.

    Reminders only join a digest that has not been sent yet, so one recorded after today's
    digest went out waits for the next working day's."""
    # Lock today's pending digests first: a worker claiming one waits until these reminders are in it.
    list(Digest.objects.select_for_update().filter(day=today, status=DigestStatus.PENDING).values_list("id", flat=True))
    waiting = Reminder.objects.filter(digest__isnull=True).values("recipient_key", "recipient_id", "address").distinct()
    Digest.objects.bulk_create(
        [
            Digest(recipient_key=r["recipient_key"], recipient_id=r["recipient_id"], address=r["address"], day=today)
            for r in waiting
        ],
        ignore_conflicts=True,
    )
    pending_today = Digest.objects.filter(
        recipient_key=OuterRef("recipient_key"), day=today, status__in=[DigestStatus.PENDING]
    ).values("id")[:1]
    Reminder.objects.filter(digest__isnull=True).update(digest=Subquery(pending_today))
    return unsent_digest_ids()


def unsent_digest_ids(*, now: dt.datetime | None = None) -> list[int]:
    """Digests to (re)send: pending ones, and ones whose sender died while sending (stale claims)."""
    now = now or timezone.now()
    return list(
        Digest.objects.filter(
            Q(status=DigestStatus.PENDING) | Q(status=DigestStatus.SENDING, claimed_at__lt=now - stale_claim())
        )
        .filter(reminders__isnull=False)
        .distinct()
        .values_list("id", flat=True)
    )


def claim_digest(*, digest_id: int, now: dt.datetime) -> bool:
    """Take a digest for sending with a conditional UPDATE: only one worker can win it.

    A digest left "sending" by a worker that died is taken again after `stale_claim()`."""
    return bool(
        Digest.objects.filter(pk=digest_id)
        .filter(Q(status=DigestStatus.PENDING) | Q(status=DigestStatus.SENDING, claimed_at__lt=now - stale_claim()))
        .update(status=DigestStatus.SENDING, claimed_at=now)
    )


def message_id_for(digest: Digest) -> str:
    """The same digest always carries the same Message-ID, so a resend after a crash is the same message."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1] or "localhost"
    return f"<digest-{digest.pk}-{digest.day:%Y%m%d}@{domain}>"


def digest_items(digest: Digest, *, today: dt.date) -> dict:
    """What a digest lists: the new reminders, and for a person every other open item reminded to them."""
    from reminders.selectors import items_for

    new = list(
        digest.reminders.select_related("obligation__service_area", "obligation__owner").order_by(
            "obligation__due_on", "id"
        )
    )
    new_ids = {r.obligation_id for r in new}
    others = [i for i in items_for(digest.recipient, today=today) if i.pk not in new_ids] if digest.recipient else []
    hidden = []
    if digest.recipient:
        # A restricted record the recipient may not open is still escalated to them, but without its
        # title or link: only that it exists, how overdue it is and whom to ask.
        from reminders.selectors import visible_obligations

        visible = set(visible_obligations(digest.recipient).filter(pk__in=new_ids).values_list("pk", flat=True))
        hidden = [r for r in new if r.obligation_id not in visible]
        new = [r for r in new if r.obligation_id in visible]
    return {"new": new, "others": others, "hidden": hidden}


def send_digest(*, digest_id: int, now: dt.datetime | None = None, today: dt.date | None = None) -> str:
    """Claim, send and mark one digest. Returns what happened: sent, skipped, no_address.

    Raises the mail error after putting the digest back to pending, so the task can retry."""
    now = now or timezone.now()
    if not claim_digest(digest_id=digest_id, now=now):
        return "skipped"
    digest = Digest.objects.select_related("recipient").get(pk=digest_id)
    today = today or digest.day
    if not digest.address:
        Digest.objects.filter(pk=digest_id).update(
            status=DigestStatus.NO_ADDRESS,
            error=f"{digest.recipient or digest.recipient_key} has no email address",
            item_count=digest.reminders.count(),
        )
        log.warning("Digest %s not sent: no email address for %s", digest_id, digest.recipient_key)
        return "no_address"
    items = digest_items(digest, today=today)
    context = {
        "digest": digest,
        "today": today,
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "base_url": settings.SITE_URL,
        **items,
    }
    count = len(items["new"]) + len(items["others"]) + len(items["hidden"])
    message = EmailMultiAlternatives(
        subject=f"{settings.SERVICE_NAME}: {count} item{'s' if count != 1 else ''} due or overdue ({today:%-d %B %Y})",
        body=render_to_string("emails/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest.address],
        headers={"Message-ID": message_id_for(digest)},
    )
    message.attach_alternative(render_to_string("emails/digest.html", context), "text/html")
    Digest.objects.filter(pk=digest_id).update(attempts=digest.attempts + 1)
    try:
        message.send()
    except Exception as exc:
        Digest.objects.filter(pk=digest_id).update(status=DigestStatus.PENDING, error=f"{type(exc).__name__}: {exc}")
        raise
    Digest.objects.filter(pk=digest_id).update(
        status=DigestStatus.SENT, sent_at=timezone.now(), message_id=message_id_for(digest), item_count=count, error=""
    )
    return "sent"


def mark_failed(*, digest_id: int, error: str) -> None:
    """A digest whose retries ran out: recorded as failed in the delivery log."""
    Digest.objects.filter(pk=digest_id).exclude(status=DigestStatus.SENT).update(
        status=DigestStatus.FAILED, error=error
    )


def digest_time_reached(now: dt.datetime) -> bool:
    """Digests go out from 07:00 local time (a missed 07:00 run is caught up by the next sweep)."""
    return timezone.localtime(now).hour >= settings.DIGEST_HOUR


def run(*, today: dt.date, now: dt.datetime | None = None, send_now: bool = False) -> dict:
    """The sweep, then on a working day after the digest hour (or when told to), the digests.

    What the beat task runs; `send_now` is for operators who send by hand."""
    now = now or timezone.now()
    result = sweep(today=today)
    non_working = non_working_days_around(calendar=default_calendar(), day=today)
    digest_ids: list[int] = []
    if send_now or (is_working_day(today, non_working) and digest_time_reached(now)):
        with transaction.atomic():
            digest_ids = prepare_digests(today=today)
    return {"recorded": result.recorded, "obligations": result.obligations, "digests": digest_ids}
