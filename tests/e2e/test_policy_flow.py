"""From project registration to an issued policy, and the buyer's cover, in a real browser.

The issue's acceptance criterion: a developer registers a project, its permits, a building,
units and the contractor; insures the permit (R-U1 pack, R-U5 rate floor and premium, R-F1 fund
contribution, R-U4 co-insurance, R-U11 attachments, R-U12 notices, R-U3 one payment before
issue); later records construction, completion and a sale; the buyer then sees each category's
window (R-C1..R-C4) and whom to call, after activating the account the sale opened for it. Every
step under test is a click or a keystroke; only the starting registry (organisations, accounts)
is set up with the services.
"""

import re
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from idi.core.models import AuditEvent
from idi.parties import services as parties
from idi.parties.models import OrgType, Role
from idi.parties.selectors import actor_for_user
from idi.parties.validators import id_number_check_char, uscc_check_char
from idi.underwriting.models import AttachmentKind, Policy, PolicyState

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday inside the hangzhou-2024 pack (permits applied for 2024-03-01..2026-02-28, R-U1).
TODAY = datetime(2025, 6, 2, 9, 0, tzinfo=SHANGHAI)
# Two years on: construction has started after the policy was signed (R-U3) and completed.
LATER = datetime(2027, 9, 1, 9, 0, tzinfo=SHANGHAI)
PASSWORD = "Qiantang-e2e-2025"

PROJECT = "钱江新城·云栖苑"
PLANNING_PERMIT = "GH-330106-2025-0123"
PERMIT = "SG-330106-2025-0101"
POLICY_NUMBER = f"IDI-{PERMIT}"
LEAD = "甲财产保险股份有限公司"
FOLLOWER_1 = "乙财产保险股份有限公司"
FOLLOWER_2 = "丙财产保险股份有限公司"
CONTRACTOR = "之江建工集团有限公司"
OWNER_NAME = "林晓雯"
OWNER_ID = "33010619900307122" + id_number_check_char("33010619900307122")

# By hand (R-U5, R-F1, R-U7): 100,000,000.00 × 0.015 = 1,500,000.00; × 0.0005 = 50,000.00;
# 15% of the premium = 225,000.00. The fund contribution by share (R-U10): 0.5 / 0.3 / 0.2.
PREMIUM = "1500000.00"
PREMIUM_SHOWN = "1,500,000.00"
FUND_CONTRIBUTION = "50,000.00"
MIN_RM_FEE = "225000.00"
SPLIT = {LEAD: "25,000.00 元", FOLLOWER_1: "15,000.00 元", FOLLOWER_2: "10,000.00 元"}

# By hand (R-C2, R-C3): completion accepted 2027-06-30, so every window starts 2029-06-30 and
# ends start + N years − 1 day. Foundation 10 y, insulation 5 y, waterproofing 6 y, concealed
# works 6 y (the building is fully decorated, R-C4), decoration 2 y and HVAC 5 y as agreed.
COMPLETION = "2027-06-30"
WINDOWS = {
    "foundation_structure": "2029年6月30日 至 2039年6月29日",
    "insulation": "2029年6月30日 至 2034年6月29日",
    "waterproofing": "2029年6月30日 至 2035年6月29日",
    "concealed_works": "2029年6月30日 至 2035年6月29日",
    "additional.decoration": "2029年6月30日 至 2031年6月29日",
    "additional.hvac": "2029年6月30日 至 2034年6月29日",
}


def _uscc(serial: int) -> str:
    first17 = f"91330100MA7{serial:06d}"
    return first17 + uscc_check_char(first17)


def _registry() -> dict[str, str]:
    """The parties as the operator registers them; returns the credit codes the developer types."""
    # No service opens the operator's own account: it is the staff user the demo creates too.
    operator = actor_for_user(get_user_model().objects.create_user("operator", is_staff=True))

    def org(serial: int, name: str, org_type: str, **extra):
        return parties.register_organisation(
            actor=operator, name=name, org_type=org_type, uscc=_uscc(serial), **extra
        )

    developer = org(1, "钱塘置业有限公司", OrgType.DEVELOPER, district="shangcheng")
    lead = org(2, LEAD, OrgType.INSURER, contact_phone="95500")
    org(3, FOLLOWER_1, OrgType.INSURER)
    org(4, FOLLOWER_2, OrgType.INSURER)
    contractor = org(5, CONTRACTOR, OrgType.CONTRACTOR)
    for year in (2022, 2023, 2024):  # G 2.1 met for the last three complete years (R-U6)
        parties.record_qualification(
            actor=operator,
            insurer=lead,
            year=year,
            registered_capital=Decimal("8000000000"),
            solvency_ratio=Decimal("2.1"),
            has_quality_department=True,
            has_idi_lead_experience=True,
        )
    for organisation, username, roles, real_name in (
        (developer, "dev_zhou", [Role.STAFF], "周建国"),
        (lead, "uw_chen", [Role.UNDERWRITER], "陈承保"),
    ):
        parties.create_user(
            actor=operator,
            organisation=organisation,
            username=username,
            password=PASSWORD,
            roles=roles,
            real_name=real_name,
        )
    return {"contractor": contractor.uscc}


