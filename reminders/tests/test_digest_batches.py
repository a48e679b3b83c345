"""Digests sent in batches: the same few queries for few or many people and items, who may open
what decided as `visible_obligations` decides it, and what a batch does when a message fails, the
worker dies or the claim would go stale.

Reference day Mon 30 Nov 2026 (see test_services.py for the ladder): an item due that day is "due";
one due Fri 27 Nov is overdue-1 and goes to the owner's manager; one due Fri 20 Nov is also
escalated (to the Housing mailbox).
"""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import Role, ServiceArea, User
from reminders import selectors, services
from reminders.models import Digest, DigestStatus, Obligation, ObligationKind, Reminder
from reminders.tasks import send_digests_task
from reminders.tests.conftest import TODAY, make_obligation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays")]

D = dt.date
NOV_20, NOV_27, DEC_1 = D(2026, 11, 20), D(2026, 11, 27), D(2026, 12, 1)


def prepare(today: dt.date = TODAY) -> list[int]:
    services.sweep(today=today)
    with transaction.atomic():
        return services.prepare_digests(today=today)


def send_all(ids: list[int], today: dt.date = TODAY) -> dict[str, int]:
    """As the sweep task queues them: SEND_BATCH digests a batch."""
    outcomes: dict[str, int] = {}
    for start in range(0, len(ids), services.SEND_BATCH):
        result = services.send_digests(digest_ids=ids[start : start + services.SEND_BATCH], today=today)
        for what in result.outcomes.values():
            outcomes[what] = outcomes.get(what, 0) + 1
    return outcomes


# --- who may open what ---------------------------------------------------------------------------


@pytest.fixture
def access_world(people, make_user):
    """Obligations covering every branch of the rule, and people of every role."""
    from complaints.tests.factories import log_complaint
    from ombudsman_cases.tests.factories import add_recommendation, open_case

    owen, cara, hugo, mona, lena = (people[p] for p in ("owen", "cara", "hugo", "mona", "lena"))
    housing, highways = ServiceArea.objects.get(name="Housing"), ServiceArea.objects.get(name="Highways")
    extra = {
        "mike": make_user("mike", Role.MANAGER, service_areas=["Highways"]),
        "root": make_user("root", None, is_superuser=True),
        "nobody": make_user("nobody", None, service_areas=["Housing"]),
    }
    obligations = {
        "housing": make_obligation(owner=owen, due_on=TODAY),
        "highways owned by a caseworker of housing": make_obligation(owner=owen, due_on=TODAY, service_area=highways),
        "highways owned by the housing manager": make_obligation(owner=mona, due_on=TODAY, service_area=highways),
        "restricted, nobody named": make_obligation(owner=owen, due_on=TODAY, is_restricted=True),
    }
    restricted = log_complaint(handler=cara, service_area=housing, is_restricted=True, named_users=[lena])
    obligations["restricted complaint's own"] = Obligation.objects.filter(complaint=restricted).first()
    obligations["restricted complaint, owner not named"] = make_obligation(
        owner=owen, due_on=TODAY, complaint=restricted, is_restricted=True
    )
    open_complaint = log_complaint(handler=hugo, service_area=highways)
    open_complaint.named_users.add(mona)
    obligations["highways complaint naming the housing manager"] = make_obligation(
        owner=hugo, due_on=TODAY, service_area=highways, complaint=open_complaint
    )
    case = open_case(
        by=lena, link_officer=lena, today=D(2026, 10, 1), final_decision_on=D(2026, 10, 1), is_restricted=True
    )
    case.named_users.add(hugo)
    add_recommendation(case, by=lena, due_on=TODAY)
    obligations["restricted case's recommendation"] = Obligation.objects.get(kind=ObligationKind.RECOMMENDATION)
    obligations["restricted case, owner not named"] = make_obligation(
        owner=owen, due_on=TODAY, kind=ObligationKind.LGSCO_ENQUIRY_REPLY, ombudsman_case=case, is_restricted=True
    )
    assert all(obligations.values())
    return {**people, **extra}, obligations


