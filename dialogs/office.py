"""The office itself: opening hours, "is it open now?", phone, address and the way there.

Intent office_hours (the menu's เวลาทำการ/ติดต่อ), `a=office_hours`, `a=location`. Open now
is computed from the turn's clock (Asia/Bangkok), office.hours (days, open, close) and the
official holidays; when closed, the answer says when the office opens next, in Thai.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.runtime.context import TurnContext
from bot.runtime.postback import postback
from bot.runtime.replies import Button, Card, LocationReply, Reply, Text, pick
from core.thai_dates import clock_time, relative_day, weekday_name
from dialogs.answers import plain
from dialogs.base import Dialog, NoData, Transition
from dialogs.cards import maps_url, phone_uri, understood
from knowledge.loader import holidays_of
from knowledge.schema import HolidayCalendar, OfficeHours

LOCATION_WORDS = ("อยู่ที่ไหน", "อยู่ไหน", "อยู่ตรงไหน", "แผนที่", "ทางไป", "เส้นทาง", "พิกัด", "ตั้งอยู่",
                  "โลเคชั่น", "location", "map")
GOING_THERE = re.compile(r"^(?:จะ)?ไป.*(?:ยังไง|อย่างไร|ทางไหน|ไงดี)")
MAX_BARE_QUESTION = 20  # "อยู่ที่ไหนคะ" alone (no service named) is about the office
TOMORROW_WORDS = ("พรุ่งนี้", "พรุ้งนี้", "มื้ออื่น")  # มื้ออื่น: Isan
LOOKAHEAD_DAYS = 60  # long enough for any run of holidays


def _hhmm(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


@dataclass(frozen=True)
class OfficeStatus:
    open_now: bool
    holiday: str | None  # today's holiday, if any
    working_day: bool  # today is a working day (not a weekend day, not a holiday)
    before_opening: bool  # a working day, before the doors open
    next_open: dt.datetime | None  # when closed: the next opening (None past the lookahead)


def office_status(hours: OfficeHours, calendar: HolidayCalendar, now: dt.datetime) -> OfficeStatus:
    """Whether the office is open at `now` (a local, zone-aware time) and when it opens next."""
    opens, closes = _hhmm(hours.open), _hhmm(hours.close)
    today = now.date()
    holiday = calendar.name_of(today)
    working_day = today.weekday() in hours.days and holiday is None
    if working_day and opens <= now.time() < closes:
        return OfficeStatus(True, None, True, False, None)
    before_opening = working_day and now.time() < opens
    next_open = None
    for offset in range(LOOKAHEAD_DAYS):
        day = today + dt.timedelta(days=offset)
        if day.weekday() not in hours.days or calendar.is_holiday(day):
            continue
        moment = dt.datetime.combine(day, opens, tzinfo=now.tzinfo)
        if moment > now:
            next_open = moment
            break
    return OfficeStatus(False, holiday, working_day, before_opening, next_open)


def status_text(ctx: TurnContext) -> str:
    hours = ctx.knowledge.office.hours
    status = office_status(hours, holidays_of(ctx.knowledge), ctx.now)
    if status.open_now:
        return ctx.msg("office.open_now", close=clock_time(_hhmm(hours.close)))
    if status.holiday:
        why = ctx.msg("office.closed_holiday", holiday=status.holiday)
    elif not status.working_day:
        why = ctx.msg("office.closed_day_off", weekday=weekday_name(ctx.msg, ctx.now.date()))
    elif status.before_opening:
        return ctx.msg("office.opens_today", time=clock_time(_hhmm(hours.open)))
    else:
        why = ctx.msg("office.closed_for_today")
    if status.next_open is None:
        return why
    when = relative_day(ctx.msg, status.next_open.date(), ctx.now.date())
    return "\n".join([why, ctx.msg("office.next_open", when=when, time=clock_time(status.next_open.time()))])


def asked_day(ctx: TurnContext) -> dt.date | None:
    """The day a question names ("วันเสาร์เปิดมั้ย", "พรุ่งนี้เปิดไหม"): the next such day, today included."""
    typed = plain(ctx.text)
    today = ctx.now.date()
    if any(word in typed for word in TOMORROW_WORDS):
        return today + dt.timedelta(days=1)
    names = [weekday_name(ctx.msg, today + dt.timedelta(days=offset)) for offset in range(7)]
    found = []
    for offset, name in enumerate(names):
        # "พฤหัส" is how people write พฤหัสบดี: a five-letter prefix is enough for the long names
        for form in {name, name[:5]}:
            if len(form) >= 3 and form in typed:
                found.append((typed.index(form), offset))
    if not found:
        return None
    return today + dt.timedelta(days=min(found)[1])


def day_answer(ctx: TurnContext, day: dt.date) -> Text:
    """Yes or no for the day asked about, then today's state; the full card is a tap away."""
    hours, office = ctx.knowledge.office.hours, ctx.knowledge.office
    holiday = holidays_of(ctx.knowledge).name_of(day)
    when = relative_day(ctx.msg, day, ctx.now.date())
    if holiday:
        answer = ctx.msg("office.day.closed_holiday", when=when, holiday=holiday,
                         open=clock_time(_hhmm(hours.open)), close=clock_time(_hhmm(hours.close)))
    elif day.weekday() in hours.days:
        answer = ctx.msg("office.day.open", when=when, office=office.short_name,
                         open=clock_time(_hhmm(hours.open)), close=clock_time(_hhmm(hours.close)))
    else:
        answer = ctx.msg("office.day.closed", when=when, office=office.short_name, hours=hours.text)
    # today: the live state already says open or closed and when it opens next
    lines = [status_text(ctx)] if day == ctx.now.date() else [answer, status_text(ctx)]
    return Text(text="\n".join(lines), choices=[
        pick(ctx.msg("office.button.hours"), postback("office_hours")),
        pick(ctx.msg("office.button.map"), postback("location")),
        pick(ctx.msg("cards.next.menu"), postback("menu")),
    ])


