"""Who insures: one insurer at 100% or a co-insurance (R-U4) with the same lead for every
permit under one planning permit (R-U2)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from idi.core import audit
from idi.core.errors import RuleViolation, RuleViolations
from idi.core.permissions import Actor
from idi.parties.models import Organisation, OrgType
from idi.rules import RulePack, Share, check_shares
from idi.underwriting import selectors
from idi.underwriting.codes import AuditAction, Code
from idi.underwriting.models import Policy, PolicyShare, PolicyState, ShareRole
from idi.underwriting.services import guards
from idi.underwriting.services._common import (
    _lock_planning_permit,
    _locked,
    _refuse,
    _require_state,
    back_to_draft,
)
from idi.underwriting.services.payments import _require_not_paid
from idi.underwriting.transitions import EDITABLE_STATES, LIVE_STATES, QUOTING_STATES


@dataclass(frozen=True)
class ShareInput:
    insurer_id: int
    role: str
    fraction: Decimal

    def to_json(self) -> dict:
        return {"insurer_id": self.insurer_id, "role": self.role, "fraction": str(self.fraction)}

    @classmethod
    def from_json(cls, data: dict) -> "ShareInput":
        return cls(int(data["insurer_id"]), data["role"], Decimal(data["fraction"]))


def _shares_snapshot(policy: Policy) -> list[dict]:
    return [
        {"insurer": s.insurer_id, "role": s.role, "fraction": str(s.fraction)}
        for s in policy.shares.order_by("id")
    ]


def _check_share_inputs(pack: RulePack, shares: list[ShareInput]) -> dict[int, Organisation]:
    """R-U4 through the engine, after making sure every insurer is one."""
    ids = [s.insurer_id for s in shares]
    insurers = Organisation.objects.in_bulk(ids)
    for index, share in enumerate(shares):
        org = insurers.get(share.insurer_id)
        if org is None or org.org_type != OrgType.INSURER:
            raise _refuse(
                Code.WRONG_PARTY,
                None,
                f"shares.{index}.insurer",
                "所选单位不是已登记的保险公司，请从保险公司名单中选择",
                "the organisation chosen is not a registered insurer; choose one from the "
                "list of insurers",
            )
    if len(set(ids)) != len(ids):
        raise _refuse(
            Code.DUPLICATE, "R-U4", "shares", "同一保险公司出现两次", "an insurer appears twice"
        )
    result = check_shares(
        pack,
        [
            Share(role=s.role, insurer=insurers[s.insurer_id].name, fraction=s.fraction)
            for s in shares
        ],
    )
    errors = [v for v in result.violations if v.severity == "error"]
    if errors:
        raise RuleViolations(
            [
                RuleViolation(
                    rule=v.rule,
                    field="shares",
                    code=v.code,
                    message=v.message_zh,
                    message_en=v.message_en,
                )
                for v in errors
            ]
        )
    return insurers


def _lead_of(shares: list[ShareInput]) -> int:
    return next(s.insurer_id for s in shares if s.role == ShareRole.LEAD)


def _check_same_lead(policy: Policy, lead_insurer_id: int) -> None:
    """R-U2: every permit under one planning permit has the same lead insurer.

    Siblings count from their request for a quote on (a draft is still a negotiation) until
    cancelled.
    """
    sibling_leads = (
        PolicyShare.objects.filter(
            role=ShareRole.LEAD,
            policy__permit__planning_permit_id=policy.permit.planning_permit_id,
            policy__state__in=(*QUOTING_STATES, *LIVE_STATES, PolicyState.EXPIRED),
        )
        .exclude(policy=policy)
        .exclude(insurer_id=lead_insurer_id)
        .select_related("insurer", "policy__permit")
    )
    other = sibling_leads.first()
    if other is not None:
        planning = policy.permit.planning_permit.number
        raise _refuse(
            Code.DIFFERENT_LEAD,
            "R-U2",
            "shares",
            f"同一工程规划许可证（{planning}）下的施工许可证 {other.policy.permit.number} "
            f"的主承保公司为“{other.insurer.name}”，本保单的主承保公司必须相同",
            f"permit {other.policy.permit.number} under the same planning permit ({planning}) "
            f"has lead insurer {other.insurer.name}; this policy must have the same lead",
        )


def _current_share_inputs(policy: Policy) -> list[ShareInput]:
    return [ShareInput(s.insurer_id, s.role, s.fraction) for s in policy.shares.order_by("id")]


@transaction.atomic
def set_shares(*, actor: Actor, policy: Policy, shares: list[ShareInput]) -> Policy:
    """The insurers: one at 100%, or a co-insurance (R-U4) whose lead is the lead of every
    permit under the same planning permit (R-U2). A policy being quoted goes back to draft."""
    _lock_planning_permit(policy)
    policy = _locked(policy)
    guards.may_set_shares(actor, policy)
    _require_state(policy, EDITABLE_STATES, zh="修改承保份额", en="change its shares")
    _require_not_paid(policy)
    _check_share_inputs(selectors.pack_of(policy), shares)
    _check_same_lead(policy, _lead_of(shares))
    before = {"state": policy.state, "shares": _shares_snapshot(policy)}
    if policy.state in QUOTING_STATES:
        back_to_draft(actor, policy)
        policy.save()
    _replace_shares(policy, shares)
    audit.record(
        actor=actor,
        action=AuditAction.SET_SHARES,
        obj=policy,
        before=before,
        after={"state": policy.state, "shares": _shares_snapshot(policy)},
    )
    return policy


def _replace_shares(policy: Policy, shares: list[ShareInput]) -> None:
    policy.shares.all().delete()
    PolicyShare.objects.bulk_create(
        PolicyShare(policy=policy, insurer_id=s.insurer_id, role=s.role, fraction=s.fraction)
        for s in shares
    )


def _require_valid_shares(policy: Policy) -> list[ShareInput]:
    shares = _current_share_inputs(policy)
    if not shares:
        raise _refuse(
            Code.REQUIRED, "R-U4", "shares", "尚未选择保险公司", "no insurer has been chosen yet"
        )
    _check_share_inputs(selectors.pack_of(policy), shares)
    return shares
