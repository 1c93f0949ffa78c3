"""The service card, and short direct answers to questions that merely name a service.

Entry: intent service_info (a service named, or the one in focus), `a=service_info&s=<id>`
(services carousel). "Tell me about X" (or the bare name) gets the full card: what it is, who
may apply, how long, fees, where and when, the law. A question that names X and asks one thing
gets that one thing first, in a line or two, with the card a tap away:
- when can I apply ("ลงได้เดือนไหน") → the yearly window from the service's deadlines;
- when / where is it open ("วันเสาร์เปิดไหม", "ติดต่อได้ที่ไหน") → the channel and its hours;
- any other question → the one-paragraph summary.
With no service known the dialog asks which one (step choose_service).
"""

from __future__ import annotations

from enum import StrEnum

from bot.runtime.context import TurnContext
from bot.runtime.postback import postback
from bot.runtime.replies import Text, pick
from dialogs.base import Dialog, NoData, Transition
from dialogs.cards import follow_ups, service_card, service_in_question, understood, which_service
from knowledge.consistency import citizen_channels
from knowledge.schema import Service

NAME = "service_info"
ANSWERS_WHILE_CHOOSING = frozenset({"service_info", "payment", "unknown"})
CARD_ACTIONS = frozenset({"service_info", "documents", "apply"})  # the card's own buttons
SHORT_SUMMARY = 240  # characters of the summary in a short answer; the rest is on the card
WINDOW_WORDS = ("เดือนไหน", "เมื่อไหร่", "เมื่อไร", "ช่วงไหน", "ตอนไหน", "ลงได้", "ลงทะเบียนได้", "ยื่นได้", "หมดเขต",
                "ถึงวันไหน", "วันไหนบ้าง", "กำหนดยื่น")
HOURS_WORDS = ("เปิด", "ปิด", "กี่โมง", "เวลา", "วันเสาร์", "วันอาทิตย์", "วันหยุด", "ติดต่อ", "ที่ไหน", "ตรงไหน")
ABOUT_WORDS = ("คืออะไร", "รายละเอียด", "ข้อมูล", "อธิบาย", "เกี่ยวกับ", "บอกหน่อย", "อยากรู้เรื่อง")
QUESTION_WORDS = ("ไหม", "มั้ย", "มั๊ย", "หรือเปล่า", "รึเปล่า", "เหรอ", "ยังไง", "อย่างไร", "อะไร", "กี่", "ใคร",
                  "เท่าไหร่", "เท่าไร", "ได้บ่", "บ่", "ถึงไหน", "หรือยัง", "?")
MONTH_KEY = "dates.months"


class Step(StrEnum):
    choose_service = "choose_service"



def card_answer(ctx: TurnContext, service: Service) -> Transition:
    understood(ctx, service)
    card = service_card(ctx, service)
    card.choices = follow_ups(ctx, service, without=CARD_ACTIONS)
    return Transition([card])


def window_text(ctx: TurnContext, service: Service) -> str:
    if not service.deadlines:
        return ctx.msg("direct.window_none", service=service.short_name)
    months = ctx.msg(MONTH_KEY).split(",")
    parts = []
    for deadline in service.deadlines:
        month = months[deadline.month - 1]
        if deadline.day_to is not None and (deadline.day_from, deadline.day_to) != (1, 31):
            parts.append(ctx.msg("direct.window_range", day_from=deadline.day_from, day_to=deadline.day_to,
                                 month=month))
        else:
            parts.append(ctx.msg("direct.window_month", month=month))
    return ctx.msg("direct.window", service=service.short_name, window=" และ ".join(parts))


def hours_text(ctx: TurnContext, service: Service) -> str:
    channel = citizen_channels(ctx.knowledge.office, service)[0]
    return ctx.msg("direct.hours", service=service.short_name, place=channel.place,
                   hours=channel.hours or ctx.knowledge.office.hours.text)


def summary_text(service: Service) -> str:
    text = service.summary
    if len(text) <= SHORT_SUMMARY:
        return text
    cut = text.rfind(" ", 0, SHORT_SUMMARY)  # Thai separates phrases with spaces: never mid-word
    return text[: cut if cut > 0 else SHORT_SUMMARY].rstrip() + " …"


def asked_about(text: str) -> str | None:
    """What one thing a question about a service asks: window, hours, other; None = the card."""
    if not text or any(word in text for word in ABOUT_WORDS):
        return None
    if any(word in text for word in WINDOW_WORDS):
        return "window"
    if any(word in text for word in HOURS_WORDS):
        return "hours"
    if any(word in text for word in QUESTION_WORDS):
        return "other"
    return None


def short_answer(ctx: TurnContext, service: Service, kind: str) -> Transition:
    understood(ctx, service)
    if kind == "window":
        text = window_text(ctx, service)
    elif kind == "hours":
        text = hours_text(ctx, service)
    else:
        text = "\n".join([service.short_name, summary_text(service)])
    more = pick(ctx.msg("direct.more"), postback(NAME, s=service.id))
    return Transition([Text(text=text, choices=[more, *follow_ups(ctx, service, without=NAME)])])


def answer(ctx: TurnContext, service: Service) -> Transition:
    kind = asked_about(ctx.text or "") if ctx.postback is None else None
    return card_answer(ctx, service) if kind is None else short_answer(ctx, service, kind)


async def start(ctx: TurnContext, data: NoData) -> Transition:
    service = service_in_question(ctx)
    if service is not None:
        return answer(ctx, service)
    understood(ctx)
    return Transition(which_service(ctx, NAME, "info.which"), next=Step.choose_service)


async def on_choose_service(ctx: TurnContext, data: NoData) -> Transition | None:
    """A typed service name answers the question; anything else belongs to other dialogs."""
    nlu = ctx.nlu
    if nlu is None or nlu.service not in ctx.knowledge.services or nlu.intent not in ANSWERS_WHILE_CHOOSING:
        return None
    return card_answer(ctx, ctx.knowledge.service(nlu.service or ""))


DIALOG: Dialog[NoData] = Dialog(
    name=NAME,
    start=start,
    steps={Step.choose_service: on_choose_service},
    intents=frozenset({"service_info"}),
    postbacks=frozenset({"service_info"}),
)

