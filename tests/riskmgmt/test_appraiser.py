"""R-R6 (Art. 12): a disputed defect goes to a jointly chosen appraiser. The developer records
the parties' choice; from then on that appraiser, and no other, sees the defect (with its
inspection, history and evidence, nothing else of the project), has it on its to-do list and
records the finding; the responsible party bears the fee."""

import pytest
from rm_helpers import engage, finding, inspect, photo, rm_nothing_written
from uw_helpers import Party, assert_api_refused, assert_ui_refused, make_org, make_user

from idi.core.errors import Forbidden, NotFound
from idi.core.models import AuditEvent
from idi.core.workspace import tasks_for
from idi.notifications.models import Notification
from idi.parties.models import OrgType
from idi.riskmgmt import selectors, services
from idi.riskmgmt.models import Defect, DefectEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def appraisers(world):
    """The world's appraiser with a log-in, and a second appraisal organisation."""
    world.expert = Party(world.appraiser, make_user("appraiser", world.appraiser))
    other = make_org("之江工程质量鉴定所", OrgType.APPRAISER)
    world.other_expert = Party(other, make_user("appraiser2", other))
    return world


@pytest.fixture
def disputed(appraisers):
    """Two defects of one inspection: the first disputed by the contractor, the second not."""
    w = appraisers
    engagement = engage(w)
    inspection = inspect(w, engagement, finding(w), finding(w, part="外墙", grade="B"))
    first, second = inspection.defects.order_by("id")
    services.dispute_defect(actor=w.contractor.actor, defect=first, reason="保护层实测合格")
    return first, second


def _post(party, defect_id, action, body):
    return party.client().post(
        f"/api/v1/defects/{defect_id}/{action}", body, content_type="application/json"
    )


def _choose(w, defect, expert=None):
    return services.choose_appraiser(
        actor=w.developer.actor, defect=defect, appraiser=(expert or w.expert).org.pk
    )


# --- the choice ---------------------------------------------------------------------------


