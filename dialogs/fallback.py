"""The default answer when no dialog takes the turn (dispatcher step 6).

In order: a sticker, photo or file nobody asked for gets the polite non-text reply; a stale
button gets the menu; an FAQ the NLU matched confidently is answered; otherwise the turn is
a miss: the question is recorded for staff (UnknownQuestion, personal numbers masked), and
the citizen gets "หมายถึงเรื่องนี้ไหมคะ" with the NLU's best guesses, or, from the second
miss in a row, the offer of a person and the office phone.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from bot.nlu.normalise import clean, normalise
from bot.runtime.context import TurnContext
from bot.runtime.postback import postback
from bot.runtime.replies import Choice, Text, pick
from bot.transport.events import EventKind
from core.intents import INTENTS
from core.masking import mask_digits, mask_for_storage
from dialogs.base import Dialog, NoData, Transition
from dialogs.cards import alternatives, service_label
from dialogs.faq import confident_faq, faq_reply
from dialogs.menu import menu_choices

log = logging.getLogger(__name__)

MISSES_BEFORE_PERSON = 2
CONFIDENT = 0.6  # an intent this sure was understood, even when no dialog answers it yet
SUGGEST_MIN_SCORE = 0.2  # an NLU runner-up intent worth offering
MAX_SUGGESTIONS = 3
LONG_NUMBER = re.compile(r"\d(?:[\d\- ]{7,})\d")  # 9+ digits: an ID or phone the NLU did not tag
# intents offered as "did you mean", with their label (a dialog must take the intent too)
SUGGESTIBLE = ("list_services", "documents", "fees", "duration", "office_hours", "apply", "status",
               "complaint", "portal_help", "handoff")


def _handled_intents() -> set[str]:
    from dialogs import GLOBAL_INTERRUPTS, REGISTRY  # the registry imports this module

    return {i for d in (*GLOBAL_INTERRUPTS, *REGISTRY) for i in (*d.intents, *d.postbacks)}


def suggestions(ctx: TurnContext) -> list[Choice]:
    """The NLU's runner-up readings as buttons: services first, then intents a dialog answers."""
    choices = [pick(service_label(ctx, s), postback("service_info", s=s.id)) for s in alternatives(ctx)]
    handled = _handled_intents()
    ranked: Any = getattr(getattr(ctx.nlu, "alternatives", None), "intents", ()) or ()
    for scored in ranked:
        if scored.score >= SUGGEST_MIN_SCORE and scored.label in SUGGESTIBLE and scored.label in handled:
            choices.append(pick(ctx.msg(f"fallback.intent.{scored.label}"), postback(scored.label)))
    return choices[:MAX_SUGGESTIONS]


def private_text(ctx: TurnContext) -> str:
    """The message as typed (cleaned), national IDs and phone numbers masked."""
    text = clean(ctx.text)
    entities = getattr(ctx.nlu, "entities", None)
    private = [*getattr(entities, "national_ids", ()), *getattr(entities, "phones", ())]
    for entity in sorted(private, key=lambda e: e.start, reverse=True):  # spans are on the cleaned text
        text = text[: entity.start] + entity.masked + text[entity.end :]
    # then every 4-8 digit code too: an OTP typed after its flow ended must not be stored (issue 15)
    return mask_for_storage(LONG_NUMBER.sub(lambda match: mask_digits(match.group(0)), text))


async def remember(ctx: TurnContext) -> None:
    """Count the question for staff; a database problem never costs the citizen an answer."""
    text = private_text(ctx)
    if not text:
        return
    try:
        await ctx.ports.unknown_questions.record(normalise(text) or text, text, ctx.services.clock())
    except Exception:  # the reply matters more than the statistics
        log.exception("could not record an unknown question")


def not_available(ctx: TurnContext) -> Transition:
    """Understood, but not something the chat can do (yet): the phone and a person, no miss."""
    choices = [pick(ctx.msg("fallback.button.person"), postback("handoff")),
               pick(ctx.msg("cards.next.menu"), postback("menu"))]
    return Transition([Text(text=ctx.msg("fallback.not_available"), choices=choices)])


def offer_person(ctx: TurnContext) -> Transition:
    choices = [pick(ctx.msg("fallback.button.person"), postback("handoff", r="misses")),
               pick(ctx.msg("cards.next.services"), postback("list_services")),
               pick(ctx.msg("cards.next.menu"), postback("menu"))]
    return Transition([Text(text=ctx.msg("fallback.offer_person"), choices=choices)])


async def start(ctx: TurnContext, data: NoData) -> Transition:
    kind = ctx.event.kind
    if kind not in {EventKind.text, EventKind.postback}:
        return Transition([Text(text=ctx.msg("non_text.reply"), choices=menu_choices(ctx))])
    if kind is EventKind.postback or not ctx.text:
        action = ctx.postback.action if ctx.postback is not None else ""
        if action in INTENTS and action not in _handled_intents():  # a menu button with no dialog yet
            return not_available(ctx)
        return Transition([Text(text=ctx.msg("fallback.stale_button"), choices=menu_choices(ctx))])
    entry = confident_faq(ctx)
    if entry is not None:
        return faq_reply(ctx, entry)
    nlu = ctx.nlu
    if nlu is not None and nlu.intent != "unknown" and nlu.confidence >= CONFIDENT:
        ctx.session.misses = 0
        await remember(ctx)  # staff see what citizens ask the chat to do
        return not_available(ctx)
    ctx.session.misses += 1
    await remember(ctx)
    if ctx.session.misses >= MISSES_BEFORE_PERSON:
        return offer_person(ctx)
    guesses = suggestions(ctx)
    if guesses:
        guesses.append(pick(ctx.msg("fallback.button.none"), postback("menu")))
        return Transition([Text(text=ctx.msg("fallback.did_you_mean"), choices=guesses)])
    return Transition([Text(text=ctx.msg("fallback.not_understood"), choices=menu_choices(ctx))])


DIALOG: Dialog[NoData] = Dialog(name="fallback", start=start)
