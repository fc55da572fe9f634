"""Template context: the unread count shown in every page's header."""

from idi.core.permissions import actor_from_request
from idi.notifications.selectors import unread_count


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(actor_from_request(request))}
