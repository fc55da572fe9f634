"""Bulk import and export of buildings, units, owners and sales (docs/import.md)."""

import csv
import io
import zipfile
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from parties_helpers import audit_count, make_id_number
from projects_helpers import api, page

from idi.core.errors import RuleViolation
from idi.core.models import AuditEvent
from idi.parties.models import Profile
from idi.projects import imports, selectors, services
from idi.projects.models import Building, Sale, Unit

pytestmark = pytest.mark.django_db

HEADER = [
    "楼栋",
    "施工许可证号",
    "房号",
    "楼层",
    "建筑面积",
    "业主姓名",
    "身份证号",
    "手机号",
    "销售日期",
    "合同编号",
]


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def good_rows(world):
    permit = world.a.permit.number
    return [
        ["2幢", permit, "101", "1", "89.50", "", "", "", "", ""],
        [
            "2幢",
            permit,
            "102",
            "1",
            "120",
            "张伟",
            make_id_number(1),
            "13812345678",
            "2025-08-01",
            "HT-1",
        ],
        [
            "2幢",
            permit,
            "201",
            "2",
            "89.5",
            "王芳；周敏",
            f"{make_id_number(3)}；{make_id_number(4)}",
            "13712345678；13598765432",
            "2025/08/02",
            "",
        ],
        ["1幢", "", "301", "3", "95.00", "", "", "", "", ""],
    ]


def counts():
    return (
        Building.objects.count(),
        Unit.objects.count(),
        Sale.objects.count(),
        Profile.objects.count(),
        audit_count(),
    )


def run(world, content, *, dry_run=False, name="units.csv"):
    return services.import_units(
        actor=world.dev_a.actor,
        project=world.a.project,
        filename=name,
        content=content,
        dry_run=dry_run,
    )


def test_R_O3_import_writes_every_row_and_one_summary_event(world):
    """R-O3: an import of 4 rows writes a building, 4 units, 2 sales, 2 new owners (张伟 is
    reused by ID number) and exactly one audit event summarising it."""
    before = counts()
    content = csv_bytes(good_rows(world))
    report = run(world, content)
    assert report.ok and not report.dry_run
    assert report.counts == {"rows": 4, "buildings": 1, "units": 4, "owners": 2, "sales": 2}
    after = counts()
    assert after[:4] == (before[0] + 1, before[1] + 4, before[2] + 2, before[3] + 2)
    assert after[4] == before[4] + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "projects.import_units"
    assert event.after["units"] == 4
    assert event.after["sha256"] == imports.fingerprint(content)
    building = Building.objects.get(project=world.a.project, name="2幢")
    assert (building.housing_type, building.floors_above, building.fully_decorated) == (
        "commercial",
        2,
        False,
    )
    shared = Sale.objects.get(unit__building=building, unit__room_number="201")
    assert shared.sold_on == date(2025, 8, 2)
    assert sorted(shared.buyers.values_list("profile__real_name", flat=True)) == ["周敏", "王芳"]
    sold_102 = Sale.objects.get(unit__building=building, unit__room_number="102")
    assert list(sold_102.buyers.all()) == [world.owner.user]
    newcomer = Profile.objects.get(real_name="王芳").user
    assert not newcomer.has_usable_password()


def test_dry_run_checks_everything_and_writes_nothing(world):
    before = counts()
    report = run(world, csv_bytes(good_rows(world)), dry_run=True)
    assert report.ok and report.dry_run
    assert report.counts["units"] == 4
    assert counts() == before


