"""Policies: one per construction permit, with shares, cover, attachments, commitments and changes.

The database refuses what must never exist (a second policy for a permit, a deductible other
than 0, a share of 0, two leads, a second premium payment); the services refuse the rest with
the rule that forbids it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from idi.core.fields import MoneyField
from idi.parties.models import Organisation
from idi.projects.models import ConstructionPermit, HousingType, Participant, Unit


class PolicyState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    QUOTE_REQUESTED = "quote_requested", _("待报价")
    QUOTED = "quoted", _("已报价")
    ACCEPTED = "accepted", _("已接受报价")
    ISSUED = "issued", _("已签发")
    IN_FORCE = "in_force", _("保险期间内")
    EXPIRED = "expired", _("保险期间届满")
    CANCELLED = "cancelled", _("已解除")


# States in which the terms are fixed and the policy is a contract.
# Plain strings: the CHECK constraints below use them and migrations must not import enums.
CONTRACT_STATES = ("issued", "in_force", "expired")
QUOTED_OR_LATER = ("quoted", "accepted", *CONTRACT_STATES)


class QuoteState(models.TextChoices):
    REQUESTED = "requested", _("待报价")
    ANSWERED = "answered", _("已报价")
    ACCEPTED = "accepted", _("已接受")
    # The developer asked again, or changed what the quote was for.
    SUPERSEDED = "superseded", _("已重新询价")
    WITHDRAWN = "withdrawn", _("已撤回")


class AdditionalSubItem(models.TextChoices):
    """The sub-items of the additional cover (R-C1, Art. 5(五)); the pack lists the valid keys."""

    DECORATION = "decoration", _("装饰装修工程")
    MEP_INSTALLATION = "mep_installation", _("电气管线、给排水管道、设备安装工程")
    HVAC = "hvac", _("供热与供冷系统工程")


class Policy(models.Model):
    """The insurance of one construction permit (R-U2) under the pack chosen at creation (R-U1)."""

    permit = models.OneToOneField(
        ConstructionPermit,
        on_delete=models.PROTECT,
        related_name="policy",
        verbose_name=_("施工许可证"),
    )
    # R-U1: chosen once from the permit's application date and never re-chosen.
    pack_id = models.CharField(_("规则包"), max_length=64)
    state = models.CharField(
        _("状态"), max_length=16, choices=PolicyState.choices, default=PolicyState.DRAFT
    )
    # The housing type whose rate floor the premium was checked against (R-U5).
    housing_type = models.CharField(
        _("费率适用住房类型"), max_length=16, choices=HousingType.choices, blank=True
    )
    contract_price = MoneyField(_("承揽工程签约合同价（元）"), null=True, blank=True)
    rate = models.DecimalField(_("费率"), max_digits=7, decimal_places=6, null=True, blank=True)
    premium = MoneyField(_("保费（元）"), null=True, blank=True)
    sum_insured = MoneyField(_("保险金额（元）"), null=True, blank=True)
    deductible = MoneyField(_("免赔额（元）"), default=0)
    risk_management_fee = MoneyField(_("风险管理费（元）"), null=True, blank=True)
    fund_contribution = MoneyField(_("保障基金计提（元）"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("创建时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("创建人"),
    )
    quoted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("报价时间"))
    # R-U6: the lead insurer's unmet qualifications as they stood when the policy was quoted,
    # each {"rule", "code", "message", "message_en"}; later filings do not rewrite them.
    quote_warnings = models.JSONField(_("报价时的提示"), default=list, blank=True)
    issued_on = models.DateField(_("签发日期"), null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True, verbose_name=_("签发时间"))
    cancelled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("解除时间"))
    cancel_reason = models.TextField(_("解除原因"), blank=True)
    # R-C2/R-C3: the insurance period, stored with its windows (PolicyWindow) when completion
    # acceptance is recorded, never recomputed on read. The period sweep finds the policies
    # whose period starts or ends by these columns (indexed below).
    period_starts_on = models.DateField(_("保险期间起始日"), null=True, blank=True)
    period_ends_on = models.DateField(_("保险期间终止日"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "保单")
        verbose_name_plural = pgettext_lazy("models", "保单")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["state", "period_starts_on"], name="policy_period_start_idx"),
            models.Index(fields=["state", "period_ends_on"], name="policy_period_end_idx"),
        ]
        constraints = [
            # R-U3: no deductible, ever.
            models.CheckConstraint(condition=Q(deductible=0), name="policy_deductible_zero"),
            models.CheckConstraint(
                condition=Q(sum_insured__isnull=True) | Q(sum_insured__gt=0),
                name="policy_sum_insured_positive",
            ),
            models.CheckConstraint(
                condition=Q(contract_price__isnull=True) | Q(contract_price__gt=0),
                name="policy_contract_price_positive",
            ),
            models.CheckConstraint(
                condition=Q(rate__isnull=True) | (Q(rate__gt=0) & Q(rate__lt=1)),
                name="policy_rate_fraction",
            ),
            models.CheckConstraint(
                condition=Q(risk_management_fee__isnull=True) | Q(risk_management_fee__gte=0),
                name="policy_rm_fee_not_negative",
            ),
            # From the quote on, every figure is there.
            models.CheckConstraint(
                condition=~Q(state__in=QUOTED_OR_LATER)
                | Q(
                    contract_price__isnull=False,
                    rate__isnull=False,
                    premium__isnull=False,
                    sum_insured__isnull=False,
                    risk_management_fee__isnull=False,
                    fund_contribution__isnull=False,
                ),
                name="policy_quoted_has_terms",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=CONTRACT_STATES) | Q(issued_on__isnull=False),
                name="policy_issued_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"IDI-{self.permit.number}"

    @property
    def number(self) -> str:
        """The policy number shown to people: one policy per permit, so the permit's number."""
        return f"IDI-{self.permit.number}"


