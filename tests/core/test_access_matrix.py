"""Who sees what, over the whole API (issue 7, "keep it closed").

Every GET of the OpenAPI schema with an object id in its path is called by every demo log-in
(the operator, developers, the lead insurer and its co-insurers, an insurer of another project,
the RMA, participants, the appraiser, the guarantee institution, the city and district
regulators, owners) for the demo's objects, and the status is compared with who may see that
object per DESIGN.md and the selectors' documented rules: 200 for those who may, 404 for
everyone else. The expectation is computed here from the demo's relationships (the project's
developer and district, the insurers holding shares, the engaged RMA, the participants, the
units each owner bought), never by asking the selectors under test.

A new id-bearing GET fails `test_every_id_bearing_get_has_a_rule` until it has a rule below.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client, override_settings

from idi.claims.models import Claim, Dispute
from idi.config.api import api
from idi.core.api_auth import create_token
from idi.core.management.commands.demo import Command
from idi.core.permissions import SYSTEM
from idi.fund import services as fund
from idi.fund.models import CaseKind, FundCase
from idi.parties.models import District, Organisation, OrgType, Profile
from idi.parties.selectors import actor_for_user
from idi.projects import demo as projects_demo
from idi.projects.models import (
    Building,
    ConstructionPermit,
    Participant,
    Project,
    Sale,
    Unit,
)
from idi.riskmgmt.models import Defect, Engagement, FinalReport
from idi.underwriting import services as underwriting
from idi.underwriting.models import ChangeKind, ChangeRequest, Policy, PolicyAttachment, PolicyShare

PREFIX = "/api/v1"
DEMO_DAY = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

# Policy states as the underwriting rules name them: an owner sees a policy once it covers (or
# covered) the unit it bought; the fund holds a project's money once a policy is issued.
OWNER_POLICY_STATES = {"issued", "in_force", "expired", "cancelled"}
COVERING_STATES = {"issued", "in_force", "expired"}


# --- the demo's relationships, read from the tables ---------------------------------------------


@dataclass(frozen=True)
class Who:
    """One log-in as the access rules speak of it."""

    username: str
    user_id: int
    org_id: int | None
    org_type: str | None
    district: str | None
    operator: bool

    @property
    def owner(self) -> bool:
        return self.org_id is None and not self.operator

    @property
    def sees_everything(self) -> bool:
        """The operator, the city regulator and the guarantee institution (DESIGN, RULES §1)."""
        return (
            self.operator
            or self.org_type == OrgType.GUARANTEE_INSTITUTION
            or (self.org_type == OrgType.REGULATOR and self.district == District.CITY)
        )

    def regulates(self, district: str) -> bool:
        return self.org_type == OrgType.REGULATOR and self.district == district

    def is_org(self, org_type: str, org_id: int) -> bool:
        return self.org_type == org_type and self.org_id == org_id


@dataclass
class ProjectFacts:
    developer: int
    district: str
    participants: set[int] = field(default_factory=set)
    insurers: set[int] = field(default_factory=set)
    leads: set[int] = field(default_factory=set)
    rmas: set[int] = field(default_factory=set)
    buyers: set[int] = field(default_factory=set)
    contracted: bool = False  # an issued policy: the fund keeps a sub-account


@dataclass(frozen=True)
class UnitFacts:
    project: int
    permit: int
    building: int
    buyers: frozenset[int]
    sold: bool


@dataclass
class Facts:
    projects: dict[int, ProjectFacts]
    units: dict[int, UnitFacts]
    permit_project: dict[int, int]
    policy_state: dict[int, str]
    policy_permit: dict[int, int]
    policy_insurers: dict[int, set[int]]

    def project_seen(self, who: Who, project: int) -> bool:
        """Everything for the operator, the city regulator and the guarantee institution; the
        district for its regulator; its own projects for a developer; the projects it works on
        for a participant, insures (any share, any state) for an insurer, is engaged on for an
        RMA; the projects where it bought for an owner."""
        p = self.projects[project]
        return (
            who.sees_everything
            or who.regulates(p.district)
            or who.is_org(OrgType.DEVELOPER, p.developer)
            or (who.org_id is not None and who.org_id in p.participants)
            or (who.org_type == OrgType.INSURER and who.org_id in p.insurers)
            or (who.org_type == OrgType.RMA and who.org_id in p.rmas)
            or (who.owner and who.user_id in p.buyers)
        )

    def owned(self, who: Who) -> list[UnitFacts]:
        return [u for u in self.units.values() if who.user_id in u.buyers]

    def unit_seen(self, who: Who, unit: int) -> bool:
        """An owner sees the units it bought and nothing else of the project's units."""
        u = self.units[unit]
        return who.user_id in u.buyers if who.owner else self.project_seen(who, u.project)

    def permit_seen(self, who: Who, permit: int) -> bool:
        if who.owner:
            return any(u.permit == permit for u in self.owned(who))
        return self.project_seen(who, self.permit_project[permit])

    def building_seen(self, who: Who, building: int, project: int) -> bool:
        if who.owner:
            return any(u.building == building for u in self.owned(who))
        return self.project_seen(who, project)

    def project_inside_seen(self, who: Who, project: int) -> bool:
        """Planning permits, participants: never an owner's business."""
        return not who.owner and self.project_seen(who, project)

    def policy_seen(self, who: Who, policy: int) -> bool:
        """The insurers holding a share, the developer, the district's regulator, those who
        see everything, and an owner of a covered unit once the policy is issued."""
        permit = self.policy_permit[policy]
        p = self.projects[self.permit_project[permit]]
        if who.owner:
            return self.policy_state[policy] in OWNER_POLICY_STATES and any(
                u.permit == permit for u in self.owned(who)
            )
        return (
            who.sees_everything
            or who.regulates(p.district)
            or who.is_org(OrgType.DEVELOPER, p.developer)
            or (who.org_type == OrgType.INSURER and who.org_id in self.policy_insurers[policy])
        )

    def dealings_seen(self, who: Who, policy: int) -> bool:
        """The quotes: the parties to the contract and the regulators, never an owner."""
        return not who.owner and self.policy_seen(who, policy)

    def notice_seen(self, who: Who, unit: int) -> bool:
        """The insurance notice of a covered unit (R-K1): its owner, the developer, the
        insurers of its policy, the district's regulator and those who see everything."""
        u = self.units[unit]
        policy = next((k for k, v in self.policy_permit.items() if v == u.permit), None)
        if policy is None or self.policy_state[policy] not in COVERING_STATES:
            return False
        p = self.projects[u.project]
        return (
            who.sees_everything
            or who.user_id in u.buyers
            or who.regulates(p.district)
            or who.is_org(OrgType.DEVELOPER, p.developer)
            or (who.org_type == OrgType.INSURER and who.org_id in self.policy_insurers[policy])
        )

    def fund_seen(self, who: Who, project: int, *, owners: bool) -> bool:
        """R-F6, R-O1: the whole fund for its institution, the operator and the city
        regulator; a district's projects for its regulator; a developer's own projects; a lead
        insurer the projects it contributes for; an owner the figures where it bought."""
        p = self.projects[project]
        return (
            who.sees_everything
            or who.regulates(p.district)
            or who.is_org(OrgType.DEVELOPER, p.developer)
            or (who.org_type == OrgType.INSURER and who.org_id in p.leads)
            or (owners and who.owner and who.user_id in p.buyers)
        )


