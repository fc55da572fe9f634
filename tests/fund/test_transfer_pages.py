"""The institution's transfer and reversal pages (R-F6): a transfer moves money between
sub-accounts, a reversal corrects an entry by a reversing entry, both refused on the form with
the rule and nothing written; only the institution's fund staff and the operator get the pages."""

from decimal import Decimal

import pytest
from fund_helpers import figures, nothing_written, other_insured_project, receive
from uw_helpers import FUND_CONTRIBUTION, assert_ui_refused

from idi.fund import selectors
from idi.fund.models import Entry, EntryKind

TRANSFER_URL = "/fund/transfers/new/"


def _reverse_url(entry) -> str:
    return f"/fund/entries/{entry.pk}/reverse/"


@pytest.fixture
def two_projects(fw):
    """The world's project and another one, each with its contribution received."""
    receive(fw)
    other = other_insured_project(fw).permit.project
    receive(fw, FUND_CONTRIBUTION, project=other)
    return fw.project, other


def _transfer(client, source, target, amount, **extra):
    form = {
        "source": source.pk if source else "",
        "target": target.pk if target else "",
        "amount": amount,
        "booked_on": "2025-03-03",
        "reason": "统筹使用",
        **extra,
    }
    return client.post(TRANSFER_URL, form)


def test_r_f6_the_institution_transfers_from_the_page_and_balances_move(fw, two_projects):
    project, other = two_projects
    client = fw.gi.client()
    page = client.get(f"{TRANSFER_URL}?source={other.pk}")
    assert page.status_code == 200
    assert page.context["form"]["source"].value() == str(other.pk)
    done = _transfer(client, other, project, "1000.50")
    assert done.status_code == 302, done.content.decode()[:2000]
    assert figures(fw, other).balance == FUND_CONTRIBUTION - Decimal("1000.50")
    assert figures(fw).balance == FUND_CONTRIBUTION + Decimal("1000.50")
    assert _transfer(client, project, None, "0.50").status_code == 302
    assert selectors.general_balance() == Decimal("0.50")
    assert figures(fw).balance == FUND_CONTRIBUTION + Decimal("1000.00")


def test_r_f6_a_transfer_above_the_balance_or_to_the_same_account_is_refused_on_the_form(
    fw, two_projects
):
    project, other = two_projects
    client = fw.gi.client()
    with nothing_written():
        too_much = _transfer(client, project, other, str(FUND_CONTRIBUTION + Decimal("0.01")))
        same = _transfer(client, project, project, "1.00")
        general_empty = _transfer(client, None, project, "1.00")
    assert_ui_refused(too_much, rule="R-F6", field="amount")
    assert_ui_refused(same, rule="R-F6", field="target")
    assert_ui_refused(general_empty, rule="R-F6", field="amount")


def test_r_f6_the_reversal_from_the_ledger_page_returns_the_balances_once(fw, two_projects):
    project, other = two_projects
    client = fw.gi.client()
    assert _transfer(client, other, project, "2000.00").status_code == 302
    moved = Entry.objects.get(kind=EntryKind.TRANSFER)
    ledger = client.get(f"/fund/projects/{project.pk}/").content.decode()
    assert f'href="{_reverse_url(moved)}"' in ledger
    confirm = client.get(_reverse_url(moved))
    assert confirm.status_code == 200 and "确认冲正" in confirm.content.decode()
    with nothing_written():
        blank = client.post(_reverse_url(moved), {"reason": " "})
    assert blank.status_code == 400 and 'id="reason-errors"' in blank.content.decode()
    done = client.post(_reverse_url(moved), {"reason": "调错项目"})
    assert done.status_code == 302 and done["Location"] == f"/fund/projects/{project.pk}/"
    reversal = Entry.objects.get(reverses=moved)
    assert (reversal.debit, reversal.credit, reversal.amount) == (
        moved.credit,
        moved.debit,
        moved.amount,
    )
    assert figures(fw).balance == FUND_CONTRIBUTION
    assert figures(fw, other).balance == FUND_CONTRIBUTION
    ledger = client.get(f"/fund/projects/{project.pk}/").content.decode()
    assert f'data-testid="reversed-{moved.pk}"' in ledger
    assert f"↺{moved.pk}" in ledger
    assert f'href="{_reverse_url(moved)}"' not in ledger
    assert f'href="{_reverse_url(reversal)}"' not in ledger
    with nothing_written():
        again = client.post(_reverse_url(moved), {"reason": "再冲一次"})
    assert_ui_refused(again, rule="R-F6")
    assert "已冲正" in again.content.decode()


@pytest.mark.parametrize("party", ["developer", "lead", "reg_binjiang", "reg_city", "gi_clerk"])
def test_r_f6_only_the_institutions_fund_staff_get_the_transfer_and_reversal_pages(
    fw, two_projects, party
):
    project, other = two_projects
    entry = Entry.objects.filter(kind=EntryKind.CONTRIBUTION_RECEIVED).first()
    client = getattr(fw, party).client()
    with nothing_written():
        assert client.get(TRANSFER_URL).status_code == 403
        assert _transfer(client, project, other, "1.00").status_code == 403
        assert client.get(_reverse_url(entry)).status_code in (403, 404)
        assert client.post(_reverse_url(entry), {"reason": "x"}).status_code in (403, 404)
    overview = client.get("/fund/").content.decode()
    assert TRANSFER_URL not in overview
    page = client.get(f"/fund/projects/{project.pk}/").content.decode()
    assert _reverse_url(entry) not in page
    # Nor any other act that moves the fund: no button that leads to a refusal.
    for act in ("contribution", "replenishment", "cases/new"):
        assert f"/fund/projects/{project.pk}/{act}/" not in page


def test_r_f6_the_overview_links_the_transfer_for_the_institution(fw, two_projects):
    assert f'href="{TRANSFER_URL}"' in fw.gi.client().get("/fund/").content.decode()


def test_the_transfer_and_reversal_pages_in_english(fw, two_projects):
    project, _other = two_projects
    client = fw.gi.client()
    client.cookies["django_language"] = "en"
    transfer = client.get(TRANSFER_URL).content.decode()
    for label in ("Transfer between sub-accounts", "From sub-account", "To sub-account"):
        assert label in transfer
    assert "General sub-account (pooled): CNY 0.00" in transfer
    assert f"{project.name}: CNY 61,728.39" in transfer
    entry = Entry.objects.filter(kind=EntryKind.CONTRIBUTION_RECEIVED).first()
    confirm = client.get(_reverse_url(entry)).content.decode()
    assert "Reverse entry" in confirm and "Confirm the reversal" in confirm
    assert "Reason for the reversal" in confirm
