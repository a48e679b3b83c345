"""Version counters in the cache, shared by every process: a cached value stored under (or with) a
counter's current value is out of date as soon as the counter moves.

A counter the cache lost (a restart, an eviction) starts again at a value never handed out before
(the clock in nanoseconds), so no entry stored under an older value can match it."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction


def fresh_version() -> int:
    return time.time_ns()


def read_versions(keys: Iterable[str], *, extra: Iterable[str] = ()) -> dict:
    """The counters `keys` (a missing one is started), and the cached values `extra` (absent when
    not cached), from one cache read when every counter is there."""
    keys, extra = list(keys), list(extra)
    found = cache.get_many([*keys, *extra])
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, fresh_version(), timeout=None)
        found |= cache.get_many(missing)
    return found


def current(*keys: str) -> tuple:
    """The counters' current values, from one cache read (a missing one is started)."""
    found = read_versions(keys)
    return tuple(found[key] for key in keys)


def bump(*keys: str) -> None:
    """Move the counters `keys` on."""
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:
            cache.add(key, fresh_version(), timeout=None)


def bump_now_and_on_commit(*keys: str) -> None:
    """Move the counters at once (the same transaction reads its own change) and again when the
    transaction commits (a value another process built between the two, from the rows before the
    commit, is never read again). Inside a transaction, note that it changed something: a value
    read in it is not kept (`Remembered.keep`), as the transaction may yet roll back."""
    bump(*keys)
    if connection.in_atomic_block:
        connection.versions_changed_in_transaction = True

    def committed():
        connection.versions_changed_in_transaction = False
        bump(*keys)

    transaction.on_commit(committed)


KEPT_SECONDS = 600


@dataclass
class Remembered:
    """A value kept in the cache under `key` with the `version` it was read at: `value` is None
    when the cache has none for that version (`keep` stores it)."""

    key: str
    version: tuple
    value: object = None

    def keep(self, value, timeout: int = KEPT_SECONDS) -> None:
        """Use `value` now, and keep it for others unless it was read inside a transaction that
        changed what versions count (it would outlive a rollback)."""
        self.value = value
        if connection.in_atomic_block and getattr(connection, "versions_changed_in_transaction", False):
            return
        cache.set(self.key, (self.version, value), timeout)


def remember(version_keys: str | tuple[str, ...], key: str) -> Remembered:
    """What the cache keeps under `key` for the current values of the counters `version_keys` (one
    cache read): a value kept under an older version of any of them is not returned. Read the
    versions before the data the value is built from, so a change made in between makes the
    value old at once."""
    names = (version_keys,) if isinstance(version_keys, str) else version_keys
    found = read_versions(names, extra=[key])
    version, kept = tuple(found.get(name) for name in names), found.get(key)
    value = kept[1] if isinstance(kept, tuple) and kept[0] == version else None
    return Remembered(key=key, version=version, value=value)


def digest(*parts) -> str:
    """A short cache-key part standing for `parts` (their repr)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
