"""Organisations are found by name as well as by unified social credit code: the registry's
list and API filter `q`, and the look-up a party uses to name a project's participant."""

import pytest
from django.test import Client
from django.urls import reverse
from parties_helpers import OPERATOR

from idi.core.api_auth import create_token
from idi.core.errors import RuleViolation
from idi.parties import selectors

pytestmark = pytest.mark.django_db


def test_list_and_api_find_by_part_of_the_name_or_the_start_of_the_code(org, operator_user):
    target = org("contractor", name="浙江省建工集团")
    other = org("contractor", name="钱塘施工有限公司")
    assert list(selectors.organisations_visible_to(OPERATOR, q=target.uscc[:17])) == [target]
    client = Client()
    client.force_login(operator_user)
    html = client.get(reverse("parties:org_list"), {"q": "建工"}).content.decode()
    assert target.name in html and other.name not in html
    api = Client(
        headers={
            "authorization": f"Bearer {create_token(actor=OPERATOR, user=operator_user, name='t')}"
        }
    )
    by_name = api.get("/api/v1/organisations", {"q": "钱塘"}).json()
    assert [o["id"] for o in by_name["items"]] == [other.pk]
    by_code = api.get("/api/v1/organisations", {"q": other.uscc.lower()}).json()
    assert [o["id"] for o in by_code["items"]] == [other.pk]


def _refused(text: str, org_type: str = "contractor") -> RuleViolation:
    with pytest.raises(RuleViolation) as refused:
        selectors.organisation_named(text, org_type=org_type, field="organisation")
    assert refused.value.field == "organisation"
    return refused.value


def test_a_participant_is_named_by_code_full_name_or_a_part_only_it_has(org):
    jian = org("contractor", name="浙江省建工集团")
    jian_two = org("contractor", name="浙江省建工集团二公司")
    org("supervisor", name="之江监理有限公司")

    def named(text, org_type="contractor"):
        return selectors.organisation_named(text, org_type=org_type, field="organisation")

    assert named(f" {jian.uscc.lower()} ") == jian
    assert named("浙江省建工集团") == jian  # the full name, though another contains it
    assert named("二公司") == jian_two
    assert named("之江", org_type="supervisor").name == "之江监理有限公司"

    several = _refused("建工")
    assert several.code == "ambiguous"
    assert f"浙江省建工集团（{jian.uscc}）" in several.message
    assert f"浙江省建工集团二公司（{jian_two.uscc}）" in several.message
    assert "请填写完整名称或统一社会信用代码" in several.message

    # Another kind of organisation is not offered for the role.
    none = _refused("之江")
    assert none.code == "unknown_party"
    assert "平台上没有名称含“之江”或统一社会信用代码为“之江”的施工单位" in none.message
    assert _refused("  ").code == "required"
