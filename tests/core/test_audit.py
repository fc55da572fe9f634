"""The audit log: every state change is recorded and chained by hash (RULES.md R-O3)."""

from enum import StrEnum

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from idi.core import audit
from idi.core.models import AuditChainHead, AuditEvent
from idi.core.permissions import SYSTEM, Actor

pytestmark = pytest.mark.django_db

ALICE = Actor(user_id=None, label="alice")


class DemoAction(StrEnum):
    CREATE = "demo.create"
    QUOTE = "demo.quote"
    ISSUE = "demo.issue"


def _record_three():
    with transaction.atomic():
        audit.record(
            actor=SYSTEM,
            action=DemoAction.CREATE,
            object_type="demo",
            object_id=1,
            after={"status": "draft"},
        )
        audit.record(
            actor=ALICE,
            action=DemoAction.QUOTE,
            object_type="demo",
            object_id=1,
            before={"status": "draft"},
            after={"status": "quoted", "premium": "12.30"},
        )
        audit.record(
            actor=ALICE,
            action=DemoAction.ISSUE,
            object_type="demo",
            object_id=1,
            before={"status": "quoted"},
            after={"status": "issued"},
        )


def test_R_O3_events_chain_and_verify():
    """R-O3: who, what, before and after are stored; each event links to the previous hash."""
    _record_three()
    events = list(AuditEvent.objects.order_by("id"))
    assert [e.action for e in events] == ["demo.create", "demo.quote", "demo.issue"]
    assert events[0].prev_hash == audit.GENESIS
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert events[1].actor_label == "alice"
    assert events[1].before == {"status": "draft"}
    assert events[1].after == {"status": "quoted", "premium": "12.30"}
    head = AuditChainHead.objects.get(id=1)
    assert (head.count, head.last_hash) == (3, events[2].hash)
    assert audit.verify().ok
    assert audit.verify().checked == 3


def _event(action, object_id):
    audit.record(actor=ALICE, action=action, object_type="demo", object_id=object_id)


def test_R_O3_deferred_events_are_written_last_in_order_and_chain():
    """Inside `deferred()` the events wait for the end of the block, are written together in
    the order they were recorded, and the chain verifies."""
    _record_three()
    with transaction.atomic(), audit.deferred():
        _event(DemoAction.CREATE, 2)
        assert AuditEvent.objects.count() == 3  # kept, not yet written
        with audit.deferred():  # an inner block leaves the writing to the outer one
            _event(DemoAction.QUOTE, 2)
        assert AuditEvent.objects.count() == 3
        _event(DemoAction.ISSUE, 2)
    events = list(AuditEvent.objects.order_by("id"))
    assert [(e.action, e.object_id) for e in events[3:]] == [
        ("demo.create", "2"),
        ("demo.quote", "2"),
        ("demo.issue", "2"),
    ]
    assert events[3].prev_hash == events[2].hash and events[4].prev_hash == events[3].hash
    assert AuditChainHead.objects.get().count == 6
    assert audit.verify().ok


def test_R_O3_deferred_drops_what_was_rolled_back():
    """An event recorded in a savepoint that was rolled back is not written; a block that fails
    writes nothing."""
    with transaction.atomic(), audit.deferred():
        _event(DemoAction.CREATE, 3)
        with pytest.raises(ValueError), transaction.atomic():
            _event(DemoAction.QUOTE, 3)
            raise ValueError("the change is abandoned")
        _event(DemoAction.ISSUE, 3)
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "demo.create",
        "demo.issue",
    ]
    with pytest.raises(ValueError), transaction.atomic(), audit.deferred():
        _event(DemoAction.CREATE, 4)
        raise ValueError("the action is refused")
    assert AuditEvent.objects.count() == 2
    assert audit.verify().ok
    with transaction.atomic():  # outside a block, an event is written at once again
        _event(DemoAction.QUOTE, 5)
        assert AuditEvent.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_R_O3_record_outside_a_transaction_is_refused():
    """R-O3: the event must be written in the same transaction as the change it records."""
    with pytest.raises(RuntimeError):
        audit.record(actor=SYSTEM, action=DemoAction.CREATE, object_type="demo", object_id=1)
    assert AuditEvent.objects.count() == 0


def test_R_O3_actions_are_members_of_an_audit_action_enum():
    """R-O3: the actions are one typed list per app; a bare string is refused, nothing written."""
    with pytest.raises(TypeError), transaction.atomic():
        audit.record(actor=SYSTEM, action="demo.create", object_type="demo", object_id=1)
    assert AuditEvent.objects.count() == 0


def test_R_O3_database_refuses_update():
    """R-O3: an event cannot be edited, not even with raw SQL."""
    _record_three()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'forged'")
    assert not AuditEvent.objects.filter(action="forged").exists()


def _drop_guard(cursor):
    if connection.vendor == "postgresql":
        # Deferred foreign-key checks of the inserted rows must fire before the ALTER.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
    else:
        cursor.execute("DROP TRIGGER core_auditevent_no_update")


def test_R_O3_verify_detects_altered_content():
    """R-O3: if someone bypasses the guard and edits an event, verify names that event."""
    _record_three()
    second = AuditEvent.objects.order_by("id")[1]
    with transaction.atomic(), connection.cursor() as cursor:
        _drop_guard(cursor)
        cursor.execute(
            "UPDATE core_auditevent SET after = %s WHERE id = %s",
            ['{"status": "quoted", "premium": "1.00"}', second.pk],
        )
    result = audit.verify()
    assert not result.ok
    assert result.event_id == second.pk
    assert result.checked == 1
    with pytest.raises(CommandError, match=f"#{second.pk}"):
        call_command("audit", "verify")


def test_R_O3_verify_detects_a_deleted_event():
    """R-O3: removing an event from the middle or the end breaks the chain."""
    _record_three()
    last = AuditEvent.objects.order_by("id").last()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _drop_guard(cursor)
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [last.pk])
    result = audit.verify()
    assert not result.ok
    assert result.checked == 2


def test_R_O3_audit_verify_command_reports_intact_chain(capsys):
    """R-O3: `idi audit verify` prints the count of verified events."""
    _record_three()
    call_command("audit", "verify")
    assert "3 events" in capsys.readouterr().out
