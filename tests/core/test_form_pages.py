"""A form page is never served to someone who may not submit it (issue 7 item 3).

Every page of the registry, projects, policies, risk management, claims and the fund is listed
from the URL resolver; each is either a form page (a GET that renders a form) with who may
submit it here, or named as another kind of page. Each form page is asked for by every demo
log-in for the demo's objects: 200 to those who may submit, 404 where the object is unknown to
the actor, 403 where it is known but the actor may not submit, and a refused page renders no
form (only the log-out and language switches of every page). Who may submit is stated from the
services' documented rules and the demo's relationships (access_world), not asked of the views.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import time_machine
from access_world import DEMO_DAY, Facts, Who
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from idi.fund.models import Entry, FundCase
from idi.fund.services import REVERSIBLE
from idi.parties import demo as parties_demo
from idi.parties.models import OrgType, Role
from idi.projects.models import Building
from idi.riskmgmt.models import Engagement
from idi.underwriting.models import ChangeRequest

APPS = ("parties", "projects", "underwriting", "riskmgmt", "claims", "fund")

# Pages of these apps that render no form on GET: lists, details (whose action buttons each
# show only to those who may act), files, and actions that answer POST only.
NOT_FORM_PAGES = {
    "parties:activate",  # the owner's own activation: public, nobody else's object
    "parties:org_list",
    "parties:my_org",
    "parties:org_detail",
    "projects:list",
    "projects:detail",
    "projects:import_confirm",  # POST only: confirms an upload checked on projects:import
    "projects:export",
    "projects:import_job",  # a background import's progress
    "projects:import_job_confirm",  # POST only: imports a passed background check
    "projects:unit_detail",
    "underwriting:list",
    "underwriting:my_homes",
    "underwriting:notices",
    "underwriting:notice_acknowledge",  # POST only
    "underwriting:detail",
    "underwriting:quote",  # POST only: the developer asks for a quote from the detail page
    "underwriting:accept_quote",  # POST only
    "underwriting:notify",  # POST only
    "underwriting:issue",  # POST only
    "underwriting:attachment_download",
    "underwriting:attachment_confirm",  # POST only
    "underwriting:share_confirm",  # POST only: a co-insurer confirms its share (Art. 8)
    "underwriting:change_detail",
    "underwriting:change_consent",  # POST only
    "underwriting:change_report",  # POST only
    "underwriting:change_withdraw",  # POST only
    "riskmgmt:oversight",
    "riskmgmt:board",
    "riskmgmt:defect",
    "riskmgmt:defect_action",  # POST only
    "riskmgmt:evidence",
    "riskmgmt:engagement",
    "riskmgmt:final_report",  # POST only
    "riskmgmt:inspection",
    "claims:list",
    "claims:queue",
    "claims:oversight",
    "claims:detail",
    "claims:act",  # POST only
    "claims:photo",
    "claims:notice",
    "claims:notice_confirm",  # POST only
    "fund:overview",
    "fund:export",
    "fund:monthly",
    "fund:project",
    "fund:requests",
    "fund:request",
    "fund:request_act",  # POST only
    "fund:case",
}


def page_names() -> list[str]:
    names = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in APPS:
            names += [
                f"{entry.namespace}:{p.name}"
                for p in entry.url_patterns
                if isinstance(p, URLPattern)
            ]
    return sorted(names)


@dataclass(frozen=True)
class Case:
    args: list
    knows: Callable[[Who], bool]
    may: Callable[[Who], bool]


Cases = Callable[[Facts], Iterator[Case]]
ANYONE: Callable[[Who], bool] = lambda who: True  # noqa: E731


def sees_registry(who: Who, org: int) -> bool:
    return (
        who.operator
        or who.org_type in (OrgType.REGULATOR, OrgType.GUARANTEE_INSTITUTION)
        or who.org_id == org
    )


def administers(who: Who, org: int) -> bool:
    return who.operator or (who.org_id == org and Role.ORG_ADMIN in who.roles)


def writes_project(f: Facts, who: Who, project: int) -> bool:
    """projects: the operator, or the project's developer through its admin or staff."""
    return who.operator or (
        who.is_org(OrgType.DEVELOPER, f.projects[project].developer)
        and bool(who.roles & {Role.ORG_ADMIN, Role.STAFF})
    )


