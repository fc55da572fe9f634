"""The fund demo: every issued policy's contribution owed and received (R-F1), loaded once."""

import pytest
from fund_helpers import assert_ledger_consistent, at

from idi.core import demo as core_demo
from idi.fund import demo, selectors
from idi.fund.models import Entry
from idi.parties import demo as parties_demo
from idi.projects import demo as projects_demo
from idi.underwriting import demo as underwriting_demo
from idi.underwriting.models import FundContributionDue

pytestmark = pytest.mark.django_db


def test_r_f1_demo_books_and_receives_every_contribution_once():
    with at(2026, 11, 24):
        _load_all()


def _load_all():
    for loader in (core_demo.load, parties_demo.load, projects_demo.load, underwriting_demo.load):
        loader(password="demo-password-1")
    demo.load(password="demo-password-1")
    entries = Entry.objects.count()
    demo.load(password="demo-password-1")
    assert Entry.objects.count() == entries
    for due in FundContributionDue.objects.select_related("policy__permit"):
        figures = selectors.project_figures(due.policy.permit.project)
        assert figures.received == figures.contributed > 0
    assert_ledger_consistent()
