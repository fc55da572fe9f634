"""How a notification leaves the platform. Each sender is one channel behind one interface;
settings.IDI_NOTIFICATION_SENDERS lists the ones in use (the in-app inbox needs none: the
notification row is the inbox entry)."""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from idi.notifications.models import Notification

logger = logging.getLogger("idi.notifications")


class Sender(Protocol):
    channel: str

    def send(self, notification: Notification) -> None:
        """Deliver or raise; a raised error leaves the notification for the next attempt."""


class ConsoleSender:
    """The embedded default: writes each notification to the log (e-mail and SMS senders
    implement the same method for production)."""

    channel = "console"

    def send(self, notification: Notification) -> None:
        logger.info(
            "notification %s to user %s: %s %s",
            notification.pk,
            notification.recipient_id,
            notification.subject,
            notification.link,
        )


def configured_senders() -> list[Sender]:
    return [import_string(path)() for path in settings.IDI_NOTIFICATION_SENDERS]
