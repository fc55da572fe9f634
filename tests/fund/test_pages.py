"""The fund pages: overview with chart data, a project's sub-ledger, forms that call the
services, the .xlsx export and the monthly report (R-F6), and who sees them (R-O1)."""

import io
import json
from datetime import date
from decimal import Decimal

import openpyxl
from fund_helpers import nothing_written, other_insured_project, receive, withdraw
from uw_helpers import FUND_CONTRIBUTION, assert_ui_refused

from idi.fund import services


def test_r_f6_overview_shows_projects_and_chart_data(fw):
    receive(fw)
    withdraw(fw, "1000.00")
    response = fw.gi.client().get("/fund/")
    assert response.status_code == 200
    html = response.content.decode()
    assert fw.project.name in html
    assert "vendor/echarts.min.js" in html
    start = html.index('id="fund-charts"')
    charts = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert charts["months"] == ["2025-03"]
    assert charts["inflows"] == [str(FUND_CONTRIBUTION)] and charts["outflows"] == ["1000.00"]
    assert charts["used"] == ["1000.00"] and charts["due"] == ["1000.00"]


def test_r_o1_fund_pages_follow_visibility(fw):
    receive(fw)
    url = f"/fund/projects/{fw.project.pk}/"
    assert fw.developer.client().get(url).status_code == 200
    assert fw.reg_binjiang.client().get(url).status_code == 200
    assert fw.other_developer.client().get(url).status_code == 404
    assert fw.reg_xihu.client().get(url).status_code == 404
    assert fw.project.name not in fw.reg_xihu.client().get("/fund/").content.decode()
    # Only the institution records movements.
    assert fw.developer.client().get(f"{url}contribution/").status_code == 403


def test_r_f1_contribution_form_records_and_refuses_naming_the_rule(fw):
    client = fw.gi.client()
    url = f"/fund/projects/{fw.project.pk}/contribution/"
    form = {"insurer": fw.lead.org.pk, "amount": "100.00", "received_on": "2025-03-03"}
    assert client.post(url, form).status_code == 302
    with nothing_written():
        refused = client.post(url, {**form, "amount": "99999.00"})
    assert_ui_refused(refused, rule="R-F1", field="amount")


def test_r_f4_the_case_form_names_the_categories_in_the_pages_language(fw):
    client = fw.gi.client()
    url = f"/fund/projects/{fw.project.pk}/cases/new/"
    for language, waterproofing in (("zh-hans", "防水工程"), ("en", "Waterproofing")):
        client.cookies["django_language"] = language
        form = client.get(url).context["form"]
        assert dict(form.fields["category"].choices)["waterproofing"] == waterproofing


def test_r_f4_case_pages_from_opening_to_payment(fw):
    receive(fw)
    client = fw.gi.client()
    opened = client.post(
        f"/fund/projects/{fw.project.pk}/cases/new/",
        {
            "kind": "fallback_repair",
            "building": fw.building.pk,
            "category": "waterproofing",
            "event": "other",
            "occurred_on": "2025-03-01",
            "description": "外墙渗水",
            "requested_amount": "5000.00",
        },
    )
    assert opened.status_code == 302, opened.content.decode()[:2000]
    case_url = opened["Location"]
    refused = client.post(
        f"{case_url}decide/", {"approved": "yes", "amount": "999999.00", "reasons": "x"}
    )
    assert_ui_refused(refused, rule="R-F4", field="amount")
    decided = client.post(
        f"{case_url}decide/", {"approved": "yes", "amount": "5000.00", "reasons": "核实"}
    )
    assert decided.status_code == 302
    assert client.post(f"{case_url}pay/", {}).status_code == 302
    page = client.get(case_url).content.decode()
    assert "2027年2月19日" in page  # R-F3: due before the period starts
    developer_page = fw.developer.client().get(case_url).content.decode()
    assert "deduction/" in developer_page


def test_r_f6_xlsx_export_reads_back_and_never_holds_a_formula(fw):
    fw.project.name = '=HYPERLINK("http://evil")'
    fw.project.save()
    receive(fw)
    response = fw.reg_city.client().get("/fund/export.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == '=HYPERLINK("http://evil")'
    assert sheet.cell(row=2, column=1).data_type == "s"
    assert Decimal(str(rows[1][4])) == FUND_CONTRIBUTION  # received
    assert len(rows) == 2
    other_insured_project(fw)
    services.book_contributions_due()
    assert (
        len(
            list(
                openpyxl.load_workbook(
                    io.BytesIO(fw.developer.client().get("/fund/export.xlsx").content)
                ).active.iter_rows()
            )
        )
        == 2
    )  # the other developer's project is not in it


def test_r_f6_monthly_report_page(fw):
    receive(fw, on=date(2025, 3, 1))
    html = fw.reg_city.client().get("/fund/reports/2025-03/").content.decode()
    assert 'data-figure="inflows">61,728.39 元' in html
    assert fw.project.name in html
    assert fw.reg_city.client().get("/fund/reports/2025-13/").status_code == 404
