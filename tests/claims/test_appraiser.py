"""R-K7: a dispute on cover or repair quality goes to a jointly chosen appraiser. The insurer and
the owner choose it, the claim's handler records the choice; from then on that appraiser, and
no other, sees the claim, has it on its to-do list and records the finding."""

import json
from decimal import Decimal

import pytest
from claims_helpers import at, build_claims_world, file, nothing_written
from uw_helpers import Party, assert_api_refused, make_org, make_user

from idi.claims import selectors, services
from idi.claims.models import Claim, ClaimEvent, Dispute
from idi.core.errors import Forbidden, NotFound
from idi.core.models import AuditEvent
from idi.core.workspace import tasks_for
from idi.notifications.models import Notification
from idi.parties.models import OrgType

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(db):
    w = build_claims_world()
    other = make_org("之江工程质量鉴定所", OrgType.APPRAISER)
    w.other_appraiser = Party(other, make_user("appraiser2", other))
    return w


def _refused(w):
    claim = file(w)
    services.determine(actor=w.handler.actor, claim=claim, outcome="not_covered", reasons="人为")
    services.issue_refusal_notice(actor=w.handler.actor, claim=claim, reasons="人为损坏")
    return Claim.objects.get(pk=claim.pk)


@pytest.fixture
def disputed(cw):
    """A refused claim the owner disputes, and another refused claim nobody disputes."""
    with at(2025, 10, 9):
        claim, undisputed = _refused(cw), _refused(cw)
        services.open_dispute(
            actor=cw.owner.actor, claim=claim, about="determination", reason="非人为损坏"
        )
    with at(2025, 10, 10):
        yield Claim.objects.get(pk=claim.pk), undisputed


def _post(party, claim, action, body):
    return party.client().post(
        f"/api/v1/claims/{claim.pk}/{action}", json.dumps(body), content_type="application/json"
    )


def _choose(w, claim, appraiser=None):
    return services.choose_appraiser(
        actor=w.handler.actor, claim=claim, appraiser_id=(appraiser or w.appraiser).org.pk
    )


def test_R_K7_handler_records_the_jointly_chosen_appraiser(cw, disputed):
    claim, _other = disputed
    response = _post(cw.handler, claim, "appraiser", {"appraiser": cw.appraiser.org.pk})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "disputed"
    assert Dispute.objects.get(claim=claim).appraiser_id == cw.appraiser.org.pk
    event = AuditEvent.objects.get(action="claims.choose_appraiser")
    assert (event.before["appraiser"], event.after["appraiser"]) == (None, cw.appraiser.org.pk)
    assert ClaimEvent.objects.filter(claim=claim, action="choose-appraiser").exists()
    assert Notification.objects.filter(recipient=cw.appraiser.user).exists()


def test_R_K7_choice_refusals_write_nothing(cw, disputed):
    claim, undisputed = disputed
    with nothing_written():
        response = _post(cw.handler, claim, "appraiser", {"appraiser": cw.contractor.org.pk})
        error = assert_api_refused(response, rule="R-K7", field="appraiser")
        assert error["code"] == "not_appraiser"
        response = _post(cw.handler, undisputed, "appraiser", {"appraiser": cw.appraiser.org.pk})
        assert_api_refused(response, rule="R-K7", field="status")
        for party in (cw.owner, cw.developer):
            response = _post(party, claim, "appraiser", {"appraiser": cw.appraiser.org.pk})
            assert_api_refused(response, rule=None, field=None, status=403)
    _choose(cw, claim)
    with nothing_written():
        response = _post(cw.handler, claim, "appraiser", {"appraiser": cw.appraiser.org.pk})
        error = assert_api_refused(response, rule="R-K7", field="appraiser")
        assert error["code"] == "already_chosen"


def test_R_K7_the_choice_may_change_until_the_finding(cw, disputed):
    claim, _other = disputed
    _choose(cw, claim)
    _choose(cw, claim, cw.other_appraiser)
    assert Dispute.objects.get(claim=claim).appraiser_id == cw.other_appraiser.org.pk
    assert cw.appraiser.client().get(f"/api/v1/claims/{claim.pk}").status_code == 404
    assert cw.other_appraiser.client().get(f"/api/v1/claims/{claim.pk}").status_code == 200


def test_R_K7_chosen_appraiser_sees_the_claim_and_no_other(cw, disputed):
    claim, other = disputed
    urls = [f"/api/v1/claims/{claim.pk}", f"/claims/{claim.pk}/"]
    for url in urls:
        assert cw.appraiser.client().get(url).status_code == 404, f"before the choice: {url}"
    _choose(cw, claim)
    for url in urls:
        assert cw.appraiser.client().get(url).status_code == 200, url
        assert cw.other_appraiser.client().get(url).status_code == 404, url
    for url in (f"/api/v1/claims/{other.pk}", f"/claims/{other.pk}/"):
        assert cw.appraiser.client().get(url).status_code == 404, url
    listed = cw.appraiser.client().get("/api/v1/claims").json()
    assert [row["id"] for row in listed["items"]] == [claim.pk]


