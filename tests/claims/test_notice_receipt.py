"""R-K1: every owner receives the insurance notice at handover, and confirms receipt of it.

Each buyer of a home confirms for itself (the rule speaks of every owner, and a joint owner's
receipt is not another's), once; until then the notice is on its to-do list. Nobody else may
confirm, nor anyone before the developer has handed the notice over, and a refusal writes
nothing."""

from datetime import date

import pytest
from claims_helpers import at, nothing_written
from uw_helpers import Party, assert_api_refused, make_user

from idi.claims import services
from idi.claims.models import NoticeReceipt
from idi.core.errors import RuleViolation
from idi.core.models import AuditEvent
from idi.core.workspace import tasks_for

HOMES = "/policies/my-homes/"


@pytest.fixture
def handed(cw):
    """Unit 101 bought jointly by the owner and 王芳, its notice handed over on 2025-09-26."""
    cw.co_owner = Party(None, make_user("wangfang"))
    cw.unit.sale.buyers.add(cw.co_owner.user)
    with at(2025, 9, 26):
        services.hand_over_notice(
            actor=cw.developer.actor, unit=cw.unit, handed_over_on=date(2025, 9, 26)
        )
    return cw


def _notice_tasks(party):
    return [t for t in tasks_for(party.actor) if t.kind == "claims.confirm_notice"]


def _confirm(party, unit):
    return party.client().post(f"/api/v1/units/{unit.pk}/insurance-notice/receipt")


def test_r_k1_each_buyer_confirms_receipt_for_itself_and_loses_its_to_do(handed):
    w = handed
    url = f"/claims/notice/{w.unit.pk}/#confirm-notice"
    with at(2025, 9, 27):
        [task] = _notice_tasks(w.owner)
        assert (task.title_zh, task.title_en) == (
            "阅读并签收保险告知书",
            "Read and confirm receipt of the insurance notice",
        )
        assert task.subject == "江南花园 CP-2025-001-1幢 101"
        assert (task.url, task.rule, task.due) == (url, "R-K1", None)
        assert [t.url for t in _notice_tasks(w.co_owner)] == [url]
        # The other home's owner, the developer, the insurer have nothing to confirm here.
        for other in (w.other_owner, w.developer, w.handler, w.lead, w.operator):
            assert _notice_tasks(other) == []
        receipt = services.confirm_notice(actor=w.owner.actor, unit=w.unit)
    assert receipt.owner_id == w.owner.user.pk
    assert receipt.confirmed_at.date() == date(2025, 9, 27)
    event = AuditEvent.objects.get(action="claims.confirm_notice")
    assert event.after["owner"] == w.owner.user.pk and event.after["unit"] == w.unit.pk
    with at(2025, 9, 28):
        assert _notice_tasks(w.owner) == []
        assert [t.url for t in _notice_tasks(w.co_owner)] == [url]
        services.confirm_notice(actor=w.co_owner.actor, unit=w.unit)
        assert _notice_tasks(w.co_owner) == []
    assert NoticeReceipt.objects.filter(notice__unit=w.unit).count() == 2


def test_r_k1_nobody_confirms_before_the_handover(cw):
    with at(2025, 9, 27), nothing_written():
        with pytest.raises(RuleViolation) as refused:
            services.confirm_notice(actor=cw.owner.actor, unit=cw.unit)
        assert _notice_tasks(cw.owner) == []
    assert (refused.value.rule, refused.value.field) == ("R-K1", "handed_over_on")


@pytest.mark.parametrize("who", ["developer", "handler", "other_owner", "operator"])
def test_r_k1_only_an_owner_of_the_home_confirms(handed, who):
    with at(2025, 9, 27), nothing_written(), pytest.raises(RuleViolation) as refused:
        services.confirm_notice(actor=getattr(handed, who).actor, unit=handed.unit)
    assert (refused.value.rule, refused.value.field) == ("R-K1", "unit")


