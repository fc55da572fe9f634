"""Every role of the demo in a real browser, on a phone.

Every log-in of the demo logs in through the log-in form, lands on its workspace (an owner on
its homes) and follows one of its to-do items to the page that does it. Then each role's main
pages, in Chinese and in English, at 390×844: no page is wider than the screen, nor is anything
in it wider than its box except inside a box that scrolls (a table); and axe-core (vendored,
served by the platform itself, so the Content-Security-Policy holds) finds no critical or
serious violation.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

from idi.claims.models import Claim
from idi.core.management.commands.demo import DEMO_PASSWORD, Command
from idi.fund.models import Account, AccountKind
from idi.parties import demo as parties_demo
from idi.projects import demo as projects_demo
from idi.projects.models import Project, Unit
from idi.riskmgmt.models import Defect, Engagement, Inspection
from idi.underwriting.models import Policy

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
AXE = "/static/vendor/axe.min.js"
# axe's own impact scale; "moderate" and "minor" are reported by axe but do not fail the test.
FAILING_IMPACTS = ("critical", "serious")


def _project(name: str) -> str:
    return reverse("projects:detail", args=[Project.objects.get(name=name).pk])


def _policy(permit: str) -> str:
    return reverse("underwriting:detail", args=[Policy.objects.get(permit__number=permit).pk])


def _draft_pages(permit: str) -> list[str]:
    """The draft the role has just created: its page, its terms and the share table."""
    pk = Policy.objects.get(permit__number=permit).pk
    return [reverse(f"underwriting:{name}", args=[pk]) for name in ("detail", "terms", "shares")]


def _engagement(permit: str) -> Engagement:
    return Engagement.objects.get(policy__permit__number=permit)


def _board(name: str) -> str:
    return reverse("riskmgmt:board", args=[Project.objects.get(name=name).pk])


def _defect() -> str:
    """The Yunqi defect still waiting for the contractor."""
    defect = Defect.objects.filter(project__name=projects_demo.PROJECT_YUNQI).order_by("id")[1]
    return reverse("riskmgmt:defect", args=[defect.pk])


def _inspection() -> str:
    """Today's inspection, the one with the four defects."""
    inspection = (
        Inspection.objects.filter(project__name=projects_demo.PROJECT_YUNQI)
        .order_by("-inspected_on", "-id")
        .first()
    )
    return reverse("riskmgmt:inspection", args=[inspection.pk])


def _claim() -> str:
    return reverse("claims:detail", args=[Claim.objects.get().pk])


def _unit_pk() -> int:
    """张伟's home shared with 王芳."""
    return Unit.objects.get(
        building__name="1幢", room_number="1801", project__name=projects_demo.PROJECT_XIXI
    ).pk


def _unit() -> str:
    return reverse("projects:unit_detail", args=[_unit_pk()])


def _project_forms(name: str) -> list[str]:
    pk = Project.objects.get(name=name).pk
    return [reverse("projects:create"), reverse("projects:import", args=[pk])]


def _fund_project() -> str:
    account = Account.objects.filter(kind=AccountKind.PROJECT).order_by("id").first()
    return reverse("fund:project", args=[account.project_id])


def _organisation(name: str) -> str:
    return reverse("parties:org_detail", args=[parties_demo.organisation(name).pk])


@dataclass(frozen=True)
class Role:
    username: str
    # The to-do item to follow (its data-kind) and what shows that the page doing it opened.
    task: str
    done_by: str
    # Detail pages of the objects the role works with, besides its menu's pages.
    details: Callable[[], list[str]] = field(default=lambda: [])
    lands_on: str = "workspace"
    # Whether the role then submits the to-do's form (whose result its details show).
    submits: bool = False


