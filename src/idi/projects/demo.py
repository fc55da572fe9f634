"""Demo data of projects: six projects in three districts, written through the services (the
units and sales of the finished project through the bulk import, as a developer would).

Other apps' demo loaders find them by these constants, e.g.
`ConstructionPermit.objects.get(number=projects.demo.PERMIT_YUNQI)`:

- PROJECT_YUNQI (西湖, affordable): permit issued, construction not started — ready to insure
  (a co-insurance: INSURER_LEAD + INSURER_FOLLOWER_1 + INSURER_FOLLOWER_2).
- PROJECT_XIXI (西湖, commercial): started 2024-07-15, completion accepted 2026-06-30, delivered
  4 months before the day the demo is loaded (never before its acceptance), so that the lead
  insurer takes its owners' repair requests (from delivery + 3 months, R-F2) on any date; units
  sold; owner_zhang (two units, one shared with 王芳) and owner_li log in.
- PROJECT_JIANGHUI (滨江, mixed: one affordable and one commercial building): permit issued,
  construction not started.
- PROJECT_LIANGZHU (余杭, commercial, another developer): permit issued, not started; outside
  西湖, so reg_xihu does not see it.
- PROJECT_LIANGZHU_2 (余杭, commercial, one building, its own planning permit): permit issued,
  not started; its co-insurance is put to the lead insurer for a quote (underwriting demo).
- PROJECT_JIANGNAN_ANJU (滨江, affordable, one building): construction started with no policy,
  the exception the regulators check (R-U1).
"""

import csv
import io
from datetime import date
from decimal import Decimal

from idi.core import clock
from idi.core.permissions import ANONYMOUS
from idi.parties import demo as parties_demo
from idi.parties.models import Profile
from idi.parties.selectors import actor_for_user
from idi.parties.services import activate_owner, register_owner
from idi.parties.validators import id_number_check_char
from idi.projects import services
from idi.projects.models import Project
from idi.rules import add_months

PROJECT_YUNQI = "云栖安置房"
PROJECT_XIXI = "西溪云庐"
PROJECT_JIANGHUI = "江晖府"
PROJECT_LIANGZHU = "良渚未来里"
PERMIT_YUNQI = "330106202511100101"
PERMIT_XIXI = "330106202405100201"
PERMIT_JIANGHUI = "330108202503010101"
PERMIT_LIANGZHU = "330110202508010101"
PROJECT_LIANGZHU_2 = "良渚未来里二期"
PERMIT_LIANGZHU_2 = "330110202510150101"
PROJECT_JIANGNAN_ANJU = "江南安居苑"
PERMIT_JIANGNAN_ANJU = "330108202506020101"
XIXI_ACCEPTED = date(2026, 6, 30)

OWNER_LOGINS = [
    ("owner_zhang", "张伟", "13805710001", "业主（两套房，其一与王芳共有） / owner of two units"),
    ("owner_li", "李娜", "13805710002", "业主 / owner"),
]


def person_id(n: int, born: str = "19860315") -> str:
    first17 = f"330106{born}{n:03d}"
    return first17 + id_number_check_char(first17)


def _developer(name: str):
    user = parties_demo.organisation(name).members.order_by("id").first().user
    return actor_for_user(user)


def load(*, password: str) -> list[tuple[str, str]]:
    logins = [(username, description) for username, _, _, description in OWNER_LOGINS]
    if Project.objects.filter(name=PROJECT_XIXI).exists():
        return logins
    xihu = _developer(parties_demo.DEVELOPER_XIHU)
    _project(
        xihu,
        name=PROJECT_YUNQI,
        district="xihu",
        housing="affordable",
        address="西湖区云栖路 18 号",
        permit=PERMIT_YUNQI,
        applied=date(2025, 11, 10),
        issued=date(2025, 11, 28),
        buildings=[("1幢", "affordable", 18, True), ("2幢", "affordable", 18, True)],
    )
    xixi = _project(
        xihu,
        name=PROJECT_XIXI,
        district="xihu",
        housing="commercial",
        address="西湖区文一西路 998 号",
        permit=PERMIT_XIXI,
        applied=date(2024, 5, 10),
        issued=date(2024, 6, 1),
        buildings=[("1幢", "commercial", 18, True), ("2幢", "commercial", 11, False)],
    )
    _finish_and_sell(xihu, xixi, password=password)
    _project(
        _developer(parties_demo.DEVELOPER_BINJIANG),
        name=PROJECT_JIANGHUI,
        district="binjiang",
        housing="mixed",
        address="滨江区江晖路 66 号",
        permit=PERMIT_JIANGHUI,
        applied=date(2025, 3, 1),
        issued=date(2025, 3, 20),
        buildings=[("1幢", "affordable", 26, False), ("2幢", "commercial", 32, True)],
    )
    _project(
        _developer(parties_demo.DEVELOPER_YUHANG),
        name=PROJECT_LIANGZHU,
        district="yuhang",
        housing="commercial",
        address="余杭区良渚街道古墩路 1 号",
        permit=PERMIT_LIANGZHU,
        applied=date(2025, 8, 1),
        issued=date(2025, 8, 20),
        buildings=[("1幢", "commercial", 15, True)],
    )
    _liangzhu_phase_two()
    _uninsured_affordable()
    return logins


