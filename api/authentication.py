"""`Authorization: Bearer <token>` for service accounts (hashed tokens, see api.models)."""

from __future__ import annotations

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from api.services import token_authenticate

KEYWORDS = (b"bearer", b"token")


class ServiceTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Send the header as 'Authorization: Bearer <token>'.")
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed("The token is not valid.") from exc
        user = token_authenticate(raw)
        if user is None:
            raise AuthenticationFailed("The token is not valid, or it was revoked.")
        return user, raw

    def authenticate_header(self, request):
        # A WWW-Authenticate header makes DRF answer 401 (not 403) when no token is sent.
        return 'Bearer realm="api"'
