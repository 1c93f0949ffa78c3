"""The default answer when no dialog takes the turn."""

from __future__ import annotations

from pydantic import BaseModel

from bot.context import TurnContext
from bot.events import EventKind
from bot.replies import Text
from dialogs.base import Dialog, Transition
from dialogs.menu import menu_choices


class Data(BaseModel):
    pass


async def start(ctx: TurnContext, data: Data) -> Transition:
    if ctx.event.kind not in {EventKind.text, EventKind.postback}:
        return Transition([Text(text=ctx.msg("non_text.reply"), choices=menu_choices(ctx))])
    ctx.session.misses += 1
    return Transition([Text(text=ctx.msg("fallback.not_understood"), choices=menu_choices(ctx))])


DIALOG: Dialog[Data] = Dialog(name="fallback", data_type=Data, start=start)
