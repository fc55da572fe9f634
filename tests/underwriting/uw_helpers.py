"""Helpers of the underwriting tests: building the world and driving the flow.

The registry (organisations, users, project, permits, buildings, units, participants, sales) is
set up directly in the database: it is the starting state, not what is under test. Everything
underwriting does goes through its services, its API or its pages.
"""

import io
import struct
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from idi.core import clock
from idi.core.models import AuditEvent
from idi.parties.models import InsurerQualification, Organisation, OrgType, Profile
from idi.parties.selectors import actor_for_user
from idi.parties.validators import uscc_check_char
from idi.projects.models import (
    Building,
    ConstructionPermit,
    Participant,
    PlanningPermit,
    Project,
    Sale,
    Unit,
)
from idi.underwriting import services
from idi.underwriting.models import AttachmentKind, Policy

SHANGHAI = ZoneInfo("Asia/Shanghai")
# "Today" in every underwriting test: a Monday; the last complete year is 2024 (R-U6).
TODAY = date(2025, 3, 3)

CONTRACT_PRICE = Decimal("123456789.00")
RATE = Decimal("0.015")
# By hand: 123,456,789.00 × 0.015 = 1,851,851.835 → 1,851,851.84 (half-up, R-U5);
# × 0.0005 = 61,728.3945 → 61,728.39 (R-F1); 15% of the premium = 277,777.776 → 277,777.78.
PREMIUM = Decimal("1851851.84")
FUND_CONTRIBUTION = Decimal("61728.39")
MIN_RM_FEE = Decimal("277777.78")

PDF_BYTES = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# A real 1×1 grey PNG and a structurally complete JPEG (uploads are checked beyond magic bytes).
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n"
    + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    + _png_chunk(b"IDAT", zlib.compress(b"\x00\x80"))
    + _png_chunk(b"IEND", b"")
)
JPEG_BYTES = (
    b"\xff\xd8"
    + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\xff\xc0\x00\x0b\x08\x00\x01\x00\x01\x01\x01\x11\x00"
    + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
    + b"\x7f\x00"
    + b"\xff\xd9"
)


_uscc_counter = iter(range(10_000, 99_999))


def _uscc() -> str:
    first17 = f"91330100MA{next(_uscc_counter):05d}XX"[:17]
    first17 = first17.replace("X", "2")
    return first17 + uscc_check_char(first17)


def make_org(name: str, org_type: str, *, district: str = "", phone: str = "") -> Organisation:
    return Organisation.objects.create(
        name=name,
        org_type=org_type,
        uscc=_uscc(),
        district=district,
        contact_phone=phone,
        created_at=clock.now(),
    )


def make_user(username: str, org: Organisation | None = None, *, roles=("org_admin",), **extra):
    user = get_user_model().objects.create_user(username, **extra)
    Profile.objects.create(
        user=user, organisation=org, roles=list(roles) if org else ["owner"], real_name=username
    )
    return user


def qualify(insurer: Organisation, *, good: bool = True) -> None:
    """Three years of figures: all conditions of G 2.1 met when good (R-U6)."""
    for year in (2022, 2023, 2024):
        InsurerQualification.objects.create(
            insurer=insurer,
            year=year,
            registered_capital=Decimal("8000000000") if good else Decimal("1000000000"),
            solvency_ratio=Decimal("2.1") if good else Decimal("1.2"),
            has_quality_department=good,
            has_idi_lead_experience=good,
        )


@dataclass
class Party:
    org: Organisation
    user: object

    @property
    def actor(self):
        return actor_for_user(self.user)

    def client(self) -> Client:
        client = Client()
        client.force_login(self.user)
        return client


