"""Where and how to pay for a service ("จ่ายที่ไหน", "จ่ายผ่านพร้อมเพย์ได้ไหม"): the knowledge
base's payment channels in a few lines, instead of the whole service card.

Entry: intent payment, `a=payment&s=<id>`. A free service says so; a question about PromptPay or
a transfer gets yes or no first. With no service known the dialog asks which one. (The payment
issue adds the bill itself: amount and Thai QR.)
"""

from __future__ import annotations

from enum import StrEnum

from bot.runtime.context import TurnContext
from bot.runtime.postback import postback
from bot.runtime.replies import Text, pick
from dialogs.base import Dialog, NoData, Transition
from dialogs.cards import follow_ups, service_in_question, understood, which_service
from knowledge.schema import PaymentKind, Service

NAME = "payment"
ELECTRONIC = frozenset({PaymentKind.promptpay, PaymentKind.bank_transfer, PaymentKind.online})
ELECTRONIC_WORDS = ("พร้อมเพย์", "promptpay", "qr", "คิวอาร์", "สแกน", "โอน", "แอป", "ออนไลน์", "online",
                    "เป๋าตัง", "mobile banking", "ธนาคาร")


class Step(StrEnum):
    choose_service = "choose_service"



def payment_text(ctx: TurnContext, service: Service) -> str:
    name = service.short_name
    if service.fees_free and not service.fees:
        return ctx.msg("pay.free", service=name)
    channels = service.payment_channels
    if not channels:
        return ctx.msg("pay.none", service=name)
    lines: list[str] = []
    asked = (ctx.text or "").lower()
    if any(word in asked for word in ELECTRONIC_WORDS):
        electronic = any(c.kind in ELECTRONIC for c in channels)
        lines.append(ctx.msg("pay.promptpay_yes" if electronic else "pay.promptpay_no", service=name))
    lines.append(ctx.msg("pay.where", service=name))
    for channel in channels:
        key = "pay.line_detail" if channel.detail else "pay.line"
        lines.append(ctx.msg(key, name=channel.name, detail=channel.detail or ""))
    return "\n".join(lines)


def answer(ctx: TurnContext, service: Service) -> Transition:
    understood(ctx, service)
    choices = [*follow_ups(ctx, service), pick(ctx.msg("services.change"), postback(NAME, pick="1"))]
    return Transition([Text(text=payment_text(ctx, service), choices=choices)])


async def start(ctx: TurnContext, data: NoData) -> Transition:
    service = service_in_question(ctx)
    if service is not None:
        return answer(ctx, service)
    understood(ctx)
    return Transition(which_service(ctx, NAME, "pay.which"), next=Step.choose_service)


async def on_choose_service(ctx: TurnContext, data: NoData) -> Transition | None:
    nlu = ctx.nlu
    if nlu is None or nlu.service not in ctx.knowledge.services or nlu.intent not in {"payment", "service_info"}:
        return None
    return answer(ctx, ctx.knowledge.service(nlu.service or ""))


DIALOG: Dialog[NoData] = Dialog(
    name=NAME,
    start=start,
    steps={Step.choose_service: on_choose_service},
    intents=frozenset({"payment"}),
    postbacks=frozenset({"payment"}),
)
