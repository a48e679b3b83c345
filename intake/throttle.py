"""Rate limits per client address for the public form, counted in the shared cache.

The address is the one django-axes uses for sign-in throttling (so one proxy setting serves
both); it is hashed with the secret key before it becomes a cache key, and never logged.
"""

from __future__ import annotations

import hashlib

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 3600


def limit(name: str) -> int:
    defaults = {"submissions": 5, "uploads": 30}
    return int(getattr(settings, f"INTAKE_{name.upper()}_PER_HOUR", defaults[name]))


def _key(request, name: str) -> str:
    address = get_client_ip_address(request) or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"intake:{name}:{digest}"


def allow(request, name: str) -> bool:
    """Count one attempt from this address; False once it is over the hourly limit.

    The window starts at the first attempt (a fixed window): a burst is stopped, and an address
    is free again an hour after it started."""
    key = _key(request, name)
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count <= limit(name)
