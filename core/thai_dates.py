"""Dates and durations as Thai citizens write them: Thai day and month names, the Buddhist-era year.

    วันจันทร์ที่ 30 พฤศจิกายน 2569     46 วัน     60 นาที     1 ชั่วโมง 30 นาที

The names and patterns are messages (`dates.*` in knowledge/national/messages/dialogs.yaml; the
month names only in `dates.months`), so every function takes a `msg` (`TurnContext.msg`, or
`KnowledgeSnapshot.message` outside a turn).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Protocol

Msg = Callable[..., str]


class Duration(Protocol):
    """How long a service takes, in the manual's own unit (knowledge.schema.Duration)."""

    @property
    def minutes(self) -> float: ...

    @property
    def unit(self) -> str: ...


BUDDHIST_ERA_OFFSET = 543
MINUTES_PER_HOUR = 60
MINUTES_PER_DAY = 1440


def buddhist_year(day: dt.date | dt.datetime) -> int:
    return day.year + BUDDHIST_ERA_OFFSET


def _names(msg: Msg, key: str, count: int) -> list[str]:
    names = [n.strip() for n in msg(key).split(",")]
    if len(names) != count:
        raise ValueError(f"message {key} must list {count} names separated by commas")
    return names


def month_name(msg: Msg, month: int) -> str:
    return _names(msg, "dates.months", 12)[month - 1]


def weekday_name(msg: Msg, day: dt.date) -> str:
    """The day's name without "วัน": จันทร์ … อาทิตย์ (Monday first, as `date.weekday()`)."""
    return _names(msg, "dates.weekdays", 7)[day.weekday()]


def thai_date(msg: Msg, day: dt.date, *, weekday: bool = False) -> str:
    """"30 พฤศจิกายน 2569", or with `weekday` "วันจันทร์ที่ 30 พฤศจิกายน 2569"."""
    values = {"day": day.day, "month": month_name(msg, day.month), "year": buddhist_year(day)}
    if weekday:
        return msg("dates.date_weekday", weekday=weekday_name(msg, day), **values)
    return msg("dates.date", **values)


def thai_datetime(msg: Msg, moment: dt.datetime, zone: dt.tzinfo | None) -> str:
    """"12 มีนาคม 2569 เวลา 14:05 น." in the bot's time zone."""
    local = moment.astimezone(zone)
    return msg("application.datetime", date=thai_date(msg, local.date()), time=local.strftime("%H:%M"))


def date_range(msg: Msg, first: dt.date, last: dt.date) -> str:
    """"1 – 31 มีนาคม 2569" (a window within one month); one day is just its date."""
    if first == last:
        return thai_date(msg, first)
    return msg("remind.range", day_from=first.day, day_to=last.day, month=month_name(msg, first.month),
               year=buddhist_year(first))


def relative_day(msg: Msg, day: dt.date, today: dt.date) -> str:
    """"วันนี้" / "พรุ่งนี้" prefixed to the full date when it applies, else the full date."""
    full = thai_date(msg, day, weekday=True)
    delta = (day - today).days
    if delta == 0:
        return msg("dates.today", date=full)
    if delta == 1:
        return msg("dates.tomorrow", date=full)
    return full


def number(value: float) -> str:
    """46.0 -> "46", 1500 -> "1,500", 2.5 -> "2.5"."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def thai_duration(msg: Msg, duration: Duration) -> str:
    """A duration in the manual's own unit: "46 วัน", "60 นาที", "1 ชั่วโมง"; fractions become
    the smaller units ("1 วัน 12 ชั่วโมง", "1 ชั่วโมง 30 นาที")."""
    minutes = duration.minutes
    if minutes == 0:
        return msg("dates.immediately")
    if duration.unit == "minute":
        return msg("dates.minutes", n=number(minutes))
    parts: list[str] = []
    if duration.unit == "day":
        days, minutes = divmod(minutes, MINUTES_PER_DAY)
        if days:
            parts.append(msg("dates.days", n=number(days)))
    hours, minutes = divmod(minutes, MINUTES_PER_HOUR)
    if hours:
        parts.append(msg("dates.hours", n=number(hours)))
    if minutes:
        parts.append(msg("dates.minutes", n=number(minutes)))
    return " ".join(parts)


def clock_time(moment: dt.time) -> str:
    """08:30 -> "08:30" (the office writes times this way, followed by "น.")."""
    return moment.strftime("%H:%M")