# --- browser helpers ---------------------------------------------------------------------------


@contextmanager
def _own_page(browser, live_server):
    """A second party's browser: its own context, so its own cookies and session."""
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def _click(page: Page, target) -> None:
    """Click a link or a submit button and wait until the page it leads to has loaded."""
    with page.expect_navigation():
        target.click()


def _submit(page: Page) -> None:
    # The first submit button of every page is the language switch in the header.
    _click(page, page.locator("main button[type=submit]"))


def _done(page: Page, message: str) -> None:
    expect(page.get_by_role("status")).to_have_text(message)


def _log_in(page: Page, username: str, real_name: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    _submit(page)
    expect(page.locator("header")).to_contain_text(real_name)


def _menu(page: Page, label: str) -> None:
    _click(page, page.locator("header").get_by_role("link", name=label, exact=True))


def _button(page: Page, name: str, *, within: str = "main"):
    return page.locator(within).get_by_role("button", name=name, exact=True)


def _link(page: Page, name: str, *, within: str = "main"):
    """An <a> by its exact text, whether it looks like a link or (role="button") a button."""
    exact = re.compile(rf"^\s*{re.escape(name)}\s*$")
    return page.locator(within).locator("a").filter(has_text=exact)


# --- the walk ----------------------------------------------------------------------------------


def _register_project(page: Page, *, contractor_uscc: str) -> None:
    """Step 1: the developer's project, permits, building, units and contractor."""
    _menu(page, "项目")
    _click(page, _link(page, "登记项目"))
    page.fill("#id_name", PROJECT)
    page.select_option("#id_district", "shangcheng")
    page.select_option("#id_housing_type", "commercial")
    page.fill("#id_address", "杭州市上城区富春路 188 号")
    _submit(page)
    _done(page, "项目已登记。")
    expect(page.locator("h1")).to_have_text(PROJECT)

    _click(page, _link(page, "登记工程规划许可证"))
    page.fill("#id_number", PLANNING_PERMIT)
    page.fill("#id_issued_on", "2025-04-15")
    _submit(page)
    _done(page, "工程规划许可证已登记。")
    expect(page.locator("#planning-permits tbody td")).to_have_text(
        [PLANNING_PERMIT, "2025年4月15日"]
    )

    _click(page, _link(page, "登记施工许可证"))
    page.select_option("#id_planning_permit", label=PLANNING_PERMIT)
    page.fill("#id_number", PERMIT)
    page.fill("#id_applied_on", "2025-05-10")
    page.fill("#id_issued_on", "2025-05-20")
    _submit(page)
    _done(page, "施工许可证已登记。")
    permit_row = page.locator("#permits tbody tr", has_text=PERMIT)
    expect(permit_row.locator("td")).to_have_text(
        [PERMIT, "2025年5月10日", "2025年5月20日", "—", "—", "已发证", "投保", "登记开工"]
    )

    _click(page, _link(page, "登记楼栋"))
    page.select_option("#id_permit", label=PERMIT)
    page.fill("#id_name", "1幢")
    # The building takes the project's housing type; full decoration is asked, never assumed.
    expect(page.locator("#id_housing_type")).to_have_count(0)
    expect(page.locator("#id_fully_decorated")).to_have_value("")
    page.select_option("#id_fully_decorated", "yes")
    page.fill("#id_floors_above", "18")
    page.fill("#id_floors_below", "2")
    _submit(page)
    _done(page, "楼栋已登记。")
    expect(page.locator("#buildings tbody tr td")).to_have_text(
        ["1幢", PERMIT, "商品房", "是", "18 / 2", "—"]
    )

    for room, floor, area in (("101", "1", "89.50"), ("1801", "18", "120.00")):
        _click(page, _link(page, "登记房屋"))
        page.select_option("#id_building", label="1幢")
        page.fill("#id_room_number", room)
        page.fill("#id_floor", floor)
        page.fill("#id_area", area)
        _submit(page)
        _done(page, "房屋已登记。")
        expect(page.locator("h1")).to_have_text(f"1幢 {room}")
        _click(page, _link(page, PROJECT))
    expect(page.locator("#units tbody tr")).to_have_count(2)

    _click(page, _link(page, "添加参建单位"))
    page.select_option("#id_role", "contractor")
    # Found by its name, as people know it; the page shows its credit code.
    page.fill("#id_organisation", CONTRACTOR)
    _submit(page)
    _done(page, "参建单位已添加。")
    expect(page.locator("#participants tbody tr td")).to_have_text(
        ["施工单位", CONTRACTOR, contractor_uscc]
    )


def _fill_terms(page: Page) -> None:
    page.fill("#id_contract_price", "100000000.00")
    page.fill("#id_sum_insured", "100000000.00")
    page.fill("#id_decoration_years", "2")
    page.fill("#id_hvac_years", "5")
    _click(page, _button(page, "保存"))


def _fill_quote(page: Page, *, rate_percent: str) -> None:
    page.fill("#id_rate_percent", rate_percent)
    page.fill("#id_risk_management_fee", MIN_RM_FEE)
    page.fill("#id_engineering_risk", "18 层框架剪力墙结构，地下 2 层")
    page.fill("#id_participants_quality", "施工单位资质齐全，近三年无不良记录")
    page.fill("#id_risk_management_needs", "防水和基坑为检查重点")
    page.fill("#id_claims_history", "建设单位以往项目无重大理赔")
    _click(page, _button(page, "报价"))


def _ask(page: Page) -> None:
    """Step 2: draft, the terms, three insurers, and the request for a quote (Art. 9)."""
    _menu(page, "保单")
    _click(page, _link(page, "新建投保"))
    page.select_option("#id_permit", label=f"{PROJECT} — {PERMIT}")
    _click(page, _button(page, "创建草稿"))
    _done(page, "已创建投保草稿")
    expect(page.locator("h1")).to_contain_text(POLICY_NUMBER)
    expect(page.locator("#policy-state")).to_have_attribute("data-state", "draft")
    # R-U1: the pack in force on the day the permit was first applied for.
    expect(page.locator("dl.facts").first).to_contain_text(
        "杭州市住宅工程质量潜在缺陷保险试点实施办法"
    )

    _click(page, _link(page, "填写保险条款"))
    _fill_terms(page)
    _done(page, "保险条款已保存")
    expect(page.locator("#premium")).to_have_text("待主承保公司报价")

    # R-U4: a lead of at least 0.5 and two followers, summing to 1.
    _click(page, _link(page, "选择保险公司及份额"))
    for row, (insurer, role, fraction) in enumerate(
        ((LEAD, "lead", "0.5"), (FOLLOWER_1, "follower", "0.3"), (FOLLOWER_2, "follower", "0.2"))
    ):
        page.select_option(f"#id_insurer_{row}", label=insurer)
        page.select_option(f"#id_role_{row}", role)
        page.fill(f"#id_fraction_{row}", fraction)
    _click(page, _button(page, "保存"))
    _done(page, "承保份额已保存")
    expect(page.locator("#shares tbody tr")).to_have_count(3)
    # The lead states its share by quoting; a follower confirms its own (Art. 8), not yet.
    expect(page.locator("#shares tbody tr").first.locator("td")).to_have_text(
        [LEAD, "主承保", "50%", "—", "95500"]
    )
    expect(page.locator("#shares tbody tr").nth(1).locator("td").nth(3)).to_have_text("待确认")
    expect(page.locator("#lead-warnings")).to_have_count(0)

    _click(page, _button(page, "向主承保公司询价", within="#quote"))
    _done(page, "已向主承保公司询价，待保险公司报价")
    expect(page.locator("#policy-state")).to_have_text("待报价")


def _give_quote(page: Page) -> None:
    """Step 3: the lead insurer finds the request on its workspace and quotes; a rate below the
    commercial floor is refused on the rate field (R-U5), then 1.5% with the factors."""
    _menu(page, "工作台")
    task = page.locator("#tasks li[data-kind='underwriting.give_quote']")
    expect(task).to_contain_text(POLICY_NUMBER)
    _click(page, task.get_by_role("link"))
    expect(page.locator("h1")).to_have_text("报价")
    _fill_quote(page, rate_percent="1.49")
    expect(page.locator("#rate_percent-errors")).to_contain_text("1.5%")
    expect(page.locator("#rate_percent-errors a.rule-link")).to_have_text("R-U5")
    assert Policy.objects.get(permit__number=PERMIT).state == "quote_requested"
    assert not AuditEvent.objects.filter(action="underwriting.give_quote").exists()
    _fill_quote(page, rate_percent="1.5")
    _done(page, "已报价，待建设单位接受")
    expect(page.locator("#quote-rate")).to_have_text("1.5%")
    expect(page.locator("#quote-premium")).to_have_text(f"{PREMIUM_SHOWN} 元")


def _accept(page: Page) -> None:
    """Step 4: the developer accepts the quote (Art. 9)."""
    page.reload()
    expect(page.locator("#policy-state")).to_have_text("已报价")
    _click(page, _button(page, "接受报价", within="#quote"))
    _done(page, "已接受报价：请缴纳保费")
    expect(page.locator("#policy-state")).to_have_text("已接受报价")
    expect(page.locator("#premium")).to_have_text(f"{PREMIUM_SHOWN} 元")
    expect(page.locator("#fund-contribution")).to_have_text("50,000.00 元")
    expect(page.locator("#min-fee")).to_have_text("225,000.00 元")


def _attach_all(page: Page, tmp_path) -> None:
    """Step 3a: the lead insurer uploads the four plans and templates (R-U11)."""
    _menu(page, "保单")
    expect(page.locator("main tbody tr td")).to_have_text(
        [POLICY_NUMBER, PROJECT, "已接受报价", f"{PREMIUM_SHOWN} 元", "50%（主承保）"]
    )
    _click(page, _link(page, POLICY_NUMBER))
    expect(page.locator("#shares tr.mine")).to_contain_text("（本公司）")
    for kind in AttachmentKind.values:
        pdf = tmp_path / f"{kind}.pdf"
        pdf.write_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
        _click(page, _link(page, "上传附件"))
        page.select_option("#id_kind", kind)
        page.set_input_files("#id_file", str(pdf))
        _click(page, _button(page, "上传"))
        _done(page, "附件已上传，待建设单位确认")
        row = page.locator(f"#attachments tr[data-kind={kind}]")
        expect(row).to_contain_text(f"{kind}.pdf")
        expect(row.locator("td").last).to_have_text("待确认")


def _issue(page: Page) -> None:
    """Step 3b: the developer confirms, notifies, pays once and issues."""
    page.reload()
    for kind in AttachmentKind.values:
        row = page.locator(f"#attachments tr[data-kind={kind}]")
        _click(page, row.get_by_role("button", name="确认"))
        _done(page, "附件已确认")
        expect(row.locator("td").last).to_have_text("✓ 2025年6月2日")
    expect(page.locator("#issue-steps")).to_contain_text("✓ 附件已齐备并确认")

    _click(page, _button(page, "书面告知参建单位", within="#participant-notices"))
    _done(page, "已书面通知 1 家参建单位")
    expect(page.locator("#participant-notices tbody tr td")).to_have_text(
        [f"{CONTRACTOR}（施工单位）", re.compile(r"^2025年6月2日 \d\d:\d\d$"), "待确认"]
    )

    _click(page, _link(page, "登记缴费", within="#issue-steps"))
    expect(page.locator("#id_amount")).to_have_value(PREMIUM)
    page.fill("#id_paid_on", "2025-06-02")
    page.fill("#id_reference", "HZ-PAY-20250602-01")
    _click(page, _button(page, "保存"))
    _done(page, "缴费已登记")
    expect(page.locator("#issue-steps")).to_contain_text(
        f"✓ 保费已缴纳（{PREMIUM_SHOWN} 元，2025年6月2日）"
    )

    _click(page, _button(page, "签发保单", within="#issue-steps"))
    _done(page, "保单已签发")
    expect(page.locator("#policy-state")).to_have_attribute("data-state", "issued")
    expect(page.locator("#policy-state")).to_have_text("已签发")
    expect(page.locator("h1")).to_contain_text(POLICY_NUMBER)
    expect(page.locator("dl.facts").first).to_contain_text("签发日期2025年6月2日")
    # R-F1: the lead owes the whole contribution from the day of issue; R-U10 splits it.
    expect(page.locator("#fund p")).to_have_text(
        f"主承保公司 {LEAD} 应计提 {FUND_CONTRIBUTION} 元（自 2025年6月2日 起）。"
    )
    for insurer, amount in SPLIT.items():
        expect(page.locator("#fund tbody tr", has_text=insurer).locator("td").last).to_have_text(
            amount
        )


def _complete_and_sell(page: Page) -> None:
    """Step 4: construction after issue (R-U3), completion, delivery and the sale of 101."""
    _menu(page, "项目")
    _click(page, _link(page, PROJECT))
    permit_row = page.locator("#permits tbody tr", has_text=PERMIT)
    for step, field, day, stage in (
        ("登记开工", "#id_construction_started_on", "2025-06-16", "在建"),
        ("登记竣工验收", "#id_completion_accepted_on", COMPLETION, "已竣工验收"),
    ):
        _click(page, permit_row.get_by_role("link", name=step))
        page.fill(field, day)
        _submit(page)
        expect(permit_row.locator("td[data-stage]")).to_have_text(stage)
    expect(permit_row.locator("td")).to_have_text(
        [
            PERMIT,
            "2025年5月10日",
            "2025年5月20日",
            "2025年6月16日",
            "2027年6月30日",
            "已竣工验收",
            f"{POLICY_NUMBER}（已签发）",
            "",
        ]
    )

    building_row = page.locator("#buildings tbody tr", has_text="1幢")
    _click(page, building_row.get_by_role("link", name="登记交付"))
    page.fill("#id_delivered_on", "2027-08-15")
    _submit(page)
    _done(page, "交付日期已登记。")
    expect(building_row.locator("td").last).to_have_text("2027年8月15日")

    _click(page, page.locator("#units").get_by_role("link", name="101", exact=True))
    _click(page, _link(page, "登记销售"))
    page.fill("#id_sold_on", "2027-08-20")
    page.fill("#id_contract_number", "YS-2027-0101")
    page.fill("#id_buyer1_real_name", OWNER_NAME)
    page.fill("#id_buyer1_id_number", OWNER_ID)
    page.fill("#id_buyer1_phone", "13905710101")
    _submit(page)
    _done(page, "销售已登记。")
    expect(page.locator("#sale dl")).to_contain_text("销售日期2027年8月20日")
    expect(page.locator("#sale tbody tr td").first).to_have_text(OWNER_NAME)


def _activate_owner(page: Page) -> None:
    """The buyer the sale registered has no password yet: it activates its account with the
    ID number and mobile number of the sale, and is signed in."""
    page.goto("/accounts/login/")
    _click(page, _link(page, "购房业主首次登录请先激活账号"))
    expect(page.locator("h1")).to_have_text("业主账号激活")
    page.fill("#id_id_number", OWNER_ID)
    page.fill("#id_phone", "13905710101")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    _submit(page)
    expect(page.get_by_role("status")).to_contain_text("账号已激活")
    expect(page.get_by_role("banner")).to_contain_text(OWNER_NAME)


def _check_my_home(page: Page) -> None:
    """The owner's 我的房屋: its one unit, each category's window and whom to call."""
    _menu(page, "我的房屋")
    homes = page.locator("article[data-unit]")
    expect(homes).to_have_count(1)
    home = homes.first
    expect(home.locator("header")).to_have_text(f"{PROJECT} 1幢 101")
    expect(home.locator("dl")).to_contain_text(f"{POLICY_NUMBER}（已签发）")
    expect(home.locator(".lead-insurer")).to_have_text(f"{LEAD}，电话 95500")
    expect(home.locator("tbody tr")).to_have_count(len(WINDOWS))
    for category, window in WINDOWS.items():
        cells = home.locator(f"tr[data-category='{category}'] td")
        expect(cells.nth(1)).to_have_text(window)
        # 2027-09-01 is before every window: the developer's warranty answers for now (R-C5).
        expect(cells.nth(2)).to_have_text("建设单位（保修期）")


def test_R_U5_R_C2_developer_insures_a_permit_and_the_owner_sees_its_cover(
    page, browser, live_server, settings, tmp_path
):
    """R-U1, R-U3, R-U4, R-U5, R-U11, R-U12, R-F1, R-C1, R-C2, R-C3, R-C4: registration →
    ask, quote (a rate below the R-U5 floor refused), accept (Art. 9) → issue, then the
    buyer's coverage windows."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(TODAY, tick=True) as traveller:
        codes = _registry()
        _log_in(page, "dev_zhou", "周建国")
        _register_project(page, contractor_uscc=codes["contractor"])
        _ask(page)
        with _own_page(browser, live_server) as insurer:
            _log_in(insurer, "uw_chen", "陈承保")
            _give_quote(insurer)
            _accept(page)
            _attach_all(insurer, tmp_path)
            _issue(page)
            insurer.reload()
            expect(insurer.locator("#policy-state")).to_have_text("已签发")
        assert Policy.objects.get(permit__number=PERMIT).state == PolicyState.ISSUED

        traveller.move_to(LATER)
        # Two years later every session has expired: the developer signs in again.
        _log_in(page, "dev_zhou", "周建国")
        _complete_and_sell(page)
        with _own_page(browser, live_server) as owner:
            _activate_owner(owner)
            _check_my_home(owner)
