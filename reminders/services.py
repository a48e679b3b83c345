"""Writes: the obligation register, the reminder sweep, digests and their delivery.

Reminders are state, not events (STYLE.md): the sweep records what is due from stored due dates
as rows unique per (recipient, obligation, milestone); a digest is one row per (recipient, day),
claimed by a conditional UPDATE before it is sent and marked sent after. A rerun, a retry or two
workers at once therefore never send the same thing twice, and a missed run catches up.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.template.loader import get_template
from django.utils import timezone
from django.utils.formats import date_format

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
from reminders.selectors import ESCALATED, digest_lists

log = logging.getLogger(__name__)


def stale_claim() -> dt.timedelta:
    """A digest claimed this long ago whose sender died is claimed again (its Message-ID is the same)."""
    return dt.timedelta(seconds=settings.DIGEST_STALE_CLAIM_SECONDS)


SWEEP_BATCH = 2000
# Digests per send task: their lists are read together, so the queries grow with batches.
SEND_BATCH = 50
# At-least-once delivery: sent digests are marked SENT at least this often within a batch, so a
# worker killed mid-batch resends (with the same Message-ID) at most this long's worth.
SENT_FLUSH_SECONDS = 1.0


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


# What the sweep reads of an open obligation: plain values in one row, no model instances.
SWEEP_FIELDS = (
    "id",
    "kind",
    "due_on",
    "owner_id",
    "owner__email",
    "owner__manager_id",
    "owner__manager__email",
    "service_area__mailbox",
    "ombudsman_case_id",
    "ombudsman_case__link_officer_id",
    "ombudsman_case__link_officer__email",
)


def _recipient(row, role: str, policy: ReminderPolicy):
    """(key, user id, address) of whom a milestone goes to, or None if nobody can be told."""
    if role == rules.OWNER:
        return f"user:{row.owner_id}", row.owner_id, row.owner__email
    if role == rules.MANAGER:
        manager_id = row.owner__manager_id
        return (f"user:{manager_id}", manager_id, row.owner__manager__email) if manager_id else None
    link_officer_id = row.ombudsman_case__link_officer_id
    if (
        policy.escalate_to == EscalateTo.LINK_OFFICER
        and row.ombudsman_case_id is not None
        and row.kind in OMBUDSMAN_KINDS
        and link_officer_id != row.owner_id
    ):
        return f"user:{link_officer_id}", link_officer_id, row.ombudsman_case__link_officer__email
    mailbox = row.service_area__mailbox or settings.COMPLAINTS_TEAM_EMAIL
    return f"mailbox:{mailbox.lower()}", None, mailbox


def sweep(*, today: dt.date, dry_run: bool = False, batch_size: int | None = None) -> SweepResult:
    """Record every reminder milestone in force today for every open obligation.

    Reads open obligations in keyset batches (queries grow with batches, not items) and inserts
    the reminders with ON CONFLICT DO NOTHING against the unique (recipient, obligation,
    milestone), so reruns and concurrent sweeps add nothing twice. The milestones depend only on
    the kind and the due date, so they are worked out once for each pair.
    """
    batch_size = batch_size or SWEEP_BATCH
    policies = {p.kind: p for p in ReminderPolicy.objects.all()}
    non_working = non_working_days_around(calendar=default_calendar(), day=today)
    horizon = rules.lead_horizon(today, policies.values(), non_working)
    result = SweepResult()
    recorded_before = 0 if dry_run else Reminder.objects.filter(created_on=today).count()
    ladders: dict[tuple[str, dt.date], list[rules.Milestone]] = {}
    last_id = 0
    while True:
        batch = list(
            Obligation.objects.filter(done_on__isnull=True, due_on__lte=horizon, id__gt=last_id)
            .order_by("id")
            .values_list(*SWEEP_FIELDS, named=True)[:batch_size]
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
            ladder = (obligation.kind, obligation.due_on)
            if ladder not in ladders:
                ladders[ladder] = rules.current_milestones(
                    due_on=obligation.due_on, done_on=None, today=today, policy=policy, non_working=non_working
                )
            for milestone in ladders[ladder]:
                recipient = _recipient(obligation, milestone.role, policy)
                if recipient is None:
                    continue
                key, user_id, address = recipient
                rows.append(
                    Reminder(
                        obligation_id=obligation.id,
                        recipient_key=key,
                        recipient_id=user_id,
                        address=address or "",
                        milestone=milestone.key,
                        # Part of the uniqueness: an extended deadline gets its own ladder.
                        due_on=obligation.due_on,
                        fires_on=milestone.fires_on,
                        created_on=today,
                    )
                )
        if dry_run:
            obligations = Obligation.objects.in_bulk({r.obligation_id for r in rows})
            for r in rows:
                r.obligation = obligations[r.obligation_id]
            result.planned.extend(rows)
        else:
            # One INSERT a batch (SQLite splits it by its parameter limit).
            Reminder.objects.bulk_create(rows, ignore_conflicts=True)
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
    # (No ordering: Reminder's default one would make every reminder distinct.)
    waiting = (
        Reminder.objects.filter(digest__isnull=True)
        .order_by()
        .values_list("recipient_key", "recipient_id", "address")
        .distinct()
    )
    Digest.objects.bulk_create(
        [
            Digest(recipient_key=key, recipient_id=user_id, address=address, day=today)
            for key, user_id, address in waiting
        ],
        ignore_conflicts=True,
    )
    # Each waiting reminder joins its recipient's digest of today (found by the unique
    # (recipient_key, day) index), if that digest is still pending. The pending ones are read
    # first: joined in the UPDATE, PostgreSQL can misjudge how many reminders are waiting (none
    # were when the table was last analysed) and compare every reminder with every digest.
    pending = list(
        Digest.objects.filter(day=today, status=DigestStatus.PENDING).values_list("recipient_key", flat=True)
    )
    todays = Digest.objects.filter(recipient_key=OuterRef("recipient_key"), day=today).order_by().values("id")
    Reminder.objects.filter(digest__isnull=True, recipient_key__in=pending).update(digest=Subquery(todays))
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


def claim_digests(*, digest_ids: list[int], now: dt.datetime) -> list[int]:
    """Take digests for sending with one conditional UPDATE: each is won by one worker only.

    Returns the ids won. A digest left "sending" by a worker that died is taken again after
    `stale_claim()`. Each claim of a digest with an address counts as a send attempt."""
    if not digest_ids:
        return []
    ops = connection.ops
    placeholders = ", ".join(["%s"] * len(digest_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ops.quote_name(Digest._meta.db_table)} "
            "SET status = %s, claimed_at = %s, attempts = attempts + CASE WHEN address = '' THEN 0 ELSE 1 END "
            f"WHERE id IN ({placeholders}) AND (status = %s OR (status = %s AND claimed_at < %s)) RETURNING id",
            [
                DigestStatus.SENDING,
                ops.adapt_datetimefield_value(now),
                *digest_ids,
                DigestStatus.PENDING,
                DigestStatus.SENDING,
                ops.adapt_datetimefield_value(now - stale_claim()),
            ],
        )
        return sorted(row[0] for row in cursor.fetchall())


def claim_digest(*, digest_id: int, now: dt.datetime) -> bool:
    """Take one digest for sending (see `claim_digests`)."""
    return bool(claim_digests(digest_ids=[digest_id], now=now))


def message_id_for(digest: Digest) -> str:
    """The same digest always carries the same Message-ID, so a resend after a crash is the same message."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1] or "localhost"
    return f"<digest-{digest.pk}-{digest.day:%Y%m%d}@{domain}>"


