from datetime import UTC, date, datetime

import time_machine

from idi.core import clock


def test_today_is_the_date_in_shanghai_not_utc():
    """Legal time is Asia/Shanghai (RULES.md R-T4): 16:30 UTC is already the next day there."""
    with time_machine.travel(datetime(2025, 9, 26, 16, 30, tzinfo=UTC), tick=False):
        assert clock.today() == date(2025, 9, 27)
        assert clock.now() == datetime(2025, 9, 26, 16, 30, tzinfo=UTC)


def test_now_is_timezone_aware():
    assert clock.now().tzinfo is not None
