"""Real Celery workers against real Redis and PostgreSQL: digests delivered exactly once.

Runs only when the default database is PostgreSQL and REDIS_URL is set (CI sets both; locally,
with SQLite, the module is skipped). Each test:

- writes its rows through the services in the test process, committed (transactional test),
  so the worker processes see them in the same test database;
- starts `celery -A config worker` processes with config.settings pointed at that database, a
  Redis database of their own (flushed), and `reminders.mail.IdempotentFileBackend` writing one
  `.eml` per Message-ID (and a line per send attempt to `sends.log`) into a temporary folder,
  slowed to 0.2 s a message so that a kill lands in the middle of a batch;
- talks to the workers through a separate Celery client on that Redis database (the test
  process's own Celery app is eager and read its settings at import);
- kills every worker's process group with SIGKILL in a `finally`.
"""

from __future__ import annotations

import email
import os
import re
import signal
import subprocess
import sys
import time
import zlib
from collections import Counter
from email import policy as email_policy
from hashlib import sha256
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection, transaction

from reminders import services
from reminders.models import Digest, DigestStatus, Reminder
from reminders.tests.conftest import TODAY, make_obligation

ROOT = Path(__file__).resolve().parents[2]
STALE_SECONDS = 2
VISIBILITY_TIMEOUT = 5
QUEUE = "celery"

