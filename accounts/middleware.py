"""Request middleware of the accounts app."""

import time

# The session's timeout counts from its last save; saving it at most this often keeps a user who is
# working signed in without a write on every request. The session then ends between
# SESSION_COOKIE_AGE minus this and SESSION_COOKIE_AGE after the last request, never later.
SESSION_REFRESH_SECONDS = 60
LAST_SEEN_KEY = "_last_seen"


class SessionActivityMiddleware:
    """Keeps a used session alive: an inactivity timeout without writing the session every request.

    Replaces SESSION_SAVE_EVERY_REQUEST. Goes right after Django's SessionMiddleware, so the mark it
    leaves makes that middleware save the session (and send a fresh cookie) with a new expiry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session this request used and that exists (not one just ended by signing out).
        if session is None or not session.accessed or session.session_key is None:
            return response
        now = int(time.time())
        last_seen = session.get(LAST_SEEN_KEY)
        if session.modified or not isinstance(last_seen, int) or now - last_seen >= SESSION_REFRESH_SECONDS:
            session[LAST_SEEN_KEY] = now
        return response