def read_facts() -> Facts:
    projects = {
        pk: ProjectFacts(developer=developer, district=district)
        for pk, developer, district in Project.objects.values_list("pk", "developer_id", "district")
    }
    permit_project = dict(ConstructionPermit.objects.values_list("pk", "project_id"))
    for project, org in Participant.objects.values_list("project_id", "organisation_id"):
        projects[project].participants.add(org)
    policy_state = dict(Policy.objects.values_list("pk", "state"))
    policy_permit = dict(Policy.objects.values_list("pk", "permit_id"))
    policy_insurers: dict[int, set[int]] = defaultdict(set)
    for policy, insurer, role in PolicyShare.objects.values_list("policy_id", "insurer_id", "role"):
        policy_insurers[policy].add(insurer)
        project = projects[permit_project[policy_permit[policy]]]
        project.insurers.add(insurer)
        if role == "lead":
            project.leads.add(insurer)
    for policy, state in policy_state.items():
        if state in COVERING_STATES:
            projects[permit_project[policy_permit[policy]]].contracted = True
    for project, rma in Engagement.objects.values_list("project_id", "rma_id"):
        projects[project].rmas.add(rma)
    buyers: dict[int, set[int]] = defaultdict(set)
    for unit, user in Sale.buyers.through.objects.values_list("sale__unit_id", "user_id"):
        buyers[unit].add(user)
    sold = set(Sale.objects.values_list("unit_id", flat=True))
    units = {}
    for pk, project, permit, building in Unit.objects.values_list(
        "pk", "project_id", "building__permit_id", "building_id"
    ):
        units[pk] = UnitFacts(project, permit, building, frozenset(buyers[pk]), pk in sold)
        projects[project].buyers |= buyers[pk]
    return Facts(projects, units, permit_project, policy_state, policy_permit, policy_insurers)