def _liangzhu_phase_two() -> None:
    """A second phase of 良渚未来里 under its own planning permit, for a co-insurance quote."""
    _project(
        _developer(parties_demo.DEVELOPER_YUHANG),
        name=PROJECT_LIANGZHU_2,
        district="yuhang",
        housing="commercial",
        address="余杭区良渚街道古墩路 9 号",
        permit=PERMIT_LIANGZHU_2,
        applied=date(2025, 10, 15),
        issued=date(2025, 11, 5),
        buildings=[("1幢", "commercial", 17, True)],
    )


def _uninsured_affordable() -> None:
    """R-U1: affordable housing whose construction started with no policy at all (the start is
    guarded only for a permit that has one, R-U3): the regulators' exception to check."""
    binjiang = _developer(parties_demo.DEVELOPER_BINJIANG)
    project = _project(
        binjiang,
        name=PROJECT_JIANGNAN_ANJU,
        district="binjiang",
        housing="affordable",
        address="滨江区江南大道 288 号",
        permit=PERMIT_JIANGNAN_ANJU,
        applied=date(2025, 6, 2),
        issued=date(2025, 6, 20),
        buildings=[("1幢", "affordable", 18, False)],
    )
    services.record_construction_start(
        actor=binjiang,
        permit=project.construction_permits.get(),
        started_on=date(2025, 7, 15),
    )


def _project(actor, *, name, district, housing, address, permit, applied, issued, buildings):
    project = services.register_project(
        actor=actor, name=name, district=district, housing_type=housing, address=address
    )
    planning = services.add_planning_permit(
        actor=actor, project=project, number=f"建字第{permit[:6]}{permit[-6:]}号", issued_on=applied
    )
    construction = services.add_construction_permit(
        actor=actor,
        project=project,
        planning_permit=planning,
        number=permit,
        applied_on=applied,
        issued_on=issued,
    )
    for building, kind, floors, decorated in buildings:
        services.add_building(
            actor=actor,
            project=project,
            permit=construction,
            name=building,
            housing_type=kind,
            floors_above=floors,
            floors_below=2,
            fully_decorated=decorated,
        )
    for organisation, role in (
        (parties_demo.CONTRACTOR, "contractor"),
        (parties_demo.SUPERVISOR, "supervisor"),
        (parties_demo.DESIGNER, "designer"),
        (parties_demo.SURVEYOR, "surveyor"),
        (parties_demo.SUPPLIER, "material_supplier"),
    ):
        services.add_participant(
            actor=actor,
            project=project,
            organisation_uscc=parties_demo.organisation(organisation).uscc,
            role=role,
        )
    return project


def _finish_and_sell(actor, project, *, password: str) -> None:
    """西溪云庐: built, accepted, delivered; its units and sales come in through the import."""
    permit = project.construction_permits.get()
    services.record_construction_start(actor=actor, permit=permit, started_on=date(2024, 7, 15))
    services.record_completion_acceptance(actor=actor, permit=permit, accepted_on=XIXI_ACCEPTED)
    delivered = max(add_months(clock.today(), -4), XIXI_ACCEPTED)
    for building in project.buildings.all():
        services.record_delivery(actor=actor, building=building, delivered_on=delivered)
    for n, (username, real_name, phone, _) in enumerate(OWNER_LOGINS, start=1):
        if not Profile.objects.filter(id_number=person_id(n)).exists():
            register_owner(
                actor=actor,
                real_name=real_name,
                id_number=person_id(n),
                phone=phone,
                username=username,
            )
            # As every owner does: the buyer, not the developer, sets its password.
            activate_owner(
                actor=ANONYMOUS,
                id_number=person_id(n),
                phone=phone,
                password=password,
                source="demo",
            )
    services.import_units(
        actor=actor,
        project=project,
        filename="西溪云庐-房屋与销售.csv",
        content=_units_csv(),
        dry_run=False,
    )


def _units_csv() -> bytes:
    """Two rooms per floor; about two in three sold, each to its own buyer, except 张伟's two
    units (1幢 1801 with 王芳, and 2幢 1101) and 李娜's (1幢 1802)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "楼栋",
            "房号",
            "楼层",
            "建筑面积",
            "业主姓名",
            "身份证号",
            "手机号",
            "销售日期",
            "合同编号",
        ]
    )
    special = {
        ("1幢", "1801"): (
            "张伟；王芳",
            f"{person_id(1)}；{person_id(3)}",
            "13805710001；13805710003",
        ),
        ("2幢", "1101"): ("张伟", person_id(1), "13805710001"),
        ("1幢", "1802"): ("李娜", person_id(2), "13805710002"),
    }
    buyer = 10
    for building, floors in (("1幢", 18), ("2幢", 11)):
        for floor in range(1, floors + 1):
            for room in (1, 2):
                number = f"{floor}{room:02d}"
                area = Decimal("89.50") if room == 1 else Decimal("128.30")
                row = [building, number, floor, area]
                if (building, number) in special:
                    names, ids, phones = special[(building, number)]
                    row += [names, ids, phones, "2026-07-18", f"XX-{building}-{number}"]
                elif (floor + room) % 3:
                    buyer += 1
                    row += [
                        f"业主{buyer:03d}",
                        person_id(buyer, born="19900101"),
                        f"1390571{buyer:04d}",
                        "2026-07-20",
                        f"XX-{building}-{number}",
                    ]
                writer.writerow(row)
    return out.getvalue().encode("utf-8")
