"""The append-only, hash-chained audit log (RULES.md R-O3, DESIGN "Audit")."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from enum import StrEnum
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from idi.core import clock
from idi.core.models import AuditChainHead, AuditEvent
from idi.core.permissions import Actor

GENESIS = "0" * 64


def _normalise(value: Any) -> Any:
    """The JSON form the database will hand back, so that the hash survives a round trip."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _digest(*, prev_hash: str, event: AuditEvent) -> str:
    payload = {
        "prev": prev_hash,
        "at": event.at.astimezone(UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record(
    *,
    actor: Actor,
    action: StrEnum,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the transaction of the change it records.

    `action` is a member of an app's `AuditAction` enum (`<app>/codes.py`), never a bare
    string: the list of actions stays one typed list per app, named as the services are."""
    if not isinstance(action, StrEnum):
        raise TypeError(f"audit action {action!r} is not an AuditAction member")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the change's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    event = AuditEvent(
        at=clock.now(),
        actor_id=actor.user_id,
        actor_label=actor.label,
        action=str(action),
        object_type=object_type or "",
        object_id=str(object_id or ""),
        before=_normalise(before),
        after=_normalise(after),
        prev_hash=head.last_hash or GENESIS,
    )
    event.hash = _digest(prev_hash=event.prev_hash, event=event)
    event.save(force_insert=True)
    head.last_hash = event.hash
    head.count += 1
    head.save(update_fields=["last_hash", "count"])
    return event


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    problem: str | None = None
    event_id: int | None = None


def verify() -> Verification:
    """Recompute the whole chain; report the first event that does not fit."""
    prev = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev:
            return Verification(False, checked, "broken link / 链断裂", event.pk)
        if _digest(prev_hash=prev, event=event) != event.hash:
            return Verification(False, checked, "altered content / 内容被篡改", event.pk)
        prev = event.hash
        checked += 1
    head = AuditChainHead.objects.filter(id=1).first()
    head_hash, head_count = (head.last_hash or GENESIS, head.count) if head else (GENESIS, 0)
    if head_hash != prev or head_count != checked:
        return Verification(False, checked, "events missing at the end / 末尾事件缺失", None)
    return Verification(True, checked)
