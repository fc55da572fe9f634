"""The registry over HTTP and on the pages: 404 for what a party may not know exists, 403 for
what it may see but not change, and a refused write changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from parties_helpers import OPERATOR, PASSWORD, audit_count, make_uscc

from idi.core.api_auth import create_token
from idi.parties.models import Organisation, Role

pytestmark = pytest.mark.django_db


def bearer(user) -> Client:

    return Client(
        headers={"authorization": f"Bearer {create_token(actor=OPERATOR, user=user, name='t')}"}
    )


@pytest.fixture
def two_developers(org, member):
    a, b = org("developer", name="甲开发"), org("developer", name="乙开发")
    user_a, _ = member(a, "dev_a")
    return a, b, user_a


def test_api_requires_authentication():
    assert Client().get("/api/v1/organisations").status_code == 401


def test_api_developer_sees_only_itself_and_404_for_another(two_developers):
    a, b, user_a = two_developers
    client = bearer(user_a)
    listed = client.get("/api/v1/organisations").json()
    assert [o["id"] for o in listed["items"]] == [a.pk]
    assert client.get(f"/api/v1/organisations/{b.pk}").status_code == 404
    assert client.get(f"/api/v1/organisations/{b.pk}/members").status_code == 404


def test_api_refused_registration_changes_nothing(two_developers):
    _, _, user_a = two_developers
    client = bearer(user_a)
    before = (Organisation.objects.count(), audit_count())
    answer = client.post(
        "/api/v1/organisations",
        {"name": "x", "org_type": "developer", "uscc": make_uscc()},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert (Organisation.objects.count(), audit_count()) == before


def test_api_operator_registers_and_bad_code_names_the_field(operator_user):
    client = bearer(operator_user)
    bad = client.post(
        "/api/v1/organisations",
        {"name": "某保险", "org_type": "insurer", "uscc": "913301000000000010"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "uscc"
    good = client.post(
        "/api/v1/organisations",
        {"name": "某保险", "org_type": "insurer", "uscc": make_uscc(), "district": "city"},
        content_type="application/json",
    )
    assert good.status_code == 201
    insurer_id = good.json()["id"]
    q = client.post(
        f"/api/v1/organisations/{insurer_id}/qualifications",
        {
            "year": 2024,
            "registered_capital": "6000000000",
            "solvency_ratio": "1.9",
            "has_quality_department": True,
            "has_idi_lead_experience": True,
        },
        content_type="application/json",
    )
    assert q.status_code == 201
    # Figures come back as sent: money to the fen, the ratio without padding zeros.
    assert (q.json()["registered_capital"], q.json()["solvency_ratio"]) == ("6000000000.00", "1.9")
    listed = client.get(f"/api/v1/organisations/{insurer_id}/qualifications").json()
    assert (listed["count"], listed["page"], listed["pages"]) == (1, 1, 1)
    assert listed["items"][0]["year"] == 2024


def test_api_owner_registration_answers_masked_numbers(org, member):
    developer = org("developer")
    user, _ = member(developer, "dev_staff", roles=[Role.STAFF])
    answer = bearer(user).post(
        "/api/v1/owners",
        {"real_name": "张伟", "id_number": "11010519491231002X", "phone": "13812345678"},
        content_type="application/json",
    )
    assert answer.status_code == 201
    assert answer.json()["id_number"] == "1101********002X"
    assert answer.json()["phone"] == "138****5678"


def test_openapi_documents_the_registry():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/organisations" in paths
    assert "/api/v1/organisations/{org_id}/qualifications" in paths


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_page_org_list_search_pagination_and_empty_state(operator_user, org):
    for n in range(25):
        org("contractor", name=f"施工单位{n:02d}")
    client = _login(operator_user)
    first = client.get(reverse("parties:org_list"))
    assert first.status_code == 200
    assert "第 1 / 2 页" in first.content.decode()
    assert client.get(reverse("parties:org_list"), {"page": 2}).status_code == 200
    found = client.get(reverse("parties:org_list"), {"q": "施工单位07"}).content.decode()
    assert "施工单位07" in found and "施工单位08" not in found
    empty = client.get(reverse("parties:org_list"), {"q": "不存在"}).content.decode()
    assert "没有符合条件的单位" in empty


def test_page_other_organisation_is_404_and_my_org_redirects(two_developers):
    a, b, user_a = two_developers
    client = _login(user_a)
    assert client.get(reverse("parties:org_detail", args=[b.pk])).status_code == 404
    mine = client.get(reverse("parties:my_org"))
    assert mine.status_code == 302 and mine.url == reverse("parties:org_detail", args=[a.pk])


def test_page_registration_form_shows_the_error_on_the_field(operator_user):
    client = _login(operator_user)
    before = (Organisation.objects.count(), audit_count())
    page = client.post(
        reverse("parties:org_create"),
        {"name": "某设计院", "org_type": "designer", "uscc": "913301000000000010"},
    )
    assert page.status_code == 200
    assert "uscc-errors" in page.content.decode()
    assert (Organisation.objects.count(), audit_count()) == before


def test_page_non_operator_cannot_open_the_registration_form(two_developers):
    _, _, user_a = two_developers
    assert _login(user_a).get(reverse("parties:org_create")).status_code == 403


def test_page_administrator_edits_contacts_but_not_the_name(two_developers):
    a, _, user_a = two_developers
    client = _login(user_a)
    answer = client.post(
        reverse("parties:org_edit", args=[a.pk]),
        {"name": "被篡改", "contact_name": "联系人甲", "contact_phone": "", "address": ""},
    )
    assert answer.status_code == 302
    a.refresh_from_db()
    assert (a.name, a.contact_name) == ("甲开发", "联系人甲")


def test_page_member_creation_by_the_administrator(two_developers):
    a, _, user_a = two_developers
    answer = _login(user_a).post(
        reverse("parties:member_create", args=[a.pk]),
        {"username": "dev_a2", "password": PASSWORD, "roles": ["staff"]},
    )
    assert answer.status_code == 302
    assert a.members.filter(user__username="dev_a2").exists()


def test_a_member_cannot_probe_whether_a_credit_code_is_registered(org, member):
    """Issue 7: the permission check comes before the credit code is looked up: a member who may
    not declare relationships gets the same 403 for a registered code and for an unknown one."""
    developer, contractor = org("developer"), org("contractor")
    staff, _ = member(developer, "dev_member", roles=[Role.STAFF])
    client = bearer(staff)
    url = f"/api/v1/organisations/{developer.pk}/relationships"
    before = audit_count()
    answers = [
        client.post(
            url, {"to_org_uscc": code, "kind": "affiliate"}, content_type="application/json"
        )
        for code in (contractor.uscc, make_uscc())
    ]
    assert [a.status_code for a in answers] == [403, 403]
    assert answers[0].json() == answers[1].json()
    assert audit_count() == before
