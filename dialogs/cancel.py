"""Cancel: leaves any flow at any point (a global interrupt)."""

from __future__ import annotations

from bot.runtime.context import TurnContext
from bot.runtime.replies import Text
from dialogs.base import Dialog, NoData, Transition
from dialogs.menu import menu_choices

# Exact words that always cancel, even if the NLU is unsure about a one-word message.
CANCEL_WORDS = frozenset({"ยกเลิก", "ยกเลิกค่ะ", "ยกเลิกครับ", "cancel", "หยุด", "ออก", "พอแล้ว"})
CANCEL_MIN_CONFIDENCE = 0.6


# Inside a flow only an explicit cancel word interrupts: a short "ไม่" / "ไม่ต้อง" answers the
# question being asked, and "ยกเลิกการแจ้งเตือน" is about reminders, not about leaving the flow.
EXPLICIT_CANCEL = ("ยกเลิก", "cancel")
NOT_A_CANCEL = ("เตือน",)


def wants_cancel(ctx: TurnContext) -> bool:
    text = ctx.text.lower()
    if text in CANCEL_WORDS:
        return True
    if any(word in text for word in NOT_A_CANCEL):
        return False
    if ctx.session.dialog is not None:
        return any(word in text for word in EXPLICIT_CANCEL)
    return ctx.nlu is not None and ctx.nlu.intent == "cancel" and ctx.nlu.confidence >= CANCEL_MIN_CONFIDENCE


async def start(ctx: TurnContext, data: NoData) -> Transition:
    flow = ctx.session.dialog
    draft_saved = ctx.session.data.get("application_id") is not None  # no draft before consent
    ctx.session.end_dialog()
    # an application is saved as a draft at every step after consent: say so, and how to come back
    if flow == "application":
        key = "cancel.draft_kept" if draft_saved else "cancel.nothing_saved"
    else:
        key = "cancel.done" if flow else "cancel.nothing"
    return Transition([Text(text=ctx.msg(key), choices=menu_choices(ctx))])


DIALOG: Dialog[NoData] = Dialog(
    name="cancel", start=start, postbacks=frozenset({"cancel"}), matcher=wants_cancel
)
