"""Who insures: one insurer at 100% or a co-insurance (R-U4) with the same lead for every
permit under one planning permit (R-U2)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from idi.core import audit, clock
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
from idi.underwriting.transitions import (
    EDITABLE_STATES,
    LIVE_STATES,
    QUOTING_STATES,
    SHARE_CONFIRMING_STATES,
)


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
        {
            "insurer": s.insurer_id,
            "role": s.role,
            "fraction": str(s.fraction),
            "confirmed": s.confirmed_at is not None,
        }
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
    """Art. 8: a follower's confirmation is of its own share; it stays only with a share the
    change leaves as it was (same insurer, role and fraction)."""
    confirmed = {
        (s.insurer_id, s.role, s.fraction): s
        for s in policy.shares.filter(confirmed_at__isnull=False)
    }
    policy.shares.all().delete()
    PolicyShare.objects.bulk_create(
        _new_share(policy, s, confirmed.get((s.insurer_id, s.role, s.fraction))) for s in shares
    )


def _new_share(policy: Policy, share: ShareInput, kept: PolicyShare | None) -> PolicyShare:
    return PolicyShare(
        policy=policy,
        insurer_id=share.insurer_id,
        role=share.role,
        fraction=share.fraction,
        confirmed_by_id=kept.confirmed_by_id if kept else None,
        confirmed_at=kept.confirmed_at if kept else None,
    )


@transaction.atomic
def confirm_share(*, actor: Actor, share: PolicyShare) -> PolicyShare:
    """Art. 8 (R-U4): a follower confirms its share under the co-insurance agreement, once, from
    the request for a quote on. Not a condition of issue: the rules do not make it one."""
    policy = _locked(share.policy)
    locked = PolicyShare.objects.select_for_update().filter(pk=share.pk, policy=policy).first()
    if locked is None:
        raise _refuse(
            Code.SUPERSEDED,
            "R-U4",
            "share",
            "建设单位已调整承保份额，请确认调整后的份额",
            "the developer has changed the shares: confirm your share as it now is",
        )
    guards.may_confirm_share(actor, locked)
    _require_follower(locked)
    _require_confirming_state(policy)
    if locked.confirmed_at is not None:
        raise _refuse(
            Code.ALREADY_RECORDED,
            "R-U4",
            "share",
            "本公司的共保份额已确认",
            "your share is already confirmed",
        )
    locked.confirmed_by_id = actor.user_id
    locked.confirmed_at = clock.now()
    locked.save(update_fields=["confirmed_by", "confirmed_at"])
    audit.record(
        actor=actor,
        action=AuditAction.CONFIRM_SHARE,
        obj=locked,
        before={"confirmed": False},
        after={
            "confirmed": True,
            "policy": policy.pk,
            "insurer": locked.insurer_id,
            "fraction": str(locked.fraction),
        },
    )
    return locked


def _require_follower(share: PolicyShare) -> None:
    if share.role != ShareRole.FOLLOWER:
        raise _refuse(
            Code.NOTHING_TO_DO,
            "R-U4",
            "share",
            "主承保公司以报价明确其份额，只有从保公司确认共保份额",
            "the lead insurer states its share by quoting; only a co-insurer confirms its share",
        )


def _require_confirming_state(policy: Policy) -> None:
    if policy.state in SHARE_CONFIRMING_STATES:
        return
    if policy.state == PolicyState.DRAFT:
        zh = "建设单位尚未就这些份额向主承保公司询价，份额仍可能调整；询价后再确认"
        en = (
            "the developer has not yet asked for a quote on these shares, which may still "
            "change; confirm once the lead insurer is asked"
        )
    else:
        zh = "保单已解除或保险期间已届满，无需再确认共保份额"
        en = "the policy is cancelled or its period has ended; there is no share to confirm"
    raise _refuse(Code.INVALID_STATE, "R-U4", "state", zh, en)


def _require_valid_shares(policy: Policy) -> list[ShareInput]:
    shares = _current_share_inputs(policy)
    if not shares:
        raise _refuse(
            Code.REQUIRED, "R-U4", "shares", "尚未选择保险公司", "no insurer has been chosen yet"
        )
    _check_share_inputs(selectors.pack_of(policy), shares)
    return shares
