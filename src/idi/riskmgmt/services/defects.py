"""The defect state machine (R-R5, R-R6): confirmation, dispute and appraisal, evidence,
rectification and the confirmations that close a defect."""

import uuid

from django.db import transaction

from idi.core import audit, clock
from idi.core.errors import Forbidden
from idi.core.formats import in_language
from idi.core.limits import MAX_TEXT, too_long
from idi.core.permissions import Actor
from idi.notifications.services import notify
from idi.parties.models import Organisation, OrgType
from idi.projects.models import ParticipantRole
from idi.riskmgmt import selectors
from idi.riskmgmt.codes import AuditAction, Code
from idi.riskmgmt.models import (
    Defect,
    DefectEvent,
    DefectStatus,
    Evidence,
    EvidenceStage,
)
from idi.riskmgmt.services._common import (
    EVIDENCE_STATUSES,
    S,
    _money,
    _org,
    _refuse,
    _require_developer,
    _text,
)
from idi.riskmgmt.transitions import DEFECT_TRANSITIONS, TRANSITION_AUDIT
from idi.underwriting.uploads import detect

# --- the defect state machine (R-R5, R-R6) ----------------------------------------------------


def _locked_defect(defect: Defect) -> Defect:
    return (
        Defect.objects.select_for_update(of=("self",))
        .select_related("project", "engagement", "appraiser")
        .get(pk=defect.pk)
    )


def _wrong_state(defect: Defect, rule: str = "R-R5"):
    return _refuse(
        rule,
        "status",
        f"缺陷当前状态为“{in_language(DefectStatus(defect.status).label, 'zh-hans')}”，"
        "不能办理此项，请刷新页面查看缺陷进展",
        f"the defect is “{in_language(DefectStatus(defect.status).label, 'en')}” and "
        "cannot take this step; reload the page to see where it stands",
        Code.INVALID_STATE,
    )


def _move(actor: Actor, defect: Defect, action: str, *, note: str = "", **changes) -> Defect:
    """Check (status, action) against DEFECT_TRANSITIONS, apply, log the event, audit."""
    target = DEFECT_TRANSITIONS.get((defect.status, action))
    if target is None:
        raise _wrong_state(defect)
    before = selectors.defect_state(defect)
    now = clock.now()
    for name, value in changes.items():
        setattr(defect, name, value)
    defect.status = target
    if target in (S.CLOSED, S.DISMISSED):
        defect.closed_at = now
    defect.save()
    DefectEvent.objects.create(
        defect=defect,
        action=action,
        from_status=before["status"],
        to_status=target,
        by_id=actor.user_id,
        by_label=actor.label,
        by_org_id=actor.organisation_id,
        at=now,
        note=note,
    )
    audit.record(
        actor=actor,
        action=TRANSITION_AUDIT[action],
        obj=defect,
        before=before,
        after=selectors.defect_state(defect),
    )
    return defect


def _responsible(defect: Defect, org_id, *, field: str, rule: str, extra=()) -> Organisation:
    org = _org(org_id, field, rule=rule)
    allowed = selectors.participant_ids(defect.project_id) | {defect.project.developer_id, *extra}
    if org.pk not in allowed:
        raise _refuse(
            rule,
            field,
            f"{org.name} 不是本项目的参建单位",
            f"{org.name} is not a party of this project",
            Code.NOT_A_PARTICIPANT,
        )
    return org


@transaction.atomic
def confirm_defect(*, actor: Actor, defect: Defect, responsible: int) -> Defect:
    """The developer records the participants' confirmation and the responsible unit (R-R5)."""
    defect = _locked_defect(defect)
    _require_developer(actor, defect.project.developer_id, "确认缺陷")
    org = _responsible(defect, responsible, field="responsible", rule="R-R5")
    return _move(actor, defect, "confirm", responsible=org)


@transaction.atomic
def dispute_defect(*, actor: Actor, defect: Defect, reason: str) -> Defect:
    """The developer or a participant disputes the RMA's finding (R-R6)."""
    defect = _locked_defect(defect)
    parties = selectors.participant_ids(defect.project_id) | {defect.project.developer_id}
    if actor.organisation_id not in parties:
        raise Forbidden("仅建设单位或参建单位可提出异议", "developer or participants only")
    reason = _text(reason, "reason", rule="R-R6", zh="争议理由", en="the reason")
    return _move(actor, defect, "dispute", note=reason, dispute_reason=reason)


