"""Stored deadlines of any app's objects, and the notifications they (and others) send.

A deadline belongs to an object of a higher app, named by its model label and id (this app
sits below every app that has deadlines, so it holds no foreign key to them). Its due date is
computed by `idi.rules` when the clock starts and stored; reading never recomputes it, except
that loading a new year's calendar recomputes open provisional ones (R-T5).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from idi.rules.errors import is_english


class Basis(models.TextChoices):
    LEGAL = "legal", _("法定时限")
    POLICY = "policy", _("保单承诺时限")  # R-U13: stricter than the law


OPEN = Q(met_on__isnull=True, cancelled_on__isnull=True)


class Deadline(models.Model):
    owner_type = models.CharField("所属对象类型", max_length=64)  # e.g. "claims.claim"
    owner_id = models.BigIntegerField("所属对象")
    kind = models.CharField("期限类型", max_length=64)  # a deadline kind of the rule pack
    pack_id = models.CharField("规则包", max_length=64)
    # R-U13: the insurer's committed time in the kind's unit, when it made one.
    committed_days = models.PositiveSmallIntegerField(null=True, blank=True)
    from_date = models.DateField("起算日")
    due = models.DateField("届满日")
    moved_from = models.DateField("顺延前届满日", null=True, blank=True)  # R-T3
    provisional = models.BooleanField("暂定", default=False)  # R-T5
    basis = models.CharField(max_length=8, choices=Basis.choices, default=Basis.LEGAL)
    remind_on = models.DateField("提醒日")
    met_on = models.DateField("完成日", null=True, blank=True)
    # No longer running without being met: replaced (R-K2 complex) or made moot by the process.
    cancelled_on = models.DateField("终止日", null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_type", "owner_id", "kind"],
                condition=OPEN,
                name="one_open_deadline_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(due__gte=models.F("from_date")), name="due_after_from"
            ),
            models.CheckConstraint(
                condition=Q(met_on__isnull=True) | Q(cancelled_on__isnull=True),
                name="deadline_met_or_cancelled",
            ),
        ]
        indexes = [
            models.Index(fields=["owner_type", "owner_id"], name="deadline_owner_idx"),
            # The sweep's two questions, each on a small partial index.
            models.Index(
                fields=["remind_on"],
                condition=OPEN & Q(reminder_sent_at__isnull=True, escalated_at__isnull=True),
                name="deadline_reminder_due_idx",
            ),
            models.Index(
                fields=["due"],
                condition=OPEN & Q(escalated_at__isnull=True),
                name="deadline_escalation_due_idx",
            ),
            models.Index(
                fields=["due"],
                condition=OPEN & Q(provisional=True),
                name="deadline_provisional_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.due}"

    @property
    def is_open(self) -> bool:
        return self.met_on is None and self.cancelled_on is None


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("到期提醒")
    ESCALATION = "escalation", _("逾期督办")
    INFO = "info", _("通知")


class Notification(models.Model):
    """One message to one user: the outbox row the senders deliver and the in-app inbox entry."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    deadline = models.ForeignKey(
        Deadline, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    # Written in both languages when sent; each reader sees the one its page is in. A body that
    # is someone's own words (a reply, reasons) has no English of its own: `body` is shown.
    subject = models.CharField("标题", max_length=200)
    subject_en = models.CharField("英文标题", max_length=200, blank=True)
    body = models.TextField("内容", blank=True)
    body_en = models.TextField("英文内容", blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            # A reminder or an escalation reaches each recipient once, however many sweeps run.
            models.UniqueConstraint(
                fields=["deadline", "recipient", "kind"],
                condition=Q(deadline__isnull=False),
                name="one_notification_per_deadline_event",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(fields=["recipient", "-id"], name="notification_inbox_idx"),
            models.Index(
                fields=["id"], condition=Q(sent_at__isnull=True), name="notification_outbox_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def subject_in_language(self) -> str:
        return self.subject_en if self.subject_en and is_english(get_language()) else self.subject

    @property
    def body_in_language(self) -> str:
        return self.body_en if self.body_en and is_english(get_language()) else self.body
