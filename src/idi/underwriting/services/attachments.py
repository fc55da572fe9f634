"""The insurer's plans and templates, and the developer's confirmation of each (R-U11)."""

import uuid

from django.db import transaction

from idi.core import audit, clock
from idi.core.permissions import Actor
from idi.underwriting import selectors
from idi.underwriting.codes import AuditAction, Code
from idi.underwriting.models import AttachmentKind, Policy, PolicyAttachment
from idi.underwriting.services import guards
from idi.underwriting.services._common import _locked, _refuse, _require_developer, _require_state
from idi.underwriting.transitions import EDITABLE_STATES
from idi.underwriting.uploads import detect


@transaction.atomic
def upload_attachment(*, actor: Actor, policy: Policy, kind: str, upload) -> PolicyAttachment:
    """R-U11: an insurer of the policy attaches a plan or template (a new version of its kind)."""
    policy = _locked(policy)
    guards.may_upload_attachment(actor, policy)
    _require_state(policy, EDITABLE_STATES, zh="上传附件", en="take attachments")
    if kind not in AttachmentKind.values:
        raise _refuse(
            Code.INVALID_CHOICE,
            None,
            "kind",
            f"未知的附件类型“{kind}”",
            f"unknown attachment kind '{kind}'",
        )
    found = detect(upload)
    attachment = PolicyAttachment(
        policy=policy,
        kind=kind,
        original_name=(getattr(upload, "name", "") or "")[:255],
        content_type=found.content_type,
        size=found.size,
        sha256=found.sha256,
        uploaded_by_id=actor.user_id,
        uploaded_by_org_id=actor.organisation_id,
        uploaded_at=clock.now(),
    )
    attachment.file.save(f"{kind}-{uuid.uuid4().hex}.{found.extension}", upload, save=False)
    attachment.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPLOAD_ATTACHMENT,
        obj=attachment,
        after={"policy": policy.pk, "kind": kind, "sha256": found.sha256, "size": found.size},
    )
    return attachment


@transaction.atomic
def confirm_attachment(*, actor: Actor, attachment: PolicyAttachment) -> PolicyAttachment:
    """R-U11: the developer confirms the current version of an attachment."""
    policy = _locked(attachment.policy)
    _require_developer(actor, policy, zh="确认附件", en="confirm attachments")
    _require_state(policy, EDITABLE_STATES, zh="确认附件", en="confirm attachments")
    attachment = PolicyAttachment.objects.select_for_update().get(pk=attachment.pk)
    current = selectors.current_attachments(policy).get(attachment.kind)
    if current is None or current.pk != attachment.pk:
        raise _refuse(
            Code.SUPERSEDED,
            None,
            "attachment",
            "该附件已被新版本替代，请确认最新版本",
            "a newer version of this attachment exists: confirm that one",
        )
    if attachment.confirmed_at is not None:
        raise _refuse(
            Code.ALREADY_RECORDED,
            None,
            "attachment",
            "该附件已确认",
            "the attachment is already confirmed",
        )
    attachment.confirmed_by_id = actor.user_id
    attachment.confirmed_at = clock.now()
    attachment.save(update_fields=["confirmed_by", "confirmed_at"])
    audit.record(
        actor=actor,
        action=AuditAction.CONFIRM_ATTACHMENT,
        obj=attachment,
        before={"confirmed": False},
        after={"confirmed": True, "kind": attachment.kind, "sha256": attachment.sha256},
    )
    return attachment
