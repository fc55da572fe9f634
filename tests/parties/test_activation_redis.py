"""The activation throttle on the production cache: Redis, shared by every app server."""

import uuid

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

from idi.parties import services

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/15"
# A prefix of its own per run, so that parallel runs never see each other's counts.
PREFIX = f"idi-test-{uuid.uuid4().hex}"
REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": PREFIX,
    }
}


def test_misses_counted_in_redis_are_seen_by_another_connection():
    """Two app servers are two cache connections: a miss counted by one is seen by the other."""
    id_number = "330106199003071234"
    with override_settings(CACHES=REDIS_CACHE):
        caches["default"].close()
        try:
            for _ in range(services.MAX_ACTIVATION_FAILURES):
                services._count_activation_failure(source="203.0.113.7", id_number=id_number)
            # The count lives in the Redis server itself, not in this process.
            server = redis.Redis.from_url(REDIS_URL)
            stored = server.keys(f"{PREFIX}:*")
            assert len(stored) == 2  # per address and ID number, and per address
            assert {int(server.get(key)) for key in stored} == {services.MAX_ACTIVATION_FAILURES}
            other_server = caches.create_connection("default")
            key = services._activation_failures_key("203.0.113.7", id_number)
            assert other_server.get(key) == services.MAX_ACTIVATION_FAILURES
        finally:
            caches["default"].close()
            server = redis.Redis.from_url(REDIS_URL)
            for key in server.keys(f"{PREFIX}:*"):
                server.delete(key)