def test_visible_pairs_agree_with_visible_obligations(access_world):
    persons, obligations = access_world
    ids = {o.pk for o in obligations.values()}
    named = {o.pk: name for name, o in obligations.items()}

    # Fresh user objects each time: visible_pairs fills the role caches that role_of would fill.
    wanted = {User.objects.get(pk=p.pk): ids for p in persons.values()}
    got = selectors.visible_pairs(wanted)

    for name, person in persons.items():
        expected = set(
            selectors.visible_obligations(User.objects.get(pk=person.pk))
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
        mine = {o for user_id, o in got if user_id == person.pk}
        assert sorted(named[o] for o in mine) == sorted(named[o] for o in expected), name
    # The world is worth testing: restricted records open to some and not others, a name beats the area.
    restricted = obligations["restricted complaint's own"].pk
    assert (persons["lena"].pk, restricted) in got and (persons["ada"].pk, restricted) not in got
    assert (persons["mona"].pk, obligations["highways complaint naming the housing manager"].pk) in got
    assert (persons["hugo"].pk, obligations["restricted case's recommendation"].pk) in got
    assert not any(user_id == persons["nobody"].pk for user_id, _ in got)


def test_a_digest_shows_a_restricted_item_its_recipient_cannot_open_without_title_or_link(people, mailoutbox):
    owen, mona = people["owen"], people["mona"]
    make_obligation(owner=owen, due_on=NOV_27, title="OPEN item of owen")
    secret = make_obligation(owner=owen, due_on=NOV_27, title="SECRET item of owen", is_restricted=True)
    send_all(prepare())

    message = next(m for m in mailoutbox if m.to == [mona.email])
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert "OPEN item of owen" in body
        assert "SECRET" not in body and secret.url not in body
    assert "A restricted respond to a complaint owned by Owen Tester, due 27 November 2026 (OVERDUE)" in message.body


# --- queries grow with batches -------------------------------------------------------------------


def build_world(make_user, mona, prefix: str, n: int) -> None:
    """n caseworkers managed by mona, each with items due, overdue, escalated, restricted and one
    reminded last week that is still open; plus one person without an email address."""
    for i in range(n):
        user = make_user(f"{prefix}{i:02d}", Role.CASEWORKER, service_areas=["Housing"], manager=mona)
        make_obligation(owner=user, due_on=TODAY, title=f"{prefix}{i:02d} due")
        make_obligation(owner=user, due_on=NOV_27, title=f"{prefix}{i:02d} overdue")
        make_obligation(owner=user, due_on=NOV_20, title=f"{prefix}{i:02d} escalated")
        make_obligation(owner=user, due_on=NOV_27, title=f"{prefix}{i:02d} restricted", is_restricted=True)
    silent = make_user(f"{prefix}-silent", Role.CASEWORKER, service_areas=["Housing"], manager=mona, email="")
    make_obligation(owner=silent, due_on=TODAY)


def run_day(today: dt.date = TODAY) -> dict:
    """Sweep, prepare and send one day's digests; the queries of each step."""
    counts = {}
    with CaptureQueriesContext(connection) as q:
        result = services.sweep(today=today)
    # SQLite takes at most 999 parameters a statement, so Django splits a bulk insert of 121
    # reminders in two there: those inserts are batches of the database's, counted apart.
    counts["sweep_inserts"] = sum(x["sql"].startswith("INSERT") for x in q.captured_queries)
    counts["sweep"] = len(q.captured_queries) - counts["sweep_inserts"]
    with CaptureQueriesContext(connection) as q:
        with transaction.atomic():
            ids = services.prepare_digests(today=today)
    counts["prepare"] = len(q.captured_queries)
    with CaptureQueriesContext(connection) as q:
        outcomes = send_all(ids, today)
    counts["send"] = len(q.captured_queries)
    counts.update(digests=len(ids), reminders=result.recorded, outcomes=outcomes, sweep_batches=result.batches)
    return counts


def forget_everything() -> None:
    Reminder.objects.all().delete()
    Digest.objects.all().delete()
    Obligation.objects.all().delete()


def test_sweep_prepare_and_send_run_as_many_queries_for_many_people_and_items_as_for_few(people, make_user, mailoutbox):
    mona = people["mona"]
    build_world(make_user, mona, "few", 2)
    services.sweep(today=NOV_27)  # last week's reminders: still open today, so listed as "others"
    few = run_day()

    forget_everything()
    mailoutbox.clear()
    build_world(make_user, mona, "many", 20)
    services.sweep(today=NOV_27)
    many = run_day()

    assert few["outcomes"] == {"sent": 4, "no_address": 1}  # 2 owners, mona, the mailbox; the silent one
    assert many["outcomes"] == {"sent": 22, "no_address": 1}
    assert many["reminders"] > 8 * few["reminders"]
    assert len(mailoutbox) == 22
    assert (many["sweep"], many["prepare"], many["send"]) == (few["sweep"], few["prepare"], few["send"])
    assert few["sweep_inserts"] == 1 and many["sweep_inserts"] <= 1 + many["reminders"] // 100
    assert few["sweep"] + few["sweep_inserts"] + few["prepare"] + few["send"] <= 30


def test_the_queries_grow_with_the_number_of_batches(people, make_user, monkeypatch):
    mona = people["mona"]
    build_world(make_user, mona, "one", 2)
    services.sweep(today=NOV_27)  # as below: the calendar is cached from then on
    one = run_day()
    forget_everything()

    monkeypatch.setattr(services, "SEND_BATCH", 5)
    monkeypatch.setattr(services, "SWEEP_BATCH", 20)
    build_world(make_user, mona, "many", 24)  # 97 obligations: 5 sweep batches; 27 digests: 6 send batches
    services.sweep(today=NOV_27)
    many = run_day()

    assert (one["sweep_batches"], many["sweep_batches"]) == (1, 5)
    assert many["outcomes"] == {"sent": 26, "no_address": 1}
    assert many["sweep"] == one["sweep"] + 4  # one read a batch
    assert many["sweep_inserts"] == 5
    assert many["send"] <= 6 * one["send"]
    assert many["prepare"] == one["prepare"]


# --- what a batch does when things go wrong ------------------------------------------------------


class RefusesOneAddress(LocmemBackend):
    """A gateway that refuses one recipient and takes everyone else's message."""

    refused = "few01@example.gov.uk"

    def send_messages(self, messages):
        if any(self.refused in m.to for m in messages):
            raise smtplib.SMTPRecipientsRefused({self.refused: (550, b"mailbox unavailable")})
        return super().send_messages(messages)


class DiesOnTheSecondMessage(LocmemBackend):
    """The worker is killed (a BaseException, as SIGTERM's SystemExit) while sending the second."""

    sent = 0

    def send_messages(self, messages):
        type(self).sent += 1
        if type(self).sent == 2:
            raise SystemExit("worker stopped")
        return super().send_messages(messages)


def test_a_refused_message_goes_back_to_pending_and_the_rest_of_the_batch_is_sent(
    people, make_user, settings, mailoutbox
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusesOneAddress"
    build_world(make_user, people["mona"], "few", 3)
    ids = prepare()

    result = services.send_digests(digest_ids=ids)

    refused = Digest.objects.get(address=RefusesOneAddress.refused)
    assert result.outcomes[refused.pk] == "failed" and isinstance(result.errors[refused.pk], smtplib.SMTPException)
    assert (refused.status, refused.attempts) == (DigestStatus.PENDING, 1)
    assert refused.error.startswith("SMTPRecipientsRefused")
    assert sorted(result.ids("sent")) == sorted(
        Digest.objects.filter(status=DigestStatus.SENT).values_list("pk", flat=True)
    )
    assert len(mailoutbox) == len(result.ids("sent")) == 4  # few00, few02, mona and the mailbox
    assert services.unsent_digest_ids() == [refused.pk]


def test_the_batch_task_retries_only_the_refused_digest_and_then_records_it_failed(
    people, make_user, settings, monkeypatch, mailoutbox
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusesOneAddress"
    monkeypatch.setitem(send_digests_task.app.conf, "task_eager_propagates", False)
    build_world(make_user, people["mona"], "few", 3)
    ids = prepare()

    result = send_digests_task.apply(args=[ids])

    assert result.get() == {"failed": 1}  # the last retry's batch: the refused digest alone
    refused = Digest.objects.get(address=RefusesOneAddress.refused)
    assert (refused.status, refused.attempts) == (DigestStatus.FAILED, 1 + send_digests_task.max_retries)
    assert refused.error.startswith("Gave up after 5 retries: ")
    assert Digest.objects.filter(status=DigestStatus.SENT).count() == len(mailoutbox) == 4


def test_a_worker_stopped_mid_batch_keeps_what_was_sent_and_releases_what_was_not_tried(
    people, make_user, settings, mailoutbox
):
    settings.EMAIL_BACKEND = f"{__name__}.DiesOnTheSecondMessage"
    DiesOnTheSecondMessage.sent = 0
    build_world(make_user, people["mona"], "few", 3)
    ids = prepare()

    with pytest.raises(SystemExit):
        services.send_digests(digest_ids=ids)

    first, second, *rest = Digest.objects.exclude(address="").order_by("pk")  # the order they are sent in
    assert first.status == DigestStatus.SENT  # the gateway took it: not sent again
    assert second.status == DigestStatus.SENDING  # in flight: resent with the same Message-ID once stale
    assert [(d.status, d.attempts, d.claimed_at) for d in rest] == [(DigestStatus.PENDING, 0, None)] * 3
    assert sorted(services.unsent_digest_ids()) == sorted(d.pk for d in rest)
    assert len(mailoutbox) == 1


def test_digests_not_tried_before_the_claim_could_go_stale_are_released_and_sent_by_a_new_task(
    people, make_user, settings, mailoutbox
):
    settings.DIGEST_STALE_CLAIM_SECONDS = 0  # every claim is at once half-way to stale
    build_world(make_user, people["mona"], "few", 3)
    ids = prepare()

    result = services.send_digests(digest_ids=ids)
    assert result.ids("sent") == [min(result.ids("sent") + result.ids("released"))]  # one sent, then released
    assert len(result.ids("released")) == 4
    assert Digest.objects.filter(pk__in=result.ids("released"), status=DigestStatus.PENDING).count() == 4

    send_digests_task.apply(args=[ids])  # each task sends one and queues the rest again (eager here)
    assert Digest.objects.filter(status=DigestStatus.SENT).count() == len(mailoutbox) == 5


def test_a_batch_sends_nothing_twice(people, make_user, mailoutbox):
    build_world(make_user, people["mona"], "few", 2)
    ids = prepare()
    first = services.send_digests(digest_ids=ids + ids)
    second = services.send_digests(digest_ids=ids)
    assert sorted(first.outcomes.values()) == ["no_address", "sent", "sent", "sent", "sent"]
    assert set(second.outcomes.values()) == {"skipped"}
    assert len(mailoutbox) == 4


class GatewayDown(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_mail_gateway_that_is_down_puts_the_whole_batch_back(people, make_user, settings, mailoutbox):
    settings.EMAIL_BACKEND = f"{__name__}.GatewayDown"
    build_world(make_user, people["mona"], "few", 2)
    ids = prepare()
    result = services.send_digests(digest_ids=ids)
    assert sorted(result.outcomes.values()) == ["failed"] * 4 + ["no_address"]
    assert Digest.objects.filter(status=DigestStatus.PENDING, error__startswith="SMTPServerDisconnected").count() == 4