def test_every_bad_row_is_listed_and_nothing_is_written(world):
    permit = world.a.permit.number
    rows = [
        ["2幢", permit, "101", "1", "89.50", "", "", "", "", ""],  # row 2: good
        ["2幢", permit, "102", "1", "-5", "", "", "", "", ""],  # row 3: area
        ["2幢", permit, "101", "1", "80", "", "", "", "", ""],  # row 4: repeats row 2
        [
            "2幢",
            permit,
            "103",
            "1",
            "80",
            "赵六",
            "330106198503120012",
            "13812345678",
            "2025-08-01",
            "",
        ],  # row 5: check digit
        ["3幢", "NO-SUCH-PERMIT", "101", "1", "80", "", "", "", "", ""],  # row 6: permit
        ["1幢", "", "101", "1", "80", "", "", "", "", ""],  # row 7: registered already
        ["1幢", "", "1901", "19", "80", "", "", "", "", ""],  # row 8: above 18 floors
        ["2幢", permit, "104", "一", "80", "", "", "", "", ""],  # row 9: floor
        ["2幢", permit, "105", "1", "80", "钱七", make_id_number(8), "13812345678", "", ""],  # 10
        [
            "2幢",
            permit,
            "106",
            "1",
            "80",
            "张三",
            make_id_number(1),
            "13812345678",
            "2025-08-01",
            "",
        ],  # row 11: 张伟's ID number under another name
    ]
    before = counts()
    report = run(world, csv_bytes(rows))
    assert not report.ok
    found = {(e.row, e.column) for e in report.errors}
    assert found == {
        (3, "建筑面积"),
        (4, "房号"),
        (5, "身份证号"),
        (6, "施工许可证号"),
        (7, "房号"),
        (8, "楼层"),
        (9, "楼层"),
        (10, "销售日期"),
        (11, "业主姓名"),
    }
    # Each message in one language: Chinese on Chinese pages, English on English ones.
    assert all(" / " not in e.message and e.message_en.isascii() for e in report.errors)
    assert all(e.message_for("en") == e.message_en for e in report.errors)
    assert counts() == before


def test_header_problems_are_row_1(world):
    report = run(
        world, csv_bytes([["1幢", "9", "9", "1"]], header=["楼栋", "楼层", "面积?", "颜色"])
    )
    problems = {(e.row, e.column) for e in report.errors}
    assert (1, "颜色") in problems and (1, "房号") in problems and (1, "建筑面积") in problems


def test_english_headers_and_building_columns(world):
    header = [
        "building",
        "permit_number",
        "housing_type",
        "fully_decorated",
        "floors_above",
        "floors_below",
        "room",
        "floor",
        "Area (m2)",
    ]
    rows = [["5幢", world.a.permit.number, "商品房", "是", "30", "2", "B101", "-1", "40"]]
    report = run(world, csv_bytes(rows, header=header))
    assert report.ok, report.errors
    building = Building.objects.get(project=world.a.project, name="5幢")
    assert (building.floors_above, building.floors_below, building.fully_decorated) == (30, 2, True)


def test_housing_type_of_a_new_building_must_match_the_project(world):
    header = ["楼栋", "施工许可证号", "住房类型", "房号", "楼层", "建筑面积"]
    report = run(
        world,
        csv_bytes([["6幢", world.a.permit.number, "保障房", "101", "1", "80"]], header=header),
    )
    assert [(e.row, e.column) for e in report.errors] == [(2, "住房类型")]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-8"])
def test_csv_encodings_accepted(world, encoding):
    report = run(world, csv_bytes(good_rows(world), encoding=encoding), dry_run=True)
    assert report.ok, report.errors


def test_xlsx_workbook_accepted(world):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(
        [
            "7幢",
            world.a.permit.number,
            "101",
            1,
            89.5,
            "吴九",
            make_id_number(9),
            "13812345678",
            date(2025, 8, 1),
            "HT-9",
        ]
    )
    out = io.BytesIO()
    workbook.save(out)
    report = run(world, out.getvalue(), name="units.xlsx")
    assert report.ok, report.errors
    assert Sale.objects.get(unit__building__name="7幢").sold_on == date(2025, 8, 1)


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "文本"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        ("fake.xlsx", "楼栋,房号\n1幢,101\n".encode(), "不是 Excel"),
        ("archive.xlsx", _zip_without_workbook(), "不是 Excel"),
        ("broken.xlsx", b"PK\x03\x04garbage", "损坏"),
        ("latin.csv", b"\xff\xfe\xff\xff", "UTF-8"),
        ("empty.csv", b"", "为空"),
    ],
)
def test_files_are_judged_by_content_and_refused_clearly(world, name, content, why):
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        run(world, content, name=name)
    assert refused.value.field == "file"
    assert why in refused.value.message
    assert refused.value.code == "invalid_file"
    assert counts() == before


