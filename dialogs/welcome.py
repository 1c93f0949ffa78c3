"""A new friend (follow event): greet and show the menu."""

from __future__ import annotations

from bot.runtime.context import TurnContext
from bot.runtime.replies import Text
from dialogs.base import Dialog, NoData, Transition
from dialogs.menu import menu_choices


async def start(ctx: TurnContext, data: NoData) -> Transition:
    ctx.session.end_dialog()  # a re-follow starts afresh
    ctx.session.handoff = False
    return Transition([Text(text=ctx.msg("greeting.follow"), choices=menu_choices(ctx))])


DIALOG: Dialog[NoData] = Dialog(name="welcome", start=start)
