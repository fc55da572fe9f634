"""Only the owner sets its password (activation); a developer who registers an owner, or the
operator, never does, through the API, the pages or the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.test import Client
from parties_helpers import PASSWORD, audit_count

from idi.parties.models import Profile, Role

pytestmark = pytest.mark.django_db

OWNER = {"real_name": "张伟", "id_number": "11010519491231002X", "phone": "13812345678"}


def _developer_client(org, member) -> Client:
    user, _ = member(org("developer"), "dev_staff", roles=[Role.STAFF])
    client = Client()
    client.force_login(user)
    return client


def test_api_owner_registration_refuses_a_password_and_writes_nothing(org, member):
    client = _developer_client(org, member)
    before = (get_user_model().objects.count(), audit_count())
    answer = client.post(
        "/api/v1/owners",
        {**OWNER, "username": "zhangwei", "password": PASSWORD},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "password"
    assert (get_user_model().objects.count(), audit_count()) == before


def test_registered_owner_cannot_log_in_until_it_activates(org, member):
    """The developer knows the username it chose, but no password opens the account."""
    client = _developer_client(org, member)
    answer = client.post(
        "/api/v1/owners", {**OWNER, "username": "zhangwei"}, content_type="application/json"
    )
    assert answer.status_code == 201
    owner = get_user_model().objects.get(pk=answer.json()["id"])
    assert not owner.has_usable_password()
    assert not Client().login(request=HttpRequest(), username="zhangwei", password=PASSWORD)


def test_openapi_owner_input_has_no_password():
    schema = Client().get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/owners"]["post"]["requestBody"]["content"]
    ref = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "password" not in schema["components"]["schemas"][ref]["properties"]


def test_admin_cannot_set_an_owners_password(org, member, operator_user):
    """The operator's admin reads accounts; Django's password form for a user is gone."""
    client = _developer_client(org, member)
    owner_id = client.post("/api/v1/owners", OWNER, content_type="application/json").json()["id"]
    operator_user.is_superuser = True
    operator_user.save()
    admin = Client()
    admin.force_login(operator_user)
    assert admin.get(f"/admin/auth/user/{owner_id}/password/").status_code in (302, 404)
    answer = admin.post(
        f"/admin/auth/user/{owner_id}/password/",
        {"password1": "N3w-pass-word!", "password2": "N3w-pass-word!"},
    )
    assert answer.status_code in (302, 403, 404)
    owner = get_user_model().objects.get(pk=owner_id)
    assert not owner.has_usable_password()
    assert Profile.objects.get(user=owner).roles == [Role.OWNER]
