"""Short answers about one service: its fees (intent fees) and how long it takes (intent duration).

The service is the one named now, in the button, or still in focus ("ภาษีป้ายต้องใช้อะไรบ้าง"
then "แล้วกี่วันเสร็จ"). With none known the dialog asks which one (step choose_service) and
answers the same question for the service the citizen then names or taps.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel

from bot.runtime.context import TurnContext
from bot.runtime.postback import postback
from bot.runtime.replies import Text, pick
from core.thai_dates import thai_duration
from dialogs import signboard
from dialogs.base import Dialog, Transition
from dialogs.cards import fees_text, follow_ups, service_in_question, understood, which_service
from knowledge.schema import Service

NAME = "facts"
Kind = Literal["fees", "duration"]
KINDS: frozenset[str] = frozenset({"fees", "duration"})


class Step(StrEnum):
    choose_service = "choose_service"


class Data(BaseModel):
    kind: Kind = "fees"


def fees_answer(ctx: TurnContext, service: Service) -> str:
    text = ctx.msg("facts.fees", service=service.short_name, fees=fees_text(ctx, service))
    if not service.fees and not service.fees_free:  # the manual has no figure: say who can tell
        text = "\n".join([text, ctx.msg("facts.fees_ask")])
    return text


def duration_answer(ctx: TurnContext, service: Service) -> str:
    return ctx.msg("facts.duration", service=service.short_name,
                   duration=thai_duration(ctx.msg, service.total_duration))


def answer(ctx: TurnContext, kind: Kind, service: Service) -> Transition:
    understood(ctx, service)
    text = fees_answer(ctx, service) if kind == "fees" else duration_answer(ctx, service)
    other = pick(ctx.msg("services.change"), postback(kind, pick="1"))
    calculator = signboard.offer(ctx) if kind == "fees" and service.id == signboard.SERVICE_ID else None
    if calculator is not None:  # the tax is computed from the sign: offer to compute it
        return Transition([Text(text=text, choices=[calculator, *follow_ups(ctx, service, without=kind), other])])
    return Transition([Text(text=text, choices=[*follow_ups(ctx, service, without=kind), other])])


def kind_of(ctx: TurnContext) -> Kind:
    asked = ctx.postback.action if ctx.postback is not None else ctx.intent
    return "duration" if asked == "duration" else "fees"


async def start(ctx: TurnContext, data: Data) -> Transition:
    kind = kind_of(ctx)
    service = service_in_question(ctx)
    if service is not None:
        return answer(ctx, kind, service)
    understood(ctx)
    return Transition(which_service(ctx, kind, f"facts.which_{kind}"), next=Step.choose_service,
                      data=Data(kind=kind))


async def on_choose_service(ctx: TurnContext, data: Data) -> Transition | None:
    """A service named now answers the pending question, unless the words ask something else."""
    nlu = ctx.nlu
    if nlu is None or nlu.service not in ctx.knowledge.services:
        return None
    if nlu.intent not in {data.kind, "service_info", "unknown"}:
        return None
    return answer(ctx, data.kind, ctx.knowledge.service(nlu.service or ""))


DIALOG: Dialog[Data] = Dialog(
    name=NAME,
    data_type=Data,
    start=start,
    steps={Step.choose_service: on_choose_service},
    intents=KINDS,
    postbacks=KINDS,
)
