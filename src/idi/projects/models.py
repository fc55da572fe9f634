"""The built world: projects, permits, buildings, units, participants and sales."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from idi.parties.models import District, Organisation


class HousingType(models.TextChoices):
    AFFORDABLE = "affordable", _("保障房")
    COMMERCIAL = "commercial", _("商品房")


class ProjectHousingType(models.TextChoices):
    AFFORDABLE = "affordable", _("保障房")
    COMMERCIAL = "commercial", _("商品房")
    MIXED = "mixed", _("混合")


class Project(models.Model):
    name = models.CharField(_("项目名称"), max_length=200)
    developer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="projects", verbose_name=_("建设单位")
    )
    district = models.CharField(_("所属区县"), max_length=16, choices=District.choices)
    housing_type = models.CharField(
        _("住房类型"), max_length=16, choices=ProjectHousingType.choices
    )
    address = models.CharField(_("项目地址"), max_length=300, blank=True)
    created_at = models.DateTimeField(verbose_name=_("登记时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "项目")
        verbose_name_plural = pgettext_lazy("models", "项目")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(district="city"), name="project_in_a_district"
            ),
            models.UniqueConstraint(
                fields=["developer", "name"], name="project_name_per_developer"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlanningPermit(models.Model):
    """工程规划许可证: every construction permit under it has the same lead insurer (R-U2)."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="planning_permits", verbose_name=_("项目")
    )
    number = models.CharField(_("工程规划许可证号"), max_length=64, unique=True)
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "建设工程规划许可证")
        verbose_name_plural = pgettext_lazy("models", "建设工程规划许可证")

    def __str__(self) -> str:
        return self.number


class ConstructionPermit(models.Model):
    """施工许可证: one permit is one insured subject and one policy (R-U2).

    The date it was first applied for picks the rule pack (R-U1).
    """

    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="construction_permits",
        verbose_name=_("项目"),
    )
    planning_permit = models.ForeignKey(
        PlanningPermit,
        on_delete=models.PROTECT,
        related_name="construction_permits",
        verbose_name=_("建设工程规划许可证"),
    )
    number = models.CharField(_("施工许可证号"), max_length=64, unique=True)
    applied_on = models.DateField(_("申领日期"))
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    construction_started_on = models.DateField(_("开工日期"), null=True, blank=True)
    completion_accepted_on = models.DateField(_("竣工验收合格日期"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "施工许可证")
        verbose_name_plural = pgettext_lazy("models", "施工许可证")
        ordering = ["project", "number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(issued_on__isnull=True)
                | models.Q(issued_on__gte=models.F("applied_on")),
                name="permit_issued_after_applied",
            ),
            # Construction starts under an issued permit, and completes after it starts.
            models.CheckConstraint(
                condition=models.Q(construction_started_on__isnull=True)
                | models.Q(construction_started_on__gte=models.F("issued_on")),
                name="permit_started_after_issued",
            ),
            models.CheckConstraint(
                condition=models.Q(completion_accepted_on__isnull=True)
                | models.Q(completion_accepted_on__gte=models.F("construction_started_on")),
                name="permit_completed_after_started",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Building(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("项目")
    )
    permit = models.ForeignKey(
        ConstructionPermit,
        on_delete=models.PROTECT,
        related_name="buildings",
        verbose_name=_("施工许可证"),
    )
    name = models.CharField(_("楼栋"), max_length=64)
    housing_type = models.CharField(_("住房类型"), max_length=16, choices=HousingType.choices)
    fully_decorated = models.BooleanField(_("全装修"), default=False)
    floors_above = models.PositiveSmallIntegerField(_("地上层数"))
    floors_below = models.PositiveSmallIntegerField(_("地下层数"), default=0)
    delivered_on = models.DateField(_("交付日期"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "楼栋")
        verbose_name_plural = pgettext_lazy("models", "楼栋")
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="building_name_per_project"),
            models.CheckConstraint(
                condition=models.Q(floors_above__gte=1), name="building_has_floors"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    # The project is repeated here so that a project's units list pages on one index.
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="units", verbose_name=_("项目")
    )
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("楼栋")
    )
    room_number = models.CharField(_("房号"), max_length=32)
    floor = models.SmallIntegerField(_("楼层"))
    area = models.DecimalField(_("建筑面积（㎡）"), max_digits=9, decimal_places=2)

    class Meta:
        verbose_name = pgettext_lazy("model", "房屋")
        verbose_name_plural = pgettext_lazy("models", "房屋")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["building", "room_number"], name="room_per_building"),
            models.CheckConstraint(condition=models.Q(area__gt=0), name="unit_area_positive"),
        ]
        indexes = [models.Index(fields=["project", "id"], name="unit_project_page_idx")]

    def __str__(self) -> str:
        return f"{self.building.name} {self.room_number}"


class ParticipantRole(models.TextChoices):
    CONTRACTOR = "contractor", _("施工单位")
    SUPERVISOR = "supervisor", _("监理单位")
    DESIGNER = "designer", _("设计单位")
    SURVEYOR = "surveyor", _("勘察单位")
    MATERIAL_SUPPLIER = "material_supplier", _("材料供应单位")


class Participant(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="participants", verbose_name=_("项目")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位")
    )
    role = models.CharField(_("参建角色"), max_length=32, choices=ParticipantRole.choices)

    class Meta:
        verbose_name = pgettext_lazy("model", "参建单位")
        verbose_name_plural = pgettext_lazy("models", "参建单位")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "role"], name="one_participation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class Sale(models.Model):
    """A unit sold to its buyer(s); the buyers are the owners (业主) of RULES.md."""

    unit = models.OneToOneField(
        Unit, on_delete=models.PROTECT, related_name="sale", verbose_name=_("房屋")
    )
    sold_on = models.DateField(_("销售日期"))
    contract_number = models.CharField(_("合同编号"), max_length=64, blank=True)
    buyers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="purchases")

    class Meta:
        verbose_name = pgettext_lazy("model", "销售记录")
        verbose_name_plural = pgettext_lazy("models", "销售记录")
        indexes = [models.Index(fields=["sold_on"], name="sale_sold_on_idx")]

    def __str__(self) -> str:
        return f"{self.unit} {self.sold_on}"


class ImportJobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ImportJob(models.Model):
    """A large import run in the background (docs/import.md): the file waits here until a
    worker imports it through the same service as a small one, and the job keeps the outcome.
    Only the uploader's organisation sees it (the uploader alone when the operator uploaded)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="import_jobs")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField("文件大小")
    # A check writes nothing: it reports what the file would import, or every bad row, and a
    # passed check is confirmed by the uploader as a new (importing) job.
    dry_run = models.BooleanField("仅检查", default=False)
    # The file until the worker has read it; emptied once the job ends (a passed check keeps it
    # until it is confirmed), since it holds owners' identity numbers.
    content = models.BinaryField(default=b"")
    state = models.CharField(
        "状态", max_length=16, choices=ImportJobState.choices, default=ImportJobState.QUEUED
    )
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    rows_total = models.PositiveIntegerField("总行数", null=True, blank=True)
    result = models.JSONField("导入数量", null=True, blank=True)
    error = models.JSONField("错误", null=True, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "-id"], name="import_job_org_idx")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"

    @property
    def progress_key(self) -> str:
        """Where the worker publishes the running job's progress in the shared cache."""
        return f"projects:import-job:{self.pk}"