def digest_items(digest: Digest, *, today: dt.date | None = None) -> dict:
    """What a digest lists: "new" reminders, "hidden" restricted ones, "others" still open (selectors.digest_lists)."""
    return digest_lists([digest])[digest.pk]


def _by_pk(field: str, values: dict[int, object]) -> Case:
    """A different value per row in one UPDATE."""
    return Case(
        *(When(pk=pk, then=Value(value)) for pk, value in values.items()), output_field=Digest._meta.get_field(field)
    )


@dataclass
class SendResult:
    """What became of each digest of a batch: "sent", "skipped" (another worker has it, or it was
    sent), "no_address", "failed" (put back to pending, the error in `errors`) or "released"
    (claimed but not tried before the claim could go stale: pending again, to send later)."""

    outcomes: dict[int, str] = field(default_factory=dict)
    errors: dict[int, Exception] = field(default_factory=dict)

    def ids(self, outcome: str) -> list[int]:
        return [pk for pk, what in self.outcomes.items() if what == outcome]


class DigestLines:
    """A digest's items as the plain values its templates print (dates formatted once a batch),
    so rendering a digest costs little more than joining its lines."""

    def __init__(self, today: dt.date):
        self.today = today
        self.dates: dict[dt.date, str] = {today: date_format(today, "j F Y")}
        self.heading = date_format(today, "l j F Y")  # Monday 30 November 2026

    def due(self, obligation: Obligation) -> dict:
        day = obligation.due_on
        if day not in self.dates:
            self.dates[day] = date_format(day, "j F Y")
        return {"due": self.dates[day], "overdue": day < self.today}

    def lines(self, items: dict) -> dict:
        return {
            "new": [
                {
                    "title": r.obligation.title,
                    "url": r.obligation.url,
                    "milestone": r.milestone,
                    "owner": str(r.obligation.owner) if r.milestone in ESCALATED else "",
                    **self.due(r.obligation),
                }
                for r in items["new"]
            ],
            # Restricted records the recipient may not open: no title, no link.
            "hidden": [
                {
                    "kind": r.obligation.get_kind_display().lower(),
                    "owner": str(r.obligation.owner),
                    **self.due(r.obligation),
                }
                for r in items["hidden"]
            ],
            "others": [{"title": o.title, "url": o.url, **self.due(o)} for o in items["others"]],
        }