def _appraiser(pk, *, field: str = "appraiser") -> Organisation:
    expert = _org(pk, field, rule="R-R6")
    if expert.org_type != OrgType.APPRAISER:
        raise _refuse(
            "R-R6",
            field,
            f"{expert.name} 不是鉴定机构",
            f"{expert.name} is no appraiser",
            Code.NOT_APPRAISER,
        )
    return expert


@transaction.atomic
def choose_appraiser(*, actor: Actor, defect: Defect, appraiser: int) -> Defect:
    """R-R6 (Art. 12): the developer records the appraiser the parties chose jointly for a
    disputed defect; from then on that appraiser sees the defect and makes the finding. Until
    the finding the parties may choose again (an appraiser may decline the case): the new
    choice replaces the old one, and both are in the defect's history and the audit log."""
    defect = _locked_defect(defect)
    if (
        actor.organisation_type != OrgType.DEVELOPER
        or actor.organisation_id != defect.project.developer_id
    ):
        raise Forbidden(
            "仅本项目建设单位可登记共同选定的鉴定机构",
            "only the project's developer may record the jointly chosen appraiser",
            rule="R-R6",
        )
    if defect.status != S.DISPUTED:
        raise _wrong_state(defect, rule="R-R6")
    expert = _appraiser(appraiser)
    if expert.pk == defect.appraiser_id:
        raise _refuse(
            "R-R6",
            "appraiser",
            f"{expert.name} 已是本缺陷选定的鉴定机构",
            f"{expert.name} is already the appraiser chosen for this defect",
            Code.ALREADY_RECORDED,
        )
    defect = _move(actor, defect, "choose_appraiser", note=expert.name, appraiser=expert)
    notify(
        actor=actor,
        recipients=selectors.member_ids({expert.pk}),
        subject=f"缺陷 #{defect.pk} 有争议：请作出鉴定结论",
        subject_en=f"Defect #{defect.pk} is disputed: you are asked for the appraisal finding",
        body=defect.dispute_reason,
        link=f"/riskmgmt/defects/{defect.pk}/",
    )
    return defect


def _require_finder(actor: Actor, defect: Defect) -> None:
    """The developer (on the appraiser's written finding) or the chosen appraiser itself."""
    chosen = actor.organisation_type == OrgType.APPRAISER and (
        defect.appraiser_id is not None and actor.organisation_id == defect.appraiser_id
    )
    developer = (
        actor.organisation_type == OrgType.DEVELOPER
        and actor.organisation_id == defect.project.developer_id
    )
    if not (chosen or developer):
        raise Forbidden(
            "仅本项目建设单位或共同选定的鉴定机构可登记鉴定结论",
            "only the project's developer or the jointly chosen appraiser may record the finding",
            rule="R-R6",
        )


@transaction.atomic
def record_appraisal(
    *, actor: Actor, defect: Defect, responsible: int, fee, appraiser: int | None = None
) -> Defect:
    """R-R6 (Art. 12): the jointly chosen appraiser's finding, recorded by that appraiser or by
    the developer on its written finding; the responsible party bears the fee. Once an
    appraiser is chosen the finding is that appraiser's (`appraiser` may then be left out).
    When the RMA is found responsible the defect is dismissed."""
    defect = _locked_defect(defect)
    _require_finder(actor, defect)
    if defect.status != S.DISPUTED:
        raise _wrong_state(defect)
    if appraiser is None and defect.appraiser_id is None:
        raise _refuse("R-R6", "appraiser", "请选择鉴定机构", "name the appraiser", Code.REQUIRED)
    expert = _appraiser(defect.appraiser_id if appraiser is None else appraiser)
    if defect.appraiser_id is not None and expert.pk != defect.appraiser_id:
        raise _refuse(
            "R-R6",
            "appraiser",
            f"本缺陷共同选定的鉴定机构是{defect.appraiser.name}，鉴定结论应由其作出",
            f"the appraiser jointly chosen for this defect is {defect.appraiser.name}; "
            "the finding is theirs",
            Code.NOT_CHOSEN_APPRAISER,
        )
    amount = _money(fee, "fee", rule="R-R6")
    org = _responsible(
        defect, responsible, field="responsible", rule="R-R6", extra=(defect.engagement.rma_id,)
    )
    dismissed = org.pk == defect.engagement.rma_id
    note = f"{expert.name}: {org.name} {amount}"
    return _move(
        actor,
        defect,
        "appraisal_dismissed" if dismissed else "appraisal",
        note=note,
        appraiser=expert,
        appraisal_fee=amount,
        responsible=defect.responsible if dismissed else org,
    )


