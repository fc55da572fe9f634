from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One state change: who, when, what, before and after (RULES.md R-O3).

    Rows are append-only: the database refuses UPDATE (and DELETE on PostgreSQL), and each row
    carries the hash of its predecessor so that `idi audit verify` detects any edit or gap.
    """

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        verbose_name = "审计事件 / audit event"

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The single row every audit write locks: it serialises the chain and records its end,
    so that removing the newest events is detected too."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default="")
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single")]

    def __str__(self) -> str:
        return f"audit head ({self.count} events)"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌 / API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.user_id})"


class DutyRun(models.Model):
    """One run of a periodic duty (the sweep, a full audit-chain verification), so that the
    operator sees when each last ran and how it went."""

    class Duty(models.TextChoices):
        SWEEP = "sweep", _("定期处理")
        AUDIT_VERIFY = "audit_verify", _("审计链校验")

    duty = models.CharField(max_length=32, choices=Duty.choices)
    ran_at = models.DateTimeField()
    ok = models.BooleanField()
    # Records changed by a sweep, events checked by a verification.
    count = models.PositiveBigIntegerField(default=0)
    problem = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["duty", "-ran_at"], name="duty_last_run_idx")]

    def __str__(self) -> str:
        return f"{self.duty} {self.ran_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'failed'}"
