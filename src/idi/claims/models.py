"""Claims (RULES.md section 6): insurance notices, claims, repairs, disputes and money.

The database refuses what must never exist (a second claim for one filer's idempotency key, a
rating outside 1-5, a negative or zero amount, a payment share that does not belong to a
payment); the services refuse the rest with the rule that forbids it. Deadlines are stored by
the notifications app (owner "claims.claim").
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from idi.claims.tracks import get_track
from idi.core.fields import MoneyField
from idi.parties.models import Organisation
from idi.projects.models import Unit
from idi.rules.errors import is_english
from idi.underwriting.models import Policy


class ClaimStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    COMPLEX = "complex", _("复杂案件核定中")
    COVERED = "covered", _("属于保险责任")
    PARTLY_COVERED = "partly_covered", _("部分属于保险责任")
    NOT_COVERED = "not_covered", _("不属于保险责任")
    REFUSED = "refused", _("已发出拒赔通知")
    REPAIRING = "repairing", _("维修中")
    PAYING = "paying", _("赔付中")
    DONE = "done", _("维修完成待业主确认")
    REJECTED = "rejected", _("业主不认可维修")
    DISPUTED = "disputed", _("争议鉴定中")
    CONFIRMING = "confirming", _("鉴定属保险责任，待书面确认")
    CLOSED = "closed", _("已结案")
    ANSWERED = "answered", _("不属本保险处理（已答复）")
    REFERRED = "referred", _("已转交责任方")


# Statuses in which nothing more is expected of anyone.
FINAL_STATUSES = ("closed", "answered", "referred")


class Place(models.TextChoices):
    """Where in or on the home: the place a repair's warranty (R-K5) and a linked construction
    defect are matched on."""

    LIVING_ROOM = "living_room", _("客厅")
    BEDROOM = "bedroom", _("卧室")
    KITCHEN = "kitchen", _("厨房")
    BATHROOM = "bathroom", _("卫生间")
    BALCONY = "balcony", _("阳台")
    EXTERNAL_WALL = "external_wall", _("外墙")
    WINDOW = "window", _("门窗")
    ROOF = "roof", _("屋面")
    BASEMENT = "basement", _("地下室")
    STRUCTURE = "structure", _("承重结构")
    OTHER = "other", _("其他部位")


class Event(models.TextChoices):
    OTHER = "other", _("一般缺陷")
    COLLAPSE = "collapse", _("倒塌")
    CASUALTY = "casualty", _("人员伤亡")


class RoutedRole(models.TextChoices):
    INSURER = "insurer", _("主承保公司")
    DEVELOPER = "developer", _("建设单位")
    GUARANTEE_INSTITUTION = "guarantee_institution", _("保障机构")
    NONE = "none", _("不属本保险")


class InsuranceNotice(models.Model):
    """R-K1: the notice of one unit, generated from its policy and pack; its content is kept as
    generated so that what the owner was handed never changes."""

    unit = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="insurance_notice")
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="+")
    content = models.JSONField()
    generated_at = models.DateTimeField()
    handed_over_on = models.DateField("交付日期", null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"保险告知书 {self.unit_id}"


class NoticeReceipt(models.Model):
    """R-K1: one owner's confirmation that it received the unit's notice. Each buyer of a
    jointly owned home confirms for itself: the rule speaks of every owner."""

    notice = models.ForeignKey(InsuranceNotice, on_delete=models.PROTECT, related_name="receipts")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField("签收时间")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "owner"], name="one_receipt_per_owner"),
        ]

    def __str__(self) -> str:
        return f"保险告知书签收 {self.notice_id}/{self.owner_id}"


class EmergencyPlan(models.Model):
    """R-K6 / Art. 17: an insurer's emergency repair plan: how soon it answers an emergency."""

    insurer = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="emergency_plan"
    )
    response_hours = models.PositiveSmallIntegerField("应急响应时限（小时）")
    hotline = models.CharField("应急电话", max_length=32, blank=True)
    set_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(response_hours__gt=0), name="emergency_response_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.insurer} {self.response_hours}h"