@transaction.atomic
def upload_evidence(*, actor: Actor, defect: Defect, stage: str, upload) -> Evidence:
    """Before/after photos of a rectification, checked by content (R-R5)."""
    defect = _locked_defect(defect)
    if actor.organisation_id not in (defect.responsible_id, defect.engagement.rma_id):
        raise Forbidden("仅责任单位或风险管理机构可上传整改资料", "responsible unit or RMA only")
    if stage not in EvidenceStage.values:
        raise _refuse(
            "R-R5",
            "stage",
            "照片应注明是整改前还是整改后",
            "say whether the photo is from before or after the rectification",
        )
    if defect.status not in EVIDENCE_STATUSES:
        raise _refuse(
            "R-R5",
            "status",
            f"缺陷当前状态为“{in_language(DefectStatus(defect.status).label, 'zh-hans')}”，"
            "不能再上传整改资料",
            f"the defect is “{in_language(DefectStatus(defect.status).label, 'en')}” and takes "
            "no more evidence",
            Code.INVALID_STATE,
        )
    found = detect(upload)
    evidence = Evidence(
        defect=defect,
        stage=stage,
        original_name=(getattr(upload, "name", "") or "")[:255],
        content_type=found.content_type,
        size=found.size,
        sha256=found.sha256,
        uploaded_by_id=actor.user_id,
        uploaded_by_org_id=actor.organisation_id,
        uploaded_at=clock.now(),
    )
    evidence.file.save(f"{stage}-{uuid.uuid4().hex}.{found.extension}", upload, save=False)
    evidence.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPLOAD_EVIDENCE,
        obj=evidence,
        after={"defect": defect.pk, "stage": stage, "sha256": found.sha256, "size": found.size},
    )
    return evidence


@transaction.atomic
def rectify_defect(*, actor: Actor, defect: Defect, explanation: str) -> Defect:
    """The responsible unit reports the repair with an explanation and after-photos (R-R5)."""
    defect = _locked_defect(defect)
    if actor.organisation_id is None or actor.organisation_id != defect.responsible_id:
        raise Forbidden("仅责任单位可提交整改", "only the responsible unit may do this")
    explanation = _text(
        explanation, "explanation", rule="R-R5", zh="整改情况说明", en="explanation"
    )
    if (
        defect.status == S.CONFIRMED
        and not defect.evidence.filter(stage=EvidenceStage.AFTER).exists()
    ):
        raise _refuse(
            "R-R5",
            "evidence",
            "请先上传整改后照片或资料",
            "upload the after-rectification photos first",
            Code.EVIDENCE_MISSING,
        )
    return _move(actor, defect, "rectify", note=explanation, explanation=explanation)


@transaction.atomic
def supervisor_confirm_defect(*, actor: Actor, defect: Defect) -> Defect:
    """The project's supervisor confirms the rectification (R-R5)."""
    defect = _locked_defect(defect)
    supervisors = selectors.participant_ids(defect.project_id, role=ParticipantRole.SUPERVISOR)
    if actor.organisation_id not in supervisors:
        raise Forbidden("仅本项目监理单位可确认整改", "only the project's supervisor")
    return _move(actor, defect, "supervisor-confirm")


@transaction.atomic
def developer_confirm_defect(*, actor: Actor, defect: Defect, reply: str = "") -> Defect:
    """The developer confirms and replies in writing to the insurer and the RMA (R-R5); the
    defect is closed."""
    defect = _locked_defect(defect)
    _require_developer(actor, defect.project.developer_id, "确认整改")
    reply = (reply or "").strip()
    if len(reply) > MAX_TEXT:
        raise too_long("reply", MAX_TEXT, len(reply))
    defect = _move(actor, defect, "developer-confirm", note=reply, developer_reply=reply)
    readers = {selectors.lead_insurer_id(defect.engagement.policy), defect.engagement.rma_id}
    notify(
        actor=actor,
        recipients=selectors.member_ids(readers),
        subject=f"缺陷 #{defect.pk} 已整改关闭：建设单位书面回复",
        subject_en=f"Defect #{defect.pk} rectified and closed: the developer's written reply",
        body=reply,
        link=f"/riskmgmt/defects/{defect.pk}/",
    )
    return defect
