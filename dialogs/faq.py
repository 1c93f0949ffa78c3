"""Answers from the FAQ (knowledge faq.yaml) when the NLU matched a question confidently.

Entry: the NLU's `faq_id` with `faq_score` at or above FAQ_MIN_SCORE, or `a=faq&id=<faq id>`.
For documents, fees and duration, which have their own answers for the citizen's service, an
FAQ wins only when it matches very closely (e.g. "ขออนุญาตสร้างบ้านใช้เวลากี่วัน" has an FAQ
that explains the legal deadline and its extensions). The fallback dialog uses `faq_reply` too.
"""

from __future__ import annotations

from bot.runtime.context import TurnContext
from bot.runtime.postback import postback
from bot.runtime.replies import Choice, Text, pick
from dialogs.base import Dialog, NoData, Transition
from dialogs.cards import follow_ups, understood
from knowledge.schema import FaqEntry

FAQ_MIN_SCORE = 0.6
FAQ_OVER_OWN_ANSWER = 0.8  # intents whose own dialog answers for the citizen's service
OWN_ANSWER_INTENTS = frozenset({"documents", "fees", "duration"})


def faq_entry(ctx: TurnContext, faq_id: str | None) -> FaqEntry | None:
    return next((e for e in ctx.knowledge.faq if e.id == faq_id), None) if faq_id else None


def confident_faq(ctx: TurnContext, min_score: float = FAQ_MIN_SCORE) -> FaqEntry | None:
    """The FAQ entry the NLU matched for this text, when its score is high enough."""
    nlu = ctx.nlu
    if nlu is None:
        return None
    score = float(getattr(nlu, "faq_score", 0.0) or 0.0)
    needed = max(min_score, FAQ_OVER_OWN_ANSWER if nlu.intent in OWN_ANSWER_INTENTS else min_score)
    return faq_entry(ctx, getattr(nlu, "faq_id", None)) if score >= needed else None


def faq_reply(ctx: TurnContext, entry: FaqEntry) -> Transition:
    service = ctx.knowledge.services.get(entry.service or "")
    understood(ctx, service)
    choices: list[Choice]
    if service is not None:
        choices = follow_ups(ctx, service)
    else:
        choices = [pick(ctx.msg("cards.next.services"), postback("list_services")),
                   pick(ctx.msg("cards.next.office"), postback("office_hours")),
                   pick(ctx.msg("cards.next.menu"), postback("menu"))]
    return Transition([Text(text=entry.answer, choices=choices)])


def wants_faq(ctx: TurnContext) -> bool:
    return ctx.postback is None and confident_faq(ctx) is not None


async def start(ctx: TurnContext, data: NoData) -> Transition:
    entry = faq_entry(ctx, ctx.postback.get("id")) if ctx.postback is not None else confident_faq(ctx)
    if entry is None:  # a stale button: the entry was removed from the FAQ
        understood(ctx)
        return Transition([Text(text=ctx.msg("faq.gone"),
                                choices=[pick(ctx.msg("cards.next.menu"), postback("menu"))])])
    return faq_reply(ctx, entry)


DIALOG: Dialog[NoData] = Dialog(
    name="faq",
    start=start,
    postbacks=frozenset({"faq"}),
    matcher=wants_faq,
)
