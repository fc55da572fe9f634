"""Who may submit each form about a policy. A form page is never served to someone who may not
submit it (issue 7): the page runs the guard before it shows the form (403; a policy the actor
may not know is a 404 before that), and the service runs the same guard before it writes, so
that the two never disagree."""

from idi.core.errors import Forbidden
from idi.core.permissions import Actor
from idi.underwriting import selectors
from idi.underwriting.models import Policy, PolicyShare
from idi.underwriting.services._common import (
    _require_developer,
    _require_developer_or_lead,
    _require_lead,
)
from idi.underwriting.transitions import EDITABLE_STATES


def may_set_terms(actor: Actor, policy: Policy) -> None:
    _require_developer(actor, policy, zh="填写保险条款", en="set the terms")


def may_set_shares(actor: Actor, policy: Policy) -> None:
    _require_developer(actor, policy, zh="选择保险公司", en="choose the insurers")


def may_confirm_share(actor: Actor, share: PolicyShare) -> None:
    """Art. 8: only the insurer holding the share confirms it."""
    if (
        actor.organisation_id is None
        or actor.organisation_id != share.insurer_id
        or not actor.has_role(*selectors.UNDERWRITING_ROLES)
    ):
        raise Forbidden(
            "仅持有该份额的保险公司的承保人员可确认共保份额",
            "only the underwriters of the insurer holding the share may confirm it",
            rule="R-U4",
        )


def may_record_payment(actor: Actor, policy: Policy) -> None:
    _require_developer_or_lead(actor, policy, zh="登记缴费", en="record the payment")


def may_record_deposit(actor: Actor, policy: Policy) -> None:
    _require_developer(actor, policy, zh="登记物业保修金", en="record the maintenance deposit")


def may_give_quote(actor: Actor, policy: Policy) -> None:
    _require_lead(actor, policy, zh="报价", en="quote")


def may_set_claims_standards(actor: Actor, policy: Policy) -> None:
    _require_lead(actor, policy, zh="设定理赔服务标准", en="set the claims service standards")


def may_upload_attachment(actor: Actor, policy: Policy) -> None:
    if selectors.underwriting_share_of(actor, policy) is None:
        raise Forbidden(
            "仅本保单保险公司的承保人员可上传附件",
            "only the policy's insurers' underwriters may upload",
        )


def may_cancel(actor: Actor, policy: Policy) -> None:
    """Before issue the developer cancels directly; once issued, the developer or the lead
    insurer, through a cancellation request."""
    if policy.state in EDITABLE_STATES:
        _require_developer(actor, policy, zh="取消投保", en="cancel the policy")
    else:
        _require_developer_or_lead(actor, policy, zh="解除保险合同", en="cancel the policy")


def may_open_change(actor: Actor, policy: Policy) -> None:
    if selectors.is_developer_of(actor, policy) or selectors.underwriting_share_of(actor, policy):
        return
    raise Forbidden(
        "仅建设单位或承保公司的承保人员可申请变更",
        "only the developer or an insurer's underwriters may request a change",
    )


def may_withdraw_change(actor: Actor, policy: Policy) -> None:
    if selectors.is_developer_of(actor, policy) or selectors.underwriting_share_of(actor, policy):
        return
    raise Forbidden(
        "仅建设单位或承保公司的承保人员可撤回变更申请",
        "only the developer or an insurer's underwriters may withdraw a change request",
    )


def may_carry_out_change(actor: Actor, policy: Policy) -> None:
    _require_developer_or_lead(actor, policy, zh="执行变更", en="carry out a change")
