"""The session: thirty minutes of inactivity sign a user out, a working user stays signed in, and a
session is written at most once a minute (not on every request).

Time passing is simulated by moving the stored session's expiry and last-seen mark back, as a
clock would have; the session store is the real one the settings choose.
"""

import datetime as dt
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.middleware import LAST_SEEN_KEY, SESSION_REFRESH_SECONDS
from accounts.models import Role

pytestmark = pytest.mark.django_db

PING = "/accounts/ping"
SIGN_IN = "/accounts/sign-in/"


@pytest.fixture
def casey(make_user):
    return make_user("casey", Role.CASEWORKER, service_areas=["Housing"])


def sign_in(client, user) -> str:
    response = client.post(SIGN_IN, {"username": user.username, "password": user.test_password})
    assert response.status_code == 302
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def age_session(key: str, *, minutes: float) -> None:
    """Make the stored session look as if its last save was `minutes` ago."""
    store = Session.get_session_store_class()(key)
    data = store.load()
    data[LAST_SEEN_KEY] = int(time.time() - minutes * 60)
    expire = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE) - dt.timedelta(minutes=minutes)
    Session.objects.filter(session_key=key).update(session_data=store.encode(data), expire_date=expire)
    cache.clear()  # a cached copy (cached_db sessions) would expire at the same moment


def session_writes(ctx) -> list[str]:
    return [
        q["sql"] for q in ctx.captured_queries if q["sql"].startswith(("UPDATE", "INSERT")) and "session" in q["sql"]
    ]


def test_the_timeout_is_thirty_minutes_of_inactivity_unless_configured():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert not settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_a_session_unused_for_thirty_minutes_is_signed_out(client, casey):
    key = sign_in(client, casey)
    age_session(key, minutes=31)
    response = client.get(PING)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_a_session_used_twenty_nine_minutes_ago_is_still_signed_in(client, casey):
    key = sign_in(client, casey)
    age_session(key, minutes=29)
    assert client.get(PING).status_code == 200


def test_a_request_after_a_quiet_spell_gives_another_thirty_minutes(client, casey):
    key = sign_in(client, casey)
    age_session(key, minutes=25)
    response = client.get(PING)
    assert response.status_code == 200
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE
    expires = Session.objects.get(session_key=key).expire_date
    assert expires > timezone.now() + dt.timedelta(minutes=29)
    # ...so 31 minutes after the sign-in, but 6 after the last request, the user is still signed in.
    age_session(key, minutes=6)
    assert client.get(PING).status_code == 200


def test_requests_within_a_minute_do_not_write_the_session(client, casey):
    sign_in(client, casey)
    client.get(PING)
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(3):
            response = client.get(PING)
            assert response.status_code == 200
            assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert session_writes(ctx) == []


def test_a_request_a_minute_after_the_last_write_writes_it_again(client, casey):
    key = sign_in(client, casey)
    age_session(key, minutes=SESSION_REFRESH_SECONDS / 60)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(PING)
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert len(session_writes(ctx)) == 1


def test_signing_in_starts_a_new_session_and_signing_out_ends_it(client, casey):
    before = client.session
    before["seen_the_sign_in_page"] = True
    before.save()
    old_key = before.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = old_key
    new_key = sign_in(client, casey)
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()

    response = client.post("/accounts/sign-out/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=new_key).exists()
    assert client.get(PING).status_code == 302
    # The ended session's cookie does not come back to life either.
    client.cookies[settings.SESSION_COOKIE_NAME] = new_key
    assert client.get(PING).status_code == 302


def test_an_anonymous_visit_creates_no_session(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(SIGN_IN)
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert session_writes(ctx) == []
