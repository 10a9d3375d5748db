"""The platform's notion of "now", in one place so tests can travel in time (freezegun or a clock).

Dates that people see (follow-up due dates, report years) are in China time: ``TONGBANG_TZ``
(default ``Asia/Shanghai``). Functions that depend on the date take a ``today``/``clock`` parameter and
fall back to these.
"""
from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo


def tz() -> ZoneInfo:
    """The platform time zone (``TONGBANG_TZ``, default Asia/Shanghai)."""
    return ZoneInfo(os.environ.get("TONGBANG_TZ") or "Asia/Shanghai")


def now() -> datetime:
    """Aware current time in the platform time zone."""
    return datetime.now(tz())


def today() -> date:
    """Today's date in the platform time zone."""
    return now().date()
