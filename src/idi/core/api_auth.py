"""API authentication: a bearer token (scripts, insurers' systems) or the browser session."""

import hashlib
import secrets

from django.db import transaction
from ninja.security import HttpBearer, django_auth

from idi.core import audit, clock
from idi.core.codes import AuditAction
from idi.core.models import ApiToken
from idi.core.permissions import Actor


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=_hash(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        # Selectors read the actor from request.user, whichever way the caller logged in.
        request.user = found.user
        return found.user


API_AUTH = [BearerToken(), django_auth]


@transaction.atomic
def create_token(*, actor: Actor, user, name: str) -> str:
    """Issue a token for `user`; returns the token itself, which is never stored."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=_hash(key), created_at=clock.now()
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE_TOKEN,
        obj=token,
        after={"user": user.pk, "name": name},
    )
    return key