def institution(who: Who) -> bool:
    """The fund moves by the guarantee institution's fund staff or the operator (G 5.2)."""
    return who.operator or (
        who.org_type == OrgType.GUARANTEE_INSTITUTION
        and bool(who.roles & {Role.FUND_MANAGER, Role.ORG_ADMIN})
    )


def organisations(*names: str) -> Cases:
    def cases(f: Facts) -> Iterator[Case]:
        for name in names:
            pk = parties_demo.organisation(name).pk
            yield Case(
                [pk],
                lambda who, pk=pk: sees_registry(who, pk),
                lambda who, pk=pk: administers(who, pk),
            )

    return cases


EVERY_KIND = (
    parties_demo.DEVELOPER_XIHU,
    parties_demo.INSURER_LEAD,
    parties_demo.RMA,
    parties_demo.REGULATOR_XIHU,
    parties_demo.GUARANTEE_INSTITUTION,
)
INSURERS = (parties_demo.INSURER_LEAD, parties_demo.INSURER_WEAK_LEAD)


def projects(f: Facts) -> Iterator[Case]:
    for pk in f.projects:
        yield Case(
            [pk],
            lambda who, pk=pk: f.project_seen(who, pk),
            lambda who, pk=pk: writes_project(f, who, pk),
        )


def permits(f: Facts) -> Iterator[Case]:
    for pk, project in f.permit_project.items():
        yield Case(
            [pk],
            lambda who, pk=pk: f.permit_seen(who, pk),
            lambda who, p=project: writes_project(f, who, p),
        )


def buildings(f: Facts) -> Iterator[Case]:
    for pk, project in Building.objects.values_list("pk", "project_id"):
        yield Case(
            [pk],
            lambda who, pk=pk, p=project: f.building_seen(who, pk, p),
            lambda who, p=project: writes_project(f, who, p),
        )


def unsold_units(f: Facts) -> Iterator[Case]:
    for pk in sorted(pk for pk, u in f.units.items() if not u.sold)[:1]:
        project = f.units[pk].project
        yield Case(
            [pk],
            lambda who, pk=pk: f.unit_seen(who, pk),
            lambda who, p=project: writes_project(f, who, p),
        )


def engagements(may: Callable[[Facts, Who, dict], bool]) -> Cases:
    def cases(f: Facts) -> Iterator[Case]:
        for row in Engagement.objects.values("pk", "project_id", "rma_id", "policy_id"):
            yield Case(
                [row["pk"]],
                lambda who, p=row["project_id"]: f.project_inside_seen(who, p),
                lambda who, row=row: may(f, who, row),
            )

    return cases


def underwrites(who: Who) -> bool:
    """An insurer acts on a policy through its underwriters, staff and admins, not through a
    member who only handles claims."""
    return bool(who.roles & {Role.ORG_ADMIN, Role.STAFF, Role.UNDERWRITER})


def is_lead(f: Facts, who: Who, policy: int) -> bool:
    project = f.projects[f.permit_project[f.policy_permit[policy]]]
    return who.operator or (
        who.org_type == OrgType.INSURER
        and who.org_id in project.leads
        and who.org_id in f.policy_insurers[policy]
        and underwrites(who)
    )


def develops(f: Facts, who: Who, policy: int) -> bool:
    project = f.projects[f.permit_project[f.policy_permit[policy]]]
    return who.is_org(OrgType.DEVELOPER, project.developer)


def leads(f: Facts, who: Who, policy: int) -> bool:
    return (
        who.org_type == OrgType.INSURER
        and f.policy_leads.get(policy) == who.org_id
        and underwrites(who)
    )


def insures(f: Facts, who: Who, policy: int) -> bool:
    return (
        who.org_type == OrgType.INSURER
        and who.org_id in f.policy_insurers[policy]
        and underwrites(who)
    )


def cancels(f: Facts, who: Who, policy: int) -> bool:
    """Before issue the developer cancels; once issued, the developer or the lead insurer."""
    if f.policy_state[policy] in ("draft", "quote_requested", "quoted", "accepted"):
        return develops(f, who, policy)
    return develops(f, who, policy) or leads(f, who, policy)


