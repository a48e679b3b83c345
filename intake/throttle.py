"""Rate limits per client address for the public form, counted in the shared cache.

Behind proxies the address is taken from X-Forwarded-For: the entry the outermost trusted proxy
added (`INTAKE_PROXY_COUNT` proxies, counted from the right), so a client cannot choose its own
by sending the header. The address is hashed with the secret key before it becomes a cache key,
and never logged.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 3600
DEFAULT_LIMITS = {"submissions": 5, "uploads": 30}


def limit(name: str) -> int:
    return int(getattr(settings, f"INTAKE_{name.upper()}_PER_HOUR", DEFAULT_LIMITS[name]))


def client_address(request) -> str:
    proxies = int(getattr(settings, "INTAKE_PROXY_COUNT", 0))
    if proxies > 0:
        hops = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(request, name: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_address(request)}".encode()).hexdigest()[:32]
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
