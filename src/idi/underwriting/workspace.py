"""What underwriting puts on each party's workspace: the next step of every policy, for the
party whose step it is (Art. 8, 9, 10; R-U3, R-U4, R-U11, R-U12), and the figures of an
insurer's book and a regulator's district. Registered in UnderwritingConfig.ready()
(Hook.TASKS, FIGURES)."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Sum
from django.urls import reverse

from idi.core.permissions import Actor
from idi.core.rulebook import insurable_permit_dates
from idi.core.workspace import Figure, FigureKind, Task, task
from idi.parties.models import District, OrgType
from idi.projects.models import ConstructionPermit, Participant, ParticipantRole
from idi.underwriting.models import (
    AttachmentKind,
    ClaimsServiceStandard,
    FundContributionDue,
    ParticipantNotice,
    Policy,
    PolicyAttachment,
    PolicyShare,
    PolicyState,
    PremiumPayment,
    ShareRole,
)
from idi.underwriting.selectors import UNDERWRITING_ROLES
from idi.underwriting.transitions import SHARE_CONFIRMING_STATES

OPEN_STATES = (
    PolicyState.DRAFT,
    PolicyState.QUOTE_REQUESTED,
    PolicyState.QUOTED,
    PolicyState.ACCEPTED,
)
PARTICIPANT_TYPES = frozenset(ParticipantRole.values)


def _policy_url(policy: Policy, anchor: str = "") -> str:
    return reverse("underwriting:detail", args=[policy.pk]) + (f"#{anchor}" if anchor else "")


def _attachment_status(policy_ids: list[int]) -> dict[int, dict[str, bool]]:
    """Per policy, the kinds uploaded and whether their current version is confirmed."""
    status: dict[int, dict[str, bool]] = defaultdict(dict)
    rows = (
        PolicyAttachment.objects.filter(policy_id__in=policy_ids)
        .order_by("policy_id", "kind", "-id")
        .values_list("policy_id", "kind", "confirmed_at")
    )
    for policy_id, kind, confirmed_at in rows:
        status[policy_id].setdefault(kind, confirmed_at is not None)
    return status


def _open_policies(**scope):
    return (
        Policy.objects.filter(state__in=OPEN_STATES, **scope)
        .select_related("permit__project")
        .annotate(
            share_count=Count("shares", distinct=True),
            paid=Exists(PremiumPayment.objects.filter(policy=OuterRef("pk"))),
        )
        .order_by("pk")
    )


def _with_unnotified(policies: list[Policy]) -> list[Policy]:
    """Set `unnotified` on each policy: how many of its project's participants have no notice
    yet (R-U12), in two queries whatever the number of policies."""
    participants: dict[int, set[int]] = defaultdict(set)
    for project_id, pk in Participant.objects.filter(
        project_id__in={p.permit.project_id for p in policies}
    ).values_list("project_id", "pk"):
        participants[project_id].add(pk)
    notified: dict[int, set[int]] = defaultdict(set)
    for policy_id, participant_id in ParticipantNotice.objects.filter(
        policy_id__in=[p.pk for p in policies]
    ).values_list("policy_id", "participant_id"):
        notified[policy_id].add(participant_id)
    for policy in policies:
        policy.unnotified = len(participants[policy.permit.project_id] - notified[policy.pk])
    return policies


def _developer_tasks(actor: Actor) -> list[Task]:
    tasks: list[Task] = []
    policies = _with_unnotified(
        list(_open_policies(permit__project__developer_id=actor.organisation_id))
    )
    attachments = _attachment_status([p.pk for p in policies])
    for policy in policies:
        subject = f"{policy.permit.project.name} · {policy.number}"

        def add(kind: str, zh: str, en: str, url: str, subject: str = subject) -> None:
            tasks.append(task(kind=kind, title_zh=zh, title_en=en, subject=subject, url=url))

        if policy.state == PolicyState.DRAFT:
            if policy.contract_price is None:
                add(
                    "underwriting.set_terms",
                    "填写保险条款",
                    "Enter the terms of the policy",
                    reverse("underwriting:terms", args=[policy.pk]),
                )
            elif not policy.share_count:
                add(
                    "underwriting.set_shares",
                    "选择保险公司及份额",
                    "Choose the insurers and their shares",
                    reverse("underwriting:shares", args=[policy.pk]),
                )
            else:
                add(
                    "underwriting.request_quote",
                    "向主承保公司询价",
                    "Ask the lead insurer for a quote",
                    _policy_url(policy, "quote"),
                )
        if policy.state == PolicyState.QUOTED:
            add(
                "underwriting.decide_quote",
                "保险公司已报价：接受报价或重新询价",
                "The insurer has quoted: accept the quote or ask again",
                _policy_url(policy, "quote"),
            )
        status = attachments.get(policy.pk, {})
        if any(not confirmed for confirmed in status.values()):
            add(
                "underwriting.confirm_attachments",
                "确认保险公司上传的附件",
                "Confirm the attachments the insurer uploaded",
                _policy_url(policy, "attachments"),
            )
        if policy.unnotified:
            add(
                "underwriting.notify_participants",
                "书面告知参建单位已投保",
                "Notify the participants in writing that the project is insured",
                _policy_url(policy, "participant-notices"),
            )
        if policy.state == PolicyState.ACCEPTED and not policy.paid:
            add(
                "underwriting.record_payment",
                "一次性缴纳保费并登记",
                "Pay the premium in one payment and record it",
                reverse("underwriting:payment", args=[policy.pk]),
            )
        ready = (
            policy.state == PolicyState.ACCEPTED
            and policy.paid
            and not policy.unnotified
            and len(status) == len(AttachmentKind.values)
            and all(status.values())
        )
        if ready:
            add(
                "underwriting.issue",
                "签发保单",
                "Issue the policy",
                _policy_url(policy, "issue-steps"),
            )
    tasks.extend(_permits_to_insure(actor))
    tasks.extend(_starts_to_record(actor))
    return tasks


def _permits_to_insure(actor: Actor) -> list[Task]:
    """Permits without a policy whose construction has not started: insure before it does.
    A permit no pack governs (R-U1) cannot be insured: its page says why instead."""
    permits = (
        ConstructionPermit.objects.filter(
            project__developer_id=actor.organisation_id,
            construction_started_on__isnull=True,
        )
        .filter(insurable_permit_dates())
        .exclude(Exists(Policy.objects.filter(permit=OuterRef("pk"))))
        .select_related("project")
        .order_by("pk")
    )
    return [
        task(
            kind="underwriting.create_draft",
            title_zh="为施工许可证投保（须在开工前签订保险合同）",
            title_en="Insure the permit (the policy is signed before construction starts)",
            subject=f"{permit.project.name} · {permit.number}",
            url=reverse("underwriting:create") + f"?permit={permit.pk}",
        )
        for permit in permits
    ]


def _starts_to_record(actor: Actor) -> list[Task]:
    permits = (
        ConstructionPermit.objects.filter(
            project__developer_id=actor.organisation_id,
            construction_started_on__isnull=True,
            policy__state=PolicyState.ISSUED,
        )
        .select_related("project")
        .order_by("pk")
    )
    return [
        task(
            kind="underwriting.record_construction_start",
            title_zh="保单已签发：开工后登记开工日期",
            title_en="The policy is issued: record the date construction starts",
            subject=f"{permit.project.name} · {permit.number}",
            url=reverse("projects:permit_start", args=[permit.pk]),
        )
        for permit in permits
    ]


def _insurer_tasks(actor: Actor) -> list[Task]:
    tasks: list[Task] = []
    lead_of = PolicyShare.objects.filter(
        insurer_id=actor.organisation_id, role=ShareRole.LEAD
    ).values("policy_id")
    policies = _with_unnotified(
        list(
            _open_policies(pk__in=lead_of).annotate(
                has_standard=Exists(ClaimsServiceStandard.objects.filter(policy=OuterRef("pk")))
            )
        )
    )
    attachments = _attachment_status([p.pk for p in policies])
    for policy in policies:
        subject = f"{policy.permit.project.name} · {policy.number}"
        if policy.state == PolicyState.QUOTE_REQUESTED:
            tasks.append(
                task(
                    kind="underwriting.give_quote",
                    title_zh="建设单位询价：报出费率及考虑的风险因素",
                    title_en="The developer asks for a quote: give the rate and the risk factors",
                    subject=subject,
                    url=reverse("underwriting:give_quote", args=[policy.pk]),
                )
            )
        missing = [k for k in AttachmentKind.values if k not in attachments.get(policy.pk, {})]
        if missing and policy.share_count:
            labels_zh = "、".join(str(AttachmentKind(k).label) for k in missing)
            tasks.append(
                task(
                    kind="underwriting.upload_attachment",
                    title_zh=f"上传签发前的附件：{labels_zh}",
                    title_en=f"Upload the attachments needed before issue ({len(missing)})",
                    subject=subject,
                    url=reverse("underwriting:attachment_upload", args=[policy.pk]),
                )
            )
        if not policy.has_standard:
            tasks.append(
                task(
                    kind="underwriting.set_claims_standards",
                    title_zh="设定承诺的理赔服务时限",
                    title_en="Set the claims service times the policy commits to",
                    subject=subject,
                    url=reverse("underwriting:claims_standards", args=[policy.pk]),
                )
            )
        status = attachments.get(policy.pk, {})
        if (
            policy.state == PolicyState.ACCEPTED
            and policy.paid
            and not policy.unnotified
            and len(status) == len(AttachmentKind.values)
            and all(status.values())
        ):
            tasks.append(
                task(
                    kind="underwriting.issue",
                    title_zh="签发保单",
                    title_en="Issue the policy",
                    subject=subject,
                    url=_policy_url(policy, "issue-steps"),
                )
            )
    tasks.extend(_shares_to_confirm(actor))
    return tasks


def _shares_to_confirm(actor: Actor) -> list[Task]:
    """Art. 8: a co-insurer confirms its share under the co-insurance agreement once the
    developer has asked for a quote on it (see SHARE_CONFIRMING_STATES)."""
    shares = (
        PolicyShare.objects.filter(
            insurer_id=actor.organisation_id,
            role=ShareRole.FOLLOWER,
            confirmed_at__isnull=True,
            policy__state__in=SHARE_CONFIRMING_STATES,
        )
        .select_related("policy__permit__project")
        .order_by("policy_id")
    )
    return [
        task(
            kind="underwriting.confirm_share",
            title_zh="确认共保份额（共保协议）",
            title_en="Confirm your share under the co-insurance agreement",
            subject=f"{share.policy.permit.project.name} · {share.policy.number}",
            url=_policy_url(share.policy, "share-confirm"),
            rule="R-U4",
        )
        for share in shares
    ]


def _participant_tasks(actor: Actor) -> list[Task]:
    notices = (
        ParticipantNotice.objects.filter(
            participant__organisation_id=actor.organisation_id, acknowledged_at__isnull=True
        )
        .select_related("policy__permit__project")
        .order_by("pk")
    )
    return [
        task(
            kind="underwriting.acknowledge_notice",
            title_zh="确认收到投保告知，并配合风险检查",
            title_en="Acknowledge the insurance notice and cooperate with risk inspections",
            subject=f"{n.policy.permit.project.name} · {n.policy.number}",
            url=reverse("underwriting:notices") + f"#notice-{n.pk}",
        )
        for n in notices
    ]


def _regulator_tasks(actor: Actor) -> list[Task]:
    """R-U1: affordable housing must be insured; a permit under construction without an issued
    policy is an exception the regulator sees without asking (R-O1)."""
    permits = ConstructionPermit.objects.filter(
        construction_started_on__isnull=False,
        buildings__housing_type="affordable",
    ).exclude(policy__state__in=(PolicyState.ISSUED, PolicyState.IN_FORCE, PolicyState.EXPIRED))
    if actor.district != District.CITY:
        permits = permits.filter(project__district=actor.district)
    return [
        task(
            kind="underwriting.uninsured_affordable_housing",
            title_zh="核查：保障房已开工但未签发保单",
            title_en="Check: affordable housing under construction without an issued policy",
            subject=f"{permit.project.name} · {permit.number}",
            url=reverse("projects:detail", args=[permit.project_id]),
        )
        for permit in permits.select_related("project").distinct().order_by("pk")
    ]


def tasks(actor: Actor) -> list[Task]:
    kind = actor.organisation_type
    if kind == OrgType.DEVELOPER:
        return _developer_tasks(actor)
    if kind == OrgType.INSURER:
        return _insurer_tasks(actor) if actor.has_role(*UNDERWRITING_ROLES) else []
    if kind == OrgType.REGULATOR:
        return _regulator_tasks(actor)
    if kind in PARTICIPANT_TYPES:
        return _participant_tasks(actor)
    return []


def _book(actor: Actor) -> list[Figure]:
    shares = PolicyShare.objects.filter(
        insurer_id=actor.organisation_id,
        policy__state__in=(PolicyState.ISSUED, PolicyState.IN_FORCE),
    ).select_related("policy")
    count = 0
    premium = Decimal(0)
    sum_insured = Decimal(0)
    for share in shares:
        count += 1
        premium += (share.policy.premium or 0) * share.fraction
        sum_insured += (share.policy.sum_insured or 0) * share.fraction
    pending = Policy.objects.filter(
        state=PolicyState.QUOTE_REQUESTED,
        shares__insurer_id=actor.organisation_id,
        shares__role=ShareRole.LEAD,
    ).count()
    policies = reverse("underwriting:list")
    return [
        Figure("underwriting.policies", "有效保单（件）", "Policies in force", count, url=policies),
        Figure(
            "underwriting.premium_share",
            "承保份额保费",
            "Premium of the company's shares",
            premium.quantize(Decimal("0.01")),
            FigureKind.MONEY,
        ),
        Figure(
            "underwriting.sum_insured_share",
            "承保份额保险金额",
            "Sum insured of the company's shares",
            sum_insured.quantize(Decimal("0.01")),
            FigureKind.MONEY,
        ),
        Figure("underwriting.quotes_requested", "待报价（件）", "Quotes requested", pending),
    ]


def _district_policies(actor: Actor) -> list[Figure]:
    policies = Policy.objects.all()
    if actor.district != District.CITY:
        policies = policies.filter(permit__project__district=actor.district)
    issued = policies.filter(state__in=(PolicyState.ISSUED, PolicyState.IN_FORCE))
    totals = issued.aggregate(n=Count("pk"), premium=Sum("premium"))
    return [
        Figure(
            "underwriting.policies",
            "辖区有效保单（件）",
            "Policies in force in the district",
            totals["n"] or 0,
            url=reverse("underwriting:list"),
        ),
        Figure(
            "underwriting.premium",
            "辖区保费合计",
            "Premium in the district",
            totals["premium"] or Decimal("0.00"),
            FigureKind.MONEY,
        ),
        Figure(
            "underwriting.in_negotiation",
            "投保办理中（件）",
            "Policies being negotiated",
            policies.filter(state__in=OPEN_STATES).count(),
        ),
    ]


def _fund_due(actor: Actor) -> list[Figure]:
    """R-F1: what the lead insurers owe the fund since issue; the fund books what it received."""
    totals = FundContributionDue.objects.aggregate(n=Count("pk"), amount=Sum("amount"))
    return [
        Figure(
            "underwriting.fund_contributions_due",
            "应计提保障基金（件）",
            "Fund contributions due",
            totals["n"] or 0,
        ),
        Figure(
            "underwriting.fund_contributions_due_amount",
            "应计提保障基金金额",
            "Fund contributions due (amount)",
            totals["amount"] or Decimal("0.00"),
            FigureKind.MONEY,
        ),
    ]


def figures(actor: Actor) -> list[Figure]:
    kind = actor.organisation_type
    if kind == OrgType.INSURER:
        return _book(actor)
    if kind == OrgType.REGULATOR:
        return _district_policies(actor)
    if kind == OrgType.GUARANTEE_INSTITUTION:
        return _fund_due(actor)
    return []