def policies(may: Callable[[Facts, Who, int], bool]) -> Cases:
    def cases(f: Facts) -> Iterator[Case]:
        for pk in f.policy_state:
            yield Case(
                [pk], lambda who, pk=pk: f.policy_seen(who, pk), lambda who, pk=pk: may(f, who, pk)
            )

    return cases


def changes(f: Facts) -> Iterator[Case]:
    for pk, policy, kind in ChangeRequest.objects.values_list("pk", "policy_id", "kind"):
        may = (
            cancels
            if kind == "cancel"
            else lambda f, who, p: develops(f, who, p) or leads(f, who, p)
        )
        yield Case(
            [policy, pk],
            lambda who, p=policy: f.policy_seen(who, p),
            lambda who, p=policy, may=may: may(f, who, p),
        )


def policies_to_engage(f: Facts) -> Iterator[Case]:
    for pk in f.policy_state:
        yield Case(
            [pk], lambda who, pk=pk: f.policy_seen(who, pk), lambda who, pk=pk: is_lead(f, who, pk)
        )


def joint_inspection_permits(f: Facts) -> Iterator[Case]:
    for pk, project in f.permit_project.items():
        yield Case(
            [pk],
            lambda who, p=project: f.project_inside_seen(who, p),
            lambda who, p=project: who.is_org(OrgType.DEVELOPER, f.projects[p].developer),
        )


def fund_projects(f: Facts) -> Iterator[Case]:
    for pk, p in f.projects.items():
        yield Case(
            [pk],
            lambda who, pk=pk, p=p: p.contracted and f.fund_seen(who, pk, owners=True),
            institution,
        )


def fund_cases(may: Callable[[Facts, Who, int], bool]) -> Cases:
    def cases(f: Facts) -> Iterator[Case]:
        for pk, project, unit in FundCase.objects.values_list("pk", "project_id", "unit_id"):

            def knows(who: Who, project=project, unit=unit) -> bool:
                if who.owner:
                    return unit is not None and who.user_id in f.units[unit].buyers
                return f.fund_seen(who, project, owners=False)

            yield Case([pk], knows, lambda who, p=project: may(f, who, p))

    return cases


def fund_entries(f: Facts) -> Iterator[Case]:
    """The demo's first entries the institution may reverse (R-F6); an entry is known to whom
    sees a project whose sub-ledger it touches."""
    rows = (
        Entry.objects.filter(kind__in=REVERSIBLE, reverses__isnull=True)
        .order_by("pk")
        .values_list("pk", "debit__project_id", "credit__project_id")[:2]
    )
    for pk, *touched in rows:
        yield Case(
            [pk],
            lambda who, ps=[p for p in touched if p]: any(
                f.fund_seen(who, p, owners=False) for p in ps
            ),
            institution,
        )


def units_to_file(f: Facts, who: Who) -> bool:
    """claims: an owner files on its units; a developer or the lead insurer of a covering policy
    on the owner's behalf, for a sold unit."""
    for u in f.units.values():
        if who.user_id in u.buyers:
            return True
        if not u.sold:
            continue
        if who.is_org(OrgType.DEVELOPER, f.projects[u.project].developer):
            return True
        policy = next((k for k, v in f.policy_permit.items() if v == u.permit), None)
        if (
            policy is not None
            and f.policy_state[policy] in ("issued", "in_force", "expired")
            and who.org_type == OrgType.INSURER
            and who.org_id in f.projects[u.project].leads
            and who.org_id in f.policy_insurers[policy]
        ):
            return True
    return False


