"""The demo as the access tests read it: built once per test module (the `demo` fixture of
tests/core/conftest.py), its log-ins as `Who`, and who may see what computed from the demo's
relationships (the project's developer and district, the insurers holding shares, the engaged
RMA, the participants, the units each owner bought), never by asking the selectors under test.
"""

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings

from idi.core.api_auth import create_token
from idi.core.management.commands.demo import Command
from idi.core.permissions import SYSTEM
from idi.parties.models import District, OrgType, Profile
from idi.parties.selectors import actor_for_user
from idi.projects import demo as projects_demo
from idi.projects import services as projects
from idi.projects.models import ConstructionPermit, Participant, Project, Sale, Unit
from idi.riskmgmt.models import Defect, Engagement
from idi.underwriting import services as underwriting
from idi.underwriting.models import ChangeKind, Policy, PolicyShare

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
    roles: frozenset[str] = frozenset()

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
    policy_leads: dict[int, int]
    # R-R6: the appraiser chosen for (or having appraised) each defect, if any.
    defect_appraisers: dict[int, int | None] = field(default_factory=dict)

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

    def defect_seen(self, who: Who, defect: int, project: int) -> bool:
        """The project's parties (never an owner), and the appraiser chosen for the defect,
        which sees nothing else of the project (R-R6)."""
        appraiser = self.defect_appraisers.get(defect)
        return self.project_inside_seen(who, project) or (
            appraiser is not None and who.is_org(OrgType.APPRAISER, appraiser)
        )

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
    policy_leads: dict[int, int] = {}
    for policy, insurer, role in PolicyShare.objects.values_list("policy_id", "insurer_id", "role"):
        policy_insurers[policy].add(insurer)
        project = projects[permit_project[policy_permit[policy]]]
        project.insurers.add(insurer)
        if role == "lead":
            project.leads.add(insurer)
            policy_leads[policy] = insurer
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
    return Facts(
        projects,
        units,
        permit_project,
        policy_state,
        policy_permit,
        policy_insurers,
        policy_leads,
        dict(Defect.objects.values_list("pk", "appraiser_id")),
    )


# --- the demo, built once for the module ------------------------------------------------------


@dataclass
class Demo:
    facts: Facts
    logins: list[Who]
    tokens: dict[str, str]
    users: list


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
        roles=frozenset(profile.roles if profile else ()),
    )


def _objects_the_demo_lacks() -> None:
    """A change request on the sold project (its consents name other buyers) and a queued
    background import, so that those object types are in the matrix too (the demo's fund case
    is on owner_li's unit)."""
    users = get_user_model().objects
    developer = actor_for_user(users.get(username="dev_xihu"))
    xixi = Policy.objects.get(permit__number=projects_demo.PERMIT_XIXI)
    underwriting.open_change_request(
        actor=developer, policy=xixi, kind=ChangeKind.CANCEL, reason="项目调整"
    )
    yunqi = Project.objects.get(name=projects_demo.PROJECT_YUNQI)
    projects.queue_import(actor=developer, project=yunqi, filename="云栖.csv", content=b"x" * 10)


# The suite's fast hasher (tests/conftest.py) is a per-test setting; the module's demo is built
# before any test, so it asks for it itself.
FAST_HASHERS = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


@contextmanager
def demo_world(django_db_blocker):
    """The demo as `idi demo` builds it, inside a transaction rolled back at the end."""
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
        yield Demo(read_facts(), logins, tokens, list(users))
        transaction.set_rollback(True)
