"""The Redis cache the settings choose when REDIS_URL is set (sessions, calendars, rate limits)."""

import pytest
from django.conf import settings

from config.cache import RedisCache

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")


@pytest.fixture
def redis_cache():
    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-config-cache"})
    yield cache
    cache.delete_many(["answer", "gone"])


def test_values_round_trip_and_deleted_ones_are_gone(redis_cache):
    redis_cache.set("answer", {"a": [1, 2]}, 60)
    assert redis_cache.get("answer") == {"a": [1, 2]}
    redis_cache.set("gone", 1, 60)
    redis_cache.delete("gone")
    assert redis_cache.get("gone") is None
    assert redis_cache.add("gone", 1, 60) is True
    assert redis_cache.incr("gone") == 2


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    redis_cache.set("answer", 42, 60)
    assert redis_cache._cache.get_client() is client
    assert redis_cache.get("answer") == 42
