"""Actors, roles and API tokens: the plumbing every selector and service relies on."""

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from idi.core import clock
from idi.core.api_auth import BearerToken, create_token
from idi.core.codes import AuditAction
from idi.core.errors import Forbidden
from idi.core.models import ApiToken, AuditEvent
from idi.core.permissions import ANONYMOUS, SYSTEM, Actor, actor_from_request, require_role

pytestmark = pytest.mark.django_db


def test_require_role_refuses_without_the_role():
    actor = Actor(user_id=1, label="dev", roles=frozenset({"staff"}))
    with pytest.raises(Forbidden):
        require_role(actor, "underwriter", action="issue policy")
    require_role(actor, "staff", "underwriter", action="issue policy")


def test_operator_passes_every_role_check():
    require_role(Actor(user_id=1, label="op", is_operator=True), "underwriter", action="x")


def test_anonymous_request_is_the_anonymous_actor():
    request = RequestFactory().get("/")
    request.user = None
    assert actor_from_request(request) == ANONYMOUS
    assert ANONYMOUS.is_anonymous
    assert not SYSTEM.is_anonymous


def test_bearer_token_is_stored_hashed_and_revocable():
    user = get_user_model().objects.create_user("api-user", password="x-long-password-1")
    key = create_token(actor=SYSTEM, user=user, name="script")
    token = ApiToken.objects.get(user=user)
    assert key not in token.key_hash
    assert AuditEvent.objects.filter(action=AuditAction.CREATE_TOKEN).count() == 1

    auth = BearerToken()
    request = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert auth.authenticate(request, key) == user
    assert request.user == user
    assert auth.authenticate(RequestFactory().get("/"), key + "x") is None

    ApiToken.objects.filter(pk=token.pk).update(revoked_at=clock.now())
    assert auth.authenticate(RequestFactory().get("/"), key) is None