# --- the rules: for each id-bearing GET, its objects and who may see each ---------------------


@dataclass(frozen=True)
class Case:
    params: dict[str, int]
    seen: Callable[[Who], bool]


Cases = Callable[[Facts], Iterator[Case]]


def organisations(name: str) -> Cases:
    def cases(f: Facts) -> Iterator[Case]:
        # The registry is read whole by the operator, any regulator and the guarantee
        # institution; every other organisation sees itself; an owner none.
        for pk in Organisation.objects.values_list("pk", flat=True):
            yield Case(
                {name: pk},
                lambda who, pk=pk: (
                    who.operator
                    or who.org_type in (OrgType.REGULATOR, OrgType.GUARANTEE_INSTITUTION)
                    or who.org_id == pk
                ),
            )

    return cases


def projects(name: str, seen: Callable[[Facts, Who, int], bool]) -> Cases:
    def cases(f: Facts) -> Iterator[Case]:
        for pk in f.projects:
            yield Case({name: pk}, lambda who, pk=pk: seen(f, who, pk))

    return cases


def sample_units(f: Facts) -> list[int]:
    """Every unit an owner with a log-in bought, and per project the first unit sold to
    someone else and the first unsold one (a project holds hundreds of alike units)."""
    logins = set(
        get_user_model()
        .objects.filter(username__in=[row[0] for row in projects_demo.OWNER_LOGINS])
        .values_list("pk", flat=True)
    )
    picked: set[int] = {pk for pk, u in f.units.items() if u.buyers & logins}
    for project in f.projects:
        mine = sorted(pk for pk, u in f.units.items() if u.project == project)
        picked.update(pk for pk in mine[:1])
        picked.update([pk for pk in mine if f.units[pk].sold and pk not in picked][:1])
        picked.update([pk for pk in mine if not f.units[pk].sold][:1])
    return sorted(picked)


def units(name: str, seen: Callable[[Facts, Who, int], bool]) -> Cases:
    def cases(f: Facts) -> Iterator[Case]:
        for pk in sample_units(f):
            yield Case({name: pk}, lambda who, pk=pk: seen(f, who, pk))

    return cases


def policies(seen: Callable[[Facts, Who, int], bool]) -> Cases:
    def cases(f: Facts) -> Iterator[Case]:
        for pk in f.policy_state:
            yield Case({"pk": pk}, lambda who, pk=pk: seen(f, who, pk))

    return cases


def policy_children(model, name: str) -> Cases:
    """A policy's attachment or change, under its own policy (seen with the policy) and under
    another policy (never found)."""

    def cases(f: Facts) -> Iterator[Case]:
        for pk, policy in model.objects.values_list("pk", "policy_id"):
            yield Case({"pk": policy, name: pk}, lambda who, p=policy: f.policy_seen(who, p))
            other = next(p for p in f.policy_state if p != policy)
            yield Case({"pk": other, name: pk}, lambda who: False)

    return cases


def engagements(with_report: bool = False) -> Cases:
    def cases(f: Facts) -> Iterator[Case]:
        reported = set(FinalReport.objects.values_list("engagement_id", flat=True))
        for pk, project in Engagement.objects.values_list("pk", "project_id"):
            exists = pk in reported or not with_report
            yield Case(
                {"pk": pk},
                lambda who, p=project, e=exists: e and f.project_inside_seen(who, p),
            )

    return cases


def defects(f: Facts) -> Iterator[Case]:
    for pk, project in Defect.objects.values_list("pk", "project_id"):
        yield Case({"pk": pk}, lambda who, p=project: f.project_inside_seen(who, p))


