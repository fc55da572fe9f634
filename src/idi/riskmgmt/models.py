"""Risk management during construction (RULES.md section 5): the RMA's engagement on a policy,
its kickoff and plan, process inspections and the defects they find, rectification with
evidence, the final report, the insurer's evaluation and the joint pre-period inspection."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from idi.core.fields import MoneyField
from idi.parties.models import Organisation
from idi.projects.models import Building, ConstructionPermit, Project
from idi.underwriting.models import Policy


class Stage(models.TextChoices):
    """The pack's plan stages (R-R4) and the joint inspection's (R-R8); the pack is the list
    that validates, these are the labels."""

    FOUNDATION = "foundation", _("地基基础")
    MAIN_STRUCTURE = "main_structure", _("主体结构")
    DECORATION = "decoration", _("装饰装修")
    OTHER = "other", _("其他")
    JOINT_INSPECTION = "joint_inspection", _("保险期限开始前共同查验")


class Grade(models.TextChoices):
    A = "A", _("A 一般")
    B = "B", _("B 轻微")
    C = "C", _("C 中等")
    D = "D", _("D 严重（技术）")
    E = "E", _("E 严重（质量行为）")
    R = "R", _("R 资料缺失")
    O = "O", _("O 观察项")  # noqa: E741 - the scheme's letter


class DefectStatus(models.TextChoices):
    RECORDED = "recorded", _("已记录")
    DISPUTED = "disputed", _("有争议")
    CONFIRMED = "confirmed", _("已确认待整改")
    DISMISSED = "dismissed", _("经鉴定不成立")
    RECTIFIED = "rectified", _("已整改待监理确认")
    SUPERVISOR_CONFIRMED = "supervisor_confirmed", _("监理已确认")
    CLOSED = "closed", _("建设单位已确认（关闭）")


# A defect is settled when closed with both confirmations, or found not to exist.
SETTLED_STATUSES = ("closed", "dismissed")


class Engagement(models.Model):
    """The insurer's written contract with an RMA on one policy, with its authorisation letter
    (R-R1), kickoff meeting and inspection plan (R-R3)."""

    policy = models.OneToOneField(Policy, on_delete=models.PROTECT, related_name="engagement")
    # Repeated from the policy so that every list of the app filters on one indexed column.
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="engagements")
    rma = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="engagements",
        verbose_name="风险管理机构",
    )
    fee = MoneyField("风险管理费（元）")
    contract_signed_on = models.DateField("委托合同签订日期")
    letter_valid_from = models.DateField("授权书有效期起")
    letter_valid_to = models.DateField("授权书有效期止")
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    appointed_at = models.DateTimeField()
    kickoff_held_on = models.DateField("交底会日期", null=True, blank=True)
    kickoff_attendees = models.JSONField("参会人员", default=list, blank=True)
    kickoff_minutes = models.TextField("会议纪要", blank=True)
    plan_set_on = models.DateField("检查计划提交日期", null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(fee__gt=0), name="engagement_fee_positive"),
            models.CheckConstraint(
                condition=Q(letter_valid_to__gte=models.F("letter_valid_from")),
                name="engagement_letter_span",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rma} · {self.policy}"


class PlannedStage(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField("施工阶段", max_length=32, choices=Stage.choices)
    starts_on = models.DateField("计划开始")
    ends_on = models.DateField("计划结束")

    class Meta:
        ordering = ["engagement", "starts_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "stage"], name="one_plan_row_per_stage"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="planned_stage_span"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.starts_on}..{self.ends_on}"


class Inspection(models.Model):
    """One process inspection and its report (R-R5), or the joint inspection's findings (R-R8)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="inspections")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    inspected_on = models.DateField("检查日期")
    stage = models.CharField("施工阶段", max_length=32, choices=Stage.choices)
    inspectors = models.JSONField("检查人员", default=list)
    scope = models.TextField("检查情况")
    risk_analysis = models.TextField("潜在缺陷风险分析")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-inspected_on", "-id"]
        indexes = [
            models.Index(
                fields=["engagement", "stage", "inspected_on"], name="inspection_month_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspected_on} {self.get_stage_display()}"


class Defect(models.Model):
    """A finding: where (building, floor, part), what (an R-C1 category key), how bad (grade),
    and where it stands in DEFECT_TRANSITIONS (services)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="defects")
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="defects")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField("施工阶段", max_length=32, choices=Stage.choices)
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="defects")
    floor = models.SmallIntegerField("楼层")
    part = models.CharField("部位", max_length=200)
    category = models.CharField("缺陷类别", max_length=32)
    grade = models.CharField("等级", max_length=1, choices=Grade.choices)
    major = models.BooleanField("重大缺陷", default=False)
    description = models.TextField("缺陷描述")
    proposal = models.TextField("处理建议")
    status = models.CharField(
        "状态", max_length=24, choices=DefectStatus.choices, default=DefectStatus.RECORDED
    )
    responsible = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="责任单位",
    )
    dispute_reason = models.TextField("争议理由", blank=True)
    appraiser = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appraisal_fee = MoneyField("鉴定费用（元）", null=True, blank=True)
    explanation = models.TextField("整改情况说明", blank=True)
    developer_reply = models.TextField("建设单位书面回复", blank=True)
    recorded_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["project", "-id"], name="defect_board_idx"),
            models.Index(fields=["project", "status", "-id"], name="defect_status_idx"),
            models.Index(fields=["building", "floor", "category"], name="defect_place_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(appraisal_fee__isnull=True) | Q(appraisal_fee__gte=0),
                name="defect_appraisal_fee_not_negative",
            ),
            # From confirmation on, someone is responsible for the repair (R-R5).
            models.CheckConstraint(
                condition=~Q(
                    status__in=("confirmed", "rectified", "supervisor_confirmed", "closed")
                )
                | Q(responsible__isnull=False),
                name="defect_confirmed_has_responsible",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.grade} {self.part}"


class DefectEvent(models.Model):
    """One transition of a defect: who moved it, when, from and to which status."""

    defect = models.ForeignKey(Defect, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    by_label = models.CharField(max_length=150)
    by_org = models.ForeignKey(Organisation, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["defect", "id"]

    def __str__(self) -> str:
        return f"#{self.defect_id} {self.action}"

    @property
    def status_label(self) -> str:
        """The status the event led to, as people read it."""
        return str(DefectStatus(self.to_status).label)


class EvidenceStage(models.TextChoices):
    BEFORE = "before", _("整改前")
    AFTER = "after", _("整改后")


def evidence_path(instance: "Evidence", filename: str) -> str:
    # The stored name never comes from the uploader; the service names the file.
    return f"riskmgmt/defect-{instance.defect_id}/{filename}"


class Evidence(models.Model):
    """A photo or document of a defect's rectification (R-R5), checked by content."""

    defect = models.ForeignKey(Defect, on_delete=models.PROTECT, related_name="evidence")
    stage = models.CharField("阶段", max_length=8, choices=EvidenceStage.choices)
    file = models.FileField(upload_to=evidence_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by_org = models.ForeignKey(
        Organisation, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["defect", "id"]
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="evidence_not_empty")]

    def __str__(self) -> str:
        return f"#{self.defect_id} {self.stage} {self.pk}"


class ComplianceException(models.Model):
    """A fact the platform records but does not refuse: construction started without the kickoff
    meeting or the inspection plan (R-R3). Listed for the insurer and the regulator."""

    permit = models.ForeignKey(
        ConstructionPermit, on_delete=models.PROTECT, related_name="compliance_exceptions"
    )
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(max_length=8)
    code = models.CharField(max_length=32)
    message = models.CharField(max_length=300)
    message_en = models.CharField(max_length=300)
    on = models.DateField()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["permit", "rule", "code"], name="one_exception_each")
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.code} #{self.permit_id}"


