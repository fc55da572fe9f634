"""R-U1 where a policy would be drafted: a permit applied for outside every rule pack's range
is shown with the packs' ranges and why it cannot be insured, instead of a 投保 button that
fails; the developer's to-do list does not ask it to insure that permit."""

from datetime import date

import pytest
from uw_helpers import add_permit

from idi.core.workspace import tasks_for
from idi.underwriting.models import Policy

pytestmark = pytest.mark.django_db

WHY = "申领日期 2023年5月1日 不在任何试点规则包的适用范围内，该施工许可证无法投保"
RANGE = "杭州市住宅工程质量潜在缺陷保险试点实施办法（2024）：2024年3月1日 至 2026年2月28日"


@pytest.fixture
def old_permit(world):
    permit, _building = add_permit(
        world.project, world.planning, "CP-2023-001", applied_on=date(2023, 5, 1)
    )
    return permit


def _row(html: str, number: str) -> str:
    start = html.index(f"<td>{number}</td>")
    return html[start : html.index("</tr>", start)]


def test_R_U1_project_page_explains_instead_of_offering_to_insure(world, old_permit):
    add_permit(world.project, world.planning, "CP-2025-009")
    html = world.developer.client().get(f"/projects/{world.project.pk}/").content.decode()
    old = _row(html, "CP-2023-001")
    assert WHY in old and RANGE in old and 'href="/rules/R-U1/"' in old
    assert f"?permit={old_permit.pk}" not in old
    assert "?permit=" in _row(html, "CP-2025-009")


def test_R_U1_draft_page_says_why_and_labels_the_permit(world, old_permit):
    client = world.developer.client()
    html = client.get(f"/policies/new/?permit={old_permit.pk}").content.decode()
    assert WHY in html and RANGE in html
    assert "CP-2023-001（申领日期不在试点规则适用范围内，无法投保）" in html
    plain = client.get("/policies/new/").content.decode()
    assert "可投保的施工许可证申领日期：" + RANGE in plain
    refused = client.post("/policies/new/", {"permit": old_permit.pk})
    assert refused.status_code == 400 and not Policy.objects.filter(permit=old_permit).exists()


def test_R_U1_no_task_to_insure_a_permit_no_pack_governs(world, old_permit):
    permit, _building = add_permit(world.project, world.planning, "CP-2025-009")
    subjects = {
        t.subject for t in tasks_for(world.developer.actor) if t.kind == "underwriting.create_draft"
    }
    assert f"江南花园 · {permit.number}" in subjects
    assert f"江南花园 · {old_permit.number}" not in subjects


def test_R_U1_english_names_the_ranges(world, old_permit):
    client = world.developer.client()
    client.post("/i18n/setlang/", {"language": "en"})
    html = client.get(f"/policies/new/?permit={old_permit.pk}").content.decode()
    assert "Hangzhou residential IDI pilot measures (2024): 1 Mar 2024 to 28 Feb 2026" in html
    assert "cannot be insured" in html