def test_R_R6_developer_records_the_jointly_chosen_appraiser(appraisers, disputed):
    w, (defect, _other) = appraisers, disputed
    response = _post(w.developer, defect.pk, "appraiser", {"appraiser": w.expert.org.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["appraiser"]) == ("disputed", w.expert.org.pk)
    assert body["history"][-1]["action"] == "choose_appraiser"
    event = AuditEvent.objects.get(action="riskmgmt.choose_appraiser")
    assert (event.before["appraiser"], event.after["appraiser"]) == (None, w.expert.org.pk)
    assert Notification.objects.filter(recipient=w.expert.user).exists()


def test_R_R6_choice_refusals_write_nothing(appraisers, disputed):
    w, (defect, undisputed) = appraisers, disputed
    with rm_nothing_written():
        response = _post(w.developer, defect.pk, "appraiser", {"appraiser": w.contractor.org.pk})
        error = assert_api_refused(response, rule="R-R6", field="appraiser")
        assert error["code"] == "not_appraiser"
        response = _post(w.developer, defect.pk, "appraiser", {"appraiser": 999999})
        assert_api_refused(response, rule="R-R6", field="appraiser")
        response = _post(w.developer, undisputed.pk, "appraiser", {"appraiser": w.expert.org.pk})
        assert_api_refused(response, rule="R-R6", field="status")
        for party in (w.contractor, w.supervisor, w.rma, w.lead):
            response = _post(party, defect.pk, "appraiser", {"appraiser": w.expert.org.pk})
            assert_api_refused(response, rule="R-R6", field=None, status=403)
    with rm_nothing_written(), pytest.raises(Forbidden):
        services.choose_appraiser(actor=w.expert.actor, defect=defect, appraiser=w.expert.org.pk)


def test_R_R6_the_choice_may_change_until_the_finding(appraisers, disputed):
    """An appraiser may decline: the parties choose again, the new appraiser takes over the
    defect and the first one no longer sees it. Choosing the same one again changes nothing;
    after the finding the choice is closed."""
    w, (defect, _other) = appraisers, disputed
    _choose(w, defect)
    with rm_nothing_written():
        response = _post(w.developer, defect.pk, "appraiser", {"appraiser": w.expert.org.pk})
        error = assert_api_refused(response, rule="R-R6", field="appraiser")
        assert error["code"] == "already_recorded"
    _choose(w, defect, w.other_expert)
    assert Defect.objects.get(pk=defect.pk).appraiser_id == w.other_expert.org.pk
    assert DefectEvent.objects.filter(defect=defect, action="choose_appraiser").count() == 2
    assert w.expert.client().get(f"/api/v1/defects/{defect.pk}").status_code == 404
    assert w.other_expert.client().get(f"/api/v1/defects/{defect.pk}").status_code == 200
    services.record_appraisal(
        actor=w.other_expert.actor, defect=defect, responsible=w.contractor.org.pk, fee="800.00"
    )
    with rm_nothing_written():
        response = _post(w.developer, defect.pk, "appraiser", {"appraiser": w.expert.org.pk})
        assert_api_refused(response, rule="R-R6", field="status")


# --- what the chosen appraiser sees -------------------------------------------------------


def test_R_R6_chosen_appraiser_sees_its_defect_and_nothing_else_of_the_project(
    appraisers, disputed
):
    w, (defect, other) = appraisers, disputed
    evidence = services.upload_evidence(
        actor=w.rma.actor, defect=defect, stage="before", upload=photo()
    )
    elsewhere = services.upload_evidence(
        actor=w.rma.actor, defect=other, stage="before", upload=photo()
    )
    its_own = [
        f"/api/v1/defects/{defect.pk}",
        f"/riskmgmt/defects/{defect.pk}/",
        f"/riskmgmt/inspections/{defect.inspection_id}/",
        f"/riskmgmt/evidence/{evidence.pk}/",
    ]
    the_rest = [
        f"/api/v1/defects/{other.pk}",
        f"/riskmgmt/defects/{other.pk}/",
        f"/riskmgmt/evidence/{elsewhere.pk}/",
        f"/api/v1/projects/{w.project.pk}",
        f"/api/v1/projects/{w.project.pk}/defects",
        f"/riskmgmt/projects/{w.project.pk}/defects/",
        f"/api/v1/engagements/{defect.engagement_id}",
        f"/api/v1/engagements/{defect.engagement_id}/compliance",
        f"/riskmgmt/engagements/{defect.engagement_id}/",
    ]
    client = w.expert.client()
    for url in its_own + the_rest:
        assert client.get(url).status_code == 404, f"before the choice: {url}"
    _choose(w, defect)
    for url in its_own:
        assert client.get(url).status_code == 200, url
    for url in the_rest:
        assert client.get(url).status_code == 404, url
    inspection_page = client.get(f"/riskmgmt/inspections/{defect.inspection_id}/").content
    assert f'data-defect="{defect.pk}"'.encode() in inspection_page
    assert f'data-defect="{other.pk}"'.encode() not in inspection_page
    stranger = w.other_expert.client()
    for url in its_own + the_rest:
        assert stranger.get(url).status_code == 404, f"another appraiser: {url}"
    with pytest.raises(NotFound):
        selectors.get_defect(actor=w.other_expert.actor, pk=defect.pk)


# --- the finding --------------------------------------------------------------------------


def test_R_R6_chosen_appraiser_records_the_finding(appraisers, disputed):
    w, (defect, _other) = appraisers, disputed
    _choose(w, defect)
    response = _post(
        w.expert, defect.pk, "appraisal", {"responsible": w.contractor.org.pk, "fee": "3500.00"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["responsible"], body["appraiser"]) == (
        "confirmed",
        w.contractor.org.pk,
        w.expert.org.pk,
    )
    stored = Defect.objects.get(pk=defect.pk)
    assert str(stored.appraisal_fee) == "3500.00"
    last = DefectEvent.objects.filter(defect=defect).order_by("-id").first()
    assert (last.action, last.by_org_id) == ("appraisal", w.expert.org.pk)
    assert AuditEvent.objects.filter(action="riskmgmt.record_appraisal").count() == 1


def test_R_R6_chosen_appraiser_finding_the_rma_responsible_dismisses(appraisers, disputed):
    w, (defect, _other) = appraisers, disputed
    _choose(w, defect)
    response = _post(w.expert, defect.pk, "appraisal", {"responsible": w.rma.org.pk, "fee": "0"})
    assert response.json()["status"] == "dismissed"


def test_R_R6_finding_of_another_appraiser_refused_nothing_written(appraisers, disputed):
    w, (defect, _other) = appraisers, disputed
    body = {"responsible": w.contractor.org.pk, "fee": "100.00"}
    with rm_nothing_written():
        # Not chosen: nobody's appraiser may record a finding, not even the later chosen one.
        assert _post(w.expert, defect.pk, "appraisal", body).status_code == 404
        response = _post(w.developer, defect.pk, "appraisal", body)
        assert_api_refused(response, rule="R-R6", field="appraiser")
    _choose(w, defect)
    with rm_nothing_written():
        assert _post(w.other_expert, defect.pk, "appraisal", body).status_code == 404
        with pytest.raises(Forbidden):
            services.record_appraisal(actor=w.other_expert.actor, defect=defect, **body)
        for party in (w.expert, w.developer):
            response = _post(
                party, defect.pk, "appraisal", {**body, "appraiser": w.other_expert.org.pk}
            )
            error = assert_api_refused(response, rule="R-R6", field="appraiser")
            assert error["code"] == "not_chosen_appraiser"
        response = _post(w.contractor, defect.pk, "appraisal", body)
        assert_api_refused(response, rule="R-R6", field=None, status=403)


def test_R_R6_developer_records_the_chosen_appraiser_s_written_finding(appraisers, disputed):
    w, (defect, _other) = appraisers, disputed
    _choose(w, defect)
    response = _post(
        w.developer,
        defect.pk,
        "appraisal",
        {"appraiser": w.expert.org.pk, "responsible": w.contractor.org.pk, "fee": "1200.00"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["appraiser"] == w.expert.org.pk


# --- the to-do ----------------------------------------------------------------------------


def test_R_R6_appraiser_to_do_appears_with_the_choice_and_leaves_with_the_finding(
    appraisers, disputed
):
    w, (defect, _other) = appraisers, disputed
    assert tasks_for(w.expert.actor) == []
    _choose(w, defect)
    (item,) = tasks_for(w.expert.actor)
    assert (item.kind, item.rule) == ("riskmgmt.appraise_defect", "R-R6")
    assert item.title_zh == "就争议缺陷作出鉴定结论"
    assert item.url == f"/riskmgmt/defects/{defect.pk}/#action-appraisal"
    assert item.subject.startswith(f"{w.project.name} · #{defect.pk}")
    assert tasks_for(w.other_expert.actor) == []
    page = w.expert.client().get(item.url.split("#")[0]).content.decode()
    assert 'id="action-appraisal"' in page
    services.record_appraisal(
        actor=w.expert.actor, defect=defect, responsible=w.contractor.org.pk, fee="500.00"
    )
    assert tasks_for(w.expert.actor) == []


def test_R_R6_the_developer_has_the_choice_to_record_until_it_is_recorded(appraisers, disputed):
    w, (defect, other) = appraisers, disputed
    services.dispute_defect(actor=w.contractor.actor, defect=other, reason="不属本单位施工范围")

    def choices(party):
        return [t for t in tasks_for(party.actor) if t.kind == "riskmgmt.choose_appraiser"]

    # One item for the project's disputed defects, leading to them on the board.
    (item,) = choices(w.developer)
    board = f"/riskmgmt/projects/{w.project.pk}/defects/?status=disputed"
    assert (item.rule, item.url, item.subject) == ("R-R6", board, w.project.name)
    assert "2 项争议缺陷" in item.title_zh
    page = w.developer.client().get(item.url).content.decode()
    assert f'/riskmgmt/defects/{defect.pk}/"' in page and f'/riskmgmt/defects/{other.pk}/"' in page
    for party in (w.contractor, w.expert, w.other_expert):
        assert choices(party) == []
    _choose(w, defect)
    (item,) = choices(w.developer)
    assert "1 项争议缺陷" in item.title_zh
    _choose(w, other)
    assert choices(w.developer) == []


# --- the pages ----------------------------------------------------------------------------


def test_R_R6_choice_and_finding_on_the_defect_page(appraisers, disputed):
    w, (defect, _other) = appraisers, disputed
    url = f"/riskmgmt/defects/{defect.pk}/"
    developer = w.developer.client()
    page = developer.get(url).content.decode()
    assert 'id="action-choose-appraiser"' in page and 'id="action-appraisal"' in page
    response = developer.post(f"{url}choose-appraiser/", {"appraiser": w.expert.org.pk})
    assert response.status_code == 302
    assert Defect.objects.get(pk=defect.pk).appraiser_id == w.expert.org.pk
    with rm_nothing_written():
        response = developer.post(f"{url}choose-appraiser/", {"appraiser": w.expert.org.pk})
    assert_ui_refused(response, rule="R-R6", field="appraiser")

    expert = w.expert.client()
    page = expert.get(url).content.decode()
    assert 'id="action-appraisal"' in page
    assert 'id="action-choose-appraiser"' not in page
    assert 'name="appraiser"' not in page  # the appraiser records its own finding
    assert "data-appraiser" in page
    response = expert.post(
        f"{url}appraisal/", {"responsible": w.contractor.org.pk, "fee": "3500.00"}
    )
    assert response.status_code == 302
    stored = Defect.objects.get(pk=defect.pk)
    assert (stored.status, stored.appraiser_id) == ("confirmed", w.expert.org.pk)
    assert 'id="action-appraisal"' not in expert.get(url).content.decode()


def test_R_R6_the_history_reads_each_step_as_its_status_in_the_pages_language(appraisers, disputed):
    w, (defect, _other) = appraisers, disputed
    _choose(w, defect)
    for language, disputed_label in (("zh-hans", "有争议"), ("en", "Disputed")):
        client = w.developer.client()
        client.cookies["django_language"] = language
        html = client.get(f"/riskmgmt/defects/{defect.pk}/").content.decode()
        history = html.split('<ol class="history">', 1)[1].split("</ol>", 1)[0]
        assert disputed_label in history
        assert "· choose_appraiser" not in history and "· dispute" not in history