def claims(f: Facts) -> Iterator[Case]:
    """R-O1: the owner of the unit, the insurers of the claim's policy and the organisation it
    is routed to, the developer, the district's regulator, the appraiser of its dispute, and
    those who see everything."""
    appraisers: dict[int, set[int]] = defaultdict(set)
    for claim, appraiser in Dispute.objects.values_list("claim_id", "appraiser_id"):
        appraisers[claim].add(appraiser)
    for pk, unit, policy, routed in Claim.objects.values_list(
        "pk", "unit_id", "policy_id", "routed_org_id"
    ):

        def seen(who: Who, pk=pk, unit=f.units[unit], policy=policy, routed=routed) -> bool:
            p = f.projects[unit.project]
            return (
                who.sees_everything
                or who.user_id in unit.buyers
                or who.regulates(p.district)
                or who.is_org(OrgType.DEVELOPER, p.developer)
                or (who.org_id is not None and who.org_id == routed)
                or (
                    who.org_type == OrgType.INSURER
                    and who.org_id in f.policy_insurers.get(policy, set())
                )
                or (who.org_type == OrgType.APPRAISER and who.org_id in appraisers[pk])
            )

        yield Case({"pk": pk}, seen)


def fund_cases(f: Facts) -> Iterator[Case]:
    """An owner sees the cases on its own units; the parties of the fund their projects'."""
    for pk, project, unit in FundCase.objects.values_list("pk", "project_id", "unit_id"):

        def seen(who: Who, project=project, unit=unit) -> bool:
            if who.owner:
                return unit is not None and who.user_id in f.units[unit].buyers
            return f.fund_seen(who, project, owners=False)

        yield Case({"case": pk}, seen)


RULES: dict[str, Cases] = {
    "/organisations/{org_id}": organisations("org_id"),
    "/organisations/{org_id}/qualifications": organisations("org_id"),
    "/organisations/{org_id}/relationships": organisations("org_id"),
    "/organisations/{org_id}/members": organisations("org_id"),
    "/projects/{project_id}": projects("project_id", Facts.project_seen),
    "/projects/{project_id}/planning-permits": projects("project_id", Facts.project_seen),
    "/projects/{project_id}/permits": projects("project_id", Facts.project_seen),
    "/projects/{project_id}/buildings": projects("project_id", Facts.project_seen),
    "/projects/{project_id}/units": projects("project_id", Facts.project_seen),
    "/projects/{project_id}/participants": projects("project_id", Facts.project_seen),
    "/projects/{project_id}/units/export": projects("project_id", Facts.project_seen),
    "/permits/{permit_id}": lambda f: (
        Case({"permit_id": pk}, lambda who, pk=pk: f.permit_seen(who, pk))
        for pk in f.permit_project
    ),
    "/buildings/{building_id}": lambda f: (
        Case({"building_id": pk}, lambda who, pk=pk, p=p: f.building_seen(who, pk, p))
        for pk, p in Building.objects.values_list("pk", "project_id")
    ),
    "/units/{unit_id}": units("unit_id", Facts.unit_seen),
    "/units/{unit_id}/sale": units(
        "unit_id", lambda f, who, pk: f.units[pk].sold and f.unit_seen(who, pk)
    ),
    "/units/{unit_pk}/coverage": units("unit_pk", Facts.unit_seen),
    "/units/{pk}/insurance-notice": units("pk", Facts.notice_seen),
    "/policies/{pk}": policies(Facts.policy_seen),
    "/policies/{pk}/shares": policies(Facts.policy_seen),
    "/policies/{pk}/quotes": policies(Facts.dealings_seen),
    "/policies/{pk}/attachments": policies(Facts.policy_seen),
    "/policies/{pk}/attachments/{attachment_pk}/file": policy_children(
        PolicyAttachment, "attachment_pk"
    ),
    "/policies/{pk}/participant-notices": policies(Facts.policy_seen),
    "/policies/{pk}/changes": policies(Facts.policy_seen),
    "/policies/{pk}/changes/{change_pk}": policy_children(ChangeRequest, "change_pk"),
    "/engagements/{pk}": engagements(),
    "/engagements/{pk}/compliance": engagements(),
    "/engagements/{pk}/final-report": engagements(with_report=True),
    "/projects/{pk}/defects": projects("pk", Facts.project_inside_seen),
    "/defects/{pk}": defects,
    "/claims/{pk}": claims,
    "/fund/projects/{project}": projects(
        "project",
        lambda f, who, pk: f.projects[pk].contracted and f.fund_seen(who, pk, owners=True),
    ),
    "/fund/cases/{case}": fund_cases,
}


