"""django-axes hooks."""


def username_from_request(request, credentials):
    """The username axes records for a sign-in attempt, cut to what the user model allows (150), so a
    hostile 10,000-character username is throttled like any other, not a database error."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username)[:150]
