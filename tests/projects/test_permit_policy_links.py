"""Between a permit and its policy: the project page's permit table links each permit to the
policy the viewer may see, or offers the project's developer a 投保 button that pre-selects the
permit; the policy page links back to its project. Policies come in one query (no N+1)."""

from datetime import date

import pytest
from django.urls import reverse
from projects_helpers import page

from idi.projects import services
from idi.underwriting.models import Policy
from idi.underwriting.selectors import policies_by_permit

pytestmark = pytest.mark.django_db


@pytest.fixture
def uninsured(world):
    """A second permit of 西溪云庐, without a policy."""
    return services.add_construction_permit(
        actor=world.dev_a.actor,
        project=world.a.project,
        planning_permit=world.a.planning,
        number="330106202501100102",
        applied_on=date(2025, 3, 1),
    )


def _project_page(user, project) -> str:
    return page(user).get(reverse("projects:detail", args=[project.pk])).content.decode()


def _policy_link(policy) -> str:
    return f'<a href="{reverse("underwriting:detail", args=[policy.pk])}">{policy.number}</a>'


def _insure_link(permit) -> str:
    return f'href="{reverse("underwriting:create")}?permit={permit.pk}"'


def test_developer_sees_the_policy_link_and_a_button_to_insure_the_other_permit(world, uninsured):
    policy = Policy.objects.get(permit=world.a.permit)
    html = _project_page(world.dev_a.user, world.a.project)
    assert _policy_link(policy) in html
    assert f'<span data-state="draft">{policy.get_state_display()}</span>' in html
    assert _insure_link(uninsured) in html
    assert _insure_link(world.a.permit) not in html  # R-U2: one policy per permit


def test_insurer_sees_the_policy_link_but_no_button_to_insure(world, uninsured):
    policy = Policy.objects.get(permit=world.a.permit)
    html = _project_page(world.insurer.user, world.a.project)
    assert _policy_link(policy) in html
    assert "?permit=" not in html
    assert "投保</a>" not in html


def test_operator_may_edit_the_project_but_not_insure_it(world, uninsured, operator_user):
    html = _project_page(operator_user, world.a.project)
    assert _policy_link(Policy.objects.get(permit=world.a.permit)) in html
    assert "?permit=" not in html


def test_owner_does_not_see_a_draft_policy(world):
    html = _project_page(world.owner.user, world.a.project)
    assert world.a.permit.number in html
    assert "IDI-" not in html
    assert "?permit=" not in html


def test_policies_by_permit_reads_once_and_only_what_the_actor_sees(
    world, uninsured, django_assert_num_queries
):
    ids = [world.a.permit.pk, uninsured.pk, world.b.permit.pk]
    with django_assert_num_queries(1):
        found = policies_by_permit(world.dev_a.actor, ids)
    assert {permit_id: p.number for permit_id, p in found.items()} == {
        world.a.permit.pk: f"IDI-{world.a.permit.number}"
    }
    assert policies_by_permit(world.other_insurer.actor, ids) == {}


def test_create_form_preselects_the_permit_of_the_button(world, uninsured):
    client = page(world.dev_a.user)
    answer = client.get(reverse("underwriting:create"), {"permit": uninsured.pk})
    assert answer.context["form"]["permit"].value() == str(uninsured.pk)
    assert f'<option value="{uninsured.pk}" selected>' in answer.content.decode()
    # A permit that is not open for a policy, or not a number, selects nothing.
    for wrong in (world.b.permit.pk, "x"):
        html = client.get(reverse("underwriting:create"), {"permit": wrong}).content.decode()
        assert " selected>" not in html


def test_policy_page_links_back_to_its_project(world):
    policy = Policy.objects.get(permit=world.a.permit)
    html = page(world.insurer.user).get(reverse("underwriting:detail", args=[policy.pk]))
    project_url = reverse("projects:detail", args=[world.a.project.pk])
    assert f'<a href="{project_url}" id="project-link">西溪云庐</a>' in html.content.decode()
