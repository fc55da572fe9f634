"""Who is who: organisations, their qualifications and relationships, users and their roles."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from idi.core.fields import MoneyField
from idi.parties.validators import validate_uscc


class OrgType(models.TextChoices):
    DEVELOPER = "developer", _("建设单位")
    INSURER = "insurer", _("保险公司")
    RMA = "rma", _("风险管理机构")
    CONTRACTOR = "contractor", _("施工单位")
    SUPERVISOR = "supervisor", _("监理单位")
    DESIGNER = "designer", _("设计单位")
    SURVEYOR = "surveyor", _("勘察单位")
    MATERIAL_SUPPLIER = "material_supplier", _("材料供应单位")
    APPRAISER = "appraiser", _("第三方鉴定机构")
    GUARANTEE_INSTITUTION = "guarantee_institution", _("保障机构")
    REGULATOR = "regulator", _("建设行政主管部门")


class District(models.TextChoices):
    CITY = "city", _("杭州市（市级）")
    SHANGCHENG = "shangcheng", _("上城区")
    GONGSHU = "gongshu", _("拱墅区")
    XIHU = "xihu", _("西湖区")
    BINJIANG = "binjiang", _("滨江区")
    XIAOSHAN = "xiaoshan", _("萧山区")
    YUHANG = "yuhang", _("余杭区")
    LINPING = "linping", _("临平区")
    QIANTANG = "qiantang", _("钱塘区")
    FUYANG = "fuyang", _("富阳区")
    LINAN = "linan", _("临安区")
    TONGLU = "tonglu", _("桐庐县")
    CHUNAN = "chunan", _("淳安县")
    JIANDE = "jiande", _("建德市")


class Organisation(models.Model):
    name = models.CharField(_("名称"), max_length=200)
    org_type = models.CharField(_("类型"), max_length=32, choices=OrgType.choices)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc]
    )
    # A regulator's jurisdiction (a district or the whole city); for others, where registered.
    district = models.CharField(_("所属区县"), max_length=16, choices=District.choices, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    created_at = models.DateTimeField(verbose_name=_("登记时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "单位")
        verbose_name_plural = pgettext_lazy("models", "单位")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(org_type="regulator") | ~models.Q(district=""),
                name="regulator_has_district",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class InsurerQualification(models.Model):
    """A year's figures behind the lead-insurer conditions of G 2.1 (RULES.md R-U6)."""

    insurer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="qualifications",
        verbose_name=_("保险公司"),
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    registered_capital = MoneyField(_("注册资本金（元）"))
    solvency_ratio = models.DecimalField(_("偿付能力充足率"), max_digits=7, decimal_places=4)
    has_quality_department = models.BooleanField(_("配备工程质量管理部门"), default=False)
    has_idi_lead_experience = models.BooleanField(_("具有主承保经验"), default=False)

    class Meta:
        verbose_name = pgettext_lazy("model", "保险公司资质")
        verbose_name_plural = pgettext_lazy("models", "保险公司资质")
        ordering = ["insurer", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["insurer", "year"], name="one_qualification_per_year"),
            models.CheckConstraint(condition=models.Q(solvency_ratio__gte=0), name="solvency_ge_0"),
            models.CheckConstraint(
                condition=models.Q(registered_capital__gte=0), name="registered_capital_ge_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.insurer} {self.year}"


class RelationshipKind(models.TextChoices):
    SUBSIDIARY = "subsidiary", _("隶属（母子公司）")
    AFFILIATE = "affiliate", _("关联关系")
    SHAREHOLDER = "shareholder", _("持股")
    OTHER_INTEREST = "other_interest", _("其他利害关系")


class OrganisationRelationship(models.Model):
    """A declared relationship between two organisations, checked for RMA independence (R-R2)."""

    from_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("申报单位")
    )
    to_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("关联单位")
    )
    kind = models.CharField(_("关系"), max_length=32, choices=RelationshipKind.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    declared_at = models.DateTimeField(verbose_name=_("申报时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "单位关联关系")
        verbose_name_plural = pgettext_lazy("models", "单位关联关系")
        constraints = [
            models.UniqueConstraint(fields=["from_org", "to_org", "kind"], name="one_declaration"),
            models.CheckConstraint(
                condition=~models.Q(from_org=models.F("to_org")), name="relationship_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_org} → {self.to_org} ({self.get_kind_display()})"


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("单位管理员")
    STAFF = "staff", _("经办人")
    UNDERWRITER = "underwriter", _("承保人员")
    CLAIMS_HANDLER = "claims_handler", _("理赔人员")
    INSPECTOR = "inspector", _("检查人员")
    FUND_MANAGER = "fund_manager", _("基金管理人员")
    REGULATOR = "regulator", _("监管人员")
    OWNER = "owner", _("业主")


class Profile(models.Model):
    """What the platform knows of a user beyond the log-in: organisation, roles, identity.

    A user belongs to at most one organisation; an owner (业主) belongs to none.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("账号"),
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("所属单位"),
    )
    roles = models.JSONField(_("角色"), default=list)
    real_name = models.CharField(_("姓名"), max_length=100, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "账号资料")
        verbose_name_plural = pgettext_lazy("models", "账号资料")
        indexes = [models.Index(fields=["id_number"], name="profile_id_number_idx")]
        constraints = [
            # One person, one owner account: imports and sales find owners by ID number.
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~models.Q(id_number=""),
                name="one_profile_per_id_number",
            ),
        ]

    def __str__(self) -> str:
        return self.real_name or self.user.get_username()
