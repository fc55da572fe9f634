"""The append-only, keyed and anchored audit log (RULES.md R-O3, DESIGN "Audit").

Each event carries HMAC-SHA256(key, its content + the previous event's hash). The key
(`IDI_AUDIT_KEY`, by default a per-machine file `var/audit_key`) is never in the database, so
someone with database access can neither edit an event nor recompute the chain after an edit.

A keyed chain alone does not show that its newest events were cut off (with the head row moved
back). The periodic sweep therefore writes a signed checkpoint outside the database
(`IDI_AUDIT_CHECKPOINT_DIR`, one JSON file per checkpoint, never rewritten): the number of events,
the head hash, the time, the previous checkpoint's signature and an HMAC over all of it.
`verify` checks the chain against the key and every checkpoint and says what was removed or
rewritten; events after the last checkpoint are reported as not yet anchored.
"""

import hashlib
import hmac
import json
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from idi.core import clock
from idi.core.models import AuditChainHead, AuditEvent
from idi.core.permissions import Actor

GENESIS = "0" * 64
# A verification lists at most this many problems; a rewritten chain fails at every event.
MAX_PROBLEMS = 20


def _normalise(value: Any) -> Any:
    """The JSON form the database will hand back, so that the hash survives a round trip."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _key() -> bytes:
    return str(settings.IDI_AUDIT_KEY).encode("utf-8")


def key_id(key: bytes) -> str:
    """Names the key in a checkpoint without revealing it."""
    return hashlib.sha256(b"idi-audit-key-id:" + key).hexdigest()[:16]


def _canonical(payload: dict[str, Any]) -> bytes:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def _digest(*, prev_hash: str, event: AuditEvent, key: bytes | None = None) -> str:
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
    return hmac.new(key or _key(), _canonical(payload), hashlib.sha256).hexdigest()


# The events of the current thread's `deferred()` block, written at its end; None outside one.
_pending = threading.local()


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
    string: the list of actions stays one typed list per app, named as the services are.
    Inside `deferred()` the event is written (and chained) at the end of that block."""
    if not isinstance(action, StrEnum):
        raise TypeError(f"audit action {action!r} is not an AuditAction member")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the change's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk
    event = AuditEvent(
        at=clock.now(),
        actor_id=actor.user_id,
        actor_label=actor.label,
        action=str(action),
        object_type=object_type or "",
        object_id=str(object_id or ""),
        before=_normalise(before),
        after=_normalise(after),
    )
    pending = getattr(_pending, "events", None)
    if pending is None:
        _append([event])
    else:
        # Tied to the savepoint it was recorded in: a rolled-back savepoint drops its on-commit
        # callbacks (documented Django behaviour), and with them the marker checked at the end.
        marker = _Marker()
        transaction.on_commit(marker)
        pending.append((marker, event))
    return event


class _Marker:
    def __call__(self) -> None:
        """Nothing to do after the commit: only its presence until then is looked at."""


def _append(events: list[AuditEvent]) -> None:
    """Chain and write the events under the head row's lock, which every audited write takes
    and holds until its commit."""
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    last = head.last_hash or GENESIS
    for event in events:
        event.prev_hash = last
        event.hash = last = _digest(prev_hash=last, event=event)
    AuditEvent.objects.bulk_create(events)
    head.last_hash = last
    head.count += len(events)
    head.save(update_fields=["last_hash", "count"])


@contextmanager
def deferred():
    """Within the block, `record` keeps the events and writes them all at its end.

    Every audited write locks the chain's one head row until its commit, so all of them wait
    for each other from their first event on. A transaction whose events are recorded along
    the way (a claim's filing starts a clock, then files the claim) would hold that lock
    through the rest of its work; wrapped in this block, as the last statement of its
    transaction, it takes the lock only for the writing and the commit. Use it as the body of
    the outermost `transaction.atomic` of one action; an inner block leaves the writing to the
    outer one. Events recorded in a savepoint that was rolled back are not written."""
    if getattr(_pending, "events", None) is not None:
        yield
        return
    _pending.events = []
    try:
        yield
        pending = _pending.events
    finally:
        _pending.events = None
    connection = transaction.get_connection()
    alive = {id(func) for _, func, _ in connection.run_on_commit}
    events = [event for marker, event in pending if id(marker) in alive]
    if events:
        _append(events)


# --- checkpoints: the chain's state, signed, outside the database ---------------------------


@dataclass(frozen=True)
class Checkpoint:
    count: int
    head: str
    last_id: int | None
    at: str
    prev: str  # the previous checkpoint's signature: a missing file breaks this link
    key_id: str
    signature: str
    path: Path

    def body(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "head": self.head,
            "last_id": self.last_id,
            "at": self.at,
            "prev": self.prev,
            "key_id": self.key_id,
        }


def _sign(body: dict[str, Any], key: bytes) -> str:
    return hmac.new(key, _canonical(body), hashlib.sha256).hexdigest()


def checkpoint_dir() -> Path:
    return Path(settings.IDI_AUDIT_CHECKPOINT_DIR)


