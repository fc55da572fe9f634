"""Who acts when a bulk command runs on the server."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from idi.core.permissions import Actor
from idi.parties.selectors import actor_for_user

# Whoever runs a command on the server already holds the database: the command acts with the
# operator's rights, and the audit log names it.
COMMAND_LINE = Actor(user_id=None, label="command line", is_operator=True)


def actor_for(username: str | None) -> Actor:
    """--as USERNAME acts as that user (with its rights); without it, as the operator."""
    if not username:
        return COMMAND_LINE
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"用户不存在 / no such user: {username}")
    return actor_for_user(user)
