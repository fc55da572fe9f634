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
from dataclasses import dataclass

import pytest
import time_machine
from access_world import DEMO_DAY, Facts, Who
from django.contrib.auth import get_user_model
from django.test import Client

from idi.claims.models import Claim, Dispute
from idi.config.api import api
from idi.fund.models import FundCase
from idi.parties.models import District, Organisation, OrgType
from idi.projects import demo as projects_demo
from idi.projects.models import Building, ImportJob
from idi.riskmgmt.models import Defect, Engagement, FinalReport
from idi.underwriting.models import ChangeRequest, PolicyAttachment

PREFIX = "/api/v1"


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
        yield Case({"pk": pk}, lambda who, d=pk, p=project: f.defect_seen(who, d, p))


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
    # A background import: the uploader's organisation only (docs/import.md).
    "/import-jobs/{job_id}": lambda f: (
        Case({"job_id": pk}, lambda who, org=org: who.org_id is not None and who.org_id == org)
        for pk, org in ImportJob.objects.values_list("pk", "organisation_id")
    ),
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


def test_R_R6_the_demo_s_appraiser_is_chosen_for_one_defect_and_sees_no_project(demo):
    """The matrix proves something for the appraiser: it sees the defect it was chosen for
    (`/defects/{pk}`) and no project, hence no board, engagement or other defect."""
    (appraiser,) = [who for who in demo.logins if who.org_type == OrgType.APPRAISER]
    chosen = [d for d, org in demo.facts.defect_appraisers.items() if org == appraiser.org_id]
    assert len(chosen) == 1
    assert not any(demo.facts.project_seen(appraiser, p) for p in demo.facts.projects)


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