def read_checkpoints(key: bytes | None = None) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints whose signature holds, oldest first, and what is wrong with the others."""
    key = key or _key()
    found: list[Checkpoint] = []
    problems: list[str] = []
    directory = checkpoint_dir()
    paths = sorted(directory.glob("*.json")) if directory.is_dir() else []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            point = Checkpoint(
                count=int(data["count"]),
                head=str(data["head"]),
                last_id=data["last_id"],
                at=str(data["at"]),
                prev=str(data["prev"]),
                key_id=str(data["key_id"]),
                signature=str(data["hmac"]),
                path=path,
            )
        except (ValueError, KeyError, TypeError):
            problems.append(f"检查点文件无法读取 / unreadable checkpoint {path.name}")
            continue
        if not hmac.compare_digest(_sign(point.body(), key), point.signature):
            problems.append(f"检查点签名无效 / checkpoint {path.name} has an invalid signature")
            continue
        if found and point.prev != found[-1].signature:
            problems.append(f"检查点缺失或被替换 / a checkpoint before {path.name} is missing")
        found.append(point)
    found.sort(key=lambda point: point.count)
    return found, problems


def _write(point: dict[str, Any], key: bytes) -> Path:
    directory = checkpoint_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stamp = point["at"].replace("-", "").replace(":", "").replace("+0000", "Z")
    path = directory / f"{point['count']:012d}-{stamp}.json"
    text = json.dumps({**point, "hmac": _sign(point, key)}, sort_keys=True, indent=1)
    # "x": never overwrite a checkpoint; read-only once written.
    with path.open("x", encoding="utf-8") as out:
        out.write(text + "\n")
    os.chmod(path, 0o444)
    return path


@transaction.atomic
def write_checkpoint(*, actor: Actor) -> int:
    """The sweep's duty: anchor the chain as it stands, once its new events verify. Returns 1
    when a checkpoint was written, 0 when nothing was new. Holding the chain head's lock, it is
    safe on several workers: the second finds nothing new."""
    key = _key()
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    points, problems = read_checkpoints(key)
    if problems:
        raise RuntimeError("; ".join(problems))
    last = points[-1] if points else None
    if last is not None and last.count == head.count and last.head == (head.last_hash or GENESIS):
        return 0
    events = AuditEvent.objects.order_by("id")
    prev = GENESIS
    if last is not None:
        events = events.filter(id__gt=last.last_id or 0)
        prev = last.head
    count = last.count if last else 0
    last_id = last.last_id if last else None
    for event in events.iterator(chunk_size=2000):
        if event.prev_hash != prev or _digest(prev_hash=prev, event=event, key=key) != event.hash:
            raise RuntimeError(f"audit chain broken at event #{event.pk}: not anchored")
        prev, count, last_id = event.hash, count + 1, event.pk
    if (prev, count) != (head.last_hash or GENESIS, head.count):
        raise RuntimeError("audit chain head does not match its events: not anchored")
    _write(
        {
            "count": count,
            "head": prev,
            "last_id": last_id,
            "at": clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+0000"),
            "prev": last.signature if last else "",
            "key_id": key_id(key),
        },
        key,
    )
    return 1


# --- verification ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int  # events verified before the first problem
    problem: str | None = None
    event_id: int | None = None
    problems: tuple[str, ...] = ()
    total: int = 0
    checkpoints: int = 0
    unanchored: int = 0  # events after the last checkpoint


def verify() -> Verification:
    """Recompute the keyed chain and hold it against every checkpoint; report what was removed
    or rewritten (the first problem also as `problem` / `event_id`)."""
    key = _key()
    points, problems = read_checkpoints(key)
    anchors = {point.count: point for point in points}
    first: tuple[str, int | None] | None = None
    checked = 0
    prev = GENESIS
    position = 0
    rewritten: list[int] = []

    def note(text: str, event_id: int | None) -> None:
        nonlocal first
        problems.append(text)
        if first is None:
            first = (text, event_id)

    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        position += 1
        if event.prev_hash != prev:
            note(
                f"链断裂：事件 #{event.pk} 之前有事件被删除或插入 / broken link / events "
                f"removed or inserted before event #{event.pk}",
                event.pk,
            )
        elif _digest(prev_hash=prev, event=event, key=key) != event.hash:
            if first is None:
                first = ("altered content / 内容被篡改", event.pk)
            rewritten.append(event.pk)
        elif first is None:
            checked += 1
        point = anchors.get(position)
        if point is not None and point.head != event.hash:
            note(
                f"检查点 {point.at} 之前的事件被改写 / events up to the checkpoint of {point.at} "
                f"({point.count} events) were rewritten: event #{event.pk} is not its head",
                event.pk,
            )
        prev = event.hash
    if rewritten:
        problems.append(
            f"{len(rewritten)} 个事件的签名与密钥不符 / {len(rewritten)} event(s) do not carry the "
            f"key's signature (altered, or the chain recomputed without the key): "
            f"#{rewritten[0]}" + (f" … #{rewritten[-1]}" if len(rewritten) > 1 else "")
        )
    total = position
    last = points[-1] if points else None
    if last is not None and total < last.count:
        note(
            f"{last.count - total} 个事件在检查点 {last.at} 之后被删除 / {last.count - total} "
            f"event(s) removed: the checkpoint of {last.at} anchored {last.count} events "
            f"(head {last.head[:12]}…), the database holds {total}",
            None,
        )
    head = AuditChainHead.objects.filter(id=1).first()
    head_hash, head_count = (head.last_hash or GENESIS, head.count) if head else (GENESIS, 0)
    if head_hash != prev or head_count != total:
        note("events missing at the end / 末尾事件缺失", None)
    if first is None and problems:
        first = (problems[0], None)
    shown = tuple(problems[:MAX_PROBLEMS])
    if len(problems) > MAX_PROBLEMS:
        shown += (
            f"… {len(problems) - MAX_PROBLEMS} more / 另有 {len(problems) - MAX_PROBLEMS} 处",
        )
    return Verification(
        ok=not problems,
        checked=checked,
        problem=first[0] if first else None,
        event_id=first[1] if first else None,
        problems=shown,
        total=total,
        checkpoints=len(points),
        unanchored=max(0, total - (last.count if last else 0)),
    )
