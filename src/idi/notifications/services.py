"""Every write of deadlines and notifications.

Deadlines are started, met and cancelled inside the owning app's transaction (the owner's
service calls these functions); the sweep reminds and escalates; the R-T5 recompute follows a
new year's calendar. Notifications are written to the outbox and delivered after commit.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import translation

from idi.core import audit, clock
from idi.core.errors import NotFound
from idi.core.formats import day
from idi.core.permissions import SYSTEM, Actor
from idi.core.rulebook import get_rulebook
from idi.notifications.codes import AuditAction
from idi.notifications.models import OPEN, Deadline, Notification, NotificationKind
from idi.notifications.owners import owner_type
from idi.notifications.senders import configured_senders
from idi.rules import stricter_deadline

logger = logging.getLogger("idi.notifications")

# A reminder leaves this many working days for the act (a platform choice, not a rule of law).
REMINDER_WORKING_DAYS = 2
SWEEP_BATCH = 500
EVENT_SUBJECTS = {
    NotificationKind.REMINDER: ("期限将至", "deadline approaching"),
    NotificationKind.ESCALATION: ("期限已过（督办）", "deadline passed (escalation)"),
}
OPENING_SUBJECTS = {
    NotificationKind.REMINDER: ("即将可以办理", "opens soon"),
    NotificationKind.ESCALATION: ("现在可以办理", "now open"),
}


def _state(d: Deadline) -> dict:
    return {
        "owner": f"{d.owner_type}:{d.owner_id}",
        "kind": d.kind,
        "from": d.from_date.isoformat(),
        "due": d.due.isoformat(),
        "moved_from": d.moved_from.isoformat() if d.moved_from else None,
        "provisional": d.provisional,
        "basis": d.basis,
        "met_on": d.met_on.isoformat() if d.met_on else None,
        "cancelled_on": d.cancelled_on.isoformat() if d.cancelled_on else None,
    }


def _compute(d: Deadline) -> None:
    """Fill due, moved_from, provisional, basis and remind_on from the rulebook."""
    book = get_rulebook()
    pack = book.pack(d.pack_id)
    answer = stricter_deadline(pack, book.calendar, d.kind, d.from_date, d.committed_days)
    d.due = answer.due
    d.moved_from = answer.moved_from
    d.provisional = answer.provisional
    d.basis = answer.basis
    ahead = pack.deadlines[d.kind].remind_days_before
    if ahead is None:
        d.remind_on = book.calendar.working_days_before(answer.due, REMINDER_WORKING_DAYS)
    else:
        d.remind_on = answer.due - timedelta(days=ahead)


def _owner_key(obj) -> tuple[str, int]:
    return obj._meta.label_lower, obj.pk


def start_deadline(
    *,
    actor: Actor,
    owner,
    kind: str,
    pack_id: str,
    from_date: date,
    committed_days: int | None = None,
) -> Deadline:
    """Start the clock of `kind` for `owner` from `from_date` (the event day); call inside the
    owner's transaction. A clock of the same kind still running for the owner is an error of
    the caller (the database refuses it)."""
    owner_label, owner_id = _owner_key(owner)
    d = Deadline(
        owner_type=owner_label,
        owner_id=owner_id,
        kind=kind,
        pack_id=pack_id,
        committed_days=committed_days,
        from_date=from_date,
        created_at=clock.now(),
    )
    _compute(d)
    d.save(force_insert=True)
    audit.record(actor=actor, action=AuditAction.START_DEADLINE, obj=d, after=_state(d))
    return d


def _open_deadline(owner, kind: str) -> Deadline | None:
    owner_label, owner_id = _owner_key(owner)
    return (
        Deadline.objects.select_for_update()
        .filter(OPEN, owner_type=owner_label, owner_id=owner_id, kind=kind)
        .first()
    )


def meet_deadline(*, actor: Actor, owner, kind: str, on: date) -> Deadline | None:
    """The act of `kind` was done on `on`: the running clock (if any) is met."""
    d = _open_deadline(owner, kind)
    if d is None:
        return None
    before = _state(d)
    d.met_on = on
    d.save(update_fields=["met_on"])
    audit.record(
        actor=actor, action=AuditAction.MEET_DEADLINE, obj=d, before=before, after=_state(d)
    )
    return d


def cancel_deadline(*, actor: Actor, owner, kind: str, on: date) -> Deadline | None:
    """The clock of `kind` no longer runs (replaced by another, or its act became moot)."""
    d = _open_deadline(owner, kind)
    if d is None:
        return None
    before = _state(d)
    d.cancelled_on = on
    d.save(update_fields=["cancelled_on"])
    audit.record(
        actor=actor, action=AuditAction.CANCEL_DEADLINE, obj=d, before=before, after=_state(d)
    )
    return d


def _after_commit_dispatch() -> None:
    transaction.on_commit(dispatch_pending)


def notify(
    *,
    actor: Actor,
    recipients: Iterable[int],
    subject: str,
    subject_en: str,
    body: str = "",
    body_en: str = "",
    link: str = "",
) -> list[Notification]:
    """An informational message to each recipient's inbox, delivered after commit: the subject
    in both languages; the body too, unless it is someone's own words (`body_en` left empty)."""
    now = clock.now()
    rows = [
        Notification(
            recipient_id=user_id,
            kind=NotificationKind.INFO,
            subject=subject[:200],
            subject_en=subject_en[:200],
            body=body,
            body_en=body_en,
            link=link,
            created_at=now,
        )
        for user_id in sorted(set(recipients))
    ]
    Notification.objects.bulk_create(rows)
    _after_commit_dispatch()
    return rows


