"""Cancel: leaves any flow at any point (a global interrupt)."""

from __future__ import annotations

from pydantic import BaseModel

from bot.context import TurnContext
from bot.replies import Text
from dialogs.base import Dialog, Transition
from dialogs.menu import menu_choices

# Exact words that always cancel, even if the NLU is unsure about a one-word message.
CANCEL_WORDS = frozenset({"ยกเลิก", "ยกเลิกค่ะ", "ยกเลิกครับ", "cancel", "หยุด", "ออก", "พอแล้ว"})
CANCEL_MIN_CONFIDENCE = 0.6


class Data(BaseModel):
    pass


def wants_cancel(ctx: TurnContext) -> bool:
    if ctx.text.lower() in CANCEL_WORDS:
        return True
    return ctx.nlu is not None and ctx.nlu.intent == "cancel" and ctx.nlu.confidence >= CANCEL_MIN_CONFIDENCE


async def start(ctx: TurnContext, data: Data) -> Transition:
    had_flow = ctx.session.dialog is not None
    ctx.session.end_dialog()
    key = "cancel.done" if had_flow else "cancel.nothing"
    return Transition([Text(text=ctx.msg(key), choices=menu_choices(ctx))])


DIALOG: Dialog[Data] = Dialog(
    name="cancel", data_type=Data, start=start, postbacks=frozenset({"cancel"}), matcher=wants_cancel
)