class Repair(models.Model):
    """A work order (R-K3) and, once the owner accepts it, its 180-day warranty (R-K5)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=32)
    sub_item = models.CharField(max_length=32, blank=True)
    place = models.CharField(max_length=32, choices=Place.choices)
    repairer = models.CharField("维修单位", max_length=200, blank=True)
    scope = models.TextField("维修范围", blank=True)
    started_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    accepted_on = models.DateField(null=True, blank=True)
    warranty_until = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["unit", "category", "place", "warranty_until"],
                condition=Q(warranty_until__isnull=False),
                name="repair_warranty_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True) | Q(warranty_until__isnull=False),
                name="accepted_repair_has_warranty",
            )
        ]

    def __str__(self) -> str:
        return f"维修 #{self.pk}"


class Claim(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="claims")
    policy = models.ForeignKey(
        Policy, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Set when the developer or the insurer filed on the owner's behalf.
    filed_for_owner_by = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(max_length=100)
    filed_at = models.DateTimeField()
    filed_on = models.DateField("受理日")  # the filing's date in Asia/Shanghai
    category = models.CharField("类别", max_length=32)
    sub_item = models.CharField("附加险分项", max_length=32, blank=True)
    place = models.CharField("部位", max_length=32, choices=Place.choices)
    description = models.TextField("问题描述")
    noticed_on = models.DateField("发现日期")
    affects_basic_living = models.BooleanField("影响基本生活", default=False)
    event = models.CharField(max_length=16, choices=Event.choices, default=Event.OTHER)
    # R-C5 on the filing date.
    coverage_status = models.CharField(max_length=32)
    window_start = models.DateField(null=True, blank=True)
    window_end = models.DateField(null=True, blank=True)
    insurer_channel = models.BooleanField(default=False)
    track = models.CharField(max_length=32, default="claim")
    routed_role = models.CharField(max_length=32, choices=RoutedRole.choices)
    routed_org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField("答复", blank=True)
    status = models.CharField(max_length=32, choices=ClaimStatus.choices)
    is_open = models.BooleanField(default=True)
    # The earliest due date among the claim's running deadlines: what the queue sorts on.
    next_due = models.DateField(null=True, blank=True)
    emergency = models.BooleanField(default=False)
    complex_reason = models.TextField(blank=True)
    outcome = models.CharField(max_length=32, blank=True)
    reasons = models.TextField(blank=True)
    determined_amount = MoneyField(null=True, blank=True)
    determined_on = models.DateField(null=True, blank=True)
    refusal_reasons = models.TextField(blank=True)
    refusal_notified_on = models.DateField(null=True, blank=True)
    remedy = models.CharField(max_length=16, blank=True)
    agreed_amount = MoneyField(null=True, blank=True)
    agreed_on = models.DateField(null=True, blank=True)
    repair = models.OneToOneField(
        Repair, null=True, blank=True, on_delete=models.PROTECT, related_name="claim"
    )
    # R-K5: the earlier accepted repair whose warranty this claim falls under.
    linked_repair = models.ForeignKey(
        Repair, null=True, blank=True, on_delete=models.PROTECT, related_name="warranty_claims"
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    owner_comment = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["filed_by", "idempotency_key"], name="one_claim_per_idempotency_key"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="claim_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(agreed_amount__isnull=True) | Q(agreed_amount__gte=0),
                name="claim_agreed_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(determined_amount__isnull=True) | Q(determined_amount__gte=0),
                name="claim_determined_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(is_open=False) | Q(closed_on__isnull=True), name="open_claim_not_closed"
            ),
        ]
        indexes = [
            # The insurer's queue: what is due first, per handling organisation.
            models.Index(
                fields=["routed_org", "next_due", "id"],
                condition=Q(is_open=True),
                name="claim_queue_idx",
            ),
            models.Index(fields=["unit", "-id"], name="claim_unit_idx"),
            models.Index(fields=["policy", "-id"], name="claim_policy_idx"),
            models.Index(fields=["status", "-id"], name="claim_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The claim number people quote: its filing day and its id."""
        return f"CL{self.filed_on:%Y%m%d}-{self.pk:07d}"

    @property
    def status_label(self) -> str:
        return status_label_of(self.status, track=self.track)