def _digest_message(digest: Digest, items: dict, lines: DigestLines, templates) -> tuple[EmailMultiAlternatives, int]:
    today = lines.today
    context = {
        "digest": digest,
        "today": today,
        "today_long": lines.heading,
        "today_short": lines.dates[today],
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "base_url": settings.SITE_URL,
        **lines.lines(items),
    }
    count = len(items["new"]) + len(items["others"]) + len(items["hidden"])
    text, html = templates
    message = EmailMultiAlternatives(
        subject=f"{settings.SERVICE_NAME}: {count} item{'s' if count != 1 else ''} due or overdue ({today:%-d %B %Y})",
        body=text.render(context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest.address],
        headers={"Message-ID": message_id_for(digest)},
    )
    message.attach_alternative(html.render(context), "text/html")
    return message, count


def send_digests(*, digest_ids: list[int], now: dt.datetime | None = None, today: dt.date | None = None) -> SendResult:
    """Claim, send and mark a batch of digests, in the same few queries whatever their number or size.

    One conditional UPDATE claims them; their lists are read together (selectors.digest_lists);
    each message goes out over one mail connection; the sent ones are marked SENT at least every
    SENT_FLUSH_SECONDS and at the end. Delivery is at least once: a worker that dies after the
    gateway took a message and before SENT was saved leaves it "sending", and it is sent again
    with the same Message-ID once the claim is stale. A mail error puts that digest back to
    pending with the error; the others still go. Digests not tried before half the stale-claim
    time has passed are released (pending again) rather than risk a second sender."""
    now = now or timezone.now()
    result = SendResult(outcomes={pk: "skipped" for pk in digest_ids})
    won = claim_digests(digest_ids=list(dict.fromkeys(digest_ids)), now=now)
    if not won:
        return result
    deadline = time.monotonic() + stale_claim().total_seconds() / 2
    digests = list(Digest.objects.filter(pk__in=won).select_related("recipient").order_by("id"))
    silent = [d for d in digests if not d.address]
    if silent:
        counts = dict(
            Reminder.objects.filter(digest__in=silent)
            .order_by()
            .values("digest")
            .annotate(n=Count("id"))
            .values_list("digest", "n")
        )
        Digest.objects.filter(pk__in=[d.pk for d in silent]).update(
            status=DigestStatus.NO_ADDRESS,
            error=_by_pk("error", {d.pk: f"{d.recipient or d.recipient_key} has no email address" for d in silent}),
            item_count=_by_pk("item_count", {d.pk: counts.get(d.pk, 0) for d in silent}),
        )
        for d in silent:
            log.warning("Digest %s not sent: no email address for %s", d.pk, d.recipient_key)
            result.outcomes[d.pk] = "no_address"
    to_send = [d for d in digests if d.address]
    if not to_send:
        return result
    lists = digest_lists(to_send)
    templates = (get_template("emails/digest.txt"), get_template("emails/digest.html"))
    lines: dict[dt.date, DigestLines] = {}
    sent: dict[int, tuple[str, int]] = {}
    tried: set[int] = set()

    def flush() -> None:
        if sent:
            Digest.objects.filter(pk__in=list(sent)).update(
                status=DigestStatus.SENT,
                sent_at=timezone.now(),
                message_id=_by_pk("message_id", {pk: mid for pk, (mid, _) in sent.items()}),
                item_count=_by_pk("item_count", {pk: n for pk, (_, n) in sent.items()}),
                error="",
            )
            for pk in sent:
                result.outcomes[pk] = "sent"
            sent.clear()

    mail = get_connection()
    last_flush = time.monotonic()
    try:
        for digest in to_send:
            if tried and time.monotonic() > deadline:
                break
            tried.add(digest.pk)
            try:
                day = today or digest.day
                if day not in lines:
                    lines[day] = DigestLines(day)
                message, count = _digest_message(digest, lists[digest.pk], lines[day], templates)
                mail.send_messages([message])
            except Exception as exc:
                result.outcomes[digest.pk] = "failed"
                result.errors[digest.pk] = exc
                continue
            sent[digest.pk] = (message_id_for(digest), count)
            if time.monotonic() - last_flush > SENT_FLUSH_SECONDS:
                flush()
                last_flush = time.monotonic()
    finally:
        # Also when the worker is being stopped: what the gateway took is SENT, what was never
        # tried is pending again; only a message in flight stays "sending" (resent once stale).
        try:
            mail.close()
        finally:
            flush()
            if result.errors:
                Digest.objects.filter(pk__in=list(result.errors)).update(
                    status=DigestStatus.PENDING,
                    error=_by_pk("error", {pk: f"{type(e).__name__}: {e}" for pk, e in result.errors.items()}),
                )
            untried = [d.pk for d in to_send if d.pk not in tried]
            if untried:
                Digest.objects.filter(pk__in=untried, status=DigestStatus.SENDING).update(
                    status=DigestStatus.PENDING, claimed_at=None, attempts=F("attempts") - 1
                )
                for pk in untried:
                    result.outcomes[pk] = "released"
    return result


def send_digest(*, digest_id: int, now: dt.datetime | None = None, today: dt.date | None = None) -> str:
    """Claim, send and mark one digest. Returns what happened: sent, skipped, no_address.

    Raises the mail error after putting the digest back to pending, so the task can retry."""
    result = send_digests(digest_ids=[digest_id], now=now, today=today)
    if digest_id in result.errors:
        raise result.errors[digest_id]
    return result.outcomes[digest_id]


def mark_failed(*, digest_id: int | None = None, digest_ids: list[int] = (), error: str) -> None:
    """Digests whose retries ran out: recorded as failed in the delivery log."""
    ids = [*digest_ids, *([digest_id] if digest_id is not None else [])]
    Digest.objects.filter(pk__in=ids).exclude(status=DigestStatus.SENT).update(status=DigestStatus.FAILED, error=error)


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
