"""The service card: what it is, who may apply, how long, fees, where and when, the law.

Entry: intent service_info (a service named, or the one in focus), `a=service_info&s=<id>`
(services carousel), and "where/how do I pay …" (intent payment) when a service is known.
With no service known the dialog asks which one (step choose_service), offering the NLU's
guesses or the whole list.
"""

from __future__ import annotations

from enum import StrEnum

from bot.runtime.context import TurnContext
from dialogs.base import Dialog, NoData, Transition
from dialogs.cards import follow_ups, service_card, understood, which_service
from knowledge.schema import Service

NAME = "service_info"
ANSWERS_WHILE_CHOOSING = frozenset({"service_info", "payment", "unknown"})


class Step(StrEnum):
    choose_service = "choose_service"


def answer(ctx: TurnContext, service: Service) -> Transition:
    understood(ctx, service)
    card = service_card(ctx, service)
    card.choices = follow_ups(ctx, service, without="service_info")
    return Transition([card])


async def start(ctx: TurnContext, data: NoData) -> Transition:
    forced_pick = ctx.postback is not None and bool(ctx.postback.get("pick"))
    service_id = None if forced_pick else ctx.service_id
    if service_id is not None:
        return answer(ctx, ctx.knowledge.service(service_id))
    understood(ctx)
    return Transition(which_service(ctx, NAME, "info.which"), next=Step.choose_service)


async def on_choose_service(ctx: TurnContext, data: NoData) -> Transition | None:
    """A typed service name answers the question; anything else belongs to other dialogs."""
    nlu = ctx.nlu
    if nlu is None or nlu.service not in ctx.knowledge.services or nlu.intent not in ANSWERS_WHILE_CHOOSING:
        return None
    return answer(ctx, ctx.knowledge.service(nlu.service or ""))


def wants_payment_info(ctx: TurnContext) -> bool:
    return ctx.postback is None and ctx.intent == "payment" and ctx.service_id is not None


DIALOG: Dialog[NoData] = Dialog(
    name=NAME,
    start=start,
    steps={Step.choose_service: on_choose_service},
    intents=frozenset({"service_info"}),
    postbacks=frozenset({"service_info"}),
    matcher=wants_payment_info,
)
