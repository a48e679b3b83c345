"""Production settings refuse to start unsafely; the Celery clock must be Django's clock."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Error

from config.checks import celery_time_zone_matches_django

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "PRODUCTION"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.DEBUG)"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings(PRODUCTION="1", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = load_settings(PRODUCTION="1", DEBUG="1", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_production_starts_with_a_key_and_debug_off():
    result = load_settings(PRODUCTION="1", SECRET_KEY="x" * 50, ALLOWED_HOSTS="complaints.example.gov.uk")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_development_defaults_to_debug_without_any_environment():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.mark.parametrize(
    ("celery_tz", "expected_errors"),
    [("Europe/London", 0), ("UTC", 1), (None, 1)],
)
def test_system_check_fails_when_celery_time_zone_differs_from_django(settings, celery_tz, expected_errors):
    settings.TIME_ZONE = "Europe/London"
    settings.CELERY_TIMEZONE = celery_tz
    errors = celery_time_zone_matches_django(None)
    assert len(errors) == expected_errors
    assert all(isinstance(e, Error) and e.id == "config.E001" for e in errors)
