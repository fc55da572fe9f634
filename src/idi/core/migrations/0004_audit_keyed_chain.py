"""Key the audit chain: every existing event's hash becomes HMAC-SHA256 with IDI_AUDIT_KEY.

Before this migration the chain was plain SHA-256, which anyone with database access could
recompute after an edit. The migration first verifies the old chain completely (it refuses to
launder a chain that is already broken: run `idi audit verify` on the old version and restore
from backup first), then recomputes every hash with the key, in id order, with the append-only
guard lifted for this one transaction, and moves the chain head. Run it with the production
IDI_AUDIT_KEY in the environment; the next sweep writes the first checkpoint.

The hash payload is copied here, not imported, so that this migration keeps meaning what it
meant when later code changes.
"""

import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings
from django.db import migrations

GENESIS = "0" * 64


def _payload(prev_hash: str, event) -> bytes:
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
    return text.encode("utf-8")


def _lift_guard(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(
            "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only"
        )
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")


def _restore_guard(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only"
        )
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
            "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
        )


def rekey(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    events = AuditEvent.objects.order_by("id")
    if not events.exists():
        return
    prev = GENESIS
    for event in events.iterator(chunk_size=2000):
        expected = hashlib.sha256(_payload(prev, event)).hexdigest()
        if event.prev_hash != prev or event.hash != expected:
            raise RuntimeError(
                f"audit chain already broken at event #{event.pk}: not re-keyed; restore the "
                "audit table from backup and migrate again"
            )
        prev = event.hash
    key = str(settings.IDI_AUDIT_KEY).encode("utf-8")
    _lift_guard(schema_editor)
    prev = GENESIS
    for event in events.iterator(chunk_size=2000):
        keyed = hmac.new(key, _payload(prev, event), hashlib.sha256).hexdigest()
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=keyed)
        prev = keyed
    AuditChainHead.objects.filter(id=1).update(last_hash=prev)
    _restore_guard(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_apitoken")]
    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
