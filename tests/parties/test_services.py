"""Writes to the registry: who may, what is refused, and the audit event of each (R-O3)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from parties_helpers import OPERATOR, PASSWORD, audit_count, make_id_number, make_uscc

from idi.core.errors import Forbidden, RuleViolation
from idi.core.models import AuditEvent
from idi.parties import services
from idi.parties.models import (
    InsurerQualification,
    Organisation,
    OrganisationRelationship,
    Profile,
    Role,
)

pytestmark = pytest.mark.django_db


def test_R_O3_register_organisation_records_who_what_after():
    """R-O3: registering an organisation writes one audit event with its state."""
    before = audit_count()
    org = services.register_organisation(
        actor=OPERATOR,
        name="杭州城建开发有限公司",
        org_type="developer",
        uscc=make_uscc(1).lower(),
        district="xihu",
        contact_name="王经理",
    )
    assert org.uscc == make_uscc(1)
    event = AuditEvent.objects.latest("id")
    assert audit_count() == before + 1
    assert event.action == "parties.register_organisation"
    assert (event.object_type, event.object_id) == ("parties.organisation", str(org.pk))
    assert event.after["name"] == "杭州城建开发有限公司"
    assert event.actor_label == OPERATOR.label


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("uscc", {"uscc": "913301000000000010"}),
        ("name", {"name": "  "}),
        ("district", {"org_type": "regulator", "district": ""}),
        ("district", {"district": "shanghai"}),
    ],
)
def test_R_O3_bad_organisation_refused_and_nothing_written(field, changes):
    """R-O3: a refusal names the field and writes neither the row nor an audit event."""
    args = {"name": "某单位", "org_type": "developer", "uscc": make_uscc(), "district": "xihu"}
    args.update(changes)
    before = (Organisation.objects.count(), audit_count())
    with pytest.raises(RuleViolation) as refused:
        services.register_organisation(actor=OPERATOR, **args)
    assert refused.value.field == field
    assert (Organisation.objects.count(), audit_count()) == before


def test_duplicate_credit_code_refused(org):
    first = org("developer")
    before = (Organisation.objects.count(), audit_count())
    with pytest.raises(RuleViolation) as refused:
        services.register_organisation(
            actor=OPERATOR, name="另一家", org_type="developer", uscc=first.uscc
        )
    assert refused.value.field == "uscc"
    assert (Organisation.objects.count(), audit_count()) == before


def test_only_the_operator_registers_organisations(org, member):
    developer = org("developer")
    _, admin = member(developer, "dev_admin")
    before = (Organisation.objects.count(), audit_count())
    with pytest.raises(Forbidden):
        services.register_organisation(
            actor=admin, name="自己登记", org_type="developer", uscc=make_uscc()
        )
    assert (Organisation.objects.count(), audit_count()) == before


def test_R_O3_update_organisation_records_before_and_after(org, member):
    """R-O3: an organisation's administrator changes its contacts; before and after are kept."""
    developer = org("developer")
    _, admin = member(developer, "dev_admin")
    services.update_organisation(
        actor=admin, organisation=developer, contact_name="李工", contact_phone="0571-88880000"
    )
    developer.refresh_from_db()
    assert developer.contact_name == "李工"
    event = AuditEvent.objects.latest("id")
    assert event.action == "parties.update_organisation"
    assert event.before["contact_name"] == ""
    assert event.after["contact_name"] == "李工"


def test_administrator_cannot_rename_its_organisation(org, member):
    developer = org("developer", name="原名")
    _, admin = member(developer, "dev_admin")
    before = audit_count()
    with pytest.raises(Forbidden):
        services.update_organisation(actor=admin, organisation=developer, name="新名")
    developer.refresh_from_db()
    assert developer.name == "原名"
    assert audit_count() == before


