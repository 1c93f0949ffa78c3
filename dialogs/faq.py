"""Answers from the FAQ (knowledge faq.yaml) when the NLU matched a question confidently.

Entry: the NLU's `faq_id` with `faq_score` at or above FAQ_MIN_SCORE, or `a=faq&id=<faq id>`.
Precedence between FAQ entries and the intent dialogs (tested on every service):
1. A question the NLU classifies as documents, fees or duration goes to that intent's own dialog
   (the checklist, the fee, the time), which answers for the citizen's service and case.
2. An FAQ entry wins over it only when it matches very closely (score >= FAQ_OVER_OWN_ANSWER) AND
   the entry itself answers that kind of question (its own example questions classify as the same
   intent): "ขออนุญาตสร้างบ้านใช้เวลากี่วัน" gets the FAQ on the legal deadline and its extensions,
   but "เบี้ยคนพิการต้องใช้เอกสารอะไรบ้าง" gets the document checklist, not the registration FAQ that
   happens to score well because it names the same service.
3. Any other intent: a confident FAQ match (score >= FAQ_MIN_SCORE) answers, before the general
   service card (see the REGISTRY order in dialogs/__init__.py).
The fallback dialog uses `faq_reply` too.
"""

from __future__ import annotations

from collections import Counter

from bot.runtime.context import TurnContext
from bot.runtime.postback import postback
from bot.runtime.replies import Choice, Text, pick
from dialogs.base import Dialog, NoData, Transition
from dialogs.cards import follow_ups, understood
from knowledge.schema import FaqEntry

_FAQ_INTENTS: dict[tuple[str, str], str] = {}  # (knowledge version, FAQ id) -> intent
FAQ_MIN_SCORE = 0.6
FAQ_OVER_OWN_ANSWER = 0.8  # intents whose own dialog answers for the citizen's service
OWN_ANSWER_INTENTS = frozenset({"documents", "fees", "duration"})


def faq_entry(ctx: TurnContext, faq_id: str | None) -> FaqEntry | None:
    return next((e for e in ctx.knowledge.faq if e.id == faq_id), None) if faq_id else None


def faq_intent(ctx: TurnContext, entry: FaqEntry) -> str:
    """The kind of question an FAQ entry answers: the intent most of its example questions get."""
    key = (ctx.knowledge.version, entry.id)
    if key not in _FAQ_INTENTS:
        votes = Counter(ctx.services.nlu.parse(q).intent for q in entry.questions)
        _FAQ_INTENTS[key] = votes.most_common(1)[0][0]
    return _FAQ_INTENTS[key]


def confident_faq(ctx: TurnContext, min_score: float = FAQ_MIN_SCORE) -> FaqEntry | None:
    """The FAQ entry the NLU matched for this text, when it should answer (precedence above)."""
    nlu = ctx.nlu
    if nlu is None:
        return None
    score = float(getattr(nlu, "faq_score", 0.0) or 0.0)
    own_answer = nlu.intent in OWN_ANSWER_INTENTS
    needed = max(min_score, FAQ_OVER_OWN_ANSWER if own_answer else min_score)
    entry = faq_entry(ctx, getattr(nlu, "faq_id", None)) if score >= needed else None
    if entry is not None and own_answer and faq_intent(ctx, entry) != nlu.intent:
        return None  # the intent's own dialog is more specific than an FAQ about the same service
    return entry


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