def hours_card(ctx: TurnContext) -> Card:
    office = ctx.knowledge.office
    return Card(
        title=office.name,
        lines=[status_text(ctx)],
        fields=[
            (ctx.msg("office.field.hours"), office.hours.text),
            (ctx.msg("office.field.phone"), office.phone),
            (ctx.msg("office.field.address"), office.address),
        ],
        buttons=[
            Button(label=ctx.msg("office.button.call"), uri=phone_uri(ctx)),
            Button(label=ctx.msg("office.button.map"), data=postback("location"),
                   text=ctx.msg("office.button.map"), style="secondary"),
        ],
        alt_text=ctx.msg("office.alt", office=office.short_name),
        choices=[
            pick(ctx.msg("cards.next.services"), postback("list_services")),
            pick(ctx.msg("cards.next.menu"), postback("menu")),
        ],
    )


def location_replies(ctx: TurnContext) -> list[Reply]:
    office = ctx.knowledge.office
    choices = [pick(ctx.msg("office.button.hours"), postback("office_hours")),
               pick(ctx.msg("cards.next.menu"), postback("menu"))]
    if office.latitude is not None and office.longitude is not None:
        return [LocationReply(title=office.name, address=office.address, latitude=office.latitude,
                              longitude=office.longitude, choices=choices)]
    return [Card(
        title=office.name,
        lines=[ctx.msg("office.where", address=office.address)],
        buttons=[Button(label=ctx.msg("office.button.maps_search"), uri=maps_url(ctx)),
                 Button(label=ctx.msg("office.button.call"), uri=phone_uri(ctx), style="secondary")],
        alt_text=ctx.msg("office.where", address=office.address),
        choices=choices,
    )]


def asks_location(ctx: TurnContext) -> bool:
    if ctx.postback is not None:
        return ctx.postback.action == "location"
    typed = plain(ctx.text)
    return any(word in typed for word in LOCATION_WORDS) or GOING_THERE.search(typed) is not None


def wants_location(ctx: TurnContext) -> bool:
    """"อยู่ที่ไหน" on its own: the NLU cannot tell, but here it can only mean the office."""
    nlu = ctx.nlu
    if ctx.postback is not None or nlu is None or nlu.service is not None or nlu.intent != "unknown":
        return False
    return len(plain(ctx.text)) <= MAX_BARE_QUESTION and asks_location(ctx)


async def start(ctx: TurnContext, data: NoData) -> Transition:
    understood(ctx)
    if asks_location(ctx):
        return Transition(location_replies(ctx))
    day = asked_day(ctx) if ctx.postback is None else None
    if day is not None:
        return Transition([day_answer(ctx, day)])
    return Transition([hours_card(ctx)])


DIALOG: Dialog[NoData] = Dialog(
    name="office",
    start=start,
    intents=frozenset({"office_hours"}),
    postbacks=frozenset({"office_hours", "location", "contact"}),
    matcher=wants_location,
)