def test_export_is_the_import_format(world):
    """What an import wrote comes back out in the same columns and values."""
    run(world, csv_bytes(good_rows(world)))
    exported = imports.read_table(
        filename="x.csv",
        content=imports.write_csv(
            selectors.export_rows(actor=world.reg_xihu.actor, project=world.a.project)
        ),
    )
    assert exported.header == imports.export_header()
    by_room = {(r[0], r[6]): r for _, r in exported.rows}
    row = by_room[("2幢", "201")]
    assert row[1] == world.a.permit.number
    assert row[2:6] == ["商品房", "否", "2", "0"]
    assert row[9:13] == [
        "王芳；周敏",
        f"{make_id_number(3)}；{make_id_number(4)}",
        "13712345678；13598765432",
        "2025-08-02",
    ]
    workbook = openpyxl.load_workbook(
        io.BytesIO(
            imports.write_xlsx(
                selectors.export_rows(actor=world.dev_a.actor, project=world.a.project)
            )
        )
    )
    assert [c.value for c in next(workbook.active.iter_rows())] == imports.export_header()


def test_command_line_import_dry_run_then_import_then_export(world, tmp_path, capsys):
    path = tmp_path / "units.csv"
    path.write_bytes(csv_bytes(good_rows(world)))
    before = counts()
    call_command("import", "units", str(path), project=world.a.project.pk, dry_run=True)
    assert counts() == before
    call_command("import", "units", str(path), project=world.a.project.pk, username="dev_a")
    assert counts()[1] == before[1] + 4
    assert AuditEvent.objects.latest("id").actor_label == "dev_a"
    out = tmp_path / "out.xlsx"
    call_command("export", "units", str(out), project=world.a.project.pk)
    assert openpyxl.load_workbook(out).active.max_row == 1 + 7


def test_command_line_lists_bad_rows_and_fails(world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([["1幢", "", "101", "1", "80", "", "", "", "", ""]]))
    err = io.StringIO()
    before = counts()
    with pytest.raises(CommandError):
        call_command("import", "units", str(path), project=world.a.project.pk, stderr=err)
    assert "第 2 行" in err.getvalue() and "房号" in err.getvalue()
    assert counts() == before


def test_command_line_as_another_developer_is_refused(world, tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes(csv_bytes(good_rows(world)))
    with pytest.raises(CommandError):
        call_command("import", "units", str(path), project=world.a.project.pk, username="dev_b")


def test_page_upload_preview_errors_then_confirm(world):
    client = page(world.dev_a.user)
    url = f"/projects/{world.a.project.pk}/import/"
    before = counts()
    bad = client.post(
        url,
        {
            "file": SimpleUploadedFile(
                "bad.csv", csv_bytes([["1幢", "", "101", "1", "80", "", "", "", "", ""]])
            )
        },
    )
    html = bad.content.decode()
    assert "import-errors" in html and "该房号已登记" in html
    assert counts() == before
    preview = client.post(url, {"file": SimpleUploadedFile("ok.csv", csv_bytes(good_rows(world)))})
    # On a phone the check's result, below the upload form, is brought into view (site.js).
    assert 'id="import-report" aria-live="polite" data-scroll-into-view' in preview.content.decode()
    token = preview.context["token"]
    assert token and counts() == before
    done = client.post(f"/projects/{world.a.project.pk}/import/confirm/", {"token": token})
    assert done.status_code == 302
    assert counts()[1] == before[1] + 4
    again = client.post(f"/projects/{world.a.project.pk}/import/confirm/", {"token": token})
    assert again.status_code == 302  # the file is used up: nothing imported twice
    assert counts()[1] == before[1] + 4


def test_page_refuses_a_file_that_is_not_a_table(world):
    client = page(world.dev_a.user)
    answer = client.post(
        f"/projects/{world.a.project.pk}/import/",
        {"file": SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00")},
    )
    assert "file-errors" in answer.content.decode()


def test_api_import_dry_run_and_write(world):
    client = api(world.dev_a.user)
    url = f"/api/v1/projects/{world.a.project.pk}/units/import"
    before = counts()
    checked = client.post(url, {"file": SimpleUploadedFile("u.csv", csv_bytes(good_rows(world)))})
    assert checked.status_code == 200
    assert checked.json()["ok"] and checked.json()["dry_run"]
    assert counts() == before
    written = client.post(
        url, {"file": SimpleUploadedFile("u.csv", csv_bytes(good_rows(world))), "dry_run": "false"}
    )
    assert written.json()["counts"]["units"] == 4
    assert counts()[1] == before[1] + 4
