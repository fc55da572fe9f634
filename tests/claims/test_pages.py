"""The pages: the owner files with a photo and follows its claim; the insurer's queue puts the
overdue first; the regulator sees its district's overdue and refused claims; photos and pages
only for those who may see the claim; the printable insurance notice (R-K1)."""

from datetime import date
from pathlib import Path

import pytest
from claims_helpers import at, file, nothing_written, photo
from django.contrib.staticfiles import finders

from idi.claims import selectors, services
from idi.claims.models import Claim, ClaimPhoto, InsuranceNotice


def test_owner_files_with_a_photo_from_the_form(cw):
    client = cw.owner.client()
    with at(2025, 9, 26):
        page = client.get("/claims/new/")
        assert page.status_code == 200
        key = page.context["form"].initial["idempotency_key"]
        data = {
            "unit": cw.unit.pk,
            "category": "waterproofing",
            "sub_item": "",
            "place": "bathroom",
            "description": "<script>alert(1)</script>渗水",
            "noticed_on": "2025-09-20",
            "event": "other",
            "idempotency_key": key,
            "photo": photo(),
        }
        r = client.post("/claims/new/", data)
        assert r.status_code == 302
        again = client.post("/claims/new/", {**data, "photo": photo()})
    claim = Claim.objects.get()
    assert again.url == r.url == f"/claims/{claim.pk}/"
    assert ClaimPhoto.objects.filter(claim=claim).count() == 1
    with at(2025, 9, 30):
        html = client.get(r.url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    clock_item = html.split('data-testid="countdown-claim_determination"')[1].split("</li>")[0]
    # The clock by the pack's name and its date as people read them, never its key.
    assert "索赔核定" in clock_item and "2025年10月9日" in clock_item
    assert "claim_determination" not in clock_item


def test_bad_filing_on_the_form_shows_the_rule_and_writes_nothing(cw):
    client = cw.owner.client()
    with at(2025, 9, 26), nothing_written():
        r = client.post(
            "/claims/new/",
            {
                "unit": cw.unit.pk,
                "category": "additional",
                "place": "bathroom",
                "description": "x",
                "noticed_on": "2025-09-20",
                "event": "other",
                "idempotency_key": "z",
            },
        )
    assert r.status_code == 400
    assert "R-C1" in r.content.decode()


def test_photo_is_served_only_to_those_who_may_see_the_claim(cw):
    with at(2025, 9, 26):
        claim = file(cw)
        row = services.add_photo(actor=cw.owner.actor, claim=claim, upload=photo())
    url = f"/claims/{claim.pk}/photos/{row.pk}/"
    for who in ("owner", "handler", "reg_binjiang"):
        r = getattr(cw, who).client().get(url)
        assert r.status_code == 200 and r["Content-Type"] == "image/png"
    for who in ("other_owner", "reg_xihu", "outsider"):
        assert getattr(cw, who).client().get(url).status_code == 404


def test_a_photo_that_is_not_an_image_is_refused(cw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with at(2025, 9, 26):
        claim = file(cw)
        fake = SimpleUploadedFile("x.png", b"<html>not an image</html>", content_type="image/png")
        with nothing_written():
            r = cw.owner.client().post(f"/claims/{claim.pk}/act/photo/", {"photo": fake})
    assert r.status_code == 400


def test_queue_sorts_by_due_with_overdue_first(cw):
    with at(2025, 9, 1):
        old = file(cw, noticed_on=date(2025, 8, 30))
    with at(2025, 9, 26):
        new = file(cw, place="kitchen")
        done = file(cw, place="bedroom")
        services.determine(actor=cw.handler.actor, claim=done, outcome="covered", reasons="")
    with at(2025, 9, 30):
        r = cw.handler.client().get("/claims/queue/")
    rows = [claim.pk for claim, _ in r.context["rows"]]
    assert rows == [old.pk, new.pk, done.pk]  # overdue, then by due, then no running clock
    assert "已逾期" in r.content.decode()
    assert cw.other_developer.client().get("/claims/queue/").context["rows"] == []


def test_queue_pages_follow_the_cursor_and_count_up_to_the_cap(cw, monkeypatch):
    with at(2025, 9, 1):
        old = file(cw, noticed_on=date(2025, 8, 30))
    with at(2025, 9, 26):
        new = file(cw, place="kitchen")
        new_too = file(cw, place="living_room")
        done = file(cw, place="bedroom")
        services.determine(actor=cw.handler.actor, claim=done, outcome="covered", reasons="")
    with at(2025, 9, 30):
        walked, cursor = [], ""
        while True:
            page = selectors.queue_page(cw.handler.actor, cursor=cursor, limit=1)
            walked += [c.pk for c in page.claims]
            assert (page.count, page.more_than_cap) == (4, False)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        # Claims due the same day follow in id order; a claim without a clock comes last.
        assert walked == [old.pk, new.pk, new_too.pk, done.pk]
        two = selectors.queue_page(cw.handler.actor, limit=2)
        rest = selectors.queue_page(cw.handler.actor, cursor=two.next_cursor, limit=2)
        assert [c.pk for c in two.claims + rest.claims] == walked and rest.next_cursor is None
        monkeypatch.setattr(selectors, "QUEUE_COUNT_CAP", 3)
        client = cw.handler.client()
        r = client.get("/claims/queue/")
        assert (r.context["queue"].count, r.context["queue"].more_than_cap) == (3, True)
        assert "共 3 件以上未结案件" in r.content.decode()
        assert client.get("/claims/queue/?cursor=nonsense").status_code == 404


def test_regulator_sees_overdue_and_refused_of_its_district_only(cw):
    with at(2025, 9, 1):
        overdue = file(cw, noticed_on=date(2025, 8, 30))
    with at(2025, 9, 26):
        refused = file(cw, place="kitchen")
        services.determine(
            actor=cw.handler.actor, claim=refused, outcome="not_covered", reasons="x"
        )
    with at(2025, 9, 28):  # the refusal notice is due 09-29: not yet overdue
        bj = cw.reg_binjiang.client()
        assert [c.pk for c, _ in bj.get("/claims/oversight/").context["rows"]] == [overdue.pk]
        refused_rows = bj.get("/claims/oversight/?which=refused").context["rows"]
        assert [c.pk for c, _ in refused_rows] == [refused.pk]
        assert cw.reg_xihu.client().get("/claims/oversight/").context["rows"] == []
        assert cw.reg_city.client().get("/claims/oversight/").context["rows"][0][0].pk == overdue.pk
        assert cw.owner.client().get("/claims/oversight/").status_code == 403


@pytest.mark.parametrize(
    "who", ["owner", "handler", "developer", "reg_binjiang", "reg_city", "guarantee"]
)
def test_claim_page_for_those_who_may_see_it(cw, who):
    with at(2025, 9, 26):
        claim = file(cw)
        assert getattr(cw, who).client().get(f"/claims/{claim.pk}/").status_code == 200


@pytest.mark.parametrize(
    "who", ["other_owner", "other_developer", "reg_xihu", "outsider", "contractor"]
)
def test_claim_page_is_404_for_the_others_and_their_actions_change_nothing(cw, who):
    with at(2025, 9, 26):
        claim = file(cw)
        client = getattr(cw, who).client()
        assert client.get(f"/claims/{claim.pk}/").status_code == 404
        with nothing_written():
            r = client.post(f"/claims/{claim.pk}/act/determine/", {"outcome": "covered"})
        assert r.status_code == 404


def test_coinsurer_sees_but_may_not_determine(db):
    from claims_helpers import build_claims_world

    w = build_claims_world(coinsurance=True)
    with at(2025, 9, 26):
        claim = file(w)
        client = w.f1.client()
        assert client.get(f"/claims/{claim.pk}/").status_code == 200
        with nothing_written():
            r = client.post(f"/claims/{claim.pk}/act/determine/", {"outcome": "covered"})
        assert r.status_code == 403


def test_refused_action_on_the_page_names_the_rule_and_writes_nothing(cw):
    with at(2025, 9, 26):
        claim = file(cw)
    with at(2025, 10, 10), nothing_written():
        r = cw.handler.client().post(f"/claims/{claim.pk}/act/complex/", {"reason": "晚了"})
    assert r.status_code == 400
    assert "R-K2" in r.content.decode()


def test_process_on_the_pages(cw):
    handler, owner = cw.handler.client(), cw.owner.client()
    with at(2025, 9, 26):
        claim = file(cw)
        base = f"/claims/{claim.pk}/act"
        assert handler.post(f"{base}/determine/", {"outcome": "covered"}).status_code == 302
        assert handler.post(f"{base}/agree/", {"remedy": "repair"}).status_code == 302
        assert handler.post(f"{base}/repair-done/").status_code == 302
        r = owner.post(f"{base}/owner-decision/", {"accepted": "yes", "rating": "5"})
        assert r.status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == "closed"


def test_r_k1_insurance_notice_per_unit_with_real_dates_and_handover(cw):
    owner, developer = cw.owner.client(), cw.developer.client()
    with at(2025, 9, 26):
        html = owner.get(f"/claims/notice/{cw.unit.pk}/").content.decode()
        # The waterproofing window, its dates as people read them.
        assert "2025年6月30日" in html and "2031年6月29日" in html and "2025-06-30" not in html
        assert cw.lead.org.name in html and "95500" in html
        # Printed on A4 by the site's stylesheet (the CSP allows no inline style).
        assert 'class="notice-doc' in html and "idi/site.css" in html
        assert "@page { size: A4" in Path(finders.find("idi/site.css")).read_text()
        assert owner.post(f"/claims/notice/{cw.unit.pk}/").status_code == 403
        assert cw.other_owner.client().get(f"/claims/notice/{cw.unit.pk}/").status_code == 404
        assert developer.post(f"/claims/notice/{cw.unit.pk}/").status_code == 302
    notice = InsuranceNotice.objects.get(unit=cw.unit)
    assert notice.handed_over_on == date(2025, 9, 26)
    assert notice.content["start"] == "2025-06-30"
    with at(2025, 9, 27):
        r = owner.get(f"/api/v1/units/{cw.unit.pk}/insurance-notice")
    assert r.json()["handed_over_on"] == "2025-09-26"


def test_owner_claims_page_lists_its_units_and_notices(cw):
    with at(2025, 9, 26):
        html = cw.owner.client().get("/claims/").content.decode()
    assert f"/claims/notice/{cw.unit.pk}/" in html
    assert f"/claims/notice/{cw.unit2.pk}/" not in html


def test_tasks_hook_lists_the_handlers_due_actions_and_the_owners_repairs_to_accept(cw):
    from idi.claims.selectors import tasks_for

    with at(2025, 9, 26):
        claim = file(cw)
        [task] = tasks_for(cw.handler.actor)
        assert (task.url, task.rule, task.due) == (
            f"/claims/{claim.pk}/",
            "R-K2",
            date(2025, 10, 9),
        )
        assert tasks_for(cw.owner.actor) == []
        services.determine(actor=cw.handler.actor, claim=claim, outcome="covered", reasons="")
        services.agree(actor=cw.handler.actor, claim=claim, remedy="repair")
        services.complete_repair(actor=cw.handler.actor, claim=claim)
        [task] = tasks_for(cw.owner.actor)
        assert task.rule == "R-K5"
        assert tasks_for(cw.handler.actor) == []
        assert tasks_for(cw.outsider.actor) == []


def test_the_timeline_reads_each_step_as_its_status_in_the_pages_language(cw):
    """The timeline says where each step left the claim, as people read it (R-K2: the owner is
    told the result), never the action's key."""
    with at(2025, 9, 26):
        claim = file(cw)
        services.determine(actor=cw.handler.actor, claim=claim, outcome="covered", reasons="渗水")
    for language, received, covered in (
        ("zh-hans", "已受理", "属于保险责任"),
        ("en", "Received", "Covered"),
    ):
        client = cw.owner.client()
        client.cookies["django_language"] = language
        html = client.get(f"/claims/{claim.pk}/").content.decode()
        timeline = html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
        assert received in timeline and covered in timeline
        assert "determine" not in timeline and "file" not in timeline
