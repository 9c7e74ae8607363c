"""Quiet hours: no optional text message is sent at night, Beijing time.

``YIMEN_SMS_QUIET_HOURS`` (default "21:00-08:00") is the window; a message due inside
it waits for its end. Empty turns quiet hours off."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

BEIJING = ZoneInfo("Asia/Shanghai")


def quiet_window() -> tuple[dt.time, dt.time] | None:
    spec = (getattr(settings, "SMS_QUIET_HOURS", "") or "").strip()
    if not spec:
        return None
    start, end = (dt.time.fromisoformat(part.strip()) for part in spec.split("-"))
    return start, end


def first_moment_allowed(at: dt.datetime) -> dt.datetime:
    """``at`` itself, or the end of the quiet window it falls in (as an aware instant)."""
    window = quiet_window()
    if window is None:
        return at
    start, end = window
    local = at.astimezone(BEIJING)
    clock = local.timetz().replace(tzinfo=None)
    if start <= end:
        inside = start <= clock < end
        end_day = local.date()
    else:  # the window crosses midnight: 21:00-08:00
        inside = clock >= start or clock < end
        end_day = local.date() + dt.timedelta(days=1) if clock >= start else local.date()
    if not inside:
        return at
    return dt.datetime.combine(end_day, end, tzinfo=BEIJING)
