"""The fund demo: every issued policy's contribution owed and received (R-F1), loaded once; and
on any date the demo's pre-period request is on the lead insurer's list (R-F2), the owners have
their notices to confirm (R-K1) and the institution its case to decide (R-F4)."""

import pytest
from django.contrib.auth import get_user_model
from fund_helpers import assert_ledger_consistent, at

from idi.claims.models import Claim
from idi.core import demo as core_demo
from idi.core.management.commands.demo import Command
from idi.core.workspace import tasks_for
from idi.fund import demo, selectors
from idi.fund.models import Entry
from idi.parties import demo as parties_demo
from idi.parties.selectors import actor_for_user
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


def _kinds(username: str) -> set[str]:
    user = get_user_model().objects.get(username=username)
    return {t.kind for t in tasks_for(actor_for_user(user))}


# The day the demo is written, a month end (delivery 4 months back is clipped), and a day after
# 西溪云庐's acceptance + 4 months is past.
@pytest.mark.parametrize("day", [(2026, 11, 24), (2027, 3, 31), (2027, 12, 1)])
def test_r_f2_r_k1_the_demo_gives_the_claim_and_notice_roles_their_items_on_any_date(day):
    with at(*day):
        Command().load()
        claim = Claim.objects.get()
        assert (claim.track, claim.status) == ("pre_period", "pre_period_received")
        assert claim.routed_role == "insurer"
        assert "claims.notify_developer" in _kinds("ins_claims")
        assert "claims.confirm_notice" in _kinds("owner_zhang")
        assert "claims.confirm_notice" in _kinds("owner_li")
        assert "fund.case.open" in _kinds("guarantee")