def id_bearing_gets() -> list[str]:
    paths = api.get_openapi_schema()["paths"]
    return sorted(
        path.removeprefix(PREFIX)
        for path, operations in paths.items()
        if "get" in operations
        and any(p["in"] == "path" for p in operations["get"].get("parameters", []))
    )


OPERATIONS = id_bearing_gets()


# --- the demo, built once for the module ------------------------------------------------------


@dataclass
class Demo:
    facts: Facts
    logins: list[Who]
    tokens: dict[str, str]


def _who(user) -> Who:
    profile = Profile.objects.select_related("organisation").filter(user=user).first()
    org = profile.organisation if profile else None
    return Who(
        username=user.username,
        user_id=user.pk,
        org_id=org.pk if org else None,
        org_type=org.org_type if org else None,
        district=org.district if org else None,
        operator=user.is_staff,
    )


def _objects_the_demo_lacks() -> None:
    """A change request on the sold project (its consents name other buyers) and a fund case
    on one owner's unit, so that those object types are in the matrix too."""
    users = get_user_model().objects
    developer = actor_for_user(users.get(username="dev_xihu"))
    institution = actor_for_user(users.get(username="guarantee"))
    xixi = Policy.objects.get(permit__number=projects_demo.PERMIT_XIXI)
    underwriting.open_change_request(
        actor=developer, policy=xixi, kind=ChangeKind.CANCEL, reason="项目调整"
    )
    unit = Unit.objects.filter(sale__buyers__username="owner_li").select_related("building").get()
    fund.open_case(
        actor=institution,
        kind=CaseKind.FALLBACK_REPAIR,
        building=unit.building,
        unit=unit,
        category="waterproofing",
        occurred_on=date(2026, 11, 1),
        description="卫生间渗漏，建设单位无人维修",
        requested_amount=Decimal("1000.00"),
    )


# The suite's fast hasher (tests/conftest.py) is a per-test setting; the module's demo is built
# before any test, so it asks for it itself.
FAST_HASHERS = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        time_machine.travel(DEMO_DAY, tick=False),
        FAST_HASHERS,
        transaction.atomic(),
    ):
        usernames = [username for username, _ in Command().load()]
        _objects_the_demo_lacks()
        users = get_user_model().objects.filter(username__in=usernames).order_by("username")
        logins = [_who(user) for user in users]
        tokens = {
            user.username: create_token(actor=SYSTEM, user=user, name="access matrix")
            for user in users
        }
        yield Demo(read_facts(), logins, tokens)
        transaction.set_rollback(True)


# --- the tests --------------------------------------------------------------------------------


def test_every_id_bearing_get_has_a_rule():
    missing = [path for path in OPERATIONS if path not in RULES]
    assert not missing, f"id-bearing GETs without an access rule in this test: {missing}"
    stale = [path for path in RULES if path not in OPERATIONS]
    assert not stale, f"rules for operations the API no longer has: {stale}"


def test_the_demo_holds_every_role_the_rules_speak_of(demo):
    kinds = {who.org_type for who in demo.logins}
    assert {
        OrgType.DEVELOPER,
        OrgType.INSURER,
        OrgType.RMA,
        OrgType.CONTRACTOR,
        OrgType.SUPERVISOR,
        OrgType.APPRAISER,
        OrgType.GUARANTEE_INSTITUTION,
        OrgType.REGULATOR,
        None,  # owners and the operator
    } <= kinds
    assert any(who.operator for who in demo.logins)
    assert sum(who.owner for who in demo.logins) >= 2
    assert {who.district for who in demo.logins if who.org_type == OrgType.REGULATOR} >= {
        District.CITY,
        "xihu",
        "binjiang",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", [p for p in OPERATIONS if p in RULES])
def test_each_role_sees_exactly_what_it_may(demo, path):
    client = Client()
    cases = list(RULES[path](demo.facts))
    assert cases, f"the demo holds no object for {path}"
    wrong = []
    shown = 0
    with time_machine.travel(DEMO_DAY, tick=False):
        for case in cases:
            url = PREFIX + path.format(**case.params)
            for who in demo.logins:
                expected = 200 if case.seen(who) else 404
                shown += expected == 200
                status = client.get(
                    url, HTTP_AUTHORIZATION=f"Bearer {demo.tokens[who.username]}"
                ).status_code
                if status != expected:
                    wrong.append(f"{who.username}: GET {url} gave {status}, expected {expected}")
    assert not wrong, "\n".join(wrong)
    assert shown, f"nobody may see any object of {path}: the matrix proves nothing there"