FORM_PAGES: dict[str, Cases] = {
    "parties:org_create": lambda f: iter([Case([], ANYONE, lambda who: who.operator)]),
    "parties:org_edit": organisations(*EVERY_KIND),
    "parties:member_create": organisations(*EVERY_KIND),
    "parties:qualification_create": organisations(*INSURERS),
    "parties:relationship_create": organisations(*EVERY_KIND),
    "projects:create": lambda f: iter(
        [Case([], ANYONE, lambda who: who.operator or who.org_type == OrgType.DEVELOPER)]
    ),
    "projects:planning_permit_create": projects,
    "projects:permit_create": projects,
    "projects:building_create": projects,
    "projects:unit_create": projects,
    "projects:participant_create": projects,
    "projects:import": projects,
    "projects:permit_issue": permits,
    "projects:permit_start": permits,
    "projects:permit_completion": permits,
    "projects:building_delivery": buildings,
    "projects:sale_create": unsold_units,
    "underwriting:create": lambda f: iter(
        [Case([], ANYONE, lambda who: who.org_type == OrgType.DEVELOPER)]
    ),
    "underwriting:terms": policies(develops),
    "underwriting:shares": policies(develops),
    "underwriting:give_quote": policies(leads),
    "underwriting:payment": policies(lambda f, who, p: develops(f, who, p) or leads(f, who, p)),
    "underwriting:deposit": policies(develops),
    "underwriting:claims_standards": policies(leads),
    "underwriting:attachment_upload": policies(insures),
    "underwriting:cancel": policies(cancels),
    "underwriting:change_create": policies(
        lambda f, who, p: develops(f, who, p) or insures(f, who, p)
    ),
    "underwriting:change_apply": changes,
    "riskmgmt:kickoff": engagements(
        lambda f, who, e: who.org_id in (e["rma_id"], f.projects[e["project_id"]].developer)
    ),
    "riskmgmt:plan": engagements(lambda f, who, e: who.org_id == e["rma_id"]),
    "riskmgmt:inspection_create": engagements(lambda f, who, e: who.org_id == e["rma_id"]),
    "riskmgmt:evaluation": engagements(lambda f, who, e: is_lead(f, who, e["policy_id"])),
    "riskmgmt:appoint": policies_to_engage,
    "riskmgmt:joint_inspection": joint_inspection_permits,
    "claims:file": lambda f: iter([Case([], ANYONE, lambda who: units_to_file(f, who))]),
    "fund:contribution": fund_projects,
    "fund:replenishment": fund_projects,
    "fund:case_open": fund_projects,
    "fund:transfer": lambda f: iter([Case([], ANYONE, institution)]),
    "fund:reverse": fund_entries,
    "fund:case_decide": fund_cases(lambda f, who, p: institution(who)),
    "fund:case_pay": fund_cases(lambda f, who, p: institution(who)),
    "fund:case_evidence": fund_cases(lambda f, who, p: institution(who)),
    "fund:case_deduction": fund_cases(
        lambda f, who, p: who.operator or who.is_org(OrgType.DEVELOPER, f.projects[p].developer)
    ),
}

PAGES = page_names()
FORM_TAG = re.compile(r"<form\b[^>]*>", re.IGNORECASE)


def test_every_page_is_a_known_form_page_or_named_as_another_kind():
    unknown = [name for name in PAGES if name not in FORM_PAGES and name not in NOT_FORM_PAGES]
    assert not unknown, f"pages neither in FORM_PAGES nor in NOT_FORM_PAGES: {unknown}"
    stale = [name for name in {*FORM_PAGES, *NOT_FORM_PAGES} if name not in PAGES]
    assert not stale, f"listed pages the URL resolver no longer has: {stale}"


def foreign_forms(body: str) -> list[str]:
    """The forms of a page other than the log-out and language switches of every page."""
    allowed = (reverse("logout"), reverse("set_language"))
    return [
        tag
        for tag in FORM_TAG.findall(body)
        if not any(f'action="{url}"' in tag for url in allowed)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n in PAGES if n in FORM_PAGES])
def test_a_form_page_is_served_only_to_those_who_may_submit_it(demo, name):
    clients: dict[str, Client] = {}
    for user in demo.users:
        clients[user.username] = Client()
        clients[user.username].force_login(user)
    cases = list(FORM_PAGES[name](demo.facts))
    assert cases, f"the demo holds no object for {name}"
    wrong, served = [], 0
    with time_machine.travel(DEMO_DAY, tick=False):
        for case in cases:
            url = reverse(name, args=case.args)
            for who in demo.logins:
                expected = 404 if not case.knows(who) else 200 if case.may(who) else 403
                answer = clients[who.username].get(url)
                served += expected == 200
                if answer.status_code != expected:
                    wrong.append(
                        f"{who.username}: GET {url} gave {answer.status_code}, expected {expected}"
                    )
                elif expected != 200 and foreign_forms(answer.content.decode()):
                    wrong.append(f"{who.username}: GET {url} ({expected}) renders a form")
    assert not wrong, "\n".join(wrong)
    assert served, f"nobody may submit {name} in the demo: the test proves nothing there"