def add_permit(project, planning, number, *, applied_on=date(2025, 1, 10), decorated=True):
    permit = ConstructionPermit.objects.create(
        project=project,
        planning_permit=planning,
        number=number,
        applied_on=applied_on,
        issued_on=applied_on,
    )
    building = Building.objects.create(
        project=project,
        permit=permit,
        name=f"{number}-1幢",
        housing_type="commercial",
        fully_decorated=decorated,
        floors_above=18,
    )
    return permit, building


def build_world() -> SimpleNamespace:
    developer_org = make_org("滨江置业有限公司", OrgType.DEVELOPER, district="binjiang")
    other_dev_org = make_org("西湖地产有限公司", OrgType.DEVELOPER, district="xihu")
    lead_org = make_org("甲财产保险股份有限公司", OrgType.INSURER, phone="95500")
    f1_org = make_org("乙财产保险股份有限公司", OrgType.INSURER, phone="95501")
    f2_org = make_org("丙财产保险股份有限公司", OrgType.INSURER, phone="95502")
    outsider_org = make_org("丁财产保险股份有限公司", OrgType.INSURER)
    for org in (lead_org, f1_org, f2_org, outsider_org):
        qualify(org)
    contractor_org = make_org("钱塘建工集团", OrgType.CONTRACTOR)
    supervisor_org = make_org("之江监理公司", OrgType.SUPERVISOR)
    reg_binjiang = make_org("滨江区住房和城乡建设局", OrgType.REGULATOR, district="binjiang")
    reg_xihu = make_org("西湖区住房和城乡建设局", OrgType.REGULATOR, district="xihu")
    reg_city = make_org("杭州市城乡建设委员会", OrgType.REGULATOR, district="city")

    w = SimpleNamespace()
    w.developer = Party(developer_org, make_user("dev", developer_org))
    w.other_developer = Party(other_dev_org, make_user("dev2", other_dev_org))
    w.lead = Party(lead_org, make_user("lead", lead_org, roles=("underwriter",)))
    w.f1 = Party(f1_org, make_user("f1", f1_org, roles=("underwriter",)))
    w.f2 = Party(f2_org, make_user("f2", f2_org, roles=("underwriter",)))
    w.outsider = Party(outsider_org, make_user("outsider", outsider_org))
    w.contractor = Party(contractor_org, make_user("contractor", contractor_org))
    w.supervisor = Party(supervisor_org, make_user("supervisor", supervisor_org))
    w.reg_binjiang = Party(reg_binjiang, make_user("reg_bj", reg_binjiang, roles=("regulator",)))
    w.reg_xihu = Party(reg_xihu, make_user("reg_xh", reg_xihu, roles=("regulator",)))
    w.reg_city = Party(reg_city, make_user("reg_city", reg_city, roles=("regulator",)))
    operator = get_user_model().objects.create_user("op", is_staff=True)
    w.operator = Party(None, operator)
    w.owner = Party(None, make_user("owner"))
    w.other_owner = Party(None, make_user("owner2"))

    w.project = Project.objects.create(
        name="江南花园",
        developer=developer_org,
        district="binjiang",
        housing_type="commercial",
        created_at=clock.now(),
    )
    w.planning = PlanningPermit.objects.create(project=w.project, number="PP-2025-001")
    w.permit, w.building = add_permit(w.project, w.planning, "CP-2025-001")
    w.unit = Unit.objects.create(
        project=w.project, building=w.building, room_number="101", floor=1, area=Decimal("89.5")
    )
    w.unit2 = Unit.objects.create(
        project=w.project, building=w.building, room_number="102", floor=1, area=Decimal("120")
    )
    for org, role in ((contractor_org, "contractor"), (supervisor_org, "supervisor")):
        Participant.objects.create(project=w.project, organisation=org, role=role)
    return w


def sell(unit, *buyers, sold_on=date(2025, 2, 1)) -> Sale:
    sale = Sale.objects.create(unit=unit, sold_on=sold_on)
    sale.buyers.set([b.user for b in buyers])
    return sale


# --- driving the flow through the services ----------------------------------------------------