pytestmark = [
    pytest.mark.skipif(
        not (settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and settings.REDIS_URL),
        reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("bank_holidays"),
]

TITLE = re.compile(r"\b[ABC]-u\d{2}-\d\b")


# --- plumbing -----------------------------------------------------------------------------------


def redis_url_for_workers() -> str:
    """REDIS_URL's server, on a database of our own (flushed before and after each test).

    Other test runs on the same machine (another checkout, xdist workers) would flush or drain a
    shared database number, so the number comes from the test database's name (1-15, never
    REDIS_URL's own); CELERY_TEST_REDIS_DB overrides it.
    """
    parts = urlsplit(settings.REDIS_URL)
    own = int(parts.path.strip("/") or 0)
    number = os.environ.get("CELERY_TEST_REDIS_DB")
    if number is None:
        number = 1 + zlib.crc32(connection.settings_dict["NAME"].encode()) % 15
        number = number if number != own else number % 15 + 1
    return urlunsplit((parts.scheme, parts.netloc, f"/{int(number)}", "", ""))


def database_url_for_workers() -> str:
    """The URL of the database this test process uses (pytest-django's test_<name>)."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    host = s["HOST"] or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{s['NAME']}"


class Workers:
    """Starts celery worker processes for one test and kills them all at the end."""

    def __init__(self, tmp_path: Path):
        import redis
        from celery import Celery

        self.tmp_path = tmp_path
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.broker = redis_url_for_workers()
        self.redis = redis.Redis.from_url(self.broker)
        self.redis.flushdb()
        self.client = Celery("t", broker=self.broker)
        self.client.conf.broker_connection_retry_on_startup = True
        self.procs: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"PRODUCTION", "CELERY_TASK_ALWAYS_EAGER", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"}
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=database_url_for_workers(),
            DB_CONN_MAX_AGE="0",
            REDIS_URL=self.broker,
            EMAIL_BACKEND="reminders.mail.IdempotentFileBackend",
            EMAIL_FILE_PATH=str(self.mail_dir),
            EMAIL_FILE_DELAY_SECONDS="0.2",
            DIGEST_STALE_CLAIM_SECONDS=str(STALE_SECONDS),
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
            DEBUG="0",
            VAR_DIR=str(tmp_path / "var"),
            PYTHONUNBUFFERED="1",
        )

    def start(self, name: str) -> subprocess.Popen:
        log = self.tmp_path / f"{name}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "-l",
                    "info",
                    "--concurrency",
                    "2",
                    "-n",
                    f"{name}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs.append(proc)
        self.logs.append(log)
        wait_for(lambda: " ready." in log.read_text(errors="replace") or proc.poll() is not None, 60, f"{name} ready")
        assert proc.poll() is None, f"worker {name} exited:\n{log.read_text(errors='replace')[-3000:]}"
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(10)

    def kill_all(self) -> None:
        for proc in self.procs:
            self.kill(proc)

    def send_digest(self, digest_id: int) -> None:
        self.client.send_task("reminders.tasks.send_digest_task", args=[digest_id])

    def sweep(self) -> None:
        self.client.send_task(
            "reminders.tasks.reminders_sweep_task", kwargs={"today": TODAY.isoformat(), "send_now": True}
        )

    def queued_and_unacked(self) -> int:
        queued = sum(self.redis.llen(k) for k in self.redis.keys(f"{QUEUE}*") if self.redis.type(k) == b"list")
        return queued + self.redis.hlen("unacked")

    def eml_files(self) -> list[Path]:
        return sorted(self.mail_dir.glob("*.eml"))

    def sends(self) -> list[str]:
        log = self.mail_dir / "sends.log"
        return [line.split()[0] for line in log.read_text().splitlines()] if log.exists() else []

    def tail(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-2500:]}" for p in self.logs)

    def close(self) -> None:
        self.kill_all()
        self.redis.flushdb()
        self.client.close()
        self.redis.close()


@pytest.fixture
def workers(tmp_path):
    w = Workers(tmp_path)
    try:
        yield w
    finally:
        w.close()


def wait_for(condition, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def state(workers: Workers) -> str:
    """What the database and the broker say, for a timeout's message."""
    statuses = Counter(Digest.objects.values_list("status", flat=True))
    return f"digests {dict(statuses)}; broker {workers.broker}: {workers.queued_and_unacked()} queued or unacked"


def all_sent(expected: int) -> bool:
    return Digest.objects.filter(status=DigestStatus.SENT).count() == expected


def file_name(message_id: str) -> str:
    return sha256(message_id.encode()).hexdigest()[:32] + ".eml"


def make_people(make_user, prefix: str, n: int) -> list:
    """n caseworkers in Housing, each with two items reminded on Mon 30 Nov 2026 (due, lead-1)."""
    people = []
    for i in range(n):
        user = make_user(f"{prefix.lower()}{i:02d}", "caseworker", service_areas=["Housing"])
        make_obligation(owner=user, due_on=TODAY, title=f"{prefix}-u{i:02d}-1 respond")
        make_obligation(owner=user, due_on=TODAY.replace(month=12, day=1), title=f"{prefix}-u{i:02d}-2 respond")
        user.expected_titles = {f"{prefix}-u{i:02d}-1", f"{prefix}-u{i:02d}-2"}
        people.append(user)
    return people


def sweep_and_prepare() -> list[int]:
    services.sweep(today=TODAY)
    with transaction.atomic():
        return services.prepare_digests(today=TODAY)


def assert_delivered_exactly_once(workers: Workers, people: list) -> Counter:
    """One .eml per digest, named by its Message-ID, to its person with exactly their items."""
    digests = {d.recipient_id: d for d in Digest.objects.filter(day=TODAY)}
    assert len(digests) == len(people)
    assert {d.status for d in digests.values()} == {DigestStatus.SENT}
    expected_files = {file_name(d.message_id): d for d in digests.values()}
    assert {p.name for p in workers.eml_files()} == set(expected_files)
    for person in people:
        digest = digests[person.pk]
        assert digest.message_id == services.message_id_for(digest)
        path = workers.mail_dir / file_name(digest.message_id)
        message = email.message_from_bytes(path.read_bytes(), policy=email_policy.default)
        assert message["To"] == person.email
        assert message["Message-ID"] == digest.message_id
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        assert Counter(TITLE.findall(text)) == Counter(person.expected_titles), path
        assert set(TITLE.findall(html)) == person.expected_titles, path
    # Every reminder is attached to exactly one digest (its recipient's), and that digest was sent.
    assert not Reminder.objects.filter(digest__isnull=True).exists()
    for r in Reminder.objects.select_related("digest"):
        assert (r.digest.recipient_key, r.digest.status) == (r.recipient_key, DigestStatus.SENT)
    sends = Counter(workers.sends())
    assert set(sends) == {d.message_id for d in digests.values()}
    return sends


# --- the tests -------------------------------------------------------------------------------------


def test_a_worker_sends_each_digest_once_to_the_right_person(workers, make_user):
    people = make_people(make_user, "A", 30)
    digest_ids = sweep_and_prepare()
    assert len(digest_ids) == 30

    try:
        workers.start("w0")
        for digest_id in digest_ids:
            workers.send_digest(digest_id)
        wait_for(lambda: all_sent(30), 90, "30 digests sent", interval=0.25)
        wait_for(lambda: workers.queued_and_unacked() == 0, 30, "the queue to drain", interval=0.25)
    except AssertionError:
        print(state(workers))
        print(workers.tail())
        raise
    finally:
        workers.kill_all()

    sends = assert_delivered_exactly_once(workers, people)
    assert set(sends.values()) == {1}, f"a Message-ID was sent more than once: {sends.most_common(3)}"
    assert len(workers.sends()) == 30


def test_a_worker_killed_mid_batch_loses_and_doubles_nothing(workers, make_user):
    people = make_people(make_user, "B", 40)
    digest_ids = sweep_and_prepare()
    assert len(digest_ids) == 40

    try:
        first = workers.start("w0")
        for digest_id in digest_ids:
            workers.send_digest(digest_id)
        # Polled fast, so the kill often lands between a message reaching the gateway and SENT being
        # saved: that digest is then resent with the same Message-ID (a second sends.log line, one file).
        wait_for(lambda: len(workers.eml_files()) >= 10, 60, "10 digests written", interval=0.0005)
        workers.kill(first)
        killed_at = time.monotonic()
        at_kill = {
            "files": len(workers.eml_files()),
            "sent": Digest.objects.filter(status=DigestStatus.SENT).count(),
            "sending": Digest.objects.filter(status=DigestStatus.SENDING).count(),
            "unacked": workers.redis.hlen("unacked"),
        }
        assert at_kill["files"] < 40, "the worker finished before it could be killed: nothing was tested"

        # After the visibility timeout, the killed worker's unacknowledged messages are restored when
        # the next worker starts; after the stale-claim time its "sending" digests may be taken again.
        time.sleep(max(0.0, VISIBILITY_TIMEOUT + 1 - (time.monotonic() - killed_at)))
        workers.start("w1")
        workers.sweep()  # requeues pending digests and stale claims
        wait_for(lambda: all_sent(40), 90, "40 digests sent", interval=0.25)
        wait_for(lambda: workers.queued_and_unacked() == 0, 30, "the queue to drain", interval=0.25)
    except AssertionError:
        print(state(workers))
        print(workers.tail())
        raise
    finally:
        workers.kill_all()

    sends = assert_delivered_exactly_once(workers, people)
    resent = sorted(mid for mid, n in sends.items() if n > 1)
    stray = list(workers.mail_dir.glob(".*.tmp"))
    print(
        f"\nfault test: at the kill {at_kill}; sends.log has {sum(sends.values())} lines for 40 Message-IDs; "
        f"{len(resent)} Message-ID(s) twice or more: {resent}; half-written temp files left: {len(stray)}"
    )
    assert max(sends.values()) <= 2
    # A digest is resent only if the kill came after its file was written and before SENT was saved.
    assert len(resent) <= at_kill["sending"]


def test_two_workers_on_the_same_sweep_send_each_digest_once(workers, make_user):
    people = make_people(make_user, "C", 30)

    try:
        workers.start("w0")
        workers.start("w1")
        workers.sweep()
        workers.sweep()
        wait_for(
            lambda: (
                Digest.objects.filter(day=TODAY).count() == 30
                and not Reminder.objects.filter(digest__isnull=True).exists()
            ),
            60,
            "the sweeps to prepare 30 digests",
            interval=0.05,
        )
        for digest_id in Digest.objects.values_list("id", flat=True):
            workers.send_digest(digest_id)
            workers.send_digest(digest_id)
        wait_for(lambda: all_sent(30), 90, "30 digests sent", interval=0.25)
        wait_for(lambda: workers.queued_and_unacked() == 0, 30, "the queue to drain", interval=0.25)
    except AssertionError:
        print(state(workers))
        print(workers.tail())
        raise
    finally:
        workers.kill_all()

    sends = assert_delivered_exactly_once(workers, people)
    assert set(sends.values()) == {1}, f"a Message-ID was sent more than once: {sends.most_common(3)}"
    assert Reminder.objects.count() == 60
    logs = "".join(p.read_text(errors="replace") for p in workers.logs)
    assert logs.count("reminders.tasks.reminders_sweep_task") >= 2
    assert "skipped" in logs  # the second, third and fourth send of each digest found it claimed
