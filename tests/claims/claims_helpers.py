"""Helpers of the claims tests: a world with an issued policy in its insurance period.

Registry facts (completion, delivery, sales) are set directly in the database: they are the
starting state. The policy is issued through the underwriting services; everything claims does
goes through its services, its API or its pages.
"""

import re
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import time_machine
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from uw_helpers import (
    PNG_BYTES,
    SHANGHAI,
    Party,
    attach_all,
    build_world,
    coinsured,
    make_org,
    make_user,
    quoted,
    sell,
)

from idi.claims import services
from idi.core.models import AuditEvent
from idi.core.permissions import SYSTEM
from idi.notifications.models import Deadline, Notification
from idi.parties.models import OrgType
from idi.projects.models import ConstructionPermit
from idi.rules import BUILTIN_PACK_DIR
from idi.underwriting import services as uw
from idi.underwriting.models import Policy

COMPLETION = date(2023, 6, 30)  # insured from 2025-06-30 (R-C2)
DELIVERY = date(2023, 8, 1)


def write_test_pack(directory: Path) -> None:
    text = (Path(BUILTIN_PACK_DIR) / "hangzhou-2024.toml").read_text(encoding="utf-8")
    text = text.replace('id = "hangzhou-2024"', 'id = "hangzhou-test-2021"')
    text = re.sub(r"permits_from = .*", "permits_from = 2021-01-01", text)
    text = re.sub(r"permits_to = .*", "permits_to = 2024-02-29", text)
    (directory / "hangzhou-test-2021.toml").write_text(text, encoding="utf-8")


def at(y, m, d, hh=10, mm=0):
    """Travel to a Beijing time (the clock service reads it)."""
    return time_machine.travel(datetime(y, m, d, hh, mm, tzinfo=SHANGHAI), tick=False)


def build_claims_world(*, coinsurance: bool = False, standard=None):
    with at(2021, 6, 1):
        w = build_world()
        ConstructionPermit.objects.filter(pk=w.permit.pk).update(
            applied_on=date(2021, 5, 10), issued_on=date(2021, 5, 10)
        )
        w.permit.refresh_from_db()
        policy = quoted(w, w.permit, coinsured(w) if coinsurance else None)
        if standard is not None:
            uw.set_claims_standards(actor=w.lead.actor, policy=policy, standard=standard)
        attach_all(w, policy)
        uw.notify_participants(actor=w.developer.actor, policy=policy)
        uw.record_payment(
            actor=w.developer.actor, policy=policy, amount=policy.premium, paid_on=date(2021, 6, 1)
        )
        w.policy = uw.issue_policy(actor=w.developer.actor, policy=Policy.objects.get(pk=policy.pk))
    ConstructionPermit.objects.filter(pk=w.permit.pk).update(
        construction_started_on=date(2021, 6, 10), completion_accepted_on=COMPLETION
    )
    w.building.delivered_on = DELIVERY
    w.building.save()
    w.permit.refresh_from_db()
    # Set directly (construction started before the issue date): tell underwriting as
    # projects' record_completion_acceptance does (Hook.PERMIT_EVENTS).
    with transaction.atomic():
        uw.record_period(SYSTEM, w.permit, "completed", COMPLETION)
    sell(w.unit, w.owner, sold_on=date(2023, 8, 1))
    sell(w.unit2, w.other_owner, sold_on=date(2023, 8, 1))
    w.handler = Party(w.lead.org, make_user("handler", w.lead.org, roles=("claims_handler",)))
    w.lead_admin = Party(w.lead.org, make_user("lead_admin", w.lead.org, roles=("org_admin",)))
    gi = make_org("杭州市住宅工程质量保障机构", OrgType.GUARANTEE_INSTITUTION)
    w.guarantee = Party(gi, make_user("gi", gi, roles=("fund_manager",)))
    ap = make_org("浙江建设工程质量鉴定中心", OrgType.APPRAISER)
    w.appraiser = Party(ap, make_user("appraiser", ap))
    return w


_keys = iter(range(1, 10**9))


def filing(w, **changes) -> services.Filing:
    values = {
        "unit": w.unit,
        "category": "waterproofing",
        "place": "bathroom",
        "description": "卫生间地面渗水到楼下",
        "noticed_on": date(2025, 9, 20),
        "affects_basic_living": False,
    }
    values.update(changes)
    return services.Filing(**values)


def file(w, actor=None, key=None, **changes):
    claim, _ = services.file_claim(
        actor=actor or w.owner.actor,
        filing=filing(w, **changes),
        idempotency_key=key or f"k-{next(_keys)}",
    )
    return claim


def deadline_of(claim, kind) -> Deadline:
    return Deadline.objects.get(owner_type="claims.claim", owner_id=claim.pk, kind=kind)


def photo(name="defect.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def _state() -> dict:
    state = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("claims").get_models()
    }
    state["deadlines"] = list(Deadline.objects.order_by("pk").values())
    state["notifications"] = Notification.objects.count()
    state["audit"] = AuditEvent.objects.count()
    return state


@contextmanager
def nothing_written():
    """The block leaves every claims table, the deadlines, the outbox and the audit log as
    they were."""
    before = _state()
    yield
    assert _state() == before