def test_another_organisations_staff_cannot_update_it(org, member):
    developer, other = org("developer"), org("developer")
    _, stranger = member(other, "other_admin")
    before = audit_count()
    with pytest.raises(Forbidden):
        services.update_organisation(actor=stranger, organisation=developer, address="x")
    developer.refresh_from_db()
    assert developer.address == ""
    assert audit_count() == before


def test_R_O3_qualification_recorded_and_corrected_per_year(org, member):
    """R-O3 (and the R-U6 figures): one row per insurer and year; a correction keeps before."""
    insurer = org("insurer")
    _, admin = member(insurer, "ins_admin")
    services.record_qualification(
        actor=admin,
        insurer=insurer,
        year=2024,
        registered_capital=Decimal("6000000000"),
        solvency_ratio=Decimal("1.82"),
        has_quality_department=True,
        has_idi_lead_experience=False,
    )
    services.record_qualification(
        actor=admin,
        insurer=insurer,
        year=2024,
        registered_capital=Decimal("6000000000"),
        solvency_ratio=Decimal("1.85"),
        has_quality_department=True,
        has_idi_lead_experience=True,
    )
    row = InsurerQualification.objects.get(insurer=insurer, year=2024)
    assert row.solvency_ratio == Decimal("1.8500")
    assert row.has_idi_lead_experience
    event = AuditEvent.objects.latest("id")
    assert event.action == "parties.record_qualification"
    assert event.before["solvency_ratio"] == "1.8200"
    assert event.after["solvency_ratio"] == "1.8500"


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("insurer", {"insurer": "developer"}),
        ("solvency_ratio", {"solvency_ratio": Decimal("150")}),
        ("registered_capital", {"registered_capital": Decimal("-1")}),
        ("year", {"year": 1999}),
    ],
)
def test_bad_qualification_refused_and_nothing_written(org, field, changes):
    insurer = org("insurer")
    args = {
        "insurer": insurer,
        "year": 2024,
        "registered_capital": Decimal("6000000000"),
        "solvency_ratio": Decimal("1.5"),
        "has_quality_department": True,
        "has_idi_lead_experience": True,
    }
    if changes.get("insurer") == "developer":
        changes = {"insurer": org("developer")}
    args.update(changes)
    before = (InsurerQualification.objects.count(), audit_count())
    with pytest.raises(RuleViolation) as refused:
        services.record_qualification(actor=OPERATOR, **args)
    assert refused.value.field == field
    assert (InsurerQualification.objects.count(), audit_count()) == before


def test_R_O3_declare_relationship_and_refuse_self_and_duplicate(org, member):
    """R-O3, for R-R2 later: a declared relationship is recorded once, never to itself."""
    rma, contractor = org("rma"), org("contractor")
    _, admin = member(rma, "rma_admin")
    services.declare_relationship(actor=admin, from_org=rma, to_org=contractor, kind="affiliate")
    assert AuditEvent.objects.latest("id").action == "parties.declare_relationship"
    before = (OrganisationRelationship.objects.count(), audit_count())
    with pytest.raises(RuleViolation):
        services.declare_relationship(actor=admin, from_org=rma, to_org=rma, kind="affiliate")
    with pytest.raises(RuleViolation):
        services.declare_relationship(
            actor=admin, from_org=rma, to_org=contractor, kind="affiliate"
        )
    assert (OrganisationRelationship.objects.count(), audit_count()) == before


