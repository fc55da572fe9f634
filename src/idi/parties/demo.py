"""Demo data of the registry: a Hangzhou-like set of parties, one log-in per role.

Every row is written through the services, as the platform writes it. The names below are the
demo's (fictitious) organisations; other apps' demo loaders find them by these constants, e.g.
`Organisation.objects.get(name=parties.demo.INSURER_LEAD)`.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model

from idi.core.permissions import Actor
from idi.parties import services
from idi.parties.models import Organisation, OrgType, Role
from idi.parties.selectors import last_complete_year
from idi.parties.validators import uscc_check_char

DEVELOPER_XIHU = "杭州西湖城建置业有限公司"
DEVELOPER_BINJIANG = "杭州滨江江晖置业有限公司"
DEVELOPER_YUHANG = "杭州良渚未来城开发有限公司"
# Four insurers: a qualified lead and two followers for a co-insurance (R-U4), and a lead that
# has never led an IDI policy (R-U6 warns when it is chosen as lead).
INSURER_LEAD = "钱江财产保险股份有限公司杭州分公司"
INSURER_FOLLOWER_1 = "之江财产保险股份有限公司浙江分公司"
INSURER_FOLLOWER_2 = "西子财产保险股份有限公司杭州中心支公司"
INSURER_WEAK_LEAD = "运河财产保险股份有限公司杭州分公司"
RMA = "浙江工程质量风险管理有限公司"
CONTRACTOR = "浙江省建工集团有限责任公司"
SUPERVISOR = "杭州建设工程监理有限公司"
DESIGNER = "杭州市建筑设计研究院有限公司"
SURVEYOR = "浙江省工程勘察院有限公司"
SUPPLIER = "杭州钱塘建材有限公司"
APPRAISER = "浙江建设工程质量鉴定中心"
GUARANTEE_INSTITUTION = "杭州市住宅工程质量保障中心"
REGULATOR_CITY = "杭州市城乡建设委员会"
REGULATOR_XIHU = "西湖区住房和城乡建设局"
REGULATOR_BINJIANG = "滨江区住房和城乡建设局"

# (name, type, district, contact) in registration order; the credit codes follow from the order.
ORGANISATIONS = [
    (DEVELOPER_XIHU, OrgType.DEVELOPER, "xihu", "陈建国"),
    (DEVELOPER_BINJIANG, OrgType.DEVELOPER, "binjiang", "刘海涛"),
    (DEVELOPER_YUHANG, OrgType.DEVELOPER, "yuhang", "沈丽华"),
    (INSURER_LEAD, OrgType.INSURER, "city", "周明"),
    (INSURER_FOLLOWER_1, OrgType.INSURER, "city", "吴芳"),
    (INSURER_FOLLOWER_2, OrgType.INSURER, "city", "郑强"),
    (INSURER_WEAK_LEAD, OrgType.INSURER, "city", "冯磊"),
    (RMA, OrgType.RMA, "city", "褚工"),
    (CONTRACTOR, OrgType.CONTRACTOR, "shangcheng", "卫东"),
    (SUPERVISOR, OrgType.SUPERVISOR, "gongshu", "蒋平"),
    (DESIGNER, OrgType.DESIGNER, "shangcheng", "韩雪"),
    (SURVEYOR, OrgType.SURVEYOR, "xihu", "杨帆"),
    (SUPPLIER, OrgType.MATERIAL_SUPPLIER, "qiantang", "朱军"),
    (APPRAISER, OrgType.APPRAISER, "city", "秦岭"),
    (GUARANTEE_INSTITUTION, OrgType.GUARANTEE_INSTITUTION, "city", "许诺"),
    (REGULATOR_CITY, OrgType.REGULATOR, "city", "何正"),
    (REGULATOR_XIHU, OrgType.REGULATOR, "xihu", "吕清"),
    (REGULATOR_BINJIANG, OrgType.REGULATOR, "binjiang", "施涛"),
]

# (username, organisation, roles, real name, description)
LOGINS = [
    (
        "dev_xihu",
        DEVELOPER_XIHU,
        [Role.ORG_ADMIN, Role.STAFF],
        "陈建国",
        "建设单位（西湖） / developer",
    ),
    (
        "dev_binjiang",
        DEVELOPER_BINJIANG,
        [Role.ORG_ADMIN],
        "刘海涛",
        "建设单位（滨江） / developer",
    ),
    ("dev_yuhang", DEVELOPER_YUHANG, [Role.ORG_ADMIN], "沈丽华", "建设单位（余杭） / developer"),
    (
        "ins_lead",
        INSURER_LEAD,
        [Role.ORG_ADMIN, Role.UNDERWRITER],
        "周明",
        "主承保公司承保人员 / lead insurer, underwriter",
    ),
    (
        "ins_claims",
        INSURER_LEAD,
        [Role.CLAIMS_HANDLER],
        "王丽",
        "主承保公司理赔人员 / lead insurer, claims handler",
    ),
    (
        "ins_follow1",
        INSURER_FOLLOWER_1,
        [Role.ORG_ADMIN, Role.UNDERWRITER],
        "吴芳",
        "从保公司 / co-insurer",
    ),
    (
        "ins_follow2",
        INSURER_FOLLOWER_2,
        [Role.ORG_ADMIN, Role.UNDERWRITER],
        "郑强",
        "从保公司 / co-insurer",
    ),
    (
        "ins_weak",
        INSURER_WEAK_LEAD,
        [Role.ORG_ADMIN, Role.UNDERWRITER],
        "冯磊",
        "无主承保经验的保险公司 / insurer without IDI lead experience (R-U6)",
    ),
    ("rma", RMA, [Role.ORG_ADMIN, Role.INSPECTOR], "褚工", "风险管理机构 / risk-management agency"),
    ("contractor", CONTRACTOR, [Role.ORG_ADMIN], "卫东", "施工单位 / contractor"),
    ("supervisor", SUPERVISOR, [Role.ORG_ADMIN], "蒋平", "监理单位 / supervisor"),
    ("appraiser", APPRAISER, [Role.ORG_ADMIN], "秦岭", "第三方鉴定机构 / appraiser"),
    (
        "guarantee",
        GUARANTEE_INSTITUTION,
        [Role.ORG_ADMIN, Role.FUND_MANAGER],
        "许诺",
        "保障机构 / guarantee institution",
    ),
    ("reg_city", REGULATOR_CITY, [Role.REGULATOR], "何正", "市级主管部门 / city regulator"),
    ("reg_xihu", REGULATOR_XIHU, [Role.REGULATOR], "吕清", "西湖区主管部门 / district regulator"),
    (
        "reg_binjiang",
        REGULATOR_BINJIANG,
        [Role.REGULATOR],
        "施涛",
        "滨江区主管部门 / district regulator",
    ),
]

LOADER = Actor(user_id=None, label="demo", is_operator=True)
CAPITAL = Decimal("8000000000")


def uscc_of(position: int) -> str:
    """The demo credit code of the organisation at this position of ORGANISATIONS."""
    first17 = f"91330100MA2{position:06d}"
    return first17 + uscc_check_char(first17)


def organisation(name: str) -> Organisation:
    return Organisation.objects.get(uscc=uscc_of([o[0] for o in ORGANISATIONS].index(name)))


def load(*, password: str) -> list[tuple[str, str]]:
    logins = [(username, description) for username, _, _, _, description in LOGINS]
    if Organisation.objects.filter(uscc=uscc_of(0)).exists():
        return logins
    for position, (name, org_type, district, contact) in enumerate(ORGANISATIONS):
        services.register_organisation(
            actor=LOADER,
            name=name,
            org_type=org_type,
            uscc=uscc_of(position),
            district=district,
            contact_name=contact,
            contact_phone=f"0571-8{position:03d}0000",
            address="浙江省杭州市",
        )
    for username, org_name, roles, real_name, _ in LOGINS:
        if get_user_model().objects.filter(username=username).exists():
            continue
        services.create_user(
            actor=LOADER,
            organisation=organisation(org_name),
            username=username,
            password=password,
            roles=roles,
            real_name=real_name,
        )
    _qualifications()
    services.declare_relationship(
        actor=LOADER,
        from_org=organisation(CONTRACTOR),
        to_org=organisation(SUPPLIER),
        kind="affiliate",
        note="同一集团下属企业",
    )
    return logins


def _qualifications() -> None:
    """The last three complete years of each insurer (R-U6); the weak lead never led an IDI
    policy, so choosing it as lead draws a warning."""
    ratios = {
        INSURER_LEAD: ("2.12", "2.05", "1.98"),
        INSURER_FOLLOWER_1: ("2.40", "2.31", "2.26"),
        INSURER_FOLLOWER_2: ("1.85", "1.79", "1.91"),
        INSURER_WEAK_LEAD: ("1.76", "1.72", "1.81"),
    }
    last = last_complete_year()
    for name, yearly in ratios.items():
        for year, ratio in zip(range(last - 2, last + 1), yearly, strict=True):
            services.record_qualification(
                actor=LOADER,
                insurer=organisation(name),
                year=year,
                registered_capital=CAPITAL,
                solvency_ratio=Decimal(ratio),
                has_quality_department=True,
                has_idi_lead_experience=name != INSURER_WEAK_LEAD,
            )