ROLES = [
    Role("operator", "core.verify_audit_chain", "h1:has-text('R-O3')"),
    Role(
        "dev_xihu",
        "riskmgmt.defects",
        "h1:has-text('缺陷看板')",
        lambda: [
            _project(projects_demo.PROJECT_YUNQI),
            _policy(projects_demo.PERMIT_YUNQI),
            _unit(),
            _defect(),
            _claim(),
            *_project_forms(projects_demo.PROJECT_XIXI),
        ],
    ),
    Role(
        "dev_binjiang",
        "underwriting.decide_quote",
        "#quote button:has-text('接受报价')",
        lambda: [_policy(projects_demo.PERMIT_JIANGHUI)],
    ),
    Role(
        "dev_yuhang",
        "underwriting.create_draft",
        "main form button:has-text('创建草稿')",
        lambda: _draft_pages(projects_demo.PERMIT_LIANGZHU),
        submits=True,
    ),
    Role(
        "ins_lead",
        "underwriting.give_quote",
        "main form input[name=rate_percent]",
        lambda: [
            _policy(projects_demo.PERMIT_YUNQI),
            reverse("riskmgmt:engagement", args=[_engagement(projects_demo.PERMIT_YUNQI).pk]),
            _project(projects_demo.PROJECT_YUNQI),
        ],
    ),
    Role(
        "ins_claims",
        "claims.notify_developer",
        "#notify-developer button:has-text('告知建设单位')",
        lambda: [_claim()],
    ),
    Role(
        "ins_follow1",
        "underwriting.confirm_share",
        "#shares button:has-text('确认共保份额')",
        lambda: [_policy(projects_demo.PERMIT_YUNQI)],
    ),
    Role("ins_follow2", "underwriting.confirm_share", "#shares button:has-text('确认共保份额')"),
    Role(
        "ins_weak",
        "underwriting.set_claims_standards",
        "main form input[name=days_to_accept]",
        lambda: [_policy(projects_demo.PERMIT_JIANGHUI)],
    ),
    Role(
        "rma",
        "riskmgmt.record_inspection",
        "main form input[name=inspected_on]",
        lambda: [
            reverse("riskmgmt:engagement", args=[_engagement(projects_demo.PERMIT_YUNQI).pk]),
            _inspection(),
            _board(projects_demo.PROJECT_YUNQI),
            _defect(),
        ],
    ),
    Role(
        "contractor",
        "underwriting.acknowledge_notice",
        "button:has-text('确认收到')",
        lambda: [_project(projects_demo.PROJECT_YUNQI), _defect()],
    ),
    Role("supervisor", "underwriting.acknowledge_notice", "button:has-text('确认收到')"),
    Role("appraiser", "riskmgmt.appraise_defect", "#action-appraisal button[type=submit]"),
    Role(
        "guarantee",
        "fund.case.open",
        "main form button[type=submit]",
        lambda: [_fund_project(), reverse("fund:requests")],
    ),
    Role(
        "reg_xihu",
        "riskmgmt.check_inspection_shortfall",
        "#compliance tr.short",
        lambda: [_project(projects_demo.PROJECT_XIXI), _policy(projects_demo.PERMIT_XIXI)],
    ),
    Role(
        "reg_binjiang",
        "underwriting.uninsured_affordable_housing",
        "h1:has-text('江南安居苑')",
    ),
    Role(
        "reg_city",
        "underwriting.uninsured_affordable_housing",
        "h1:has-text('江南安居苑')",
        lambda: [_fund_project(), _organisation(parties_demo.INSURER_LEAD)],
    ),
    Role(
        "owner_zhang",
        "claims.confirm_notice",
        "#confirm-notice button:has-text('签收保险告知书')",
        lambda: [
            _claim(),
            reverse("claims:file"),
            reverse("claims:notice", args=[_unit_pk()]),
        ],
        lands_on="underwriting:my_homes",
    ),
    Role(
        "owner_li",
        "claims.confirm_notice",
        "#confirm-notice button:has-text('签收保险告知书')",
        lands_on="underwriting:my_homes",
    ),
]
# What anyone sees without logging in.
VISITOR_PAGES = [
    reverse("home"),
    reverse("coverage_check"),
    reverse("login"),
    reverse("parties:activate"),
    reverse("rules"),
    reverse("rule", args=["R-U5"]),
]


