"""Messages that are not Thai words: English questions and emoji on their own.

- An emoji-only message (👍, 😊😊) outside a question gets a friendly prompt and the menu, not
  "I cannot answer this yet".
- An English message about a known service or topic gets the Thai answer with one short English
  line on top (`with_english_note`, called by the dispatcher); an English message the NLU cannot
  place gets an honest "I answer in Thai" and the menu.
A question the bot has just asked (a slot) still gets the first chance at either message.
"""

from __future__ import annotations

import unicodedata

from bot.runtime.context import TurnContext
from bot.runtime.replies import Reply, Text
from dialogs.base import Dialog, NoData, Transition
from dialogs.cards import understood
from dialogs.menu import menu_choices

MIN_ENGLISH_LETTERS = 3
ENGLISH_SHARE = 0.8  # of the letters; "ภาษีป้าย how much" stays Thai



def is_emoji_only(text: str) -> bool:
    stripped = "".join(ch for ch in text if not ch.isspace())
    if not stripped:
        return False
    if any(unicodedata.category(ch)[0] in {"L", "N"} for ch in stripped):
        return False
    return any(unicodedata.category(ch) == "So" for ch in stripped)


def is_english(text: str) -> bool:
    letters = [ch for ch in text if unicodedata.category(ch).startswith("L")]
    latin = [ch for ch in letters if ch.isascii()]
    return len(latin) >= MIN_ENGLISH_LETTERS and len(latin) >= ENGLISH_SHARE * len(letters)


def _unknown(ctx: TurnContext) -> bool:
    return ctx.nlu is None or ctx.nlu.intent == "unknown"


def wants(ctx: TurnContext) -> bool:
    text = ctx.text or ""
    if ctx.postback is not None or not text:
        return False
    return is_emoji_only(text) or (is_english(text) and _unknown(ctx))


async def start(ctx: TurnContext, data: NoData) -> Transition:
    understood(ctx)
    key = "lang.emoji" if is_emoji_only(ctx.text or "") else "lang.english_unknown"
    return Transition([Text(text=ctx.msg(key), choices=menu_choices(ctx))])


def with_english_note(ctx: TurnContext, replies: list[Reply], *, in_flow: bool = False) -> list[Reply]:
    """The Thai answer to an English question, with one English line on top."""
    text = ctx.text or ""
    if not replies or ctx.postback is not None or not is_english(text) or _unknown(ctx):
        return replies
    if in_flow:
        return replies  # inside a flow the English words answered its question (a name, an e-mail)
    service = ctx.knowledge.services.get(ctx.nlu.service or "") if ctx.nlu is not None else None
    name = service.short_name if service is not None else ctx.knowledge.office.short_name
    note = Text(text=ctx.msg("lang.english_known", service=name))
    return [note, *replies] if len(replies) < 5 else replies  # LINE sends at most 5 messages


DIALOG: Dialog[NoData] = Dialog(name="language", start=start, matcher=wants)
