"""From an inspection to completion acceptance, in a real browser (R-R5, R-R7).

The RMA records a process inspection with a major defect on the on-site page; the developer has
it confirmed and assigns the contractor; the contractor uploads an after-photo and reports the
rectification; the supervisor and then the developer confirm, which closes it; the developer's
completion acceptance is refused until the lead insurer has reviewed the RMA's final report;
then it is recorded. Every step under test is a click or a keystroke; the starting state (the
issued policy, the engagement, kickoff, plan and construction start) is set up with the
services.
"""

import re
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "riskmgmt"), str(HERE.parent / "underwriting")]

from rm_helpers import build_rm_world, engage, kickoff, plan  # noqa: E402
from uw_helpers import PNG_BYTES, SHANGHAI  # noqa: E402

from idi.projects import services as projects  # noqa: E402
from idi.projects.models import ConstructionPermit  # noqa: E402
from idi.riskmgmt.models import Defect, DefectEvent, Evidence  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TODAY = datetime(2025, 3, 3, 9, 0, tzinfo=SHANGHAI)
PASSWORD = "Qiantang-e2e-2025"


@contextmanager
def _browser_of(browser, live_server, username: str):
    """One party's own browser context (own cookies), logged in."""
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    _click(page, page.locator("main button[type=submit]"))
    expect(page.locator("header")).to_contain_text(username)
    try:
        yield page
    finally:
        context.close()


def _click(page: Page, target) -> None:
    with page.expect_navigation():
        target.click()


def _link(page: Page, name: str):
    exact = re.compile(rf"^\s*{re.escape(name)}\s*$")
    return page.locator("main a").filter(has_text=exact).first


def _status(page: Page, status: str) -> None:
    expect(page.locator("hgroup [data-status]")).to_have_attribute("data-status", status)


def test_R_R5_R_R7_inspection_to_completion_acceptance(browser, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = tmp_path / "after.png"
    photo.write_bytes(PNG_BYTES)
    with time_machine.travel(TODAY, tick=True):
        w = build_rm_world()
        for user in get_user_model().objects.all():
            user.set_password(PASSWORD)
            user.save()
        engagement = engage(w)
        kickoff(w, engagement)
        plan(w, engagement)
        projects.record_construction_start(
            actor=w.developer.actor, permit=w.permit, started_on=TODAY.date()
        )
        project_url = f"/projects/{w.project.pk}/"

        # The RMA, on site: the project page's risk-management panel → the engagement → a new
        # inspection with its first finding.
        with _browser_of(browser, live_server, "rma") as rma:
            rma.goto(project_url)
            _click(rma, _link(rma, "检查与报告"))
            _click(rma, _link(rma, "登记过程检查"))
            rma.fill("#id_inspected_on", "2025-03-03")
            rma.select_option("#id_stage", "main_structure")
            rma.fill("#id_inspectors", "褚工，王工")
            rma.fill("#id_scope", "三层梁板钢筋与模板")
            rma.fill("#id_risk_analysis", "保护层不足，耐久性风险")
            rma.select_option("#id_building", str(w.building.pk))
            rma.fill("#id_floor", "3")
            rma.fill("#id_part", "3-5 轴梁")
            rma.select_option("#id_category", "foundation_structure")
            rma.select_option("#id_grade", "D")
            rma.fill("#id_description", "梁底保护层厚度不足")
            rma.fill("#id_proposal", "加设垫块后复检")
            _click(rma, rma.locator("main button[type=submit]"))
            expect(rma.get_by_role("status")).to_have_text("已登记检查及缺陷")
            defect = Defect.objects.get()
            assert (defect.grade, defect.major, defect.status) == ("D", True, "recorded")
            _click(rma, rma.locator(f'[data-defect="{defect.pk}"]'))
            _status(rma, "recorded")

        defect_url = f"/riskmgmt/defects/{defect.pk}/"
        with _browser_of(browser, live_server, "dev") as dev:
            # The board lists it, filtered by grade.
            dev.goto(f"/riskmgmt/projects/{w.project.pk}/defects/?grade=D")
            expect(dev.locator("tbody tr[data-defect]")).to_have_count(1)
            _click(dev, dev.locator(f'a[href="{defect_url}"]'))
            dev.select_option("#action-confirm select", str(w.contractor.org.pk))
            _click(dev, dev.locator("#action-confirm button"))
            _status(dev, "confirmed")

            with _browser_of(browser, live_server, "contractor") as contractor:
                contractor.goto(defect_url)
                contractor.select_option("#action-evidence select", "after")
                contractor.set_input_files("#action-evidence input[type=file]", str(photo))
                _click(contractor, contractor.locator("#action-evidence button"))
                expect(contractor.locator('[data-evidence="after"] img')).to_have_count(1)
                contractor.fill("#action-rectify textarea", "已加设垫块，复检合格")
                _click(contractor, contractor.locator("#action-rectify button"))
                _status(contractor, "rectified")

            with _browser_of(browser, live_server, "supervisor") as supervisor:
                supervisor.goto(defect_url)
                _click(supervisor, supervisor.locator("#action-supervisor-confirm button"))
                _status(supervisor, "supervisor_confirmed")

            dev.goto(defect_url)
            dev.fill(
                "#action-developer-confirm textarea", "整改完成，书面回复保险公司和风险管理机构"
            )
            _click(dev, dev.locator("#action-developer-confirm button"))
            _status(dev, "closed")
            assert list(DefectEvent.objects.values_list("action", flat=True).order_by("id")) == [
                "record",
                "confirm",
                "rectify",
                "supervisor-confirm",
                "developer-confirm",
            ]
            assert Evidence.objects.get().content_type == "image/png"

            # Completion acceptance before the final report is reviewed: refused (R-R7).
            dev.goto(project_url)
            _click(dev, _link(dev, "登记竣工验收"))
            dev.fill("#id_completion_accepted_on", "2025-03-03")
            _click(dev, dev.locator("main button[type=submit]"))
            expect(dev.locator("main")).to_contain_text("R-R7")

            with _browser_of(browser, live_server, "rma") as rma:
                rma.goto(f"/riskmgmt/engagements/{engagement.pk}/")
                _click(rma, rma.get_by_role("button", name="生成最终检查报告"))
                expect(rma.locator("[data-report]")).to_have_attribute("data-report", "written")

            with _browser_of(browser, live_server, "lead") as lead:
                lead.goto(f"/riskmgmt/engagements/{engagement.pk}/")
                _click(lead, lead.get_by_role("button", name="审核并交建设单位"))
                expect(lead.locator("[data-report]")).to_have_attribute("data-report", "reviewed")

            dev.goto(project_url)
            _click(dev, _link(dev, "登记竣工验收"))
            dev.fill("#id_completion_accepted_on", "2025-03-03")
            _click(dev, dev.locator("main button[type=submit]"))
            expect(dev.locator("#permits [data-stage]")).to_have_attribute(
                "data-stage", "completed"
            )
    permit = ConstructionPermit.objects.get(pk=w.permit.pk)
    assert permit.completion_accepted_on.isoformat() == "2025-03-03"
