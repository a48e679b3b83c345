"""Production hardening a council's security team will check: deploy checks, CSP, hashing, health."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from reminders.services import record_task_run

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_check_deploy_passes_with_production_settings():
    hidden = {"DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the last is set for Playwright
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    env.update(PRODUCTION="1", SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="complaints.example.gov.uk")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_every_page_carries_a_content_security_policy_without_inline_script(client, make_user):
    client.force_login(make_user("casey", role="caseworker"))
    response = client.get("/accounts/password/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all("src=" in tag for tag in scripts), f"inline script found: {scripts}"
    assert not re.search(r"\son[a-z]+=\"", html), "inline event handler found"
    assert ' style="' not in html, "inline style attribute found"


def test_passwords_are_hashed_with_argon2_in_production_settings():
    # The test settings use a fast hasher; the production list starts with Argon2.
    from config import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_the_session_ends_after_thirty_minutes_without_a_request():
    # The behaviour itself is tested in accounts/tests/test_sessions.py.
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    sessions = settings.MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert settings.MIDDLEWARE[sessions + 1] == "accounts.middleware.SessionActivityMiddleware"


def test_healthz_reports_the_database_and_a_recent_beat_run(client):
    record_task_run(name="reminders_sweep")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"]["ok"] is True
    assert body["beat"]["ok"] is True and body["beat"]["seconds_ago"] < 60


def test_healthz_says_when_beat_has_not_run(client):
    body = client.get("/healthz").json()
    assert body["beat"] == {"ok": False, "last_sweep": None, "seconds_ago": None}


def test_healthz_flags_a_stale_beat_run(client):
    from reminders.models import TaskRun

    TaskRun.objects.create(name="reminders_sweep", last_success_at=timezone.now() - timezone.timedelta(hours=2))
    assert client.get("/healthz").json()["beat"]["ok"] is False


def test_the_liveness_ping_needs_nothing_and_the_signed_in_one_needs_a_session(client, make_user):
    assert client.get("/ping").content == b"ok"
    assert client.get("/accounts/ping").status_code == 302
    client.force_login(make_user("casey", role="caseworker"))
    assert client.get("/accounts/ping").content == b"ok"
