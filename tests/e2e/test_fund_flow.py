"""An owner's pre-period repair request through the developer's silence to an approved fund
repair and the developer's replenishment, in a real browser (issue 11).

R-F2 (the insurer tells the developer the same day), R-F3 with R-T6 (the owner may apply from
2 months after the first request, counting its day; the institution approves; the fund pays
and the developer owes it back before the insurance period), R-F4 (within 3 × the
contribution). The starting world (policy issued, completion, delivery, sale, contribution
received) is set up with the services; every step under test is a click.
"""

import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fund"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "underwriting"))

from fund_helpers import build_fund_world, deliver_and_sell, receive

from idi.claims.models import Claim
from idi.fund.models import FundCase

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = "Qiantang-e2e-2025"


def at(y, m, d):
    return datetime(y, m, d, 9, 0, tzinfo=SHANGHAI)


def _log_in(page: Page, user) -> None:
    user.set_password(PASSWORD)
    user.save()
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def _page(browser, live_server) -> Page:
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _submit(page: Page, action: str, **fields) -> None:
    form = page.locator(f'form[data-action="{action}"]')
    for name, value in fields.items():
        target = form.locator(f'[name="{action}-{name}"]')
        if target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_r_f2_r_f3_owner_request_developer_silence_fund_repair_and_replenishment(
    browser, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(at(2025, 3, 3), tick=True) as traveller:
        w = build_fund_world()
        deliver_and_sell(w)
        receive(w)

        traveller.move_to(at(2025, 7, 1))
        owner = _page(browser, live_server)
        _log_in(owner, w.owner.user)
        owner.goto("/claims/new/")
        owner.select_option("#id_category", "waterproofing")
        owner.select_option("#id_place", "bathroom")
        owner.fill("#id_description", "卫生间地面渗水到楼下")
        owner.fill("#id_noticed_on", "2025-06-30")
        with owner.expect_navigation():
            owner.locator("main button[type=submit]").click()
        claim = Claim.objects.get()
        assert claim.track == "pre_period"
        countdown = owner.get_by_test_id("countdown-developer_notification")
        expect(countdown).to_contain_text("2025年7月1日")
        expect(countdown).not_to_contain_text("developer_notification")

        # R-F2: the lead insurer tells the developer the same day.
        handler = _page(browser, live_server)
        _log_in(handler, w.handler.user)
        handler.goto(f"/claims/{claim.pk}/")
        with handler.expect_navigation():
            handler.locator('form[data-action="notify-developer"] button').click()
        expect(handler.get_by_test_id("claim-status")).to_contain_text("待建设单位现场查看")

        # Before the date the owner cannot apply, and is told the date.
        owner.goto(f"/fund/requests/{claim.pk}/")
        expect(owner.get_by_test_id("opens-on")).to_contain_text("2025年9月1日")
        _submit(owner, "fund-application", reason="建设单位未到现场")
        expect(owner.locator("main")).to_contain_text("2025年9月1日 起方可申请")

        # The developer stays silent; 2 months later (R-T6) the owner applies in writing.
        traveller.move_to(at(2025, 9, 1))
        owner = _page(browser, live_server)  # the session of two months ago has expired
        _log_in(owner, w.owner.user)
        owner.goto(f"/fund/requests/{claim.pk}/")
        _submit(owner, "fund-application", reason="两个月内建设单位未商定方案也未维修")
        expect(owner.get_by_test_id("request-status")).to_contain_text("保障基金先行维修审核中")

        # The guarantee institution approves, within the cap (R-F4), and the fund pays.
        institution = _page(browser, live_server)
        _log_in(institution, w.gi.user)
        institution.goto("/fund/")
        with institution.expect_navigation():
            institution.get_by_test_id("requests-link").click()
        with institution.expect_navigation():
            institution.get_by_role("link", name=claim.number).click()
        _submit(
            institution,
            "fund-decision",
            approved="yes",
            amount="12000.00",
            reasons="查勘属实，建设单位逾期未履行维修义务",
        )
        expect(institution.get_by_test_id("fund-case")).to_contain_text("12,000.00 元")
        expect(institution.get_by_test_id("fund-case")).to_contain_text("2027年2月19日")
        case = FundCase.objects.get()
        assert case.state == "paid"

        # The developer sees its debt; the institution records the replenishment.
        developer = _page(browser, live_server)
        _log_in(developer, w.developer.user)
        developer.goto(f"/fund/projects/{w.project.pk}/")
        expect(developer.locator('[data-figure="replenishment_due"]')).to_have_text("12,000.00 元")
        institution.goto(f"/fund/projects/{w.project.pk}/replenishment/")
        institution.fill("#id_amount", "12000.00")
        institution.fill("#id_received_on", "2025-09-01")
        with institution.expect_navigation():
            institution.locator("main button[type=submit]").click()
        developer.reload()
        expect(developer.locator('[data-figure="replenishment_due"]')).to_have_text("0.00 元")
        expect(developer.locator('[data-figure="replenished"]')).to_have_text("12,000.00 元")
