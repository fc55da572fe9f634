"""A small world of the projects tests, built through the services (imported by name: this
directory and tests/parties are put on sys.path by conftest.py)."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.test import Client
from parties_helpers import OPERATOR, make_id_number, make_uscc

from idi.core.api_auth import create_token
from idi.parties import services as parties
from idi.parties.models import Role
from idi.parties.selectors import actor_for_user
from idi.projects import services
from idi.underwriting import services as underwriting
from idi.underwriting.models import Policy


def organisation(org_type: str, name: str, district: str = "xihu"):
    return parties.register_organisation(
        actor=OPERATOR, name=name, org_type=org_type, uscc=make_uscc(), district=district
    )


def account(org, username: str, *roles: str):
    user = parties.create_user(
        actor=OPERATOR,
        organisation=org,
        username=username,
        password=None,  # tests log in with force_login or a token: no hashing to wait for
        roles=list(roles or [Role.ORG_ADMIN]),
    )
    return SimpleNamespace(user=user, actor=actor_for_user(user), org=org)


def project_with_units(
    dev, *, name: str, district: str, housing: str, permit_number: str, rooms=("101",)
):
    """A project with a planning permit, an issued permit, a building "1幢" and its rooms."""
    project = services.register_project(
        actor=dev.actor, name=name, district=district, housing_type=housing
    )
    planning = services.add_planning_permit(
        actor=dev.actor, project=project, number=f"P-{permit_number}", issued_on=date(2024, 12, 1)
    )
    permit = services.add_construction_permit(
        actor=dev.actor,
        project=project,
        planning_permit=planning,
        number=permit_number,
        applied_on=date(2025, 1, 10),
        issued_on=date(2025, 2, 1),
    )
    building = services.add_building(
        actor=dev.actor,
        project=project,
        permit=permit,
        name="1幢",
        housing_type=housing,
        floors_above=18,
        fully_decorated=True,
    )
    units = [
        services.add_unit(
            actor=dev.actor,
            building=building,
            room_number=room,
            floor=int(room[:-2]),
            area=Decimal("89.50"),
        )
        for room in rooms
    ]
    return SimpleNamespace(
        project=project, planning=planning, permit=permit, building=building, units=units
    )


def buyer(n: int, name: str, phone: str = "13812345678") -> services.Buyer:
    return services.Buyer(real_name=name, id_number=make_id_number(n), phone=phone)


def insure(dev, permit, insurer) -> None:
    """A draft policy on the permit with the insurer as single lead: the insurer now sees the
    project (idi.underwriting.selectors.insured_project_ids_for_insurer)."""
    policy = underwriting.create_draft(actor=dev.actor, permit=permit)
    underwriting.set_shares(
        actor=dev.actor,
        policy=policy,
        shares=[underwriting.ShareInput(insurer.org.pk, "lead", Decimal(1))],
    )


def cancel_draft_policy(world) -> None:
    """Cancel the draft policy of 西溪云庐's permit, for tests of the permit's own steps: R-U3
    refuses construction on a permit whose policy is not issued yet."""
    policy = Policy.objects.get(permit=world.a.permit)
    underwriting.cancel_policy(actor=world.dev_a.actor, policy=policy, reason="not insured")


def build_world() -> SimpleNamespace:
    dev_a = account(organisation("developer", "甲房产开发有限公司"), "dev_a")
    dev_b = account(organisation("developer", "乙房产开发有限公司", "binjiang"), "dev_b")
    insurer_org = organisation("insurer", "钱江财产保险杭州分公司", "city")
    insurer = account(insurer_org, "ins_uw", Role.UNDERWRITER)
    claims = account(insurer_org, "ins_claims", Role.CLAIMS_HANDLER)
    other_insurer = account(organisation("insurer", "西湖人寿财险", "city"), "ins_other")
    reg_xihu = account(organisation("regulator", "西湖区住建局"), "reg_xihu", Role.REGULATOR)
    reg_binjiang = account(
        organisation("regulator", "滨江区住建局", "binjiang"), "reg_binjiang", Role.REGULATOR
    )
    reg_city = account(organisation("regulator", "杭州市建委", "city"), "reg_city", Role.REGULATOR)
    contractor = account(organisation("contractor", "浙江建工集团"), "con")
    a = project_with_units(
        dev_a,
        name="西溪云庐",
        district="xihu",
        housing="commercial",
        permit_number="330106202501100101",
        rooms=("101", "102", "201"),
    )
    b = project_with_units(
        dev_b,
        name="江晖府",
        district="binjiang",
        housing="affordable",
        permit_number="330108202501100101",
    )
    services.add_participant(
        actor=dev_a.actor,
        project=a.project,
        organisation_uscc=contractor.org.uscc,
        role="contractor",
    )
    services.record_sale(
        actor=dev_a.actor, unit=a.units[0], sold_on=date(2025, 6, 1), buyers=[buyer(1, "张伟")]
    )
    services.record_sale(
        actor=dev_b.actor,
        unit=b.units[0],
        sold_on=date(2025, 6, 2),
        buyers=[buyer(2, "李娜", "13912345678")],
    )
    owner_user = get_user_model().objects.get(profile__real_name="张伟")
    owner_b_user = get_user_model().objects.get(profile__real_name="李娜")
    insure(dev_a, a.permit, insurer)
    return SimpleNamespace(
        dev_a=dev_a,
        dev_b=dev_b,
        insurer=insurer,
        claims=claims,
        other_insurer=other_insurer,
        reg_xihu=reg_xihu,
        reg_binjiang=reg_binjiang,
        reg_city=reg_city,
        contractor=contractor,
        owner=SimpleNamespace(user=owner_user, actor=actor_for_user(owner_user)),
        owner_b=SimpleNamespace(user=owner_b_user, actor=actor_for_user(owner_b_user)),
        a=a,
        b=b,
    )


def api(user) -> Client:
    token = create_token(actor=OPERATOR, user=user, name="test")
    return Client(headers={"authorization": f"Bearer {token}"})


def page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
