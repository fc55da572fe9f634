"""The guarantee fund's double-entry ledger (R-F1, R-F6) and the fund's own cases (R-F3..R-F5).

Every movement is one `Entry`: one debit account, one credit account, one positive amount, so
each posting balances by construction and the database checks it. Entries are never edited or
deleted (a trigger refuses it); a correction is a reversing entry. Each `Account` carries the
running balance of its entries on its normal side, kept by the one posting function under a
row lock; the database refuses a balance below zero, so the fund account, a project's
sub-account, a receivable or an expense can never go negative.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from idi.core.fields import MoneyField
from idi.parties.models import Organisation
from idi.projects.models import Building, ConstructionPermit, Project, Unit
from idi.underwriting.models import Policy


class AccountKind(models.TextChoices):
    # The cash of the fund account (保障基金专用账户) is split into sub-accounts: one per
    # project (R-F1 sub-ledger) and the pooled general sub-account the institution manages.
    GENERAL = "general", _("统筹子账户")
    PROJECT = "project", _("项目子账户")
    CONTRIBUTION_RECEIVABLE = "contribution_receivable", _("应收计提")
    REPLENISHMENT_RECEIVABLE = "replenishment_receivable", _("应收补足")
    CONTRIBUTIONS = "contributions", _("计提")
    RECOVERIES = "recoveries", _("建设单位补足责任")
    REPAIRS = "repairs", _("先行维修支出")
    STRUCTURAL = "structural", _("结构坍塌及人员伤亡赔付")


# Accounts whose balance is credits minus debits (sources of the fund); the others are
# debits minus credits (what the fund holds, is owed, or spent).
CREDIT_NORMAL = frozenset({AccountKind.CONTRIBUTIONS, AccountKind.RECOVERIES})


class Account(models.Model):
    kind = models.CharField("科目", max_length=32, choices=AccountKind.choices)
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The debtor of a receivable: the lead insurer (contributions) or the developer.
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # kind:project:organisation; one account per combination on every database (NULLs would
    # not collide in a plain unique constraint).
    key = models.CharField(max_length=80, unique=True)
    balance = MoneyField("余额（元）", default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = "基金科目 / fund account"
        constraints = [
            # R-F6: no account of the fund ever goes below zero.
            models.CheckConstraint(condition=Q(balance__gte=0), name="fund_account_not_negative"),
            models.CheckConstraint(
                condition=Q(kind="general", project__isnull=True)
                | (~Q(kind="general") & Q(project__isnull=False)),
                name="fund_account_project_iff_not_general",
            ),
        ]
        indexes = [models.Index(fields=["project", "kind"], name="fund_account_project_idx")]

    def __str__(self) -> str:
        return self.key


class EntryKind(models.TextChoices):
    CONTRIBUTION_OWED = "contribution_owed", _("应计提")
    CONTRIBUTION_RECEIVED = "contribution_received", _("计提到账")
    REPAIR_PAYMENT = "repair_payment", _("先行维修支付")
    STRUCTURAL_PAYMENT = "structural_payment", _("结构坍塌及人员伤亡赔付")
    REPLENISHMENT_OWED = "replenishment_owed", _("应补足")
    REPLENISHMENT_RECEIVED = "replenishment_received", _("补足到账")
    TRANSFER = "transfer", _("调拨")


class Entry(models.Model):
    """One movement: `amount` leaves `credit` and arrives on `debit`. Immutable."""

    kind = models.CharField("类型", max_length=32, choices=EntryKind.choices)
    # Indexed by (debit, id) and (credit, id) below, which also serve lookups by the account
    # alone: a second single-column index would only slow every posting down.
    debit = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", db_index=False)
    credit = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", db_index=False)
    amount = MoneyField("金额（元）")
    booked_on = models.DateField("记账日期")
    posted_at = models.DateTimeField()
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    memo = models.CharField("摘要", max_length=300, blank=True)
    reference = models.CharField("凭证号", max_length=100, blank=True)
    # Only contributions owed name a policy and only payments and debts a case: both are
    # indexed where set (Meta.indexes), so that the many receipts add no index entries.
    policy = models.ForeignKey(
        Policy, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    case = models.ForeignKey(
        "FundCase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        db_index=False,
    )
    # A correction names the entry it reverses; an entry is reversed at most once.
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = "基金分录 / fund entry"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_entry_positive"),
            models.CheckConstraint(condition=~Q(debit=F("credit")), name="fund_entry_two_sides"),
        ]
        indexes = [
            models.Index(fields=["debit", "id"], name="fund_entry_debit_idx"),
            models.Index(fields=["credit", "id"], name="fund_entry_credit_idx"),
            models.Index(fields=["booked_on"], name="fund_entry_booked_idx"),
            models.Index(
                fields=["policy"], condition=Q(policy__isnull=False), name="fund_entry_policy_idx"
            ),
            models.Index(
                fields=["case"], condition=Q(case__isnull=False), name="fund_entry_case_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.amount}"


class CaseKind(models.TextChoices):
    ADVANCE_REPAIR = "advance_repair", _("先行维修（业主申请）")  # R-F3
    FALLBACK_REPAIR = "fallback_repair", _("代为维修（无人维修）")  # R-F4
    STRUCTURAL = "structural", _("结构坍塌及人员伤亡")  # R-F5


class CaseState(models.TextChoices):
    OPEN = "open", _("审核中")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不予批准")
    PAID = "paid", _("已支付")


# Cases paid before the insurance period that the developer repays (R-F3); R-F4 is the fund
# performing the developer's own warranty duty, so it is the developer's debt as well.
PRE_PERIOD_KINDS = ("advance_repair", "fallback_repair")


class FundCase(models.Model):
    """A use of the fund the guarantee institution decides: the evidence, the decision with its
    reasons, the payment and, before the insurance period, the developer's debt."""

    kind = models.CharField("类型", max_length=32, choices=CaseKind.choices)
    state = models.CharField("状态", max_length=16, choices=CaseState.choices, default="open")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="fund_cases")
    permit = models.ForeignKey(ConstructionPermit, on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField("保险责任类别", max_length=32)
    event = models.CharField("事件", max_length=16, default="other")
    occurred_on = models.DateField("发生日期")
    # The R-C5 status the case was opened under (developer_warranty or fund_structural).
    status = models.CharField("保障状态", max_length=32)
    description = models.TextField("情况说明")
    requested_amount = MoneyField("申请金额（元）")
    approved_amount = MoneyField("批准金额（元）", null=True, blank=True)
    reasons = models.TextField("审核理由", blank=True)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_on = models.DateField("支付日期", null=True, blank=True)
    # R-F3: the developer repays a pre-period case by this day (the day before the period).
    replenishment_due_on = models.DateField("补足期限", null=True, blank=True)
    # R-F3: the developer may deduct what it repays from the contractor's quality deposit
    # where the contractor is responsible; recorded here, it is not a movement of the fund.
    contractor = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quality_deposit_deduction = MoneyField("质量保证金扣除（元）", null=True, blank=True)
    deduction_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "基金使用案件 / fund case"
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_amount__gt=0), name="fund_case_requested_positive"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=("approved", "paid"))
                | Q(approved_amount__gt=0, decided_at__isnull=False),
                name="fund_case_approved_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(state="paid") | Q(paid_on__isnull=False), name="fund_case_paid_date"
            ),
            models.CheckConstraint(
                condition=Q(quality_deposit_deduction__isnull=True)
                | Q(quality_deposit_deduction__gt=0, contractor__isnull=False),
                name="fund_case_deduction_names_contractor",
            ),
        ]
        indexes = [models.Index(fields=["project", "state"], name="fund_case_project_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


def evidence_path(instance: "CaseEvidence", filename: str) -> str:
    return f"fund/case-{instance.case_id}/{filename}"


class CaseEvidence(models.Model):
    """A document or photo behind a fund case, accepted by its content."""

    case = models.ForeignKey(FundCase, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.original_name


class PrePeriodRequest(models.Model):
    """An owner's repair request between delivery + 3 months and the insurance period (R-F2,
    R-F3): filed as a claim, handled by the lead insurer and the developer, and, when the
    developer has neither agreed a plan nor started repair within 2 months of the first request
    (R-T6), open to the owner's written application for a fund repair."""

    claim = models.OneToOneField(
        "claims.Claim", on_delete=models.PROTECT, related_name="pre_period_request"
    )
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    # R-F3 counts from the owner's first repair request for the same defect.
    first_request_on = models.DateField("首次维修主张日")
    application_opens_on = models.DateField("可申请基金先行维修之日")
    notified_on = models.DateField("告知建设单位日", null=True, blank=True)
    site_visit_on = models.DateField("现场查看日", null=True, blank=True)
    plan_agreed_on = models.DateField("维修方案商定日", null=True, blank=True)
    plan = models.TextField("维修方案", blank=True)
    repair_started_on = models.DateField("启动维修日", null=True, blank=True)
    repair_completed_on = models.DateField("维修完成日", null=True, blank=True)
    applied_on = models.DateField("书面申请日", null=True, blank=True)
    application_reason = models.TextField("申请理由", blank=True)
    decision_reasons = models.TextField("审核理由", blank=True)
    case = models.OneToOneField(
        FundCase, null=True, blank=True, on_delete=models.PROTECT, related_name="request"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = "交付后保险期前维修申请 / pre-period repair request"

    def __str__(self) -> str:
        return f"先行维修申请 #{self.pk}"