class Quote(models.Model):
    """Art. 9: the developer asks the lead insurer for a quote; the insurer answers with the rate
    and the risk factors it weighed; the developer accepts it or asks again. One row per ask."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="quotes")
    insurer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("状态"), max_length=16, choices=QuoteState.choices, default=QuoteState.REQUESTED
    )
    request_note = models.TextField(_("询价说明"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    rate = models.DecimalField(_("费率"), max_digits=7, decimal_places=6, null=True, blank=True)
    risk_management_fee = MoneyField(_("风险管理费（元）"), null=True, blank=True)
    premium = MoneyField(_("保费（元）"), null=True, blank=True)
    # The four factors Art. 9 names; the insurer says how it weighed each.
    engineering_risk = models.TextField(_("工程风险与复杂程度"), blank=True)
    participants_quality = models.TextField(_("参建单位资质与诚信"), blank=True)
    risk_management_needs = models.TextField(_("风险管理需求"), blank=True)
    claims_history = models.TextField(_("历史理赔情况"), blank=True)
    quoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quoted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["policy", "-id"]
        constraints = [
            # One ask open at a time: the answer is to one precise request.
            models.UniqueConstraint(
                fields=["policy"],
                condition=Q(state__in=("requested", "answered")),
                name="one_open_quote_per_policy",
            ),
            models.UniqueConstraint(
                fields=["policy"], condition=Q(state="accepted"), name="one_accepted_quote"
            ),
            models.CheckConstraint(
                condition=Q(state="requested")
                | Q(state="withdrawn")
                | Q(rate__isnull=False, premium__isnull=False, quoted_at__isnull=False),
                name="answered_quote_has_rate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} #{self.pk}"


class AdditionalCover(models.Model):
    """One chosen sub-item of the additional cover with its period (R-C1: at least the pack's
    minimum, checked by the service)."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="additional_covers")
    sub_item = models.CharField(_("附加险分项"), max_length=32, choices=AdditionalSubItem.choices)
    years = models.PositiveSmallIntegerField(_("保险期限（年）"))

    class Meta:
        ordering = ["policy", "sub_item"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "sub_item"], name="one_cover_per_sub_item"),
            models.CheckConstraint(condition=Q(years__gt=0), name="additional_years_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_sub_item_display()} {self.years}年"


class PolicyWindow(models.Model):
    """R-C2/R-C3: the window of one category (or additional sub-item, R-C1) of a policy, both
    days inclusive, computed by idi.rules once completion acceptance is known and stored."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="windows")
    category = models.CharField(_("保险类别"), max_length=32)
    sub_item = models.CharField(_("附加险分项"), max_length=32, blank=True)
    years = models.PositiveSmallIntegerField(_("保险期限（年）"))
    starts_on = models.DateField(_("起始日"))
    ends_on = models.DateField(_("终止日"))

    class Meta:
        ordering = ["policy", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "category", "sub_item"], name="one_window_per_category"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="window_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        key = f"{self.category}.{self.sub_item}" if self.sub_item else self.category
        return f"{key} {self.starts_on}–{self.ends_on}"


class ShareRole(models.TextChoices):
    LEAD = "lead", _("主承保")
    FOLLOWER = "follower", _("从保")


class PolicyShare(models.Model):
    """One insurer's part of a policy (R-U4); a single insurer holds one lead share of 1.

    Art. 8: each co-insurer states its share in the co-insurance agreement; a follower confirms
    its share here (the lead states its own by quoting). A share the developer changes loses its
    confirmation, which is then given again."""

    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="shares", verbose_name=_("保单")
    )
    insurer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="policy_shares",
        verbose_name=_("保险公司"),
    )
    role = models.CharField(_("角色"), max_length=16, choices=ShareRole.choices)
    fraction = models.DecimalField(_("份额"), max_digits=5, decimal_places=4)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("共保协议确认人"),
    )
    confirmed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("共保协议确认时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "共保份额")
        verbose_name_plural = pgettext_lazy("models", "共保份额")
        ordering = ["policy", "role", "-fraction", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fraction__gt=0) & Q(fraction__lte=1), name="share_positive"
            ),
            models.UniqueConstraint(fields=["policy", "insurer"], name="one_share_per_insurer"),
            models.UniqueConstraint(
                fields=["policy"], condition=Q(role="lead"), name="one_lead_per_policy"
            ),
            # Only a follower confirms its share, and a confirmation says who and when.
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True, confirmed_by__isnull=True)
                | Q(role="follower", confirmed_at__isnull=False, confirmed_by__isnull=False),
                name="share_confirmation_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.insurer} {self.get_role_display()} {self.fraction}"


class PremiumPayment(models.Model):
    """R-U3: the premium, paid in full in one payment before issue (one row per policy)."""

    policy = models.OneToOneField(Policy, on_delete=models.PROTECT, related_name="payment")
    amount = MoneyField(_("缴费金额（元）"))
    paid_on = models.DateField(_("缴费日期"))
    reference = models.CharField(_("缴费凭证号"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} @ {self.paid_on}"


class AttachmentKind(models.TextChoices):
    """R-U11 (Art. 10, 17): what the insurer attaches before issue."""

    RISK_ASSESSMENT_PLAN = "risk_assessment_plan", _("风险评估实施方案")
    NOTICE_TEMPLATE = "notice_template", _("保险告知书模板")
    CLAIMS_PLAN = "claims_plan", _("理赔服务方案")
    EMERGENCY_PLAN = "emergency_plan", _("理赔应急预案")


def attachment_path(instance: "PolicyAttachment", filename: str) -> str:
    # The stored name never comes from the uploader; the service names the file.
    return f"underwriting/policy-{instance.policy_id}/{filename}"


class PolicyAttachment(models.Model):
    """One uploaded version of an attachment; the newest of each kind is the current one."""

    policy = models.ForeignKey(
        Policy, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("保单")
    )
    kind = models.CharField(_("附件类型"), max_length=32, choices=AttachmentKind.choices)
    file = models.FileField(upload_to=attachment_path, max_length=300, verbose_name=_("文件"))
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(max_length=100, verbose_name=_("文件类型"))
    size = models.PositiveIntegerField(verbose_name=_("文件大小（字节）"))
    sha256 = models.CharField(max_length=64, verbose_name=_("文件校验值（SHA-256）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_by_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传单位")
    )
    uploaded_at = models.DateTimeField(verbose_name=_("上传时间"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("确认人"),
    )
    confirmed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("确认时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "保单附件")
        verbose_name_plural = pgettext_lazy("models", "保单附件")
        ordering = ["policy", "kind", "-id"]
        indexes = [models.Index(fields=["policy", "kind", "-id"], name="attachment_current_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def download_name(self) -> str:
        """The name a download is saved under: never the uploader's own file name."""
        extension = self.file.name.rsplit(".", 1)[-1]
        return f"{self.kind}-{self.pk}.{extension}"


class ClaimsServiceStandard(models.Model):
    """R-U13: the times the insurer commits to in the policy, in days, never looser than the
    pack's legal times (checked by the service)."""

    policy = models.OneToOneField(Policy, on_delete=models.PROTECT, related_name="claims_standard")
    days_to_accept = models.PositiveSmallIntegerField(_("受理时限（日）"))
    days_to_survey = models.PositiveSmallIntegerField(_("查勘时限（日）"))
    days_to_determine = models.PositiveSmallIntegerField(_("核定时限（日）"))
    days_to_repair = models.PositiveSmallIntegerField(_("维修或赔付时限（日）"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(days_to_accept__gt=0)
                & Q(days_to_survey__gt=0)
                & Q(days_to_determine__gt=0)
                & Q(days_to_repair__gt=0),
                name="claims_standard_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"理赔服务标准 #{self.policy_id}"


class ParticipantNotice(models.Model):
    """R-U12: the developer's written notice to one participant, and its acknowledgement."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="participant_notices")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    notified_at = models.DateTimeField()
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["policy", "id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "participant"], name="one_notice_each"),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="acknowledgement_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"参建单位告知 #{self.pk}"


class FundContributionDue(models.Model):
    """R-F1: what the lead insurer owes the guarantee fund for this policy, recorded at issue.

    The hand-off to the fund ledger: the ledger books it; this row is never edited by it.
    """

    policy = models.OneToOneField(
        Policy,
        on_delete=models.PROTECT,
        related_name="fund_contribution_due",
        verbose_name=_("保单"),
    )
    insurer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("主承保公司")
    )
    amount = MoneyField(_("应计提金额（元）"))
    due_since = models.DateField(_("应计提日期"))
    recorded_at = models.DateTimeField(verbose_name=_("登记时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "应计提保障基金")
        verbose_name_plural = pgettext_lazy("models", "应计提保障基金")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contribution_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.insurer} {self.amount}"


class MaintenanceDeposit(models.Model):
    """R-U9: the property maintenance deposit, paid before a policy in force may be cancelled."""

    policy = models.OneToOneField(
        Policy, on_delete=models.PROTECT, related_name="maintenance_deposit"
    )
    amount = MoneyField(_("物业保修金（元）"))
    paid_on = models.DateField(_("缴存日期"))
    reference = models.CharField(_("缴存凭证号"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="deposit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} @ {self.paid_on}"


class ChangeKind(models.TextChoices):
    CANCEL = "cancel", _("解除保险合同（退保）")
    CHANGE_TERMS = "change_terms", _("变更保险条款")
    CHANGE_INSURER = "change_insurer", _("变更保险公司")


class ChangeState(models.TextChoices):
    OPEN = "open", _("办理中")
    APPLIED = "applied", _("已执行")
    WITHDRAWN = "withdrawn", _("已撤回")


class ChangeRequest(models.Model):
    """A change to an issued policy (R-U8): what is proposed, and the consents it gathers."""

    policy = models.ForeignKey(
        Policy, on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("保单")
    )
    kind = models.CharField(_("变更类型"), max_length=16, choices=ChangeKind.choices)
    state = models.CharField(
        _("状态"), max_length=16, choices=ChangeState.choices, default=ChangeState.OPEN
    )
    reason = models.TextField(_("变更原因"))
    # The proposed terms or shares, as validated when the request was opened (decimal strings).
    proposed = models.JSONField(default=dict, blank=True, verbose_name=_("变更内容"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("申请人"),
    )
    requested_by_org = models.ForeignKey(
        Organisation,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("申请单位"),
    )
    requested_at = models.DateTimeField(verbose_name=_("申请时间"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("处理时间"))

    class Meta:
        verbose_name = pgettext_lazy("model", "保单变更申请")
        verbose_name_plural = pgettext_lazy("models", "保单变更申请")
        ordering = ["-id"]
        constraints = [
            # One change at a time: consents are given to one precise proposal.
            models.UniqueConstraint(
                fields=["policy"], condition=Q(state="open"), name="one_open_change_per_policy"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def download_name(self) -> str:
        """The name a download is saved under: never the uploader's own file name."""
        extension = self.file.name.rsplit(".", 1)[-1]
        return f"{self.kind}-{self.pk}.{extension}"


class BuyerConsent(models.Model):
    """R-U8: one buyer's written consent to one change, for one sold unit."""

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.PROTECT, related_name="consents"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    consented_on = models.DateField(_("书面同意日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["change_request", "unit", "buyer"]
        constraints = [
            models.UniqueConstraint(
                fields=["change_request", "unit", "buyer"], name="one_consent_per_buyer_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.buyer}"


class RegulatorReport(models.Model):
    """R-U8: the report of a change to the district regulator."""

    change_request = models.OneToOneField(
        ChangeRequest, on_delete=models.PROTECT, related_name="regulator_report"
    )
    district = models.CharField(_("报告区县"), max_length=16)
    regulator = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_on = models.DateField(_("报告日期"))
    reference = models.CharField(_("报告文号"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.district} {self.reported_on}"