class FinalReport(models.Model):
    """R-R7 / G 3.4: written by the RMA from the data, reviewed by the lead insurer, which hands
    it to the developer."""

    engagement = models.OneToOneField(
        Engagement, on_delete=models.PROTECT, related_name="final_report"
    )
    inspections_summary = models.JSONField()
    rectification_summary = models.JSONField()
    open_items = models.JSONField()
    risk_rating = models.CharField("总体风险评价", max_length=16)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"最终检查报告 #{self.engagement_id}"


class Evaluation(models.Model):
    """R-R9: the insurer's rating of its RMA's work on one engagement."""

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="evaluations")
    rating = models.PositiveSmallIntegerField("评分")
    reasons = models.TextField("理由")
    at_final_report = models.BooleanField(default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    by_org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="evaluation_rating_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rating} #{self.engagement_id}"


class JointInspection(models.Model):
    """R-R8 / Art. 6: the developer's joint inspection with the lead insurer, the RMA and the
    contractor before the insurance period starts."""

    permit = models.OneToOneField(
        ConstructionPermit, on_delete=models.PROTECT, related_name="joint_inspection"
    )
    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="joint_inspections"
    )
    scheduled_on = models.DateField("查验日期")
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    scheduled_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"共同查验 #{self.permit_id} {self.scheduled_on}"