@pytest.fixture
def demo(live_server) -> list[str]:
    """The demo's log-ins."""
    return [username for username, _ in Command().load()]


def _log_in(page: Page, username: str) -> None:
    page.goto(reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")


def _follow_a_to_do(page: Page, role: Role) -> str:
    """Clicks the role's to-do item; returns the path of the page that does it."""
    item = page.locator(f"#tasks li[data-kind='{role.task}']").first
    expect(item).to_be_visible()
    item.locator("a.task-title").click()
    expect(page.locator(role.done_by).first).to_be_visible()
    path = page.evaluate("() => location.pathname + location.search")
    fragment = page.evaluate("() => location.hash")
    if fragment:
        # The item's anchor exists and is brought into view.
        expect(page.locator(fragment)).to_be_in_viewport()
    return path


def _width_problems(page: Page) -> list[str]:
    """What is wider than the screen, or makes the whole of <main> scroll sideways (only a
    table's own box may)."""
    return page.evaluate(
        """() => {
          const problems = [];
          const width = document.documentElement.scrollWidth;
          if (width > window.innerWidth) problems.push(`page ${width}px wide`);
          const main = document.querySelector("main");
          if (main.scrollWidth > main.clientWidth)
            problems.push(`main scrolls sideways (${main.scrollWidth}px)`);
          return problems;
        }"""
    )


def _axe_problems(page: Page) -> list[str]:
    page.add_script_tag(url=AXE)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
        if v["impact"] in FAILING_IMPACTS
    ]


def _check(page: Page, who: str, path: str, language: str, problems: list[str]) -> None:
    page.goto(path)
    for problem in _width_problems(page) + _axe_problems(page):
        problems.append(f"{who} {path} [{language}]: {problem}")


def _shared(path: str) -> bool:
    """A list page: the same markup for every role of a kind."""
    return not re.search(r"/\d+/", path) and path != reverse("workspace")


def _check_in_both_languages(
    page: Page,
    who: str,
    kind: tuple[str, ...],
    paths: list[str],
    checked: set,
    problems: list[str],
) -> None:
    """Checks the pages in Chinese, then in English (as the language switch sets it); a list
    page already checked for a role of the same kind (the same menu) is not checked again."""
    for language in ("zh-hans", "en"):
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": page.url}]
        )
        for path in dict.fromkeys(paths):
            if _shared(path) and (kind, path, language) in checked:
                continue
            checked.add((kind, path, language))
            _check(page, who, path, language, problems)


def test_every_role_on_a_phone(demo, open_page):
    """Each role: log in, land, follow a to-do; then its main pages in both languages fit the
    screen and pass axe; then the pages of a visitor who has not logged in."""
    assert sorted(role.username for role in ROLES) == sorted(demo), "every log-in of the demo"
    problems: list[str] = []
    checked: set[tuple[str, str]] = set()
    for role in ROLES:
        page = open_page(viewport=PHONE)
        _log_in(page, role.username)
        expect(page).to_have_url(re.compile(re.escape(reverse(role.lands_on)) + "$"))
        # On a phone the header's menu is folded behind its button.
        assert page.locator("#site-menu").evaluate("menu => menu.open") is False
        paths = [reverse(role.lands_on)]
        paths.append(_follow_a_to_do(page, role))
        if role.submits:
            page.click("main form button[type=submit]")
            expect(page.locator("main .notice.success")).to_be_in_viewport()
        menu = page.eval_on_selector_all(
            "#site-menu a[href^='/']:not([href^='/admin/'])",
            "links => links.map(a => a.getAttribute('href'))",
        )
        paths += [*menu, reverse("notifications:inbox"), *role.details()]
        _check_in_both_languages(page, role.username, tuple(menu), paths, checked, problems)
        page.context.close()
    visitor = open_page(viewport=PHONE)
    visitor.goto("/")
    _check_in_both_languages(visitor, "visitor", (), VISITOR_PAGES, checked, problems)
    assert problems == [], "\n".join(problems)