@transaction.atomic
def mark_read(*, actor: Actor, notification_id: int) -> Notification:
    """The recipient has read one notification (only the recipient may)."""
    row = (
        Notification.objects.select_for_update()
        .filter(pk=notification_id, recipient_id=actor.user_id)
        .first()
    )
    if row is None:
        raise NotFound("notification")
    if row.read_at is None:
        row.read_at = clock.now()
        row.save(update_fields=["read_at"])
    return row


@transaction.atomic
def mark_all_read(*, actor: Actor) -> int:
    return Notification.objects.filter(recipient_id=actor.user_id, read_at__isnull=True).update(
        read_at=clock.now()
    )


def dispatch_pending(limit: int = 1000) -> int:
    """Hand unsent notifications to every configured sender; a failure leaves the row unsent
    for the next sweep. Safe on several workers: rows are claimed with SKIP LOCKED."""
    senders = configured_senders()
    sent = 0
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True)
            .order_by("id")[:limit]
        )
        done = []
        for row in rows:
            try:
                for sender in senders:
                    sender.send(row)
            except Exception:
                logger.exception("notification %s not delivered", row.pk)
                continue
            done.append(row.pk)
        sent = Notification.objects.filter(pk__in=done).update(sent_at=clock.now())
    return sent


def _notify_batch(rows: list[Deadline], kind: str, now: datetime) -> int:
    by_type: dict[str, list[Deadline]] = defaultdict(list)
    for d in rows:
        by_type[d.owner_type].append(d)
    book = get_rulebook()
    out: list[Notification] = []
    for label, deadlines in by_type.items():
        registered = owner_type(label)
        if registered is None:
            logger.warning(
                "no owner type %s registered: %d deadlines unannounced", label, len(deadlines)
            )
            continue
        ids = sorted({d.owner_id for d in deadlines})
        recipients = registered.recipients(deadlines, kind)
        names = registered.describe(ids)
        with translation.override("en"):
            names_en = registered.describe(ids)
        openings = registered.openings() if registered.openings else set()
        for d in deadlines:
            name, link = names.get(d.owner_id, (f"{label} #{d.owner_id}", ""))
            name_en = names_en.get(d.owner_id, (name, link))[0]
            spec = book.pack(d.pack_id).deadlines.get(d.kind)
            what, what_en = (spec.label_zh, spec.label_en) if spec else (d.kind, d.kind)
            opening = d.kind in openings
            subject_zh, subject_en = (OPENING_SUBJECTS if opening else EVENT_SUBJECTS)[
                NotificationKind(kind)
            ]
            due, due_en = day(d.due, "zh-hans"), day(d.due, "en")
            body = f"{name}：{what}，{'可办理日' if opening else '届满日'} {due}" + (
                "（暂定）" if d.provisional else ""
            )
            body_en = f"{name_en}: {what_en}, {'opens on' if opening else 'due'} {due_en}" + (
                " (provisional)" if d.provisional else ""
            )
            for user_id in sorted(recipients.get(d.pk, ())):
                out.append(
                    Notification(
                        recipient_id=user_id,
                        kind=kind,
                        deadline=d,
                        subject=f"{subject_zh}：{name}"[:200],
                        subject_en=f"{subject_en.capitalize()}: {name_en}"[:200],
                        body=body,
                        body_en=body_en,
                        link=link,
                        created_at=now,
                    )
                )
    # The unique constraint makes a second sweep's row a no-op rather than a second message.
    Notification.objects.bulk_create(out, ignore_conflicts=True, batch_size=1000)
    return len(out)


