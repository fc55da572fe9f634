import pytest


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
