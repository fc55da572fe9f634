"""Log-in throttling (django-axes, issue 7): failed log-ins are counted per account (whether it
was typed as its username or an owner's ID number) and per address, on the shared cache; past
the limit the right password is refused too, until the cool-off ends."""

import uuid
from datetime import timedelta

import pytest
import redis
import time_machine
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse
from parties_helpers import PASSWORD

from idi.core import clock
from idi.parties.models import Role

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


def _login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.fixture
def staff(org, member):
    user, _ = member(org("developer"), "dev_staff", roles=[Role.STAFF])
    return user


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_right_password_refused_after_the_limit_per_account(staff):
    """Issue 7: 20 wrong passwords in a few seconds, then the right one: refused (429), from
    whatever address; the account opens again after the cool-off."""
    with time_machine.travel(clock.now(), tick=False) as traveller:
        for n in range(LIMIT):
            # Each miss from another address: the account's count alone locks it.
            _login(Client(REMOTE_ADDR=f"192.0.2.{n + 1}"), "dev_staff", "wrong-1")
        client = Client(REMOTE_ADDR="198.51.100.9")
        locked = _login(client, "dev_staff", PASSWORD)
        assert locked.status_code == 429
        assert "登录尝试次数过多" in locked.content.decode()
        assert not _signed_in(client)
        traveller.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
        assert _login(client, "dev_staff", PASSWORD).status_code == 302
        assert _signed_in(client)


def test_one_address_is_locked_across_accounts(staff):
    """Per address: guessing many accounts from one address locks the address, not them."""
    sprayer = Client(REMOTE_ADDR="203.0.113.50")
    for n in range(LIMIT):
        _login(sprayer, f"guess{n}", "wrong-1")
    assert _login(sprayer, "dev_staff", PASSWORD).status_code == 429
    assert _login(Client(REMOTE_ADDR="203.0.113.51"), "dev_staff", PASSWORD).status_code == 302


def test_a_success_resets_the_count(staff):
    client = Client()
    for _ in range(LIMIT - 1):
        _login(client, "dev_staff", "wrong-1")
    assert _login(client, "dev_staff", PASSWORD).status_code == 302
    for _ in range(LIMIT - 1):
        _login(Client(), "dev_staff", "wrong-1")
    assert _login(Client(), "dev_staff", PASSWORD).status_code == 302


def test_admin_log_in_is_throttled_too(operator_user):
    client = Client(REMOTE_ADDR="192.0.2.200")
    for _ in range(LIMIT):
        client.post("/admin/login/", {"username": "op", "password": "wrong-1"})
    answer = client.post("/admin/login/", {"username": "op", "password": PASSWORD})
    assert answer.status_code == 429


REDIS_URL = "redis://127.0.0.1:6379/15"


def test_failures_are_counted_in_the_shared_redis_cache(staff):
    """Two app servers share the count: misses recorded through one Redis connection lock the
    account for a server that opens its own."""
    prefix = f"idi-test-{uuid.uuid4().hex}"
    cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    server = redis.Redis.from_url(REDIS_URL)
    with override_settings(CACHES=cache):
        caches["default"].close()
        # axes keeps the cache its handler was made with: make it again on the Redis one.
        AxesProxyHandler.get_implementation(force=True)
        try:
            for n in range(LIMIT):
                _login(Client(REMOTE_ADDR=f"192.0.2.{n + 1}"), "dev_staff", "wrong-1")
            assert server.keys(f"{prefix}:*"), "the counts live in the Redis server"
            caches["default"].close()  # the next request opens a new connection
            assert (
                _login(Client(REMOTE_ADDR="198.51.100.10"), "dev_staff", PASSWORD).status_code
                == 429
            )
        finally:
            caches["default"].close()
            AxesProxyHandler.implementation = None
            for key in server.keys(f"{prefix}:*"):
                server.delete(key)
