"""Study days: a day starts at the rollover hour in the learner's time zone.

A review at 1 am belongs to the previous study day (with the default 4 am
rollover), which is what a learner who studies past midnight expects. Day starts
are computed in local wall-clock time, so a day is 23 or 25 hours long across a
daylight-saving change.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo


def _local(now: datetime, tz: tzinfo | None) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"naive datetime {now!r}: pass a timezone-aware datetime")
    return now.astimezone(tz) if tz is not None else now.astimezone()


def study_date(now: datetime, *, rollover_hour: int, tz: tzinfo | None) -> date:
    """The calendar date of the study day ``now`` falls in."""
    local = _local(now, tz)
    day = local.date()
    if local.hour < rollover_hour:
        day -= timedelta(days=1)
    return day


def day_start(day: date, *, rollover_hour: int, tz: tzinfo | None) -> datetime:
    """When study day ``day`` starts, as a UTC datetime."""
    naive = datetime.combine(day, time(rollover_hour))
    # A naive datetime's astimezone() reads it as system local time, DST included.
    local = naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()
    return local.astimezone(timezone.utc)


def day_bounds(now: datetime, *, rollover_hour: int, tz: tzinfo | None) -> tuple[date, datetime, datetime]:
    """(study date, start, end) of the study day containing ``now``; start/end in UTC."""
    day = study_date(now, rollover_hour=rollover_hour, tz=tz)
    start = day_start(day, rollover_hour=rollover_hour, tz=tz)
    end = day_start(day + timedelta(days=1), rollover_hour=rollover_hour, tz=tz)
    return day, start, end