def test_R_K7_chosen_appraiser_records_the_finding(cw, disputed):
    claim, _other = disputed
    _choose(cw, claim)
    response = _post(cw.appraiser, claim, "appraisal", {"finding": "covered", "fee": "3000.00"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirming"
    dispute = Dispute.objects.get(claim=claim)
    assert (dispute.appraiser_id, dispute.fee_payer, dispute.fee) == (
        cw.appraiser.org.pk,
        "insurer",
        Decimal("3000.00"),
    )


def test_R_K7_finding_of_another_appraiser_refused_nothing_written(cw, disputed):
    claim, _other = disputed
    _choose(cw, claim)
    body = {"finding": "not_covered", "fee": "800.00"}
    with nothing_written():
        assert _post(cw.other_appraiser, claim, "appraisal", body).status_code == 404
        with pytest.raises(Forbidden):
            services.record_appraisal(
                actor=cw.other_appraiser.actor,
                claim=claim,
                appraiser_id=cw.other_appraiser.org.pk,
                finding="not_covered",
                fee=Decimal("800.00"),
            )
        for party in (cw.handler, cw.appraiser):
            response = _post(
                party, claim, "appraisal", {**body, "appraiser": cw.other_appraiser.org.pk}
            )
            error = assert_api_refused(response, rule="R-K7", field="appraiser")
            assert error["code"] == "not_chosen_appraiser"
    with pytest.raises(NotFound):
        selectors.get_claim(actor=cw.other_appraiser.actor, pk=claim.pk)


def test_R_K7_appraiser_to_do_appears_with_the_choice_and_leaves_with_the_finding(cw, disputed):
    claim, _other = disputed
    assert [t for t in tasks_for(cw.appraiser.actor) if t.kind == "claims.appraise"] == []
    _choose(cw, claim)
    (item,) = [t for t in tasks_for(cw.appraiser.actor) if t.kind == "claims.appraise"]
    assert (item.rule, item.url) == ("R-K7", f"/claims/{claim.pk}/#action-appraisal")
    assert item.subject.endswith(claim.number)
    assert not [t for t in tasks_for(cw.other_appraiser.actor) if t.kind == "claims.appraise"]
    page = cw.appraiser.client().get(f"/claims/{claim.pk}/").content.decode()
    assert 'id="action-appraisal"' in page
    services.record_appraisal(
        actor=cw.appraiser.actor, claim=claim, finding="not_covered", fee=Decimal("500.00")
    )
    assert not [t for t in tasks_for(cw.appraiser.actor) if t.kind == "claims.appraise"]


def test_R_K7_the_handler_has_the_choice_to_record_until_it_is_recorded(cw, disputed):
    claim, _other = disputed

    def choices(party):
        return [t for t in tasks_for(party.actor) if t.kind == "claims.disputed"]

    (item,) = choices(cw.handler)
    assert (item.rule, item.url) == ("R-K7", f"/claims/{claim.pk}/#action-choose-appraiser")
    assert item.subject == claim.number
    page = cw.handler.client().get(item.url.split("#")[0]).content.decode()
    assert 'id="action-choose-appraiser"' in page
    for party in (cw.owner, cw.appraiser):
        assert choices(party) == []
    _choose(cw, claim)
    assert choices(cw.handler) == []


def test_R_K7_choice_and_finding_on_the_claim_page(cw, disputed):
    claim, _other = disputed
    url = f"/claims/{claim.pk}/"
    handler = cw.handler.client()
    assert 'id="action-choose-appraiser"' in handler.get(url).content.decode()
    response = handler.post(f"{url}act/choose-appraiser/", {"appraiser": cw.appraiser.org.pk})
    assert response.status_code == 302, response.content[:2000]
    assert Dispute.objects.get(claim=claim).appraiser_id == cw.appraiser.org.pk

    expert = cw.appraiser.client()
    page = expert.get(url).content.decode()
    assert 'id="action-appraisal"' in page
    assert 'id="action-choose-appraiser"' not in page
    assert 'name="appraiser"' not in page  # the chosen appraiser records its own finding
    response = expert.post(f"{url}act/appraisal/", {"finding": "not_covered", "fee": "600.00"})
    assert response.status_code == 302, response.content[:2000]
    claim.refresh_from_db()
    assert claim.status == "refused"
    assert Dispute.objects.get(claim=claim).fee_payer == "owner"


def test_R_K7_without_a_choice_the_finding_names_its_appraiser_as_before(db):
    """The insurer may still record a finding naming the appraiser (the existing flow)."""
    w = build_claims_world()
    with at(2025, 10, 9):
        claim = _refused(w)
        services.open_dispute(actor=w.owner.actor, claim=claim, about="determination", reason="x")
        with nothing_written():
            response = _post(w.handler, claim, "appraisal", {"finding": "covered", "fee": "1"})
            assert_api_refused(response, rule="R-K7", field="appraiser")
        response = _post(
            w.handler,
            claim,
            "appraisal",
            {"appraiser": w.appraiser.org.pk, "finding": "covered", "fee": "1.00"},
        )
    assert response.status_code == 200, response.content
