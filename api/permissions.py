"""Who may call the API: the same role rule as the pages (`accounts.access`).

No role: 403, as the pages' "Your account has no role yet". Record-level rules (404 for a
record the account cannot see, 403 for one it may see but not change) are in the views, through
the same selectors and checks the pages use.
"""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from accounts.access import role_of


class HasRole(BasePermission):
    message = "This account has no role yet. Ask a complaints admin."

    def has_permission(self, request, view) -> bool:
        return role_of(request.user) is not None
