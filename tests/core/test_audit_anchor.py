"""The audit chain is keyed (HMAC-SHA256, key outside the database) and anchored by signed
checkpoints outside the database (RULES.md R-O3): someone with database access can neither
rewrite events nor cut the newest off without `idi audit verify` saying so."""

import hashlib
import importlib
import json
import stat
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from test_audit import _record_three

from idi.core import audit
from idi.core.models import AuditChainHead, AuditEvent
from idi.core.permissions import SYSTEM
from idi.core.registry import Hook, providers

pytestmark = pytest.mark.django_db


def _drop_guard(cursor):
    """The append-only guard, lifted as someone with database access can (idempotent)."""
    if connection.vendor == "postgresql":
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
    else:
        cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")


def _plain_sha256(prev_hash: str, event) -> str:
    """What the chain was before it was keyed: anyone could recompute it."""
    payload = {
        "prev": prev_hash,
        "at": event.at.astimezone(audit.UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
    }
    return hashlib.sha256(audit._canonical(payload)).hexdigest()


def _rechain(hasher, *, start=0):
    """An attacker with database access: recompute every hash from event `start` on with
    `hasher` and move the head, as the unkeyed chain allowed."""
    events = list(AuditEvent.objects.order_by("id"))
    prev = events[start - 1].hash if start else audit.GENESIS
    with transaction.atomic(), connection.cursor() as cursor:
        _drop_guard(cursor)
        for event in events[start:]:
            event.refresh_from_db()
            new = hasher(prev, event)
            cursor.execute(
                "UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
                [prev, new, event.pk],
            )
            prev = new
    AuditChainHead.objects.filter(id=1).update(last_hash=prev, count=len(events))


def _edit_second_event():
    second = AuditEvent.objects.order_by("id")[1]
    with transaction.atomic(), connection.cursor() as cursor:
        _drop_guard(cursor)
        cursor.execute(
            "UPDATE core_auditevent SET after = %s WHERE id = %s",
            ['{"status": "quoted", "premium": "1.00"}', second.pk],
        )
    return second


def _delete_newest(n: int):
    events = list(AuditEvent.objects.order_by("id"))
    keep = events[: len(events) - n]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _drop_guard(cursor)
        for event in events[len(keep) :]:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    AuditChainHead.objects.filter(id=1).update(last_hash=keep[-1].hash, count=len(keep))


def _editor():
    """What RunPython hands the migration: the connection and a way to run SQL (the test runs
    inside a transaction, where SQLite's real schema editor cannot be opened)."""

    def execute(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)

    return SimpleNamespace(connection=connection, execute=execute)


def _checkpoint_files(settings):
    return sorted(settings.IDI_AUDIT_CHECKPOINT_DIR.glob("*.json"))


def test_R_O3_the_chain_is_keyed():
    """The stored hash is an HMAC under IDI_AUDIT_KEY, not a plain SHA-256 anyone can compute;
    under another key the chain does not verify."""
    _record_three()
    first = AuditEvent.objects.order_by("id").first()
    assert first.hash != _plain_sha256(audit.GENESIS, first)
    assert audit.verify().ok


def test_R_O3_chain_under_another_key_does_not_verify(settings):
    _record_three()
    settings.IDI_AUDIT_KEY = "another key"
    result = audit.verify()
    assert not result.ok
    assert result.event_id == AuditEvent.objects.order_by("id").first().pk


def test_R_O3_edit_then_recompute_without_the_key_is_detected(capsys):
    """Edit an event, recompute the whole chain after it with plain SHA-256 and move the head:
    verify names the first rewritten event."""
    _record_three()
    second = _edit_second_event()
    _rechain(_plain_sha256, start=1)
    result = audit.verify()
    assert not result.ok
    assert result.event_id == second.pk
    assert any("2 event(s) do not carry the key" in p for p in result.problems)
    with pytest.raises(CommandError, match=f"#{second.pk}"):
        call_command("audit", "verify")


def test_R_O3_recompute_under_a_guessed_key_is_detected():
    _record_three()
    _edit_second_event()
    _rechain(lambda prev, event: audit._digest(prev_hash=prev, event=event, key=b"guess"), start=0)
    assert not audit.verify().ok


def test_R_O3_sweep_writes_a_signed_checkpoint_outside_the_database(settings):
    """The sweep (registered through Hook.SWEEPS) writes one read-only JSON file per
    checkpoint: count, head, time, the previous checkpoint's signature and an HMAC."""
    _record_three()
    duties = dict(providers(Hook.SWEEPS))
    assert duties["审计检查点 / audit checkpoint"] is audit.write_checkpoint
    call_command("sweep")
    [path] = _checkpoint_files(settings)
    data = json.loads(path.read_text())
    head = AuditChainHead.objects.get(id=1)
    assert (data["count"], data["head"]) == (3, head.last_hash)
    assert data["prev"] == "" and len(data["hmac"]) == 64 and data["at"]
    assert settings.IDI_AUDIT_KEY not in path.read_text()
    assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    # Nothing new: no second file. New events: a new file linked to the first.
    assert audit.write_checkpoint(actor=SYSTEM) == 0
    _record_three()
    assert audit.write_checkpoint(actor=SYSTEM) == 1
    _, second = _checkpoint_files(settings)
    assert json.loads(second.read_text())["prev"] == data["hmac"]
    result = audit.verify()
    assert result.ok and (result.checkpoints, result.unanchored) == (2, 0)


def test_R_O3_deleting_the_newest_events_and_moving_the_head_is_detected(capsys):
    """What the keyed chain alone cannot show, the checkpoint does: 2 of 6 anchored events cut
    off the end with the head moved back are reported as removed."""
    _record_three()
    _record_three()
    audit.write_checkpoint(actor=SYSTEM)
    _delete_newest(2)
    result = audit.verify()
    assert not result.ok
    assert any("2 event(s) removed" in p and "anchored 6 events" in p for p in result.problems)
    with pytest.raises(CommandError, match="removed"):
        call_command("audit", "verify")


def test_R_O3_events_since_the_last_checkpoint_are_reported_unanchored(capsys):
    _record_three()
    audit.write_checkpoint(actor=SYSTEM)
    _record_three()
    call_command("audit", "verify")
    assert "3 events since the last one" in capsys.readouterr().out


def test_R_O3_rewriting_anchored_events_with_the_key_order_is_detected():
    """Even a chain recomputed with the right key (a stolen key) is caught by the checkpoint
    when the rewrite reaches anchored events."""
    _record_three()
    audit.write_checkpoint(actor=SYSTEM)
    _edit_second_event()
    _rechain(lambda prev, event: audit._digest(prev_hash=prev, event=event), start=1)
    result = audit.verify()
    assert not result.ok
    assert any("rewritten" in p for p in result.problems)


def test_R_O3_forged_or_missing_checkpoint_files_are_reported(settings):
    _record_three()
    audit.write_checkpoint(actor=SYSTEM)
    _record_three()
    audit.write_checkpoint(actor=SYSTEM)
    _record_three()
    audit.write_checkpoint(actor=SYSTEM)
    _, middle, last = _checkpoint_files(settings)
    middle.unlink()
    assert any("missing" in p for p in audit.verify().problems)
    last.chmod(0o644)
    forged = json.loads(last.read_text())
    forged["count"] = 3
    last.write_text(json.dumps(forged))
    problems = audit.verify().problems
    assert any("invalid signature" in p for p in problems)
    first_only = audit.read_checkpoints()[0]
    assert [p.count for p in first_only] == [3]


def test_R_O3_sweep_refuses_to_anchor_a_broken_chain(settings):
    _record_three()
    _edit_second_event()
    with pytest.raises(RuntimeError, match="not anchored"):
        audit.write_checkpoint(actor=SYSTEM)
    assert _checkpoint_files(settings) == []


def test_R_O3_migration_rekeys_a_plain_sha256_chain():
    """The path for events written before the chain was keyed: migration 0004 verifies the old
    SHA-256 chain and re-keys it; a chain already broken is refused, not laundered."""
    migration = importlib.import_module("idi.core.migrations.0004_audit_keyed_chain")
    _record_three()
    _rechain(_plain_sha256)
    assert not audit.verify().ok
    migration.rekey(django_apps, _editor())
    assert audit.verify().ok
    _edit_second_event()
    _rechain(_plain_sha256, start=1)
    _edit_second_event()
    with pytest.raises(RuntimeError, match="already broken"):
        migration.rekey(django_apps, _editor())
