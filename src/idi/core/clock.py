"""The one clock of the platform.

Every deadline and every timestamp asks this module for the time, so that a test (or an
operator replaying a day) can move time in one place: tests freeze it with time-machine.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

# Legal time of the scheme is Asia/Shanghai whatever the server's time zone is (RULES.md).
LEGAL_TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    return timezone.now()


def today() -> date:
    """Today's calendar date in Asia/Shanghai."""
    return now().astimezone(LEGAL_TZ).date()
