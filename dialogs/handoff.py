"""Talk to a person: works from any state (a global interrupt).

Until the officers' console exists, the request is acknowledged and the chat
stays with the bot; the reply gives the office phone for urgent matters.
"""

from __future__ import annotations

from bot.runtime.context import TurnContext
from bot.runtime.replies import Text
from dialogs.base import Dialog, NoData, Transition
from dialogs.menu import menu_choices

HANDOFF_MIN_CONFIDENCE = 0.6


def wants_person(ctx: TurnContext) -> bool:
    return ctx.nlu is not None and ctx.nlu.intent == "handoff" and ctx.nlu.confidence >= HANDOFF_MIN_CONFIDENCE


async def start(ctx: TurnContext, data: NoData) -> Transition:
    ctx.session.misses = 0
    return Transition([Text(text=ctx.msg("handoff.requested"), choices=menu_choices(ctx))])


DIALOG: Dialog[NoData] = Dialog(
    name="handoff", start=start, postbacks=frozenset({"handoff"}), matcher=wants_person
)
