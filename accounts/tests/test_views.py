"""Sign in, sign out and password change, through the test client.

django-axes needs the request when authenticating, so sign-ins POST to the real form and
signed-in pages use force_login.
"""

import pytest
from axes.models import AccessAttempt
from django.conf import settings

from accounts.models import Role

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"
SIGN_OUT = "/accounts/sign-out/"
PASSWORD = "/accounts/password/"


@pytest.fixture
def casey(make_user):
    return make_user("casey", Role.CASEWORKER, service_areas=["Housing"])


def test_sign_in_page_has_labelled_username_and_password_fields(client):
    response = client.get(SIGN_IN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<label" in html and 'for="id_username"' in html and 'for="id_password"' in html
    assert "<h1" in html and "Sign in" in html


def test_wrong_password_shows_the_error_summary_not_a_server_error(client, casey):
    response = client.post(SIGN_IN, {"username": "casey", "password": "not-the-password"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a correct username and password" in html
    assert "<title>Error: " in html
    assert "_auth_user_id" not in client.session


def test_empty_form_says_what_to_enter(client):
    response = client.post(SIGN_IN, {"username": "", "password": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter your username" in html and "Enter your password" in html


def test_unknown_username_gets_the_same_message_as_a_wrong_password(client):
    response = client.post(SIGN_IN, {"username": "nobody-here", "password": "whatever-it-is"})
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()


def test_sign_in_is_locked_after_too_many_failures(client, casey):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = client.post(SIGN_IN, {"username": "casey", "password": "wrong-password"})
        assert response.status_code == 200
    response = client.post(SIGN_IN, {"username": "casey", "password": "wrong-password"})
    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()
    # The right password does not get past the lock either.
    response = client.post(SIGN_IN, {"username": "casey", "password": casey.test_password})
    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username="casey").exists()


def test_successful_sign_in_goes_to_the_home_page(client, casey):
    response = client.post(SIGN_IN, {"username": "casey", "password": casey.test_password})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(casey.pk)


def test_sign_in_follows_a_safe_next_link_but_not_an_external_one(client, casey):
    response = client.post(
        SIGN_IN + "?next=/accounts/password/", {"username": "casey", "password": casey.test_password}
    )
    assert response["Location"] == "/accounts/password/"
    client.post(SIGN_OUT)
    response = client.post(
        SIGN_IN + "?next=https://evil.example.com/", {"username": "casey", "password": casey.test_password}
    )
    assert response["Location"] == "/"


def test_home_page_needs_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_signed_in_user_visiting_sign_in_is_sent_home(client, casey):
    client.force_login(casey)
    response = client.get(SIGN_IN)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_sign_out_is_post_only(client, casey):
    client.force_login(casey)
    response = client.get(SIGN_OUT)
    assert response.status_code == 405
    assert client.session.get("_auth_user_id") == str(casey.pk)


def test_sign_out_ends_the_session_and_returns_to_sign_in(client, casey):
    client.force_login(casey)
    response = client.post(SIGN_OUT)
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    assert "_auth_user_id" not in client.session


def test_password_change_page_needs_sign_in(client):
    response = client.get(PASSWORD)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_password_change_rejects_a_too_short_password_with_a_message(client, casey):
    client.force_login(casey)
    response = client.post(
        PASSWORD, {"old_password": casey.test_password, "new_password1": "short1", "new_password2": "short1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "too short" in html and "at least 10 characters" in html
    casey.refresh_from_db()
    assert casey.check_password(casey.test_password)


def test_password_change_rejects_a_wrong_current_password(client, casey):
    client.force_login(casey)
    response = client.post(
        PASSWORD,
        {
            "old_password": "not-my-password",
            "new_password1": "a-much-better-one-42",
            "new_password2": "a-much-better-one-42",
        },
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_password_change_works_and_keeps_the_user_signed_in(client, casey):
    client.force_login(casey)
    new = "a-much-better-one-42"
    response = client.post(PASSWORD, {"old_password": casey.test_password, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert response["Location"] == "/"
    casey.refresh_from_db()
    assert casey.check_password(new)
    # Still signed in (the session hash was updated), and told it worked.
    response = client.get(PASSWORD)
    assert response.status_code == 200
    assert "Your password has been changed." in response.content.decode()


def test_after_a_wrong_password_the_username_is_kept_and_the_password_is_not(client, casey):
    response = client.post(SIGN_IN, {"username": "casey", "password": "not-the-password"})
    html = response.content.decode()
    assert 'name="username"' in html and 'value="casey"' in html
    assert "not-the-password" not in html


def test_each_error_message_is_announced_with_its_input(client, casey):
    client.force_login(casey)
    response = client.post(PASSWORD, {"old_password": "", "new_password1": "x", "new_password2": "y"})
    html = response.content.decode()
    assert '<a href="#id_old_password">Enter your current password</a>' in html
    assert 'id="id_old_password_1_error"' in html
    assert 'aria-describedby="id_old_password_1_error" aria-invalid="true"' in html
    # The rules under "New password" stay described; the mismatch error joins the hint.
    assert 'aria-describedby="id_new_password2_hint id_new_password2_1_error"' in html


def test_a_hostile_username_is_shown_back_escaped(client):
    response = client.post(SIGN_IN, {"username": '"><script>x</script>', "password": "whatever-it-is"})
    html = response.content.decode()
    assert "<script>x</script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in html


def test_the_new_password_field_lists_the_rules_as_its_hint(client, casey):
    client.force_login(casey)
    for _ in range(2):  # the rules are worked out once, and shown on every visit
        html = client.get(PASSWORD).content.decode()
        hint = html.split('id="id_new_password1_hint"', 1)[1].split("</div>", 1)[0]
        assert "at least 10 characters" in hint and "commonly used password" in hint
        assert 'aria-describedby="id_new_password1_hint"' in html