class PhotoKind(models.TextChoices):
    REPORT = "report", _("报案照片")
    BEFORE = "before", _("维修前")
    AFTER = "after", _("维修后")


def photo_path(instance: "ClaimPhoto", filename: str) -> str:
    return f"claims/claim-{instance.claim_id}/{filename}"


class ClaimPhoto(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="photos")
    kind = models.CharField(max_length=16, choices=PhotoKind.choices)
    file = models.FileField(upload_to=photo_path, max_length=300)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["claim", "id"]
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="photo_not_empty")]

    def __str__(self) -> str:
        return f"照片 #{self.pk}"


class EmergencyRepair(models.Model):
    """R-K6: the emergency repair opened at filing, with its response timer in hours."""

    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="emergency_repair")
    insurer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    respond_by = models.DateTimeField(null=True, blank=True)  # None: the insurer has no plan
    responded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["respond_by"],
                condition=Q(responded_at__isnull=True, escalated_at__isnull=True),
                name="emergency_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"应急维修 #{self.pk}"


class DisputeAbout(models.TextChoices):
    DETERMINATION = "determination", _("核定结果")
    REPAIR = "repair", _("维修质量")


class Dispute(models.Model):
    """R-K7: the owner's dispute, the appraiser's finding and who pays the fee."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="disputes")
    about = models.CharField(max_length=16, choices=DisputeAbout.choices)
    reason = models.TextField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_on = models.DateField()
    appraiser = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finding = models.CharField(max_length=16, blank=True)
    fee = MoneyField(null=True, blank=True)
    fee_payer = models.CharField(max_length=16, blank=True)  # "insurer" or "owner"
    decided_on = models.DateField(null=True, blank=True)
    confirmed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["claim", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fee__isnull=True) | Q(fee__gte=0), name="appraisal_fee_not_negative"
            ),
            models.UniqueConstraint(
                fields=["claim"], condition=Q(decided_on__isnull=True), name="one_open_dispute"
            ),
        ]

    def __str__(self) -> str:
        return f"争议 #{self.pk}"


class ClaimPayment(models.Model):
    """An indemnity paid on a claim (R-K9), split by share in ClaimPaymentShare (R-U10)."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payments")
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="+")
    amount = MoneyField()
    paid_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["claim", "id"]
        indexes = [models.Index(fields=["policy"], name="claim_payment_policy_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="claim_payment_positive")
        ]

    def __str__(self) -> str:
        return f"赔款 {self.amount}"


class ClaimPaymentShare(models.Model):
    payment = models.ForeignKey(ClaimPayment, on_delete=models.PROTECT, related_name="shares")
    insurer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    amount = MoneyField()

    class Meta:
        ordering = ["payment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["payment", "insurer"], name="one_part_per_insurer"),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="claim_payment_part_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.insurer_id} {self.amount}"


class Recovery(models.Model):
    """R-K8: what the insurer recovered from a responsible organisation after paying."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="recoveries")
    from_org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    amount = MoneyField()
    recovered_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["claim", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_positive")]

    def __str__(self) -> str:
        return f"追偿 {self.amount}"


def status_label_of(status: str, *, track: str) -> str:
    """A claim status as people read it, the statuses a registered track adds included."""
    handler = get_track(track)
    if handler is not None and status in handler.statuses:
        zh, en = handler.statuses[status]
        return en if is_english(get_language()) else zh
    # Not get_status_display(): it rebuilds the dict of every choice on each call, which a page
    # of claims pays for on every row.
    try:
        return str(ClaimStatus(status).label)
    except ValueError:
        return status


class ClaimEvent(models.Model):
    """One line of the claim's timeline, as the owner reads it."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    action = models.CharField(max_length=64)
    actor_label = models.CharField(max_length=150)
    status = models.CharField(max_length=32)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["claim", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at}"