@pytest.mark.production_hasher
def test_R_O3_create_user_hashes_with_argon2_and_audits_without_the_password(org):
    """R-O3: the account is audited; the password is stored as an Argon2 hash only."""
    insurer = org("insurer")
    user = services.create_user(
        actor=OPERATOR,
        organisation=insurer,
        username="claims1",
        password=PASSWORD,
        roles=[Role.CLAIMS_HANDLER],
    )
    assert user.password.startswith("argon2")
    assert user.check_password(PASSWORD)
    assert user.profile.organisation == insurer
    event = AuditEvent.objects.latest("id")
    assert event.action == "parties.create_user"
    assert PASSWORD not in str(event.after)


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("roles", {"roles": []}),
        ("roles", {"roles": [Role.CLAIMS_HANDLER]}),  # not a developer's role
        ("roles", {"roles": [Role.OWNER]}),
        ("password", {"password": "123"}),
        ("username", {"username": "bad name!"}),
    ],
)
def test_bad_user_refused_and_nothing_written(org, field, changes):
    developer = org("developer")
    args = {"username": "newuser", "password": PASSWORD, "roles": [Role.STAFF]}
    args.update(changes)
    before = (get_user_model().objects.count(), Profile.objects.count(), audit_count())
    with pytest.raises(RuleViolation) as refused:
        services.create_user(actor=OPERATOR, organisation=developer, **args)
    assert refused.value.field == field
    assert (get_user_model().objects.count(), Profile.objects.count(), audit_count()) == before


def test_staff_cannot_add_members(org, member):
    developer = org("developer")
    _, staff = member(developer, "dev_staff", roles=[Role.STAFF])
    before = get_user_model().objects.count()
    with pytest.raises(Forbidden):
        services.create_user(
            actor=staff, organisation=developer, username="x", password=PASSWORD, roles=["staff"]
        )
    assert get_user_model().objects.count() == before


def test_R_O3_register_owner_audits_masked_numbers(org, member):
    """R-O3 and DESIGN Privacy: the owner is audited, its numbers masked in the log."""
    developer = org("developer")
    _, staff = member(developer, "dev_staff", roles=[Role.STAFF])
    number = make_id_number(1)
    owner = services.register_owner(
        actor=staff, real_name="张伟", id_number=number.lower(), phone="13812345678"
    )
    assert owner.profile.id_number == number
    assert owner.profile.roles == [Role.OWNER]
    assert owner.profile.organisation is None
    assert not owner.has_usable_password()
    assert number not in owner.username
    event = AuditEvent.objects.latest("id")
    assert event.action == "parties.register_owner"
    assert event.after["id_number"] == f"{number[:4]}********{number[-4:]}"
    assert event.after["phone"] == "138****5678"


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("id_number", {"id_number": "330106198503120012"}),
        ("phone", {"phone": "0571888800"}),
        ("real_name", {"real_name": " "}),
    ],
)
def test_bad_owner_refused_and_nothing_written(org, member, field, changes):
    developer = org("developer")
    _, staff = member(developer, "dev_staff", roles=[Role.STAFF])
    args = {"real_name": "李娜", "id_number": make_id_number(2), "phone": "13912345678"}
    args.update(changes)
    before = (get_user_model().objects.count(), audit_count())
    with pytest.raises(RuleViolation) as refused:
        services.register_owner(actor=staff, **args)
    assert refused.value.field == field
    assert (get_user_model().objects.count(), audit_count()) == before


def test_owner_registered_once_per_id_number(org, member):
    developer = org("developer")
    _, staff = member(developer, "dev_staff", roles=[Role.STAFF])
    number = make_id_number(3)
    services.register_owner(actor=staff, real_name="王芳", id_number=number, phone="13712345678")
    before = (get_user_model().objects.count(), audit_count())
    with pytest.raises(RuleViolation) as refused:
        services.register_owner(
            actor=staff, real_name="王芳", id_number=number, phone="13712345678"
        )
    assert refused.value.field == "id_number"
    assert (get_user_model().objects.count(), audit_count()) == before


def test_only_developers_and_the_operator_register_owners(org, member):
    insurer = org("insurer")
    _, underwriter = member(insurer, "uw", roles=[Role.UNDERWRITER])
    before = get_user_model().objects.count()
    with pytest.raises(Forbidden):
        services.register_owner(
            actor=underwriter, real_name="赵", id_number=make_id_number(4), phone="13612345678"
        )
    assert get_user_model().objects.count() == before
