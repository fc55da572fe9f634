import pytest
from hypothesis import settings as hypothesis_settings

# Property tests check what the rules compute, not how fast: a per-example deadline only turns a
# busy CI machine into a flaky failure.
hypothesis_settings.register_profile("idi", deadline=None)
hypothesis_settings.load_profile("idi")


def pytest_addoption(parser):
    parser.addoption(
        "--require-postgres",
        action="store_true",
        help="fail (never skip) unless the database tests run on PostgreSQL",
    )


@pytest.fixture(scope="session", autouse=True)
def _database_engine_check(request, django_db_blocker):
    if not request.config.getoption("--require-postgres"):
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.exit(f"--require-postgres: DATABASE_URL points at {connection.vendor}", returncode=1)
    with django_db_blocker.unblock():
        connection.ensure_connection()


# Argon2 costs tens of milliseconds per password by design; the suite creates hundreds of
# accounts. Tests of the hasher itself mark themselves `production_hasher`.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hasher(request, settings):
    if request.node.get_closest_marker("production_hasher") is None:
        settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _audit_checkpoints(settings, tmp_path):
    """Each test anchors its own audit chain: checkpoints of one test database must never be
    held against another's."""
    settings.IDI_AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttle counts (log-in, activation) live in the cache: no test inherits another's."""
    from django.core.cache import cache

    cache.clear()
