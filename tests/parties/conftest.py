"""Parties built through the services, as the platform builds them."""

import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parties_helpers import OPERATOR, PASSWORD, make_uscc, next_number

from idi.parties import services
from idi.parties.models import Role
from idi.parties.selectors import actor_for_user


@pytest.fixture
def operator_actor():
    return OPERATOR


@pytest.fixture
def org(db):
    """org("developer", name=..., district=...) registers one organisation."""

    def make(org_type: str, *, name: str | None = None, district: str = "xihu"):
        return services.register_organisation(
            actor=OPERATOR,
            name=name or f"{org_type} {next_number()}",
            org_type=org_type,
            uscc=make_uscc(),
            district=district,
        )

    return make


@pytest.fixture
def member(db):
    """member(organisation, "username", roles=[...]) -> (user, actor)."""

    def make(organisation, username: str, roles=(Role.ORG_ADMIN,)):
        user = services.create_user(
            actor=OPERATOR,
            organisation=organisation,
            username=username,
            password=PASSWORD,
            roles=list(roles),
            real_name=username,
        )
        return user, actor_for_user(user)

    return make


@pytest.fixture
def operator_user(db):
    return get_user_model().objects.create_user(username="op", password=PASSWORD, is_staff=True)