def _sweep_event(actor: Actor, kind: str, today: date, batch_size: int) -> int:
    handled = 0
    field = "reminder_sent_at" if kind == NotificationKind.REMINDER else "escalated_at"
    while True:
        with transaction.atomic():
            qs = Deadline.objects.filter(OPEN, escalated_at__isnull=True)
            if kind == NotificationKind.REMINDER:
                qs = qs.filter(reminder_sent_at__isnull=True, remind_on__lte=today, due__gte=today)
                order = ("remind_on", "id")
            else:
                # R-T4: due at the end of its last day, so it has passed once that day is over.
                qs = qs.filter(due__lt=today)
                order = ("due", "id")
            # Walk the partial index the rows leave once handled, so that each batch reads only
            # rows still to do (ordering by id would rescan the handled ones every batch).
            rows = list(qs.select_for_update(skip_locked=True).order_by(*order)[:batch_size])
            if not rows:
                return handled
            now = clock.now()
            sent = _notify_batch(rows, kind, now)
            Deadline.objects.filter(pk__in=[d.pk for d in rows]).update(**{field: now})
            audit.record(
                actor=actor,
                action=AuditAction.SWEEP_DEADLINES,
                object_type="notifications.deadline",
                after={"event": kind, "deadlines": [d.pk for d in rows], "notifications": sent},
            )
            handled += len(rows)


def sweep_deadlines(*, actor: Actor = SYSTEM, batch_size: int = SWEEP_BATCH) -> int:
    """Remind on each open deadline's reminder day (REMINDER_WORKING_DAYS working days before
    its due date, unless its kind sets `remind_days_before`) and escalate once it has passed,
    each once per deadline. Returns how many deadlines were reminded or escalated. Idempotent;
    several sweeps at once share the work (SKIP LOCKED) and the unique constraint on
    notifications stops a double message."""
    today = clock.today()
    handled = _sweep_event(actor, NotificationKind.ESCALATION, today, batch_size)
    handled += _sweep_event(actor, NotificationKind.REMINDER, today, batch_size)
    while dispatch_pending():
        pass
    return handled


def recompute_provisional_deadlines(*, actor: Actor) -> int:
    """R-T5: after the operator adds a year's calendar file, recompute every open provisional
    deadline with the new calendar. Returns how many changed. A reminder or escalation already
    sent is sent again only if the new dates make it due again."""
    get_rulebook.cache_clear()
    today = clock.today()
    changed_owners: dict[str, set[int]] = defaultdict(set)
    changed = 0
    ids = list(Deadline.objects.filter(OPEN, provisional=True).values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            d = Deadline.objects.select_for_update().filter(OPEN, pk=pk).first()
            if d is None:
                continue
            before = _state(d)
            old_due = d.due
            _compute(d)
            if _state(d) == before:
                continue
            if d.due != old_due:
                if d.remind_on > today:
                    d.reminder_sent_at = None
                if d.due >= today:
                    d.escalated_at = None
            d.save()
            audit.record(
                actor=actor,
                action=AuditAction.RECOMPUTE_DEADLINE,
                obj=d,
                before=before,
                after=_state(d),
            )
            changed_owners[d.owner_type].add(d.owner_id)
            changed += 1
    for label, owner_ids in changed_owners.items():
        registered = owner_type(label)
        if registered is not None and registered.changed is not None:
            registered.changed(sorted(owner_ids))
    return changed