def terms(**changes) -> services.Terms:
    values = {
        "contract_price": CONTRACT_PRICE,
        "rate": RATE,
        "sum_insured": Decimal("200000000.00"),
        "risk_management_fee": Decimal("300000.00"),
        "additional": {"decoration": 2, "hvac": 5},
    }
    values.update(changes)
    return services.Terms(**values)


def single(w) -> list[services.ShareInput]:
    return [services.ShareInput(w.lead.org.pk, "lead", Decimal("1"))]


def coinsured(w) -> list[services.ShareInput]:
    return [
        services.ShareInput(w.lead.org.pk, "lead", Decimal("0.5")),
        services.ShareInput(w.f1.org.pk, "follower", Decimal("0.3")),
        services.ShareInput(w.f2.org.pk, "follower", Decimal("0.2")),
    ]


def draft(w, permit=None) -> Policy:
    return services.create_draft(actor=w.developer.actor, permit=permit or w.permit)


def quoted(w, permit=None, shares=None) -> Policy:
    policy = draft(w, permit)
    services.set_terms(actor=w.developer.actor, policy=policy, terms=terms())
    services.set_shares(actor=w.developer.actor, policy=policy, shares=shares or single(w))
    return services.quote(actor=w.developer.actor, policy=policy)


def pdf(name="plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def attach_all(w, policy, *, skip=(), confirm=True) -> None:
    for kind in AttachmentKind.values:
        if kind in skip:
            continue
        attachment = services.upload_attachment(
            actor=w.lead.actor, policy=policy, kind=kind, upload=pdf(f"{kind}.pdf")
        )
        if confirm:
            services.confirm_attachment(actor=w.developer.actor, attachment=attachment)


def pay(w, policy, amount=None, paid_on=TODAY):
    return services.record_payment(
        actor=w.developer.actor,
        policy=policy,
        amount=amount if amount is not None else policy.premium,
        paid_on=paid_on,
    )


def ready(w, permit=None, shares=None) -> Policy:
    """A quoted policy with every condition of issue met."""
    policy = quoted(w, permit, shares)
    attach_all(w, policy)
    services.notify_participants(actor=w.developer.actor, policy=policy)
    pay(w, policy)
    return Policy.objects.get(pk=policy.pk)


def issued(w, permit=None, shares=None) -> Policy:
    policy = ready(w, permit, shares)
    return services.issue_policy(actor=w.developer.actor, policy=policy)


# --- asserting refusals -----------------------------------------------------------------------


def _database_state() -> dict:
    """Every underwriting row, the registry's permits, and the audit log's length."""
    state = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("underwriting").get_models()
    }
    state["audit_events"] = AuditEvent.objects.count()
    return state


@contextmanager
def nothing_written():
    """The block must leave every underwriting table and the audit log as they were."""
    before = _database_state()
    yield
    assert _database_state() == before


def assert_api_refused(response, *, rule: str | None, field: str | None, status: int = 400):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["rule"] == rule, error
    assert error["field"] == field, error
    assert error["message"]
    return error


def assert_ui_refused(response, *, rule: str, field: str | None = None):
    """The page came back with the refusal on the form: on the field when one is named,
    else in the form's (or the action's) error list."""
    assert response.status_code == 400, response.status_code
    html = response.content.decode()
    if field is not None:
        marker = f'id="{field}-errors" role="alert"><li>{rule}：'
    else:
        marker = f"<li>{rule}："
    assert marker in html, html[:3000]
    return html


def build_other_project(w) -> ConstructionPermit:
    """Another developer's project in another district, with one permit and building."""
    project = Project.objects.create(
        name="西溪雅苑",
        developer=w.other_developer.org,
        district="xihu",
        housing_type="affordable",
        created_at=clock.now(),
    )
    planning = PlanningPermit.objects.create(project=project, number="PP-XH-001")
    permit, _ = add_permit(project, planning, "CP-XH-001")
    return permit
