"""A claim from the owner's phone to the accepted repair, a refusal on time, and an overdue claim
on the regulator's list, in a real browser at phone size (issue 10).

R-K2 (determination), R-K3 (agreed repair), R-K5 (acceptance starts the warranty), R-K4 (refusal
notice on time), R-O1 (overdue visible to the district regulator). The starting world (policy,
units, owners, accounts) is set up with the services; every step under test is a click.
"""

import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "claims"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "underwriting"))

from claims_helpers import PNG_BYTES, build_claims_world, deadline_of, file, write_test_pack

from idi.claims.models import Claim
from idi.core.rulebook import get_rulebook

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY = datetime(2025, 9, 26, 9, 0, tzinfo=SHANGHAI)  # determination due 2025-10-09 (R-K2)
AFTER_DUE = datetime(2025, 10, 10, 9, 0, tzinfo=SHANGHAI)
PASSWORD = "Qiantang-e2e-2025"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(autouse=True)
def _test_pack(settings, tmp_path):
    write_test_pack(tmp_path)
    settings.IDI_RULE_PACK_DIRS = [str(tmp_path)]
    settings.MEDIA_ROOT = tmp_path / "media"
    get_rulebook.cache_clear()
    yield
    get_rulebook.cache_clear()


def _phone(browser, live_server) -> Page:
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, **PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _log_in(page: Page, user) -> None:
    user.set_password(PASSWORD)
    user.save()
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    expect(page.get_by_role("banner")).to_contain_text(user.username)


def _act(page: Page, action: str, **fields) -> None:
    form = page.locator(f'form[data-action="{action}"]')
    for name, value in fields.items():
        target = form.locator(f'[name="{name}"]')
        if target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_owner_files_on_a_phone_insurer_repairs_owner_accepts_refusal_and_overdue(
    browser, live_server, tmp_path
):
    with time_machine.travel(FRIDAY, tick=True) as traveller:
        w = build_claims_world()
        owner = _phone(browser, live_server)
        _log_in(owner, w.owner.user)
        owner.goto("/claims/")
        with owner.expect_navigation():
            owner.get_by_test_id("file-claim").click()
        owner.select_option("#id_category", "waterproofing")
        owner.select_option("#id_place", "bathroom")
        owner.fill("#id_description", "卫生间地面渗水，楼下天花板有水迹")
        owner.fill("#id_noticed_on", "2025-09-24")
        picture = tmp_path / "leak.png"
        picture.write_bytes(PNG_BYTES)
        owner.set_input_files("#id_photo", str(picture))
        with owner.expect_navigation():
            owner.locator("main button[type=submit]").click()
        expect(owner.get_by_test_id("claim-status")).to_contain_text("已受理")
        expect(owner.get_by_test_id("countdown-claim_determination")).to_contain_text(
            "2025年10月9日"
        )
        expect(owner.locator(".photos img")).to_have_count(1)
        claim = Claim.objects.get()
        assert owner.evaluate("document.documentElement.scrollWidth") <= 390 + 1

        handler = _phone(browser, live_server)
        _log_in(handler, w.handler.user)
        handler.goto("/claims/queue/")
        with handler.expect_navigation():
            handler.get_by_role("link", name=claim.number).click()
        _act(handler, "determine", outcome="covered")
        expect(handler.get_by_test_id("claim-status")).to_contain_text("属于保险责任")
        _act(handler, "agree", remedy="repair", repairer="钱塘建工维修队")
        expect(handler.get_by_test_id("claim-status")).to_contain_text("维修中")
        _act(handler, "repair-done")
        expect(handler.get_by_test_id("claim-status")).to_contain_text("维修完成待业主确认")

        owner.reload()
        _act(owner, "owner-decision", rating="5", comment="修好了")
        expect(owner.get_by_test_id("claim-status")).to_contain_text("已结案")
        expect(owner.locator("main")).to_contain_text("2026年3月25日")  # R-K5 warranty end

        # A refused claim whose notice is issued on time (R-K4).
        refused = file(w, place="kitchen", noticed_on=date(2025, 9, 25))
        handler.goto(f"/claims/{refused.pk}/")
        _act(handler, "determine", outcome="not_covered", reasons="系装修改动造成")
        expect(handler.get_by_test_id("countdown-denial_notice")).to_contain_text("2025年9月29日")
        _act(handler, "refusal-notice", reasons="系业主装修改动造成，不属于保险责任")
        expect(handler.get_by_test_id("claim-status")).to_contain_text("已发出拒赔通知")
        notice = deadline_of(refused, "denial_notice")
        assert notice.met_on is not None and notice.met_on <= notice.due

        # An overdue claim shows on the district regulator's list (R-O1).
        overdue = file(w, place="balcony", noticed_on=date(2025, 9, 25))
        traveller.move_to(AFTER_DUE)
        regulator = _phone(browser, live_server)
        _log_in(regulator, w.reg_binjiang.user)
        regulator.goto("/claims/oversight/")
        row = regulator.locator("tr", has_text=overdue.number)
        expect(row).to_contain_text("已逾期 1 天")
        expect(regulator.locator("main")).not_to_contain_text(refused.number)
        expect(regulator.locator("main")).not_to_contain_text(claim.number)
