"""Schemathesis over the whole OpenAPI schema (issue 7): generated requests to every operation,
authenticated as a developer, through the WSGI app (no network), with a fixed budget and
derandomized examples. No answer may be a 5xx or carry a status the schema does not document."""

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import openapi
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from idi.config.wsgi import application
from idi.core.api_auth import create_token
from idi.core.permissions import SYSTEM, Actor
from idi.parties import services as parties
from idi.parties.models import Role
from idi.parties.validators import uscc_check_char

OPERATOR = Actor(user_id=None, label="operator", is_operator=True)

schema = openapi.from_wsgi("/api/v1/openapi.json", application)

# Examples per operation: about 90 operations, within a minute on a developer's machine.
EXAMPLES = 3


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Called straight through WSGI, each request would end by closing the database connection
    (CONN_MAX_AGE=0) inside the test's transaction, which PostgreSQL then refuses; Django's own
    test client detaches these handlers in the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def developer_token(db):
    """A developer with a project: what an insurer's or developer's system would call with."""
    first17 = "91330100MA2000001"
    org = parties.register_organisation(
        actor=OPERATOR,
        name="模糊测试开发",
        org_type="developer",
        uscc=first17 + uscc_check_char(first17),
        district="xihu",
    )
    user = parties.create_user(
        actor=OPERATOR,
        organisation=org,
        username="fuzz_dev",
        password="fuzz-password-1",
        roles=[Role.ORG_ADMIN, Role.STAFF],
    )
    return create_token(actor=SYSTEM, user=user, name="fuzz")


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_no_undocumented_status(case, developer_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {developer_token}"},
        checks=[not_a_server_error, status_code_conformance],
    )
