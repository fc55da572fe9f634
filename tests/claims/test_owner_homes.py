"""The owner's workspace is its homes page: what the claims ask of it (agree a determination,
accept or reject a finished repair), each naming the home, linking to the claim; and the
coverage check opens with the home's dates filled in."""

from datetime import date

from claims_helpers import COMPLETION, DELIVERY, at, file

from idi.claims import services
from idi.core.workspace import tasks_for

HOMES = "/policies/my-homes/"


def _tasks(html: str) -> str:
    start = html.index('<section id="tasks"')
    return html[start : html.index("</section>", start)]


def test_owner_sees_its_claim_duties_on_its_homes_page(cw):
    owner = cw.owner.client()
    with at(2025, 9, 26):
        claim = file(cw)
        assert 'id="tasks"' not in owner.get(HOMES).content.decode()

        services.determine(actor=cw.handler.actor, claim=claim, outcome="covered", reasons="")
        tasks = _tasks(owner.get(HOMES).content.decode())
        assert 'data-kind="claims.owner.covered"' in tasks
        assert "与保险公司商定维修或赔偿方式" in tasks
        assert f"江南花园 CP-2025-001-1幢 101 · {claim.number}" in tasks
        assert f'href="/claims/{claim.pk}/"' in tasks

        services.agree(actor=cw.handler.actor, claim=claim, remedy="repair")
        assert 'id="tasks"' not in owner.get(HOMES).content.decode()
        services.complete_repair(actor=cw.handler.actor, claim=claim)
        tasks = _tasks(owner.get(HOMES).content.decode())
        assert 'data-kind="claims.owner.done"' in tasks and "验收维修：认可或不认可" in tasks
        # The other owner of the building has nothing to do about this home, nor has the
        # operator, who sees every claim but owns no home.
        assert 'id="tasks"' not in cw.other_owner.client().get(HOMES).content.decode()
        assert not [t for t in tasks_for(cw.operator.actor) if t.kind.startswith("claims.owner")]

        services.owner_decision(actor=cw.owner.actor, claim=claim, accepted=True)
        assert 'id="tasks"' not in owner.get(HOMES).content.decode()


def test_owner_tasks_in_english_name_the_home(cw):
    owner = cw.owner.client()
    owner.post("/i18n/setlang/", {"language": "en", "next": HOMES})
    with at(2025, 9, 26):
        claim = file(cw)
        services.determine(actor=cw.handler.actor, claim=claim, outcome="covered", reasons="")
        tasks = _tasks(owner.get(HOMES).content.decode())
    assert "Agree repair or payment with the insurer" in tasks


def test_coverage_check_opens_with_the_owners_home_filled_in(cw):
    owner = cw.owner.client()
    with at(2025, 9, 26):
        homes = owner.get(HOMES).content.decode()
        assert f'href="/coverage/?unit={cw.unit.pk}"' in homes
        response = owner.get("/coverage/", {"unit": cw.unit.pk})
    form = response.context["form"]
    assert not form.is_bound
    assert form.initial == {
        "completion": COMPLETION,
        "delivery": DELIVERY,
        "fully_decorated": "yes",
        "on": date(2025, 9, 26),
        "additional_years": 2,
    }
    html = response.content.decode()
    assert 'value="2023-06-30"' in html and 'value="2023-08-01"' in html
    assert "江南花园 CP-2025-001-1幢 101" in html and "errorlist" not in html


def test_coverage_check_ignores_a_home_that_is_not_the_askers(cw, client):
    with at(2025, 9, 26):
        other = cw.other_owner.client().get("/coverage/", {"unit": cw.unit.pk})
        anonymous = client.get("/coverage/", {"unit": cw.unit.pk})
    with at(2025, 9, 26):
        huge = cw.owner.client().get("/coverage/", {"unit": "9" * 40})
        asked = cw.owner.client().get("/coverage/", {"unit": cw.unit.pk, "category": "insulation"})
    assert "已按您的房屋" not in asked.content.decode()  # a question of its own: not pre-filled
    for response in (other, anonymous, huge):
        assert response.context["form"].initial == {}
        assert "2023-06-30" not in response.content.decode()
