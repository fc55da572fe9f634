"""Helpers of the fund tests.

The world is the underwriting tests' one (uw_helpers.build_world) with its policy issued through
underwriting's services, completion acceptance recorded in the registry (the starting state,
not what is under test) and a guarantee institution. Everything the fund does goes through its
services, its API or its pages.
"""

import json
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from itertools import count

from django.apps import apps
from uw_helpers import FUND_CONTRIBUTION, Party, build_world, issued, make_org, make_user

from idi.core.models import AuditEvent
from idi.fund import selectors, services
from idi.fund.models import Account, CaseKind
from idi.parties.models import OrgType
from idi.projects.models import Participant

# Completion before "today" (2025-03-03): the insurance period starts on 2027-02-20 (R-C2), so
# today is inside the developer's warranty, when the fund may repair (R-F4).
COMPLETION = date(2025, 2, 20)
PERIOD_START = date(2027, 2, 20)
CAP = Decimal("185185.17")  # 3 × 61,728.39 (R-F4)
assert CAP == FUND_CONTRIBUTION * 3


def build_fund_world():
    w = build_world()
    gi_org = make_org("杭州市住宅质量保险服务保障中心", OrgType.GUARANTEE_INSTITUTION)
    w.gi = Party(gi_org, make_user("gi", gi_org, roles=("fund_manager",)))
    w.gi_clerk = Party(gi_org, make_user("gi_clerk", gi_org, roles=("staff",)))
    w.policy = issued(w)
    w.permit.construction_started_on = date(2025, 1, 15)
    w.permit.completion_accepted_on = COMPLETION
    w.permit.save()
    w.building.refresh_from_db()
    return w


def receive(w, amount=FUND_CONTRIBUTION, *, project=None, insurer=None, on=date(2025, 3, 3)):
    return services.record_contribution_received(
        actor=w.gi.actor,
        project=project or w.project,
        insurer=insurer or w.lead.org,
        amount=Decimal(amount),
        received_on=on,
        reference="BANK-1",
    )


def fallback_case(w, amount, *, occurred_on=date(2025, 3, 1)):
    return services.open_case(
        actor=w.gi.actor,
        kind=CaseKind.FALLBACK_REPAIR,
        building=w.building,
        unit=w.unit,
        category="waterproofing",
        occurred_on=occurred_on,
        description="卫生间渗漏，建设单位已注销，无人维修",
        requested_amount=Decimal(amount),
    )


def withdraw(w, amount):
    """An R-F4 fund repair of `amount`: opened, approved and paid."""
    case = fallback_case(w, amount)
    services.decide_case(
        actor=w.gi.actor, case=case, approved=True, amount=Decimal(amount), reasons="核实无误"
    )
    return services.pay_case(actor=w.gi.actor, case=case)


def figures(w, project=None):
    return selectors.project_figures(project or w.project)


def assert_ledger_consistent():
    """R-F6: each running balance equals the sum of its entries, and none is negative."""
    recomputed = selectors.balances_from_entries()
    for acc in Account.objects.all():
        assert acc.balance == recomputed[acc.pk], acc
        assert acc.balance >= 0, acc


def _database_state() -> dict:
    state = {
        model.__name__: list(model.objects.order_by("pk").values())
        for label in ("fund", "underwriting")
        for model in apps.get_app_config(label).get_models()
    }
    state["audit_events"] = AuditEvent.objects.count()
    return state


@contextmanager
def nothing_written():
    """The block must leave every fund and underwriting table and the audit log as they were."""
    before = _database_state()
    yield
    assert _database_state() == before


def other_insured_project(w, shares=None):
    """Another developer's project in another district (xihu), its policy issued; returns the
    policy."""
    from types import SimpleNamespace

    from uw_helpers import build_other_project

    permit = build_other_project(w)
    Participant.objects.create(
        project=permit.project, organisation=w.contractor.org, role="contractor"
    )
    as_other = SimpleNamespace(**{**vars(w), "developer": w.other_developer})
    return issued(as_other, permit, shares=shares(as_other) if shares else None)


DELIVERY = date(2025, 3, 1)  # the insurer takes complaints from 2025-06-01 (R-F2, R-T2)


def deliver_and_sell(w):
    """The building is handed over and unit 101 sold to the owner (registry facts)."""
    from uw_helpers import sell

    w.building.delivered_on = DELIVERY
    w.building.save()
    sell(w.unit, w.owner, sold_on=date(2025, 2, 25))
    w.handler = Party(w.lead.org, make_user("handler", w.lead.org, roles=("claims_handler",)))


def at(y, m, d, hh=10):
    from datetime import datetime

    import time_machine
    from uw_helpers import SHANGHAI

    return time_machine.travel(datetime(y, m, d, hh, 0, tzinfo=SHANGHAI), tick=False)


PRE_PERIOD_FILING = {
    "category": "waterproofing",
    "place": "bathroom",
    "description": "卫生间地面渗水到楼下",
    "noticed_on": "2025-06-30",
    "affects_basic_living": False,
}
_idempotency_keys = count(1)


def post_json(party, path, body=None, **headers):
    return party.client().post(
        path, json.dumps(body or {}), content_type="application/json", **headers
    )


def file_repair_request(w, **changes) -> dict:
    """The owner reports a leak on its home through the API: after delivery + 3 months and
    before the insurance period, a pre-period request (R-F2)."""
    body = {**PRE_PERIOD_FILING, "unit": w.unit.pk, **changes}
    key = f"repair-request-{next(_idempotency_keys)}"
    response = post_json(w.owner, "/api/v1/claims", body, HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 201, response.content
    return response.json()