def test_r_k1_a_second_confirmation_is_refused_naming_the_first(handed):
    with at(2025, 9, 27):
        services.confirm_notice(actor=handed.owner.actor, unit=handed.unit)
    with at(2025, 10, 3), nothing_written(), pytest.raises(RuleViolation) as refused:
        services.confirm_notice(actor=handed.owner.actor, unit=handed.unit)
    assert (refused.value.rule, refused.value.field) == ("R-K1", "confirmed_at")
    assert "2025年9月27日" in refused.value.message


def test_r_k1_api_confirms_and_shows_who_confirmed_when(handed):
    w = handed
    with at(2025, 9, 27, 9, 30):
        response = _confirm(w.owner, w.unit)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["handed_over_on"] == "2025-09-26"
        [receipt] = body["receipts"]
        assert receipt["owner"] == w.owner.user.pk
        assert receipt["confirmed_at"].startswith("2025-09-27T")
        seen = w.developer.client().get(f"/api/v1/units/{w.unit.pk}/insurance-notice").json()
        assert seen["receipts"] == body["receipts"]
        with nothing_written():
            assert_api_refused(_confirm(w.owner, w.unit), rule="R-K1", field="confirmed_at")
            assert_api_refused(_confirm(w.developer, w.unit), rule="R-K1", field="unit")
            # A home the asker may not see is not found.
            assert _confirm(w.other_owner, w.unit).status_code == 404


def test_r_k1_api_refuses_before_the_handover(cw):
    with at(2025, 9, 27), nothing_written():
        assert_api_refused(_confirm(cw.owner, cw.unit), rule="R-K1", field="handed_over_on")


def test_r_k1_the_owner_confirms_on_the_notice_page_from_its_homes_page(handed):
    w = handed
    owner = w.owner.client()
    page = f"/claims/notice/{w.unit.pk}/"
    with at(2025, 9, 27, 9, 30):
        homes = owner.get(HOMES).content.decode()
        assert 'data-kind="claims.confirm_notice"' in homes
        assert f'href="{page}#confirm-notice"' in homes
        html = owner.get(page).content.decode()
        assert 'id="confirm-notice"' in html and "签收保险告知书" in html
        # Others who may read the notice have no button.
        assert 'id="confirm-notice"' not in w.developer.client().get(page).content.decode()
        response = owner.post(f"{page}confirm/")
        assert response.status_code == 302 and response.url == page
        html = owner.get(page).content.decode()
        assert 'id="confirm-notice"' not in html
        assert 'data-kind="claims.confirm_notice"' not in owner.get(HOMES).content.decode()
        # The co-owner still confirms for itself, and sees who already did, and when.
        shared = w.co_owner.client().get(page).content.decode()
        assert 'id="confirm-notice"' in shared
        assert "owner 于 2025年9月27日 09:30 签收" in shared
        developer_view = w.developer.client().get(page).content.decode()
        assert "owner 于 2025年9月27日 09:30 签收" in developer_view
        english = w.developer.client()
        english.cookies["django_language"] = "en"
        receipts = english.get(page).content.decode().split('data-testid="receipts"', 1)[1]
        receipts = receipts.split("</div>", 1)[0]
        assert "Receipt confirmed by the owners" in receipts
        assert "：" not in receipts and "于" not in receipts


def test_r_k1_the_page_refuses_a_second_confirmation_and_writes_nothing(handed):
    w = handed
    page = f"/claims/notice/{w.unit.pk}/"
    with at(2025, 9, 27):
        services.confirm_notice(actor=w.owner.actor, unit=w.unit)
        with nothing_written():
            response = w.owner.client().post(f"{page}confirm/", follow=True)
            assert "您已于2025年9月27日签收该保险告知书" in response.content.decode()
            assert w.other_owner.client().post(f"{page}confirm/").status_code == 404
            assert w.owner.client().get(f"{page}confirm/").status_code == 405
