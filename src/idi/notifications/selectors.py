"""Reads of deadlines and of a user's inbox."""

from collections import defaultdict

from django.db.models import QuerySet

from idi.core.permissions import Actor
from idi.notifications.models import Deadline, Notification


def deadlines_of(owner) -> list[Deadline]:
    """Every deadline of one object, in the order they started. The owner's selector has
    already decided that the actor may see the owner."""
    return list(
        Deadline.objects.filter(owner_type=owner._meta.label_lower, owner_id=owner.pk).order_by(
            "created_at", "id"
        )
    )


def deadlines_by_owner(owner_label: str, owner_ids: list[int]) -> dict[int, list[Deadline]]:
    """The deadlines of many objects of one type in one query (list pages)."""
    out: dict[int, list[Deadline]] = defaultdict(list)
    rows = Deadline.objects.filter(owner_type=owner_label, owner_id__in=owner_ids).order_by(
        "created_at", "id"
    )
    for d in rows:
        out[d.owner_id].append(d)
    return out


def inbox_of(actor: Actor) -> QuerySet[Notification]:
    if actor.user_id is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=actor.user_id).order_by("-id")


def unread_count(actor: Actor) -> int:
    if actor.user_id is None:
        return 0
    return Notification.objects.filter(recipient_id=actor.user_id, read_at__isnull=True).count()
